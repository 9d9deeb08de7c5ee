package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

// errFormat is an export the server does not make: it writes the offline
// HTML file; the page builds the CSV (it holds the ValueBox rows, which only
// the page computes), and the server only saves it for the window.
var errFormat = errors.New("unknown export format (html, or a CSV the page sends to save)")

// maxCSVBytes caps the CSV the window sends to be saved: far more than a
// table of 8 runs holds.
const maxCSVBytes = 32 << 20

// compareHTML renders the comparison as one offline file with the renderer
// built into frontend/dist/export.
func (a *App) compareHTML(r *http.Request, res *compare.Result) ([]byte, error) {
	s := a.session()
	if s == nil {
		return nil, errNoDatastore
	}
	var rd compare.Renderer
	var err error
	if rd.JS, err = fs.ReadFile(a.opts.Assets, "export/export.js"); err != nil {
		return nil, fmt.Errorf("the export renderer is not built: %w", err)
	}
	if rd.CSS, err = fs.ReadFile(a.opts.Assets, "export/export.css"); err != nil {
		return nil, fmt.Errorf("the export renderer is not built: %w", err)
	}
	trees, err := compare.Trees(r.Context(), s.ix, res)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := compare.WriteHTML(&b, res, trees, rd, time.Now()); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeExportError(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errFormat):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the CSV is over %d bytes", tooBig.Limit))
	default:
		writeLookupError(w, err)
	}
}

// getCompareExport answers GET /api/flows/{flow}/compare/html: the file as
// a download (serve mode).
func (a *App) getCompareExport(w http.ResponseWriter, r *http.Request, flow, format string) {
	if format != "html" {
		writeExportError(w, errFormat)
		return
	}
	res := a.compareResult(w, r, flow)
	if res == nil {
		return
	}
	b, err := a.compareHTML(r, res)
	if err != nil {
		writeExportError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+compare.FileName(res)+`.html"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}

// postCompareExport answers POST /api/flows/{flow}/compare/{html,csv}: the
// window saves the file where the user chooses. For csv the body is the
// table the page built (frontend/src/compare/csv.ts); the run list still
// names the file and must name runs of the flow.
func (a *App) postCompareExport(w http.ResponseWriter, r *http.Request, flow, format string) {
	if format != "html" && format != "csv" {
		writeExportError(w, errFormat)
		return
	}
	s := a.saveSession(w)
	if s == nil {
		return
	}
	res := a.compareResult(w, r, flow)
	if res == nil {
		return
	}
	var b []byte
	var err error
	if format == "csv" {
		b, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxCSVBytes))
	} else {
		b, err = a.compareHTML(r, res)
	}
	if err != nil {
		writeExportError(w, err)
		return
	}
	a.saveAs(w, s, "Export comparison", compare.FileName(res)+"."+format, bytes.NewReader(b))
}
