package datastore

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"flowdeck/cards"
)

// cardDirs records which tasks of a run have card folders, so loading a
// run lists one folder per step instead of probing every task.
type cardDirs struct {
	steps  map[string]map[string]bool // step -> task ids under steps/<step>/tasks
	legacy map[string]bool            // task ids under the legacy tasks/ folder
}

func runCardBase(loc Location, flow, run string) string {
	return filepath.Join(loc.CardRoot, flow, "runs", run)
}

func scanCardDirs(fsys FS, loc Location, flow, run string) cardDirs {
	cd := cardDirs{steps: map[string]map[string]bool{}, legacy: map[string]bool{}}
	base := runCardBase(loc, flow, run)
	if ents, err := fsys.ReadDir(filepath.Join(base, "steps")); err == nil {
		for _, e := range ents {
			if !e.IsDir() || skipName(levelRun, e.Name()) {
				continue
			}
			tasks := map[string]bool{}
			if tents, err := fsys.ReadDir(filepath.Join(base, "steps", e.Name(), "tasks")); err == nil {
				for _, t := range tents {
					if t.IsDir() {
						tasks[t.Name()] = true
					}
				}
			}
			cd.steps[e.Name()] = tasks
		}
	}
	if ents, err := fsys.ReadDir(filepath.Join(base, "tasks")); err == nil {
		for _, e := range ents {
			if e.IsDir() {
				cd.legacy[e.Name()] = true
			}
		}
	}
	return cd
}

// listCards lists the card files of one task folder pair (steps/ layout
// first, the legacy layout only when the steps/ one holds no card, as
// Metaflow's own reader does). Tokens are not read here; see resolveCard.
func listCards(fsys FS, loc Location, flow, run, step, task string, hasSteps, hasLegacy bool) ([]Card, error) {
	base := runCardBase(loc, flow, run)
	var out []Card
	var firstErr error
	if hasSteps {
		dir := filepath.Join(base, "steps", step, "tasks", task)
		cs, err := listCardDir(fsys, filepath.Join(dir, "cards"), filepath.Join(dir, "runtime"), flow, run, step, task)
		if err != nil {
			firstErr = err
		}
		out = cs
	}
	if len(out) == 0 && hasLegacy {
		dir := filepath.Join(base, "tasks", task)
		cs, err := listCardDir(fsys, filepath.Join(dir, "cards"), "", flow, run, step, task)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for i := range cs {
			cs[i].Legacy = true
		}
		out = cs
	}
	return out, firstErr
}

func listCardDir(fsys FS, cardsDir, runtimeDir, flow, run, step, task string) ([]Card, error) {
	ents, err := fsys.ReadDir(cardsDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read card folder: %w", err)
	}
	data := map[string]fs.DirEntry{}
	if runtimeDir != "" {
		if dents, err := fsys.ReadDir(runtimeDir); err == nil {
			for _, e := range dents {
				if n, err := cards.ParseName(e.Name()); err == nil && n.Kind == cards.DataFile && e.Type().IsRegular() {
					data[n.Stem()] = e
				}
			}
		}
	}
	var out []Card
	for _, e := range ents {
		n, err := cards.ParseName(e.Name())
		if err != nil || n.Kind != cards.HTMLFile || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // vanished between listing and stat
		}
		c := Card{
			Key: CardKey(flow, run, step, task, n.Stem()), Flow: flow, Run: run, Step: step, Task: task,
			Type: n.Type, ID: n.ID, UUID: n.UUID,
			HTML: CardFile{Path: filepath.Join(cardsDir, e.Name()), Size: fi.Size(), ModTime: fi.ModTime()},
		}
		if de, ok := data[n.Stem()]; ok {
			if dfi, err := de.Info(); err == nil {
				c.Data = &CardFile{Path: filepath.Join(runtimeDir, de.Name()), Size: dfi.Size(), ModTime: dfi.ModTime(), etag: etagOf(dfi)}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// headBytes is how much of a card HTML is read for its token. Template
// cards carry it after a ~20 KB favicon and a ~28 KB stylesheet.
const headBytes = 128 << 10

// resolveHTML reads a card's reload token and checks that the file is not
// caught mid-write. It returns ErrIncomplete for an empty or cut file, and
// ErrNotTemplate for a template card type whose file is not HTML.
func resolveHTML(fsys FS, f *CardFile, typ string) (token string, hasToken bool, err error) {
	head, fi, err := readHead(fsys, f.Path, headBytes)
	if err != nil {
		return "", false, err
	}
	f.Size, f.ModTime = fi.Size(), fi.ModTime()
	if len(head) == 0 {
		return "", false, ErrIncomplete
	}
	isHTML := looksHTML(head)
	token, hasToken = cards.ScanToken(head)
	if !hasToken && fi.Size() > int64(len(head)) && isHTML {
		// A favicon or stylesheet bigger than usual: look further.
		more, _, err := readHead(fsys, f.Path, 4<<20)
		if err == nil {
			token, hasToken = cards.ScanToken(more)
		}
	}
	if templateType(typ) && !isHTML {
		return "", false, ErrNotTemplate
	}
	if isHTML {
		tail := head
		if fi.Size() > int64(len(head)) {
			if tail, err = readTail(fsys, f.Path, fi.Size(), 256); err != nil {
				return "", false, err
			}
		}
		if !bytes.HasSuffix(bytes.ToLower(bytes.TrimSpace(tail)), []byte("</html>")) {
			return "", false, ErrIncomplete
		}
	} else if trimmed := bytes.TrimSpace(head); len(trimmed) > 0 && trimmed[0] == '{' && fi.Size() == int64(len(head)) {
		if !jsonComplete(trimmed) {
			return "", false, ErrIncomplete
		}
	}
	h := fnv.New64a()
	h.Write(head)
	f.sum = h.Sum64()
	f.Token = token
	// Error cards are saved under the requested card's name and type, so
	// only their content tells them apart.
	f.ErrorCard = isHTML && cards.ScanErrorCard(head)
	return token, hasToken, nil
}

// resolveData reads a runtime data JSON file.
func resolveData(fsys FS, f *CardFile) error {
	b, err := readFile(fsys, f.Path, maxDataBytes)
	if err != nil {
		return err
	}
	if fi, err := fsys.Lstat(f.Path); err == nil {
		f.Size, f.ModTime = fi.Size(), fi.ModTime()
	}
	d, err := cards.ParseData(b)
	if err != nil {
		if errors.Is(err, cards.ErrIncomplete) {
			return ErrIncomplete
		}
		return err
	}
	h := fnv.New64a()
	h.Write(b)
	f.sum = h.Sum64()
	f.Token = d.ReloadToken
	f.CreatedOn = d.CreatedOn
	f.Err = ""
	f.resolved, f.unread = true, false
	return nil
}

// etagOf is the content tag a backend's listing gives, "" when none.
func etagOf(fi fs.FileInfo) string {
	if t, ok := fi.(interface{ ETag() string }); ok {
		return t.ETag()
	}
	return ""
}

// lazyData notes a change of a running task's runtime data that its
// listing tells by its etag, without reading the object: on S3 a read is a
// request, and a live card's data is rewritten every few seconds
// (refresh_interval 5 s by default), so reading every rewrite of every
// task would cost far more than the polling itself (docs/s3.md, "Request
// budget"). The page fetches the data it shows when the change event comes;
// the task's end reads it (mergeCard), so the final token is never missed.
// It reports false when f has no etag (a filesystem) or was never read.
func lazyData(f, old *CardFile) bool {
	if f.etag == "" || old == nil || !old.resolved || old.Err != "" {
		return false
	}
	f.Token, f.CreatedOn, f.Err = old.Token, nil, ""
	h := fnv.New64a()
	h.Write([]byte(f.etag))
	f.sum = h.Sum64()
	f.resolved, f.unread = true, true
	return true
}

// ErrIncomplete marks a file that is empty or cut off: caught mid-write by
// a writer older than Metaflow 2.19.20, or damaged.
var ErrIncomplete = errors.New("datastore: the file is empty or cut off")

// ErrNotTemplate marks a default, blank or error card whose file is not a
// Metaflow card template (damaged or overwritten).
var ErrNotTemplate = errors.New("datastore: not a Metaflow card template")

// templateType reports whether typ is a card type Metaflow renders from its
// template; such files always carry a reload token (2.10.9+) and look like
// HTML.
func templateType(typ string) bool { return typ == "default" || typ == "blank" || typ == "error" }

func looksHTML(b []byte) bool {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if len(b) < 5 {
		return false
	}
	p := bytes.ToLower(b[:min(len(b), 9)])
	return bytes.HasPrefix(p, []byte("<!doctype")) || bytes.HasPrefix(p, []byte("<html"))
}

// attachAttempts sets each card's attempt: from card-info when present
// (Metaflow 2.15.19+), else inferred from the card's own times against the
// attempts' start times (docs/format.md §8).
func attachAttempts(cs []Card, tr *taskRead) {
	t := &tr.task
	for i := range cs {
		c := &cs[i]
		if len(t.Attempts) <= 1 {
			c.Attempt = t.Attempt
			continue
		}
		if a, ok := tr.cardAttempt[c.UUID]; ok {
			c.Attempt = a
			continue
		}
		c.Attempt = inferAttempt(c, tr.attemptStarts, t.Attempt)
		c.AttemptInferred = true
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Attempt != cs[j].Attempt {
			return cs[i].Attempt > cs[j].Attempt
		}
		return cs[i].Name() < cs[j].Name()
	})
}

func inferAttempt(c *Card, starts map[int]time.Time, latest int) int {
	var clue time.Time
	if ts, ok := strings.CutPrefix(c.Token, "runtime-"); ok && c.TokenKnown {
		if f, err := strconv.ParseFloat(ts, 64); err == nil {
			clue = epochSeconds(f)
		}
	}
	if clue.IsZero() && c.Data != nil && c.Data.CreatedOn != nil {
		clue = epochSeconds(*c.Data.CreatedOn)
	}
	if clue.IsZero() {
		clue = c.HTML.ModTime
	}
	best, bestStart := -1, time.Time{}
	for n, s := range starts {
		if !s.After(clue) && (best < 0 || s.After(bestStart)) {
			best, bestStart = n, s
		}
	}
	if best < 0 {
		return latest
	}
	return best
}
