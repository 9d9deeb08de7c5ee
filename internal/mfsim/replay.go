package mfsim

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ReplayEvent is one line of fixtures/live-replay/events.jsonl: a file
// written T seconds after the capture began.
type ReplayEvent struct {
	Index int     `json:"-"`
	T     float64 `json:"t"`
	Op    string  `json:"op"`
	Path  string  `json:"path"`  // relative to the .metaflow folder
	Blob  string  `json:"blob"`  // relative to the events file's folder
	Exact bool    `json:"exact"` // false: the blob is the file's final content only
}

// LoadEvents reads an events.jsonl file.
func LoadEvents(eventsPath string) ([]ReplayEvent, error) {
	f, err := os.Open(eventsPath)
	if err != nil {
		return nil, fmt.Errorf("mfsim: replay: %w", err)
	}
	defer f.Close()
	var evs []ReplayEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var e ReplayEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("mfsim: replay: %s line %d: %w", eventsPath, n, err)
		}
		if e.Op != "write" {
			return nil, fmt.Errorf("mfsim: replay: %s line %d: unknown op %q", eventsPath, n, e.Op)
		}
		if !filepath.IsLocal(e.Path) || !filepath.IsLocal(e.Blob) {
			return nil, fmt.Errorf("mfsim: replay: %s line %d: path outside the datastore", eventsPath, n)
		}
		e.Index = len(evs)
		evs = append(evs, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mfsim: replay: %w", err)
	}
	return evs, nil
}

// ReplayOptions configure Replay.
type ReplayOptions struct {
	// Mode is Atomic (default, Metaflow 2.19.38) or InPlace (older
	// releases; `_meta` files stay atomic). Direct is allowed too.
	Mode WriteMode
	// InPlacePause is as in Options.
	InPlacePause time.Duration
	// Until stops after the last event with T <= Until (seconds of the
	// capture); 0 or less means replay everything.
	Until float64
	// OnEvent, if set, is called after each event's file is in place, with
	// the time the write completed (for latency measurements).
	OnEvent func(e ReplayEvent, written time.Time)
}

// Replay writes the events of eventsPath into root (a .metaflow folder),
// event i at (T_i - T_0)/speed after the start, so the first lands at
// once. speed 0 (or less) writes as fast as possible. It stops early, with
// ctx's error, when ctx is done.
func Replay(ctx context.Context, root, eventsPath string, speed float64, opts ReplayOptions) error {
	if root == "" {
		return errEmptyRoot
	}
	evs, err := LoadEvents(eventsPath)
	if err != nil {
		return err
	}
	w := &fileWriter{root: root, mode: opts.Mode, pause: opts.InPlacePause}
	base := filepath.Dir(eventsPath)
	blobs := map[string][]byte{}
	start := time.Now()
	for _, e := range evs {
		if opts.Until > 0 && e.T > opts.Until {
			break
		}
		if speed > 0 {
			at := start.Add(time.Duration(math.Round((e.T - evs[0].T) / speed * float64(time.Second))))
			if err := sleepUntil(ctx, at); err != nil {
				return err
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
		data, ok := blobs[e.Blob]
		if !ok {
			if data, err = os.ReadFile(filepath.Join(base, e.Blob)); err != nil {
				return fmt.Errorf("mfsim: replay: event %d: %w", e.Index, err)
			}
			blobs[e.Blob] = data
		}
		if err := w.put(e.Path, data); err != nil {
			return err
		}
		if opts.OnEvent != nil {
			opts.OnEvent(e, time.Now())
		}
	}
	return nil
}

// ReplayUntil replays the events with T <= tMax: the state of the
// datastore at that moment of the live run (tMax 14 gives a state like
// fixtures/live_midrun).
func ReplayUntil(ctx context.Context, root, eventsPath string, speed, tMax float64, opts ReplayOptions) error {
	opts.Until = tMax
	return Replay(ctx, root, eventsPath, speed, opts)
}

func sleepUntil(ctx context.Context, at time.Time) error {
	return realClock{}.Sleep(ctx, time.Until(at))
}
