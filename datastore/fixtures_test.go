package datastore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

type wantTask struct {
	path  string   // step/task
	state string   // "<status> attempts=N[ fe=<index>:<var>=<value>]"
	cards []string // "<stem>@<attempt> <html token>/<data token> final=<bool>" ("-" = none)
}

type wantRun struct {
	flow, id, status, user string
	tags                   []string
	tasks                  []wantTask
}

type fixtureCase struct {
	name string
	runs []wantRun
}

// TestFixtures checks every fixture datastore (testdata/metaflow) against values
// read off the files by hand and by the rules of docs/format.md §6 and §15
// (status from the latest N.attempt.json, N.DONE.lock and attempt_ok; card
// attempts from card-info, or for 2.11/2.12 by the worked example of
// docs/format.md §8; final = HTML token and data token both final, or a
// static card with no token). Foreach positions of 2.11 and 2.12, which
// record no foreach-stack metadata, are what Metaflow's client gives from
// the pickled _foreach_stack (Task.index, and the foreach variable's item
// as FlowSpec.input), read with Python's pickle.
func TestFixtures(t *testing.T) {
	for _, fc := range fixtureWant {
		t.Run(fc.name, func(t *testing.T) {
			root := copyFixture(t, fc.name)
			ix := openIndex(t, root, Options{})
			ctx := context.Background()
			if err := ix.LoadAll(ctx); err != nil {
				t.Fatal(err)
			}
			nruns := 0
			for _, f := range ix.Flows() {
				nruns += f.Runs
				if f.Err != "" {
					t.Errorf("flow %s: %s", f.Name, f.Err)
				}
			}
			if nruns != len(fc.runs) {
				t.Errorf("runs = %d, want %d", nruns, len(fc.runs))
			}
			for _, wr := range fc.runs {
				runs, err := ix.Runs(wr.flow)
				if err != nil {
					t.Fatal(err)
				}
				idx := slices.IndexFunc(runs, func(r Run) bool { return r.ID == wr.id })
				if idx < 0 {
					t.Fatalf("run %s/%s not listed", wr.flow, wr.id)
				}
				r := runs[idx]
				if string(r.Status) != wr.status || r.User != wr.user || !slices.Equal(r.Tags, wr.tags) {
					t.Errorf("run %s: status=%s user=%s tags=%v, want %s %s %v", wr.id, r.Status, r.User, r.Tags, wr.status, wr.user, wr.tags)
				}
				if !r.Loaded || r.Started.IsZero() {
					t.Errorf("run %s: loaded=%v started=%v", wr.id, r.Loaded, r.Started)
				}
				d, err := ix.Run(ctx, wr.flow, wr.id)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]wantTask{}
				total := 0
				for _, st := range d.Steps {
					total += st.Counts.Total
					for _, tk := range st.Tasks {
						state := fmt.Sprintf("%s attempts=%d", tk.Status, len(tk.Attempts))
						if tk.ForeachVar != "" {
							state += fmt.Sprintf(" fe=%d:%s=%s", tk.ForeachIndex, tk.ForeachVar, tk.ForeachValue)
						}
						var cs []string
						for _, c := range tk.Cards {
							dt := "-"
							if c.Data != nil {
								dt = c.Data.Token
							}
							tok := c.Token
							if tok == "" {
								tok = "-"
							}
							cs = append(cs, fmt.Sprintf("%s@%d %s/%s final=%v", c.Name(), c.Attempt, tok, dt, c.Final))
							if c.Err != "" {
								t.Errorf("card %s: %s", c.Name(), c.Err)
							}
						}
						got[st.Name+"/"+tk.ID] = wantTask{state: state, cards: cs}
					}
				}
				if total != len(wr.tasks) || d.Counts.Total != len(wr.tasks) {
					t.Errorf("run %s: %d tasks (counts %d), want %d", wr.id, total, d.Counts.Total, len(wr.tasks))
				}
				for _, wt := range wr.tasks {
					g, ok := got[wt.path]
					if !ok {
						t.Errorf("task %s missing", wt.path)
						continue
					}
					if g.state != wt.state {
						t.Errorf("task %s: %q, want %q", wt.path, g.state, wt.state)
					}
					sort.Strings(g.cards)
					want := append([]string(nil), wt.cards...)
					sort.Strings(want)
					if strings.Join(g.cards, "\n") != strings.Join(want, "\n") {
						t.Errorf("task %s cards:\n got %v\nwant %v", wt.path, g.cards, want)
					}
				}
			}
		})
	}
}

var fixtureWant = []fixtureCase{
	{name: "components", runs: []wantRun{
		{flow: "ComponentsFlow", id: "1795642631175149", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/2", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{"blank-78fb8c46b8da437bafe8366efda75be3@0 final/final final=true", "blank-components-91799b4963d445a18b97e8f05e7c04cb@0 final/final final=true", "default-extra-5f6bd3ccd50947c3ad4feaaa4a693700@0 final/final final=true"}},
		}},
	}},
	{name: "default", runs: []wantRun{
		{flow: "DefaultCardFlow", id: "1795642620378112", status: "succeeded", user: "tester", tags: []string{"corpus", "added_later", "team:ml"}, tasks: []wantTask{
			{"branch_a/2", "succeeded attempts=1", []string{"default-725ab56fc8424c619262d674b71c3990@0 final/final final=true"}},
			{"branch_b/3", "succeeded attempts=1", []string{}},
			{"end/5", "succeeded attempts=1", []string{"taskspec_card-f307758a66ce48c281b4889fe5def868@0 -/- final=true"}},
			{"join/4", "succeeded attempts=1", []string{"default-13867091003241538f9c5f7f89235d86@0 final/final final=true", "default_json-0d26848f27d1483c8864338ae7fb64ab@0 -/- final=true"}},
			{"start/1", "succeeded attempts=1", []string{"default-51d73f4799664dd88288a08869a832c3@0 final/final final=true"}},
		}},
		{flow: "DefaultCardFlow", id: "1795642625513910", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"branch_a/2", "succeeded attempts=1", []string{"default-1e579c64019245ebbf71657fad7c2391@0 final/final final=true"}},
			{"branch_b/3", "succeeded attempts=1", []string{}},
			{"end/5", "succeeded attempts=1", []string{"taskspec_card-ac50314f726a409894563515f2457159@0 -/- final=true"}},
			{"join/4", "succeeded attempts=1", []string{"default-ba4aed47bc194e6698748627a9ed1eea@0 final/final final=true", "default_json-587ff9375a0045edbecc38543586daa6@0 -/- final=true"}},
			{"start/1", "succeeded attempts=1", []string{"default-d8d32a42e84643f0b087879b2ee5d728@0 final/final final=true"}},
		}},
	}},
	{name: "failing", runs: []wantRun{
		{flow: "FailingFlow", id: "1795642652721113", status: "failed", user: "tester", tags: []string{}, tasks: []wantTask{
			{"start/1", "succeeded attempts=1", []string{}},
			{"work/2", "failed attempts=1", []string{"blank-live-892b9394b7ff45cab05d7c0080abd629@0 runtime-1795642653.4474812/runtime-1795642653.4474812 final=false"}},
		}},
	}},
	{name: "foreach", runs: []wantRun{
		{flow: "ForeachFlow", id: "1795642634789065", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/23", "succeeded attempts=1", []string{}},
			{"join/22", "succeeded attempts=1", []string{"default-088464ce7a27459b90f095a239c6cab7@0 final/final final=true"}},
			{"process/2", "succeeded attempts=1 fe=0:items=item_000", []string{"blank-99c728330f5f4726a38d90434299973f@0 final/final final=true"}},
			{"process/3", "succeeded attempts=1 fe=1:items=item_001", []string{"blank-8f629fba7eb4432da569890717913a0b@0 final/final final=true"}},
			{"process/4", "succeeded attempts=1 fe=2:items=item_002", []string{"blank-de821dd1b51a49cea8db4a31a1cf88af@0 final/final final=true"}},
			{"process/5", "succeeded attempts=1 fe=3:items=item_003", []string{"blank-49287a849dc04ee793a6a243ef5c2f77@0 final/final final=true"}},
			{"process/6", "succeeded attempts=1 fe=4:items=item_004", []string{"blank-ca4d4b7ce41940e89702ac6c3c42f198@0 final/final final=true"}},
			{"process/7", "succeeded attempts=1 fe=5:items=item_005", []string{"blank-c13c984f4b1547458b35b5e73a8cd9cf@0 final/final final=true"}},
			{"process/8", "succeeded attempts=1 fe=6:items=item_006", []string{"blank-7da5515f52f7483b8a4e29b12cea431c@0 final/final final=true"}},
			{"process/9", "succeeded attempts=1 fe=7:items=item_007", []string{"blank-9d39d0ab70dc4182a5cd79d9f1110aa2@0 final/final final=true"}},
			{"process/10", "succeeded attempts=1 fe=8:items=item_008", []string{"blank-53df44d082e64623814c20c7191b80c8@0 final/final final=true"}},
			{"process/11", "succeeded attempts=1 fe=9:items=item_009", []string{"blank-c4a067f193d1452ab8ec83b4a42b3f47@0 final/final final=true"}},
			{"process/12", "succeeded attempts=1 fe=10:items=item_010", []string{"blank-f4504a52b5e240218fda616cd8d45403@0 final/final final=true"}},
			{"process/13", "succeeded attempts=1 fe=11:items=item_011", []string{"blank-293680ecdc5042b09607fd93fb7e788f@0 final/final final=true"}},
			{"process/14", "succeeded attempts=1 fe=12:items=item_012", []string{"blank-b0ec7cd416d046a3930d70b3874e14c0@0 final/final final=true"}},
			{"process/15", "succeeded attempts=1 fe=13:items=item_013", []string{"blank-a83365d74252475d94f29467b171518c@0 final/final final=true"}},
			{"process/16", "succeeded attempts=1 fe=14:items=item_014", []string{"blank-f2aa9c84129644cda6f295a89e04278b@0 final/final final=true"}},
			{"process/17", "succeeded attempts=1 fe=15:items=item_015", []string{"blank-08aa99ef3457403395ea7ed9bc7ed684@0 final/final final=true"}},
			{"process/18", "succeeded attempts=1 fe=16:items=item_016", []string{"blank-52ffa6142ab7402e9bb556086080d847@0 final/final final=true"}},
			{"process/19", "succeeded attempts=1 fe=17:items=item_017", []string{"blank-faf3806296e6446296ea48340460dc1f@0 final/final final=true"}},
			{"process/20", "succeeded attempts=1 fe=18:items=item_018", []string{"blank-502d331c01424a54bcfb7bb4dc868bde@0 final/final final=true"}},
			{"process/21", "succeeded attempts=1 fe=19:items=item_019", []string{"blank-717d6d2b27ae4340a11ba57f11f3ccf0@0 final/final final=true"}},
			{"start/1", "succeeded attempts=1", []string{}},
		}},
	}},
	{name: "hostile", runs: []wantRun{
		{flow: "HostileFlow", id: "1795642761955764", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/2", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{"blank-hostile_native-b908490ce3d943db9d8d253363ed06e4@0 final/final final=true", "html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783@0 final/- final=true"}},
		}},
	}},
	{name: "live", runs: []wantRun{
		{flow: "LiveCardFlow", id: "1795642679591111", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/3", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{}},
			{"train/2", "succeeded attempts=1", []string{"blank-live-c79b8e3a1d2744138aa4ac35afe06da8@0 final/final final=true", "corpus_always-custom-b2142f64982849418bf6be3b5c058beb@0 final/final final=true", "default-dc79bbb6a76e45af9487f7eec4ca4c46@0 final/final final=true"}},
		}},
	}},
	{name: "live_midrun", runs: []wantRun{
		{flow: "LiveCardFlow", id: "1795642679591111", status: "running", user: "tester", tags: []string{}, tasks: []wantTask{
			{"start/1", "succeeded attempts=1", []string{}},
			{"train/2", "running attempts=1", []string{"blank-live-c79b8e3a1d2744138aa4ac35afe06da8@0 runtime-1795642690.863389/runtime-1795642690.863389 final=false", "corpus_always-custom-b2142f64982849418bf6be3b5c058beb@0 render-seq-1/render-seq-1 final=false", "default-dc79bbb6a76e45af9487f7eec4ca4c46@0 runtime-1795642680.3227794/runtime-1795642680.3227794 final=false"}},
		}},
	}},
	{name: "retry", runs: []wantRun{
		{flow: "RetryFlow", id: "1795642659547529", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/3", "succeeded attempts=1", []string{}},
			{"flaky/2", "succeeded attempts=2", []string{"blank-11eff6c96fbc416e93bcde1faf6b9ef2@0 runtime-1795642660.2933805/- final=false", "blank-197883453d264dc9b573b75a56087447@1 final/final final=true"}},
			{"start/1", "succeeded attempts=1", []string{}},
		}},
	}},
	{name: "older-2.11.0/components", runs: []wantRun{
		{flow: "ComponentsFlow", id: "1795644063424817", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/2", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{"blank-98b07726836c41d7b7f1cc8875fb4413@0 final/final final=true", "blank-components-660baf0fd6f94ce8822d1eb6510ddc57@0 final/final final=true", "default-extra-d45d5b5d8ae34a91b6c8556731e96b57@0 final/final final=true"}},
		}},
	}},
	{name: "older-2.11.0/default", runs: []wantRun{
		{flow: "DefaultCardFlow", id: "1795644053426934", status: "succeeded", user: "tester", tags: []string{"corpus", "team:ml", "added_later"}, tasks: []wantTask{
			{"branch_a/2", "succeeded attempts=1", []string{"default-da4e785d77a449aeb204e910eeb38766@0 final/final final=true"}},
			{"branch_b/3", "succeeded attempts=1", []string{}},
			{"end/5", "succeeded attempts=1", []string{"taskspec_card-2bc4e7c5a103467cae0d46e4dfaf9146@0 -/- final=true"}},
			{"join/4", "succeeded attempts=1", []string{"default-3b8382970eb643f0bee3aefd6e6b2848@0 final/final final=true", "default_json-a02298caa8584eb48c4cdad95df2d126@0 -/- final=true"}},
			{"start/1", "succeeded attempts=1", []string{"default-ac1956606a1e47858ce7a1ee71890469@0 final/final final=true"}},
		}},
		{flow: "DefaultCardFlow", id: "1795644058262930", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"branch_a/2", "succeeded attempts=1", []string{"default-3ac20a3f8a904c35bdbeb040b879d56d@0 final/final final=true"}},
			{"branch_b/3", "succeeded attempts=1", []string{}},
			{"end/5", "succeeded attempts=1", []string{"taskspec_card-c6c887607cd44170960cce065e10ee73@0 -/- final=true"}},
			{"join/4", "succeeded attempts=1", []string{"default-266dc64667564b74bea9d6d7592311b7@0 final/final final=true", "default_json-fc273dcdc65b40b4bf97bc2d996e6343@0 -/- final=true"}},
			{"start/1", "succeeded attempts=1", []string{"default-804aa4970910414ebbf875bb8bd05408@0 final/final final=true"}},
		}},
	}},
	{name: "older-2.11.0/failing", runs: []wantRun{
		{flow: "FailingFlow", id: "1795644075374843", status: "failed", user: "tester", tags: []string{}, tasks: []wantTask{
			{"start/1", "succeeded attempts=1", []string{}},
			{"work/2", "failed attempts=1", []string{"blank-live-1ebc6f2f65994a109c3a155ca742ce1b@0 runtime-1795644076.0692446/runtime-1795644076.0692446 final=false"}},
		}},
	}},
	{name: "older-2.11.0/foreach", runs: []wantRun{
		{flow: "ForeachFlow", id: "1795644067561622", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/8", "succeeded attempts=1", []string{}},
			{"join/7", "succeeded attempts=1", []string{"default-bd0c4e4b37f444d39f332703f726a66e@0 final/final final=true"}},
			{"process/2", "succeeded attempts=1 fe=0:items=item_000", []string{"blank-0b16bb574ce94b6790f991c7795b4fc7@0 final/final final=true"}},
			{"process/3", "succeeded attempts=1 fe=1:items=item_001", []string{"blank-271e895c93824079ab8f544aebe0fdc5@0 final/final final=true"}},
			{"process/4", "succeeded attempts=1 fe=2:items=item_002", []string{"blank-2459b22a92584afabaf578538980b89c@0 final/final final=true"}},
			{"process/5", "succeeded attempts=1 fe=3:items=item_003", []string{"blank-c970c48598e641e9ae3736f3e1e2da26@0 final/final final=true"}},
			{"process/6", "succeeded attempts=1 fe=4:items=item_004", []string{"blank-108f56e57ca346c2ae53fc87a54c2ab6@0 final/final final=true"}},
			{"start/1", "succeeded attempts=1", []string{}},
		}},
	}},
	{name: "older-2.11.0/live", runs: []wantRun{
		{flow: "LiveCardFlow", id: "1795644106133677", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/3", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{}},
			{"train/2", "succeeded attempts=1", []string{"blank-live-c5ca555f724e4491ab69fd94b804961f@0 final/final final=true", "corpus_always-custom-f536d5c02f7c4698a719615ce1647a6e@0 final/final final=true", "default-c7a2848760d147978a083dad562a3842@0 final/final final=true"}},
		}},
	}},
	{name: "older-2.11.0/live_midrun", runs: []wantRun{
		{flow: "LiveCardFlow", id: "1795644106133677", status: "running", user: "tester", tags: []string{}, tasks: []wantTask{
			{"start/1", "succeeded attempts=1", []string{}},
			{"train/2", "running attempts=1", []string{"blank-live-c5ca555f724e4491ab69fd94b804961f@0 runtime-1795644117.3592765/runtime-1795644117.3592765 final=false", "corpus_always-custom-f536d5c02f7c4698a719615ce1647a6e@0 render-seq-1/render-seq-1 final=false", "default-c7a2848760d147978a083dad562a3842@0 runtime-1795644106.809733/runtime-1795644106.809733 final=false"}},
		}},
	}},
	{name: "older-2.11.0/retry", runs: []wantRun{
		{flow: "RetryFlow", id: "1795644082221861", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/3", "succeeded attempts=1", []string{}},
			{"flaky/2", "succeeded attempts=2", []string{"blank-449bb8de8ab14668a151f399a0d79676@1 final/final final=true", "blank-a4e361b0197b4075873dac5337e58f9a@0 runtime-1795644082.8848662/- final=false"}},
			{"start/1", "succeeded attempts=1", []string{}},
		}},
	}},
	{name: "older-2.12.39/components", runs: []wantRun{
		{flow: "ComponentsFlow", id: "1795644263508655", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/2", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{"blank-components-7cf757f788e6456e8dd3abb6d79d573d@0 final/final final=true", "blank-ea57ecaa436d479a932158fb5401ec45@0 final/final final=true", "default-extra-ffb0b2fa9978443396f7f27df8a1414d@0 final/final final=true"}},
		}},
	}},
	{name: "older-2.12.39/default", runs: []wantRun{
		{flow: "DefaultCardFlow", id: "1795644253298450", status: "succeeded", user: "tester", tags: []string{"team:ml", "corpus", "added_later"}, tasks: []wantTask{
			{"branch_a/2", "succeeded attempts=1", []string{"default-bb283b90ac924568bbe5e4ad24a3ad56@0 final/final final=true"}},
			{"branch_b/3", "succeeded attempts=1", []string{}},
			{"end/5", "succeeded attempts=1", []string{"taskspec_card-108e2708ee5a47458337bce2ed069ea4@0 -/- final=true"}},
			{"join/4", "succeeded attempts=1", []string{"default-a4018ea0fcc547bf841fdf652dbf659c@0 final/final final=true", "default_json-d07d9eee4e8c4e1087c9d61259787906@0 -/- final=true"}},
			{"start/1", "succeeded attempts=1", []string{"default-a981ce3f184a4d7dbf3c5d8556a1ae5d@0 final/final final=true"}},
		}},
		{flow: "DefaultCardFlow", id: "1795644258246180", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"branch_a/2", "succeeded attempts=1", []string{"default-881a95956ac44b0ab5e6e910b26e1948@0 final/final final=true"}},
			{"branch_b/3", "succeeded attempts=1", []string{}},
			{"end/5", "succeeded attempts=1", []string{"taskspec_card-366be844c7e247e6bf6306dbd03c005f@0 -/- final=true"}},
			{"join/4", "succeeded attempts=1", []string{"default-b15954ff660748058d4a44daf39cc023@0 final/final final=true", "default_json-10706d373ed0446ab10b06e6d282ff84@0 -/- final=true"}},
			{"start/1", "succeeded attempts=1", []string{"default-a9264c1fab3f4044b27cef4b1666cb37@0 final/final final=true"}},
		}},
	}},
	{name: "older-2.12.39/failing", runs: []wantRun{
		{flow: "FailingFlow", id: "1795644273697684", status: "failed", user: "tester", tags: []string{}, tasks: []wantTask{
			{"start/1", "succeeded attempts=1", []string{}},
			{"work/2", "failed attempts=1", []string{"blank-live-331028c6356b4532a43f36a7f62a5919@0 runtime-1795644274.3104496/runtime-1795644274.3104496 final=false"}},
		}},
	}},
	{name: "older-2.12.39/foreach", runs: []wantRun{
		{flow: "ForeachFlow", id: "1795644266937223", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/8", "succeeded attempts=1", []string{}},
			{"join/7", "succeeded attempts=1", []string{"default-b0067ba9970e440f938851b7fd3a48e9@0 final/final final=true"}},
			{"process/2", "succeeded attempts=1 fe=0:items=item_000", []string{"blank-96a7c36acc4a45f1925d32589fea565e@0 final/final final=true"}},
			{"process/3", "succeeded attempts=1 fe=1:items=item_001", []string{"blank-6652574bc8c64f5e8e455fd51e206071@0 final/final final=true"}},
			{"process/4", "succeeded attempts=1 fe=2:items=item_002", []string{"blank-62f01f9e23ac4f3ab0101fbbc868a835@0 final/final final=true"}},
			{"process/5", "succeeded attempts=1 fe=3:items=item_003", []string{"blank-3c7f7418ab034119b1122fffda88e191@0 final/final final=true"}},
			{"process/6", "succeeded attempts=1 fe=4:items=item_004", []string{"blank-00c4aa9fac3843038dd8cb9d19a91fdb@0 final/final final=true"}},
			{"start/1", "succeeded attempts=1", []string{}},
		}},
	}},
	{name: "older-2.12.39/live", runs: []wantRun{
		{flow: "LiveCardFlow", id: "1795644303389709", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/3", "succeeded attempts=1", []string{}},
			{"start/1", "succeeded attempts=1", []string{}},
			{"train/2", "succeeded attempts=1", []string{"blank-live-cf20edc96f354612b56fc6b5d7b741dd@0 final/final final=true", "corpus_always-custom-880f6556703f4b06a456b801c276326f@0 final/final final=true", "default-8e2bdd11337340af84652065ccb1d501@0 final/final final=true"}},
		}},
	}},
	{name: "older-2.12.39/live_midrun", runs: []wantRun{
		{flow: "LiveCardFlow", id: "1795644303389709", status: "running", user: "tester", tags: []string{}, tasks: []wantTask{
			{"start/1", "succeeded attempts=1", []string{}},
			{"train/2", "running attempts=1", []string{"blank-live-cf20edc96f354612b56fc6b5d7b741dd@0 runtime-1795644314.6981642/runtime-1795644314.6981642 final=false", "corpus_always-custom-880f6556703f4b06a456b801c276326f@0 render-seq-1/render-seq-1 final=false", "default-8e2bdd11337340af84652065ccb1d501@0 runtime-1795644304.138464/runtime-1795644304.138464 final=false"}},
		}},
	}},
	{name: "older-2.12.39/retry", runs: []wantRun{
		{flow: "RetryFlow", id: "1795644280471964", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/3", "succeeded attempts=1", []string{}},
			{"flaky/2", "succeeded attempts=2", []string{"blank-5a13d3b23cc6495492376d2a7be80abc@1 final/final final=true", "blank-d99b0128b8a54f858bcb95e1bd3b2e9d@0 runtime-1795644281.1404002/- final=false"}},
			{"start/1", "succeeded attempts=1", []string{}},
		}},
	}},
}
