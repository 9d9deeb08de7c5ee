package app

import (
	"encoding/json"
	"errors"
	"flowdeck/wire"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"flowdeck/cards"
	"flowdeck/datastore"
)

func unescape(s string) (string, error) { return url.PathUnescape(s) }

// segments splits an already checked path into unescaped elements.
func segments(r *http.Request) []string {
	raw := strings.Trim(r.URL.EscapedPath(), "/")
	if raw == "" {
		return nil
	}
	parts := strings.Split(raw, "/")
	for i, p := range parts {
		parts[i], _ = url.PathUnescape(p)
	}
	return parts
}

func (a *App) routes() http.Handler {
	return a.logRequests(a.guard(http.HandlerFunc(a.dispatch)))
}

// dispatch routes by path elements. It is hand-written so that path
// elements are matched after the traversal checks in guard, and never
// cleaned or redirected.
func (a *App) dispatch(w http.ResponseWriter, r *http.Request) {
	p := segments(r)
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch {
	case len(p) >= 1 && p[0] == "api":
		a.dispatchAPI(w, r, p[1:], get)
	case len(p) == 2 && p[0] == "card" && get:
		a.serveCardFile(w, r, p[1])
	case get:
		a.serveAsset(w, r)
	default:
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

func (a *App) dispatchAPI(w http.ResponseWriter, r *http.Request, p []string, get bool) {
	n := len(p)
	// Read before the answer is: it reflects at least every change up to
	// this count (the page's first load compares it with its stream's).
	w.Header().Set(SeqHeader, strconv.FormatUint(a.hub.current(), 10))
	switch {
	case n == 1 && p[0] == "datastore" && get:
		a.getDatastore(w, r)
	case n == 1 && p[0] == "events" && get:
		a.serveEvents(w, r)
	case n == 1 && p[0] == "welcome" && get:
		a.getWelcome(w, r)
	case n == 1 && p[0] == "open" && r.Method == http.MethodPost:
		a.postOpen(w, r)
	case n == 1 && p[0] == "flows" && get:
		a.getFlows(w, r)
	case n == 1 && p[0] == "landing" && get:
		a.getLanding(w, r)
	case n == 3 && p[0] == "flows" && p[2] == "runs" && get:
		a.getRuns(w, r, p[1])
	case n == 3 && p[0] == "flows" && p[2] == "compare" && get:
		a.getCompare(w, r, p[1])
	case n == 4 && p[0] == "flows" && p[2] == "compare" && get:
		a.getCompareExport(w, r, p[1], p[3])
	case n == 4 && p[0] == "flows" && p[2] == "compare" && r.Method == http.MethodPost:
		a.postCompareExport(w, r, p[1], p[3])
	case n == 3 && p[0] == "runs" && get:
		a.getRun(w, r, p[1], p[2])
	case n == 4 && p[0] == "runs" && p[3] == "timeline" && get:
		a.getTimeline(w, r, p[1], p[2])
	case n == 4 && p[0] == "runs" && p[3] == "reload" && r.Method == http.MethodPost:
		a.postReloadRun(w, r, p[1], p[2])
	case n == 5 && p[0] == "runs" && p[3] == "steps" && get:
		a.getStep(w, r, p[1], p[2], p[4])
	case n == 5 && p[0] == "tasks" && get:
		a.getTask(w, r, p[1], p[2], p[3], p[4])
	case n == 7 && p[0] == "tasks" && p[5] == "artifacts" && get:
		a.getArtifact(w, r, p[1], p[2], p[3], p[4], p[6])
	case n == 7 && p[0] == "tasks" && p[5] == "logs" && get:
		a.getLog(w, r, p[1], p[2], p[3], p[4], p[6])
	case n == 2 && p[0] == "cards" && get:
		a.getCard(w, r, p[1])
	case n == 3 && p[0] == "cards" && p[2] == "data" && get:
		a.getCardData(w, r, p[1])
	case n == 3 && p[0] == "cards" && p[2] == "export" && r.Method == http.MethodPost:
		a.postExport(w, r, p[1])
	case n == 3 && p[0] == "cards" && p[2] == "reveal" && r.Method == http.MethodPost:
		a.postReveal(w, r, p[1])
	case n >= 2 && p[0] == "debug" && get && a.opts.DebugAPI:
		a.dispatchDebug(w, r, p[1:])
	case n == 2 && p[0] == "test" && p[1] == "log" && r.Method == http.MethodPost && a.opts.DebugAPI:
		a.postTestLog(w, r)
	default:
		writeError(w, http.StatusNotFound, "not found")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, wire.ErrorBody{Error: msg})
}

// writeLookupError maps index errors to HTTP statuses.
func writeLookupError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, datastore.ErrUnknown):
		writeError(w, http.StatusNotFound, "not found")
	case errors.Is(err, errNoDatastore):
		writeJSON(w, http.StatusConflict, wire.ErrorBody{Error: "no datastore", Welcome: true})
	case errors.Is(err, datastore.ErrIncomplete):
		// Caught mid-write, or damaged: the client keeps what it shows
		// and the next change event brings the file again.
		writeError(w, http.StatusServiceUnavailable, "the file is empty or cut off (being written, or damaged)")
	case errors.Is(err, datastore.ErrTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, err.Error())
	case errors.Is(err, datastore.ErrBadMeta), errors.Is(err, cards.ErrInvalid), errors.Is(err, cards.ErrIncomplete),
		errors.Is(err, datastore.ErrNotRegular), errors.Is(err, datastore.ErrSymlink):
		writeError(w, http.StatusUnprocessableEntity, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// validKey reports whether s can be a card key: opaque, URL-safe.
func validKey(s string) bool {
	if s == "" || len(s) > 1024 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
