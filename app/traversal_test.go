package app

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"flowdeck/datastore"
)

// TestTraversal sends path attacks at every route that takes names from
// the URL: all must be 404, never a file and never a redirect.
func TestTraversal(t *testing.T) {
	s := newTestServer(t, "default", Options{})
	// A run and a card file that are symlinks out of the datastore.
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644)
	flowDir := filepath.Join(s.root, "DefaultCardFlow")
	os.Symlink(outside, filepath.Join(flowDir, "1795642999999999"))
	cardsDir, _ := filepath.Glob(filepath.Join(s.root, "mf.cards", "DefaultCardFlow", "runs", "1795642620378112", "steps", "start", "tasks", "1", "cards"))
	linkName := "default-0123456789abcdef0123456789abcdef.html"
	os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(cardsDir[0], linkName))
	linkKey := datastore.CardKey("DefaultCardFlow", "1795642620378112", "start", "1", "default-0123456789abcdef0123456789abcdef")
	otherKey := datastore.CardKey("OtherFlow", "1", "start", "1", "default-0123456789abcdef0123456789abcdef")

	attacks := []string{
		"/api/flows/..%2F..%2Fetc/runs",
		"/api/flows/../../etc/passwd",
		"/api/flows/%2e%2e/runs",
		"/api/flows/%252e%252e/runs",
		"/api/flows/%2Fetc%2Fpasswd/runs",
		"/api/runs/DefaultCardFlow/..",
		"/api/runs/DefaultCardFlow/%2e%2e%2f%2e%2e%2fsecret",
		"/api/runs/DefaultCardFlow/1795642999999999",
		"/api/tasks/DefaultCardFlow/1795642620378112/start/..%2F..%2F..%2F..%2Fetc",
		"/api/tasks/DefaultCardFlow/1795642620378112/start/1/logs/..%2F..%2F0.runtime",
		"/api/tasks/DefaultCardFlow/1795642620378112/start/1/logs/%2Fetc%2Fpasswd",
		"/api/tasks/DefaultCardFlow/1795642620378112/..%5C..%5Cstart/1",
		"/api/cards/..%2F..%2Fetc%2Fpasswd",
		"/api/cards/" + linkKey,
		"/api/cards/" + otherKey,
		"/api/cards/not-a-key!",
		"/card/..%2F..%2F..%2Fetc%2Fpasswd",
		"/card/%2Fetc%2Fpasswd",
		"/card/" + linkKey,
		"/card/" + otherKey,
		"/card/x%00y",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/assets/../../../etc/passwd",
		"/etc/passwd",
		"/%2Fetc/passwd",
	}
	for _, p := range attacks {
		req, err := http.NewRequest("GET", s.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = p // the request line carries the path exactly as written
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		code, body := s.do(t, req)
		if code != http.StatusNotFound {
			t.Errorf("%s: %d %s", p, code, body)
		}
		if len(body) > 0 && (string(body) == "secret" || containsBytes(body, "root:x:0")) {
			t.Errorf("%s leaked a file", p)
		}
	}
}

func containsBytes(b []byte, s string) bool { return strings.Contains(string(b), s) }
