package mfsim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLiveRunsToTheEnd runs the demo flow quickly and checks its shape:
// train with its two cards final, a foreach whose middle task failed once
// and succeeded on retry, join and end.
func TestLiveRunsToTheEnd(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	var run *Run
	rec := &recorder{}
	err := Live(context.Background(), root, LiveOptions{
		Options:  Options{OnWrite: rec.add},
		Interval: 5 * time.Millisecond, Epochs: 8, Width: 5, TaskUpdates: 4,
		OnRun: func(r *Run) { run = r },
	})
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(root, "DemoFlow", run.ID())
	for _, step := range []string{"start", "train", "process", "join", "end"} {
		if !exists(base, step) {
			t.Errorf("no %s step", step)
		}
	}
	// process tasks are 3..7; index 2 (task 5) retried.
	retried := 0
	for id := 3; id <= 7; id++ {
		dir := filepath.Join(base, "process", strconv.Itoa(id))
		if exists(dir, "1.attempt.json") {
			retried++
			meta := sysmetaByField(t, filepath.Join(dir, "_meta"))
			if len(meta["attempt_ok"]) != 2 || len(filterCardInfo(meta)) != 2 {
				t.Errorf("retried task: %d attempt_ok, %d card-info", len(meta["attempt_ok"]), len(filterCardInfo(meta)))
			}
		}
		if !exists(dir, "0.DONE.lock") {
			t.Errorf("task %d not done", id)
		}
	}
	if retried != 1 {
		t.Errorf("%d retried tasks, want 1", retried)
	}
	// The train blank card's HTML: first render, the halfway re-render, final.
	if n := rec.count(has("/steps/train/tasks/2/cards/blank-live-")); n != 3 {
		t.Errorf("train blank HTML written %d times", n)
	}
	if n := rec.count(has("/steps/train/tasks/2/runtime/blank-live-")); n < 8 {
		t.Errorf("train blank data written %d times", n)
	}
	for _, rel := range walkFiles(t, root) {
		if strings.HasPrefix(filepath.Base(rel), "tmp") {
			t.Errorf("temp file %s", rel)
		}
	}
}

// TestLiveStopsOnCancel: a big live foreach stops promptly when its
// context ends, leaving the run unfinished, and no goroutine keeps writing.
func TestLiveStopsOnCancel(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	writes := 0
	started := make(chan struct{})
	var once sync.Once
	go func() {
		<-started
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	err := Live(ctx, root, LiveOptions{
		Options: Options{OnWrite: func(rel string) {
			mu.Lock()
			writes++
			mu.Unlock()
			if strings.Contains(rel, "/process/") {
				once.Do(func() { close(started) })
			}
		}},
		Interval: 20 * time.Millisecond, SkipTrain: true, Width: 300, TaskUpdates: 1000, MaxWorkers: 300,
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	mu.Lock()
	n := writes
	mu.Unlock()
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	after := writes
	mu.Unlock()
	if after != n {
		t.Errorf("%d writes after Live returned", after-n)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "DemoFlow"))
	for _, e := range entries {
		if e.Name() != "_meta" && e.Name() != "latest_run" && e.Name() != "data" && exists(root, "DemoFlow", e.Name(), "end") {
			t.Error("cancelled run has an end step")
		}
	}
	t.Logf("%d writes before cancel", n)
}

func TestLiveRepeat(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	err := Live(ctx, root, LiveOptions{
		Interval: time.Millisecond, Epochs: 2, Width: 2, TaskUpdates: 1, Repeat: true, RepeatPause: time.Millisecond,
		OnRun: func(*Run) {
			runs++
			if runs == 3 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) || runs != 3 {
		t.Fatalf("err %v after %d runs", err, runs)
	}
}

// TestLiveUntil: with Until, the foreach tasks stop updating at that time
// instead of after TaskUpdates, the run still ends, and OnTaskDone reports
// each task's update count.
func TestLiveUntil(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	var mu sync.Mutex
	done := map[string]int{}
	var run *Run
	err := Live(context.Background(), root, LiveOptions{
		Flow: "SoakFlow", SkipTrain: true, NoRetry: true, Width: 4, MaxWorkers: 4,
		TaskUpdates: 10_000, Interval: 10 * time.Millisecond,
		Until:      time.Now().Add(300 * time.Millisecond),
		OnRun:      func(r *Run) { run = r },
		OnTaskDone: func(task string, k int) { mu.Lock(); done[task] = k; mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 4 {
		t.Fatalf("OnTaskDone for %d tasks, want 4: %v", len(done), done)
	}
	for task, k := range done {
		if k < 1 || k >= 10_000 {
			t.Errorf("task %s: %d updates, want some but fewer than TaskUpdates", task, k)
		}
		if !exists(filepath.Join(root, "SoakFlow", run.ID(), "process", task), "0.DONE.lock") {
			t.Errorf("task %s not done", task)
		}
	}
	// start is task 1, the foreach 2..5, join 6, end 7.
	if !exists(filepath.Join(root, "SoakFlow", run.ID(), "end", "7"), "0.DONE.lock") {
		t.Errorf("the end step did not finish")
	}
}
