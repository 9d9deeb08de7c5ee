package s3cache

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestTrimLRU: over its cap the cache drops the least recently used
// entries, and a read counts as a use.
func TestTrimLRU(t *testing.T) {
	s, err := Open(t.TempDir(), 3000)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(strings.Repeat("x", 900))
	for _, k := range []string{"/b/a", "/b/b", "/b/c"} {
		if err := s.put(s.objPath(k), header{Read: time.Now()}, body); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, _, err := s.get(s.objPath("/b/a")); err != nil { // a is now the most recent
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if err := s.put(s.objPath("/b/d"), header{Read: time.Now()}, body); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]bool{"/b/a": true, "/b/b": false, "/b/c": true, "/b/d": true} {
		if _, err := os.Stat(s.objPath(k)); (err == nil) != want {
			t.Errorf("%s kept %v, want %v", k, err == nil, want)
		}
	}
	if s.Size() > 3000 {
		t.Errorf("size %d over the cap", s.Size())
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xc")
	for ep, want := range map[string]string{"": "/tmp/xc/flowdeck/s3/s3.amazonaws.com", "http://127.0.0.1:8333/": "/tmp/xc/flowdeck/s3/127.0.0.1_8333"} {
		if got, _ := DefaultDir(ep); got != want {
			t.Errorf("DefaultDir(%q) = %s, want %s", ep, got, want)
		}
	}
}
