package app

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flowdeck/wire"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"flowdeck/cards"
	"flowdeck/datastore"
)

func (a *App) getCard(w http.ResponseWriter, r *http.Request, key string) {
	ix := a.cardIndex(w, key)
	if ix == nil {
		return
	}
	// Decoding needs the file in memory; big ones take a slot.
	big := false
	if c, err := ix.Card(r.Context(), key); err == nil && c.HTML.Size > bigCardBytes {
		release := a.bigDecode.acquire(r.Context())
		if release == nil {
			writeBusy(w, bigCardDecode)
			return
		}
		defer release()
		big = true
	}
	cc, err := ix.CardContent(r.Context(), key)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	if big {
		// The file's bytes are garbage now; collect them before the answer
		// is encoded, so the two do not add up (big cards are rare, and a
		// collection costs milliseconds next to reading one).
		runtime.GC()
	}
	c := cc.Card
	out := wire.CardDetail{Key: c.Key, Type: c.Type, ID: wire.OptString(c.ID), UUID: c.UUID, Task: c.Pathspec(), Origin: wire.OptString(c.Origin),
		Attempt: c.Attempt, AttemptInferred: c.AttemptInferred, Token: c.Token, Final: c.Final, Kind: cc.Kind, ErrorCard: c.HTML.ErrorCard || (cc.Tree != nil && cc.Tree.IsErrorCard()),
		UpdateDisabled: cc.UpdateDisabled, HTMLURL: a.cardURL(c.Key), Size: c.HTML.Size, UpdatedAt: wire.Time(c.HTML.ModTime),
		Stale: cc.Stale, Err: wire.OptString(cmp.Or(cc.Err, c.Err)), Text: wire.OptString(cc.Text)}
	out.Original = originalRenders(cc.Kind, a.inDemo())
	if c.Data != nil {
		out.DataToken = wire.OptString(c.Data.Token)
		if c.Data.ModTime.After(c.HTML.ModTime) {
			out.UpdatedAt = wire.Time(c.Data.ModTime)
		}
	}
	// The task the card is shown on (a clone shows its origin's cards).
	if t, err := ix.Task(r.Context(), c.Flow, c.Run, c.Step, c.Task); err == nil {
		out.TaskStatus = string(t.Status)
		out.LatestAttempt = t.Attempt
		out.Live = c.LiveOn(t)
	}
	writeCardDetail(w, out, cc.Tree)
	if big {
		// The answer's encoding is garbage once written: collect it while
		// this request still holds its slot, so the next big request does
		// not add its own to it.
		runtime.GC()
	}
}

// writeCardDetail answers a card with its tree spliced into the envelope:
// the tree is encoded once and written as it is, where json.Encoder would
// hold a second, compacted copy of it. For a big card that copy would be
// the largest allocation of the request (issue 12: about twice the file).
func writeCardDetail(w http.ResponseWriter, out wire.CardDetail, tree *cards.Card) {
	if tree == nil {
		writeJSON(w, http.StatusOK, out)
		return
	}
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		writeError(w, http.StatusInternalServerError, "cannot encode the card")
		return
	}
	body, err := tree.MarshalJSON()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "cannot encode the card")
		return
	}
	// "card":null is the envelope's own key: a string value cannot hold
	// it unescaped, and no other field is an object.
	const slot = `"card":null`
	i := bytes.Index(head.Bytes(), []byte(slot))
	if i < 0 {
		writeError(w, http.StatusInternalServerError, "cannot encode the card")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(head.Bytes()[:i+len(`"card":`)])
	w.Write(body)
	w.Write(head.Bytes()[i+len(slot):])
}

// originalRenders says whether the card file's own HTML shows the card, so
// that the UI offers the Original view only then. A text card has no HTML.
// The demo's template cards do not: the simulator (internal/mfsim) cannot
// ship Metaflow's card bundle, and writes in its place a stand-in script
// that only prints the card JSON as an outline.
func originalRenders(kind cards.Kind, demo bool) bool {
	switch {
	case kind == cards.KindText:
		return false
	case kind == cards.KindTemplate && demo:
		return false
	}
	return true
}

// inDemo is true while the open datastore is the demo's.
func (a *App) inDemo() bool {
	s := a.session()
	return s != nil && s.demo
}

func (a *App) getCardData(w http.ResponseWriter, r *http.Request, key string) {
	ix := a.cardIndex(w, key)
	if ix == nil {
		return
	}
	b, _, err := ix.CardData(r.Context(), key)
	if errors.Is(err, datastore.ErrNoData) {
		writeError(w, http.StatusNotFound, "this card has no runtime data")
		return
	}
	if err != nil {
		writeLookupError(w, err)
		return
	}
	// Markdown components inside the data get the same rendered "html" as
	// in the card tree; other data (custom cards) goes out as written.
	var d wire.CardData
	if err := json.Unmarshal(b, &d); err == nil {
		d.Data = cards.ShownData(d.Data)
		writeJSON(w, http.StatusOK, d)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// exportName is flow-run-step-task-<card file name>.
func exportName(c datastore.Card) string {
	return strings.Join([]string{c.Flow, c.Run, c.Step, c.Task, c.Name()}, "-") + ".html"
}

// postExport saves a card's HTML where the user chooses (window only;
// serve mode downloads /card/{key}?download=1).
func (a *App) postExport(w http.ResponseWriter, r *http.Request, key string) {
	s := a.saveSession(w)
	if s == nil {
		return
	}
	f, _, c, err := s.ix.OpenCard(r.Context(), key)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	defer f.Close()
	a.saveAs(w, s, "Export card", exportName(c), f)
}

// saveSession is the open datastore of a window-only save, or nil once it
// has answered why not: no datastore open, or no save dialog (serve mode).
func (a *App) saveSession(w http.ResponseWriter) *session {
	s := a.session()
	if s == nil {
		writeLookupError(w, errNoDatastore)
		return nil
	}
	if a.opts.Platform == nil {
		writeError(w, http.StatusForbidden, errNoPlatform.Error())
		return nil
	}
	return s
}

// saveAs asks the window's save dialog where to write src and answers the
// request: cancelled, refused (a path inside the datastore, which Flowdeck
// never writes), failed, or the path written.
func (a *App) saveAs(w http.ResponseWriter, s *session, title, name string, src io.Reader) {
	dst, err := a.opts.Platform.SaveFile(title, name)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if dst == "" {
		writeJSON(w, http.StatusOK, wire.Done{OK: false, Cancelled: true})
		return
	}
	if inside(dst, s.loc.Root) || inside(dst, s.loc.CardRoot) {
		writeError(w, http.StatusBadRequest, "Flowdeck never writes into the datastore; choose a folder outside it")
		return
	}
	if err := copyToFile(dst, src); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, wire.Done{OK: true, Path: dst})
}

// postReveal opens the folder holding a card in the file manager.
func (a *App) postReveal(w http.ResponseWriter, r *http.Request, key string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	if a.opts.Platform == nil {
		writeError(w, http.StatusForbidden, errNoPlatform.Error())
		return
	}
	c, err := ix.Card(r.Context(), key)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	if err := a.opts.Platform.Reveal(filepath.Dir(c.HTML.Path)); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, wire.Done{OK: true})
}

func inside(p, dir string) bool {
	p, _ = filepath.Abs(p)
	if r, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		p = filepath.Join(r, filepath.Base(p))
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// copyToFile writes an export by streaming, so a big card is never held
// in memory whole.
func copyToFile(dst string, src io.Reader) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return fmt.Errorf("export %s: %w", dst, err)
	}
	return out.Close()
}
