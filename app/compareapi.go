package app

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"flowdeck/compare"
)

// compareResult runs the comparison a request asks for (?runs=a,b&steps=x,y),
// or writes the error answer.
func (a *App) compareResult(w http.ResponseWriter, r *http.Request, flow string) *compare.Result {
	ix := a.index(w)
	if ix == nil {
		return nil
	}
	runs, err := compare.ParseRuns(r.URL.Query().Get("runs"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return nil
	}
	var steps []string
	if s := r.URL.Query().Get("steps"); s != "" {
		steps = strings.Split(s, ",")
	}
	res, err := compare.Compare(r.Context(), ix, flow, runs, compare.Options{Steps: steps})
	if err != nil {
		writeLookupError(w, err)
		return nil
	}
	return res
}

// getCompare answers GET /api/flows/{flow}/compare.
func (a *App) getCompare(w http.ResponseWriter, r *http.Request, flow string) {
	if res := a.compareResult(w, r, flow); res != nil {
		writeJSON(w, http.StatusOK, res)
	}
}

// errFormat is an export format Flowdeck does not write.
var errFormat = errors.New("unknown export format (csv or html)")

// compareFile renders an export of the comparison: "csv" or "html" (one
// offline file with the renderer built into frontend/dist/export).
func (a *App) compareFile(r *http.Request, res *compare.Result, format string) ([]byte, string, string, error) {
	var b bytes.Buffer
	switch format {
	case "csv":
		if err := compare.WriteCSV(&b, res); err != nil {
			return nil, "", "", err
		}
		return b.Bytes(), compare.FileName(res) + ".csv", "text/csv; charset=utf-8", nil
	case "html":
		s := a.session()
		if s == nil {
			return nil, "", "", errNoDatastore
		}
		var rd compare.Renderer
		var err error
		if rd.JS, err = fs.ReadFile(a.opts.Assets, "export/export.js"); err != nil {
			return nil, "", "", fmt.Errorf("the export renderer is not built: %w", err)
		}
		if rd.CSS, err = fs.ReadFile(a.opts.Assets, "export/export.css"); err != nil {
			return nil, "", "", fmt.Errorf("the export renderer is not built: %w", err)
		}
		trees, err := compare.Trees(r.Context(), s.ix, res)
		if err != nil {
			return nil, "", "", err
		}
		if err := compare.WriteHTML(&b, res, trees, rd, time.Now()); err != nil {
			return nil, "", "", err
		}
		return b.Bytes(), compare.FileName(res) + ".html", "text/html; charset=utf-8", nil
	}
	return nil, "", "", errFormat
}

func writeExportError(w http.ResponseWriter, err error) {
	if errors.Is(err, errFormat) {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	writeLookupError(w, err)
}

// getCompareExport answers GET /api/flows/{flow}/compare/{format}: the
// file as a download (serve mode).
func (a *App) getCompareExport(w http.ResponseWriter, r *http.Request, flow, format string) {
	res := a.compareResult(w, r, flow)
	if res == nil {
		return
	}
	b, name, ctype, err := a.compareFile(r, res, format)
	if err != nil {
		writeExportError(w, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}

// postCompareExport answers POST /api/flows/{flow}/compare/{format}: the
// window saves the file where the user chooses.
func (a *App) postCompareExport(w http.ResponseWriter, r *http.Request, flow, format string) {
	s := a.saveSession(w)
	if s == nil {
		return
	}
	res := a.compareResult(w, r, flow)
	if res == nil {
		return
	}
	b, name, _, err := a.compareFile(r, res, format)
	if err != nil {
		writeExportError(w, err)
		return
	}
	a.saveAs(w, s, "Export comparison", name, bytes.NewReader(b))
}
