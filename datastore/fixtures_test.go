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
	{name: "foreach100", runs: []wantRun{
		{flow: "ForeachFlow", id: "1796435008844960", status: "succeeded", user: "tester", tags: []string{}, tasks: []wantTask{
			{"end/103", "succeeded attempts=1", []string{}},
			{"join/102", "succeeded attempts=1", []string{"default-aba1a0a8b7864c759d9b3a261c37c8d3@0 final/final final=true"}},
			{"process/2", "succeeded attempts=1 fe=0:items=item_000", []string{"blank-29a030c0aa7044188f236205131c5ac5@0 final/final final=true"}},
			{"process/3", "succeeded attempts=1 fe=1:items=item_001", []string{"blank-a233c953780646b89058314973d756f1@0 final/final final=true"}},
			{"process/4", "succeeded attempts=1 fe=2:items=item_002", []string{"blank-cae0ddedd8124f839e6be9c036c9d0ce@0 final/final final=true"}},
			{"process/5", "succeeded attempts=1 fe=3:items=item_003", []string{"blank-344b83d237dc499fbe24b7e5444facf4@0 final/final final=true"}},
			{"process/6", "succeeded attempts=1 fe=4:items=item_004", []string{"blank-ba926568c41a439b87134d04ebc34dca@0 final/final final=true"}},
			{"process/7", "succeeded attempts=1 fe=5:items=item_005", []string{"blank-d02113e34a6746f68c1538f9befa2eed@0 final/final final=true"}},
			{"process/8", "succeeded attempts=1 fe=6:items=item_006", []string{"blank-bc7076b2aa3c40749f18f81593ed77e9@0 final/final final=true"}},
			{"process/9", "succeeded attempts=1 fe=7:items=item_007", []string{"blank-b059f35e738f450b8114f5e4456c937c@0 final/final final=true"}},
			{"process/10", "succeeded attempts=1 fe=8:items=item_008", []string{"blank-6be1f03d8f554c188a82c41777990a19@0 final/final final=true"}},
			{"process/11", "succeeded attempts=1 fe=9:items=item_009", []string{"blank-2899faa7f0bf4b3a9ed7a33e401b53f0@0 final/final final=true"}},
			{"process/12", "succeeded attempts=1 fe=10:items=item_010", []string{"blank-2cf880b0bfd74a54be1b56a5c7fd6367@0 final/final final=true"}},
			{"process/13", "succeeded attempts=1 fe=11:items=item_011", []string{"blank-e0386e74aaea4ce188ecc128fcdbc7e1@0 final/final final=true"}},
			{"process/14", "succeeded attempts=1 fe=12:items=item_012", []string{"blank-9402647faeaf4768ab2bc5667282e198@0 final/final final=true"}},
			{"process/15", "succeeded attempts=1 fe=13:items=item_013", []string{"blank-e2a8c219d561486696bb5a8a86a5a7bc@0 final/final final=true"}},
			{"process/16", "succeeded attempts=1 fe=14:items=item_014", []string{"blank-ce75d2834dfe4ce5a233cbfb5a32568f@0 final/final final=true"}},
			{"process/17", "succeeded attempts=1 fe=15:items=item_015", []string{"blank-7d09dd2474814c4ba6dae60c7e80aa8c@0 final/final final=true"}},
			{"process/18", "succeeded attempts=1 fe=16:items=item_016", []string{"blank-44798c0536fb4dbba8a975c0790c0493@0 final/final final=true"}},
			{"process/19", "succeeded attempts=1 fe=17:items=item_017", []string{"blank-ee0245e8bf5b4dcdb0502974c28a147a@0 final/final final=true"}},
			{"process/20", "succeeded attempts=1 fe=18:items=item_018", []string{"blank-a158be66a53d4de0b210c4998a098f78@0 final/final final=true"}},
			{"process/21", "succeeded attempts=1 fe=19:items=item_019", []string{"blank-f1bc18a65d754b13918eca1ad7a484c1@0 final/final final=true"}},
			{"process/22", "succeeded attempts=1 fe=20:items=item_020", []string{"blank-4475bc498d1c43bab38e623c1967a919@0 final/final final=true"}},
			{"process/23", "succeeded attempts=1 fe=21:items=item_021", []string{"blank-54ece739579c4a0ca948d733e43d7391@0 final/final final=true"}},
			{"process/24", "succeeded attempts=1 fe=22:items=item_022", []string{"blank-4128730332a84a62a65b21894ff3814d@0 final/final final=true"}},
			{"process/25", "succeeded attempts=1 fe=23:items=item_023", []string{"blank-958d5bc0ebbe4272858a40ae4b60ed53@0 final/final final=true"}},
			{"process/26", "succeeded attempts=1 fe=24:items=item_024", []string{"blank-eae7d94a095e4404b7515a9120e0321d@0 final/final final=true"}},
			{"process/27", "succeeded attempts=1 fe=25:items=item_025", []string{"blank-2cec8443c13847a48e6d3a56a6d0072f@0 final/final final=true"}},
			{"process/28", "succeeded attempts=1 fe=26:items=item_026", []string{"blank-7ca41ee801e64d5ea5ee1bdd22607f81@0 final/final final=true"}},
			{"process/29", "succeeded attempts=1 fe=27:items=item_027", []string{"blank-aac7c8ebdff14f6b827da95b8d1df909@0 final/final final=true"}},
			{"process/30", "succeeded attempts=1 fe=28:items=item_028", []string{"blank-c87df8c4edd24184a3a9a6b30aac5407@0 final/final final=true"}},
			{"process/31", "succeeded attempts=1 fe=29:items=item_029", []string{"blank-d688a8597fcd487882c4e07daaa11881@0 final/final final=true"}},
			{"process/32", "succeeded attempts=1 fe=30:items=item_030", []string{"blank-45fbf90e3f684ffb8e19f6fdf84afb64@0 final/final final=true"}},
			{"process/33", "succeeded attempts=1 fe=31:items=item_031", []string{"blank-13054528edb64d7b9d1def965e653c78@0 final/final final=true"}},
			{"process/34", "succeeded attempts=1 fe=32:items=item_032", []string{"blank-65f2c523e7874c9d8713604972e15b62@0 final/final final=true"}},
			{"process/35", "succeeded attempts=1 fe=33:items=item_033", []string{"blank-a3f942702bfa4b78896b7c3e8b5ac8bc@0 final/final final=true"}},
			{"process/36", "succeeded attempts=1 fe=34:items=item_034", []string{"blank-d577f5364c024684b73cf3d7f0a56049@0 final/final final=true"}},
			{"process/37", "succeeded attempts=1 fe=35:items=item_035", []string{"blank-15b7b14e1fcf48059019f21fa869c4e8@0 final/final final=true"}},
			{"process/38", "succeeded attempts=1 fe=36:items=item_036", []string{"blank-aa21f41b27654d268cff981392f127de@0 final/final final=true"}},
			{"process/39", "succeeded attempts=1 fe=37:items=item_037", []string{"blank-c67f6809caff4ac8ad2afa16a7705302@0 final/final final=true"}},
			{"process/40", "succeeded attempts=1 fe=38:items=item_038", []string{"blank-228be02299594e9694a0815b3761ffb7@0 final/final final=true"}},
			{"process/41", "succeeded attempts=1 fe=39:items=item_039", []string{"blank-7f3d814ea3ce453c81649c4bd456cc6f@0 final/final final=true"}},
			{"process/42", "succeeded attempts=1 fe=40:items=item_040", []string{"blank-338371afe9f2468da658e172c2e6ceb0@0 final/final final=true"}},
			{"process/43", "succeeded attempts=1 fe=41:items=item_041", []string{"blank-e075bf96432d4892b0af202918451d2b@0 final/final final=true"}},
			{"process/44", "succeeded attempts=1 fe=42:items=item_042", []string{"blank-33f0befcca5d47668b5d057c236fac9e@0 final/final final=true"}},
			{"process/45", "succeeded attempts=1 fe=43:items=item_043", []string{"blank-960cdbcea41b444aa0ca7cb0a97371ed@0 final/final final=true"}},
			{"process/46", "succeeded attempts=1 fe=44:items=item_044", []string{"blank-c8103993ff4a4058ac8af05db8fa6619@0 final/final final=true"}},
			{"process/47", "succeeded attempts=1 fe=45:items=item_045", []string{"blank-fde7e0cac0104131b5c01ed8fb2736b3@0 final/final final=true"}},
			{"process/48", "succeeded attempts=1 fe=46:items=item_046", []string{"blank-c1d4404ab3c741f49a56aa334712b91a@0 final/final final=true"}},
			{"process/49", "succeeded attempts=1 fe=47:items=item_047", []string{"blank-0132eafe03054555a1a5bbeb61d6b168@0 final/final final=true"}},
			{"process/50", "succeeded attempts=1 fe=48:items=item_048", []string{"blank-c54330ec99f243bd86548dbe822d652b@0 final/final final=true"}},
			{"process/51", "succeeded attempts=1 fe=49:items=item_049", []string{"blank-4a5012bbacaf4300817e29668a503a41@0 final/final final=true"}},
			{"process/52", "succeeded attempts=1 fe=50:items=item_050", []string{"blank-01be2c47b16e4c31a08e10cdcf556aa7@0 final/final final=true"}},
			{"process/53", "succeeded attempts=1 fe=51:items=item_051", []string{"blank-364a7443ccb74fbb93a21f27e0d84ebb@0 final/final final=true"}},
			{"process/54", "succeeded attempts=1 fe=52:items=item_052", []string{"blank-834841231a194ba18b26a1b2e29dd149@0 final/final final=true"}},
			{"process/55", "succeeded attempts=1 fe=53:items=item_053", []string{"blank-59836a0c1ab74e97b04efdadfa64ce8c@0 final/final final=true"}},
			{"process/56", "succeeded attempts=1 fe=54:items=item_054", []string{"blank-b47801a23e774aa19c52da0a8b9e3bb5@0 final/final final=true"}},
			{"process/57", "succeeded attempts=1 fe=55:items=item_055", []string{"blank-7b7c83828a304e4aac131deb55a619df@0 final/final final=true"}},
			{"process/58", "succeeded attempts=1 fe=56:items=item_056", []string{"blank-f4c8ffdc194e44319d64638b1fb86a18@0 final/final final=true"}},
			{"process/59", "succeeded attempts=1 fe=57:items=item_057", []string{"blank-cc1dffb554504158a0ddb77e303f13c7@0 final/final final=true"}},
			{"process/60", "succeeded attempts=1 fe=58:items=item_058", []string{"blank-a52bc1f5832b4390a3c72b33cdb4de54@0 final/final final=true"}},
			{"process/61", "succeeded attempts=1 fe=59:items=item_059", []string{"blank-b52dbc8d88fb46668d6bfbf8de9e4102@0 final/final final=true"}},
			{"process/62", "succeeded attempts=1 fe=60:items=item_060", []string{"blank-65af414760d84afe81206d56afd8884b@0 final/final final=true"}},
			{"process/63", "succeeded attempts=1 fe=61:items=item_061", []string{"blank-ecc9944c259142508b82d9c082f8ea4d@0 final/final final=true"}},
			{"process/64", "succeeded attempts=1 fe=62:items=item_062", []string{"blank-2b604f7b009c47539f6f333a66ad8882@0 final/final final=true"}},
			{"process/65", "succeeded attempts=1 fe=63:items=item_063", []string{"blank-1642336ab4f148ae949be14b3d9457dd@0 final/final final=true"}},
			{"process/66", "succeeded attempts=1 fe=64:items=item_064", []string{"blank-4a4a2e50651d4db48eab17962541b5f2@0 final/final final=true"}},
			{"process/67", "succeeded attempts=1 fe=65:items=item_065", []string{"blank-b7dbea14840845ddaf350cf045c03b28@0 final/final final=true"}},
			{"process/68", "succeeded attempts=1 fe=66:items=item_066", []string{"blank-f1d26e70ff7f4d75b77fc9e8faa8aff4@0 final/final final=true"}},
			{"process/69", "succeeded attempts=1 fe=67:items=item_067", []string{"blank-62c31e8effba4c8fa875d173bb9ee8c8@0 final/final final=true"}},
			{"process/70", "succeeded attempts=1 fe=68:items=item_068", []string{"blank-a858c534eb85404687f4570069c6a70d@0 final/final final=true"}},
			{"process/71", "succeeded attempts=1 fe=69:items=item_069", []string{"blank-1e06ef149fac49cd9419cdfce906bdaf@0 final/final final=true"}},
			{"process/72", "succeeded attempts=1 fe=70:items=item_070", []string{"blank-f601a50689dc4df28793aaed8891113b@0 final/final final=true"}},
			{"process/73", "succeeded attempts=1 fe=71:items=item_071", []string{"blank-1bdca52e31254362882194cafe135a7c@0 final/final final=true"}},
			{"process/74", "succeeded attempts=1 fe=72:items=item_072", []string{"blank-69e4899dd58c400fb175bc3a36772147@0 final/final final=true"}},
			{"process/75", "succeeded attempts=1 fe=73:items=item_073", []string{"blank-f3c4109337034825970d4038be17e435@0 final/final final=true"}},
			{"process/76", "succeeded attempts=1 fe=74:items=item_074", []string{"blank-49a496b11c6c4a8da5ff9f3c8f46577e@0 final/final final=true"}},
			{"process/77", "succeeded attempts=1 fe=75:items=item_075", []string{"blank-b5979e96209341aab90ae51a6376d3f5@0 final/final final=true"}},
			{"process/78", "succeeded attempts=1 fe=76:items=item_076", []string{"blank-4a5890e2265a4a1b9a9f1bc68da93f13@0 final/final final=true"}},
			{"process/79", "succeeded attempts=1 fe=77:items=item_077", []string{"blank-2cbc4eadc417469388f8a87809fc26c2@0 final/final final=true"}},
			{"process/80", "succeeded attempts=1 fe=78:items=item_078", []string{"blank-c795f9a7ca3943ef8db73ec31cd89f9c@0 final/final final=true"}},
			{"process/81", "succeeded attempts=1 fe=79:items=item_079", []string{"blank-68c0cc968c36442184af4d7f1527fc23@0 final/final final=true"}},
			{"process/82", "succeeded attempts=1 fe=80:items=item_080", []string{"blank-52212686e97e4a039477e3379d406bb1@0 final/final final=true"}},
			{"process/83", "succeeded attempts=1 fe=81:items=item_081", []string{"blank-bd471b341ae249f7ba7ddc9f0d306216@0 final/final final=true"}},
			{"process/84", "succeeded attempts=1 fe=82:items=item_082", []string{"blank-3590a8dfc05a4049972c5ead804b5671@0 final/final final=true"}},
			{"process/85", "succeeded attempts=1 fe=83:items=item_083", []string{"blank-5d38015a42bb4bde9b25662d16bec6d0@0 final/final final=true"}},
			{"process/86", "succeeded attempts=1 fe=84:items=item_084", []string{"blank-5dffb1334b7049d6b0f0993b165d267e@0 final/final final=true"}},
			{"process/87", "succeeded attempts=1 fe=85:items=item_085", []string{"blank-b031cceeaf7b4996a5a3584523bab0ec@0 final/final final=true"}},
			{"process/88", "succeeded attempts=1 fe=86:items=item_086", []string{"blank-d77fb4eb78d94d1fb666538ba4097cdd@0 final/final final=true"}},
			{"process/89", "succeeded attempts=1 fe=87:items=item_087", []string{"blank-7c798d6883c94ac0a208f0ea5fcffcf8@0 final/final final=true"}},
			{"process/90", "succeeded attempts=1 fe=88:items=item_088", []string{"blank-5f4bbf24957049a2b5f1dff92394e28b@0 final/final final=true"}},
			{"process/91", "succeeded attempts=1 fe=89:items=item_089", []string{"blank-afd8ee57fd44404a8bdc628e3d9dd687@0 final/final final=true"}},
			{"process/92", "succeeded attempts=1 fe=90:items=item_090", []string{"blank-1f30101acdf444288b982e5c4cc6ca3f@0 final/final final=true"}},
			{"process/93", "succeeded attempts=1 fe=91:items=item_091", []string{"blank-52200db5cb4b4e439ddfe14a6168b751@0 final/final final=true"}},
			{"process/94", "succeeded attempts=1 fe=92:items=item_092", []string{"blank-7d7749c7f01749a5a8fe6321540fdec7@0 final/final final=true"}},
			{"process/95", "succeeded attempts=1 fe=93:items=item_093", []string{"blank-cbc5ee1e67fc431087aa54886bd2f61c@0 final/final final=true"}},
			{"process/96", "succeeded attempts=1 fe=94:items=item_094", []string{"blank-1ade5b4a7b3548a1be98eed546fac45c@0 final/final final=true"}},
			{"process/97", "succeeded attempts=1 fe=95:items=item_095", []string{"blank-1ed129d892fb45568f1509c177b315b9@0 final/final final=true"}},
			{"process/98", "succeeded attempts=1 fe=96:items=item_096", []string{"blank-bf6554bc75794875afd4a3ef4ff8f9d2@0 final/final final=true"}},
			{"process/99", "succeeded attempts=1 fe=97:items=item_097", []string{"blank-1dc2755259304459a7bfb69f4f61be2c@0 final/final final=true"}},
			{"process/100", "succeeded attempts=1 fe=98:items=item_098", []string{"blank-c4b0d5e965b04a3897031f91bb0f67fe@0 final/final final=true"}},
			{"process/101", "succeeded attempts=1 fe=99:items=item_099", []string{"blank-22b02adc8763419c922d6784b83ae038@0 final/final final=true"}},
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
