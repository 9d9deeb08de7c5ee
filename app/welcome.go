package app

import (
	"encoding/json"
	"flowdeck/wire"
	"io"
	"net/http"
	"strings"
)

func (a *App) getWelcome(w http.ResponseWriter, r *http.Request) {
	recent := []string{}
	if a.opts.Recent != nil && a.opts.Shell == "window" {
		recent = a.opts.Recent.List()
	}
	writeJSON(w, http.StatusOK, wire.Welcome{
		Recent:        recent,
		CanOpenDialog: a.opts.Platform != nil,
		CanOpenPath:   a.opts.Shell == "window",
		CanOpenS3:     a.opts.Shell == "window" && a.opts.OpenRemote != nil,
		Demo:          a.opts.Demo != nil,
		Home:          wire.OptString(a.homeRoot()),
	})
}

// postOpen switches the datastore. Opening an arbitrary path is offered in
// the window only: in serve mode the server was started on a datastore,
// and a browser must not be able to make it read others.
func (a *App) postOpen(w http.ResponseWriter, r *http.Request) {
	var req wire.OpenRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad request: "+err.Error())
		return
	}
	switch {
	case req.Demo:
		if a.opts.Demo == nil {
			writeError(w, http.StatusNotFound, "the demo is not available")
			return
		}
		if err := a.startDemo(); err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
	case req.Home:
		if err := a.OpenHome(); err != nil {
			writeError(w, http.StatusConflict, err.Error())
			return
		}
	case req.Dialog:
		if a.opts.Platform == nil {
			writeError(w, http.StatusForbidden, errNoPlatform.Error())
			return
		}
		p, err := a.opts.Platform.OpenDirectory("Open a Metaflow datastore (.metaflow)")
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		if p == "" {
			writeJSON(w, http.StatusOK, wire.Done{OK: false, Cancelled: true})
			return
		}
		if _, err := a.Open(p); err != nil {
			writeError(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
	case req.Path != "":
		if a.opts.Shell != "window" {
			writeError(w, http.StatusForbidden, "opening another folder is only available in the desktop window")
			return
		}
		if strings.HasPrefix(req.Path, "s3://") {
			if err := a.OpenURL(req.Path); err != nil {
				writeError(w, http.StatusUnprocessableEntity, err.Error())
				return
			}
			break
		}
		if _, err := a.Open(req.Path); err != nil {
			writeError(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
	default:
		writeError(w, http.StatusBadRequest, "say what to open: path, dialog or demo")
		return
	}
	writeJSON(w, http.StatusOK, wire.Done{OK: true})
}

// homeRoot is the root OpenHome returns to, or nil.
func (a *App) homeRoot() string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.home == nil {
		return ""
	}
	return a.home.Root
}
