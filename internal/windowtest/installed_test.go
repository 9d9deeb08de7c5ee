//go:build windowtest

package windowtest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"flowdeck/internal/fixture"
)

// Issue 11: the binary the .deb installed, started as a desktop launcher
// or a shell does, with no argument, from a folder that holds a .metaflow,
// opens that datastore: its window shows the run list. The same binary
// started from an empty folder shows no run list (the welcome screen), so
// the check cannot pass for a binary that ignored its working directory.
//
//	make package && apt-get install -y ./bin/flowdeck_*_amd64.deb
//	FLOWDECK_INSTALLED_BIN=/usr/bin/flowdeck go test -count=1 -tags windowtest -run TestInstalledOpensWorkingDir -v ./internal/windowtest/
func TestInstalledOpensWorkingDir(t *testing.T) {
	bin := os.Getenv("FLOWDECK_INSTALLED_BIN")
	if bin == "" {
		t.Skip("FLOWDECK_INSTALLED_BIN is not set: no installed flowdeck to test (scripts/test.sh installs the .deb and sets it)")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("installed flowdeck: %v", err)
	}
	// Discovery would also follow METAFLOW_DATASTORE_SYSROOT_LOCAL; the
	// working directory must be what finds the datastore here.
	noSysroot := "METAFLOW_DATASTORE_SYSROOT_LOCAL="
	route := "FLOWDECK_TEST_ROUTE=#/flows/DefaultCardFlow"

	t.Run("folder with .metaflow", func(t *testing.T) {
		dir := filepath.Dir(fixture.Copy(t, "default"))
		s := launch(t, launchOpts{bin: bin, dir: dir, env: []string{noSysroot, route}})
		w := s.window("Flowdeck", 30*time.Second)
		s.waitFor("the run list request", 30*time.Second, func(r record) bool {
			return r.str("kind") == "http" && r.str("path") == "/api/flows/DefaultCardFlow/runs"
		})
		waitRunList(s, w, "installed-cwd", 20*time.Second)
		if !s.running() {
			t.Fatalf("flowdeck exited: %v", s.exitErr)
		}
	})

	t.Run("empty folder", func(t *testing.T) {
		s := launch(t, launchOpts{bin: bin, dir: t.TempDir(), env: []string{noSysroot, route}})
		w := s.window("Flowdeck", 30*time.Second)
		s.waitFor("the page", 30*time.Second, func(r record) bool { return r.str("kind") == "dom-ready" })
		// The welcome screen's own requests are made once the page runs;
		// then look for a run list for a while, as the case above does.
		s.waitFor("the page's datastore request", 30*time.Second, func(r record) bool {
			return r.str("kind") == "http" && r.str("path") == "/api/datastore"
		})
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
			if len(runListProblems(t, s.screenshot(w, "installed-empty"))) == 0 {
				t.Fatal("a window started in an empty folder shows a run list: the check above cannot tell a datastore from none")
			}
		}
	})
}
