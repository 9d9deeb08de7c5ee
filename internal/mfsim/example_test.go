package mfsim_test

import (
	"fmt"
	"os"
	"path/filepath"

	"flowdeck/internal/mfsim"
)

// A task with a live blank card, written step by step: each call is one
// of the writes Metaflow makes, so a test can read the datastore between
// any two of them.
func Example() {
	dir, _ := os.MkdirTemp("", "mfsim-example")
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, ".metaflow")

	ds := mfsim.New(root, mfsim.Options{Seed: 42}) // atomic writes, simulated clock
	run, _ := ds.Flow("DemoFlow").NewRun(mfsim.RunOptions{
		Tags:  []string{"example"},
		Graph: mfsim.LinearGraph("start", "train", "end"),
	})
	task, _ := run.Step("train").NewTask(mfsim.TaskOptions{}) // 0.attempt.json: the task exists
	task.Begin()                                              // task_begin and attempt metadata

	card := task.Card(mfsim.CardSpec{Type: "blank", ID: "live", Title: "Training", RefreshInterval: 1})
	card.Append(mfsim.ProgressBar("progress", 10, 0).With("label", "epochs"))
	card.RenderRuntime() // runtime HTML (token runtime-<ts>) and card-info
	for epoch := 1; epoch <= 3; epoch++ {
		card.Update(mfsim.ProgressBar("progress", 10, epoch).With("label", "epochs")) // data JSON
	}
	card.AddComponent(mfsim.Markdown("note", "# halfway")) // new HTML token, then data
	task.Finish(true)                                      // data.json, attempt_ok, DONE.lock
	task.FinalizeCards()                                   // final HTML, then final data JSON
	task.Exit()                                            // .runtime and logs

	fmt.Println(card.Name()[:10], card.Token())
	fmt.Println(card.HTMLPath()[len("mf.cards/DemoFlow/runs/")+16:])
	// Output:
	// blank-live final
	// /steps/train/tasks/1/cards/blank-live-27dcbb9aa9dd475488ff45ed35837fdc.html
}
