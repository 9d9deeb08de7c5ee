package app

import (
	"flowdeck/wire"
	"net/http"
)

// getArtifact decodes one artifact of a task attempt (?attempt=N, default
// the latest). A pickle Flowdeck refuses or cannot read is a 200 with an
// error value: the artifact exists, its value is what cannot be shown.
func (a *App) getArtifact(w http.ResponseWriter, r *http.Request, flow, run, step, task, name string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	attempt := attemptParam(r, -1)
	v, err := ix.ArtifactValue(r.Context(), flow, run, step, task, attempt, name)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.ArtifactValue{Name: v.Name, Type: v.Type, Size: v.Size, Attempt: v.Attempt,
		Value: v.Value, Truncated: v.Truncated, Err: wire.OptString(v.Err)})
}
