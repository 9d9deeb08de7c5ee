package app

import (
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// Debug routes for benchmarks and the soak test (internal/benchrun). They
// exist only with Options.DebugAPI (`flowdeck --debug-api`); like every
// /api/ route they need the per-launch secret; they only read.
//
//	GET /api/debug/runtime[?gc=1]  goroutines and heap statistics
//	GET /api/debug/dump            the whole index, as datastore.Index.Dump
//	GET /api/debug/pprof/...       net/http/pprof (not cmdline or symbol)
func (a *App) dispatchDebug(w http.ResponseWriter, r *http.Request, p []string) {
	switch {
	case len(p) == 1 && p[0] == "runtime":
		a.getRuntime(w, r)
	case len(p) == 1 && p[0] == "dump":
		a.getDump(w, r)
	case len(p) >= 1 && p[0] == "pprof":
		servePprof(w, r, p[1:])
	default:
		writeError(w, http.StatusNotFound, "not found")
	}
}

type runtimeJSON struct {
	Goroutines   int     `json:"goroutines"`
	HeapAlloc    uint64  `json:"heap_alloc"`
	HeapInuse    uint64  `json:"heap_inuse"`
	HeapObjects  uint64  `json:"heap_objects"`
	HeapSys      uint64  `json:"heap_sys"`
	Sys          uint64  `json:"sys"`
	NumGC        uint32  `json:"num_gc"`
	GCPauseTotal float64 `json:"gc_pause_total_ms"`
	EventClients int     `json:"event_clients"`
	Uptime       float64 `json:"uptime_s"`
}

var processStart = time.Now()

func (a *App) getRuntime(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	writeJSON(w, http.StatusOK, runtimeJSON{
		Goroutines:   runtime.NumGoroutine(),
		HeapAlloc:    ms.HeapAlloc,
		HeapInuse:    ms.HeapInuse,
		HeapObjects:  ms.HeapObjects,
		HeapSys:      ms.HeapSys,
		Sys:          ms.Sys,
		NumGC:        ms.NumGC,
		GCPauseTotal: float64(ms.PauseTotalNs) / 1e6,
		EventClients: a.hub.clients(),
		Uptime:       time.Since(processStart).Seconds(),
	})
}

func (a *App) getDump(w http.ResponseWriter, r *http.Request) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	b, err := ix.Dump(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

func servePprof(w http.ResponseWriter, r *http.Request, p []string) {
	name := ""
	if len(p) == 1 {
		name = p[0]
	}
	switch name {
	case "":
		pprof.Index(w, r)
	case "profile":
		pprof.Profile(w, r)
	case "trace":
		pprof.Trace(w, r)
	case "cmdline", "symbol":
		writeError(w, http.StatusNotFound, "not found")
	default:
		pprof.Handler(name).ServeHTTP(w, r)
	}
}

// clients is the number of open event streams.
func (h *hub) clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
