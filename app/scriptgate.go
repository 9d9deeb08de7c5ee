package app

import (
	"context"
	"sync"
	"time"
)

// Card script policies, as the page reads them from
// <meta name="flowdeck-card-scripts">.
const (
	// ScriptsRun: card scripts run in the sandboxed frame at once (serve
	// mode, and the window once Wails' message channel is closed).
	ScriptsRun = "run"
	// ScriptsAsk: the window could not close Wails' message channel; card
	// frames start without scripts, and run them only after the user
	// agrees in a dialog that names the risk.
	ScriptsAsk = "ask"
)

// scriptGate holds the window's card script policy. Until it is decided
// (the channel is being closed), the app page and card files wait.
type scriptGate struct {
	once   sync.Once
	ready  chan struct{}
	policy string
	wait   time.Duration
}

func newScriptGate(wait time.Duration) *scriptGate {
	return &scriptGate{ready: make(chan struct{}), policy: ScriptsAsk, wait: wait}
}

func (g *scriptGate) decide(policy string) {
	g.once.Do(func() {
		g.policy = policy
		close(g.ready)
	})
}

// GateScripts makes card files and the app page wait (at most wait) for
// the card script policy, and returns the function that decides it once.
// The window calls it before it opens (app/window): it can tell only after
// trying to close Wails' message channel whether card scripts may run
// without asking. Serve mode never calls it (ScriptsRun).
func (a *App) GateScripts(wait time.Duration) (decide func(policy string)) {
	g := newScriptGate(wait)
	a.gate = g
	return g.decide
}

// cardScriptPolicy is ScriptsRun in serve mode; in the window it waits
// (bounded) for the channel to be closed and is ScriptsAsk unless it was.
func (a *App) cardScriptPolicy(ctx context.Context) string {
	g := a.gate
	if g == nil {
		return ScriptsRun
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case <-g.ready:
		return g.policy
	case <-ctx.Done():
	case <-t.C:
	}
	return ScriptsAsk
}
