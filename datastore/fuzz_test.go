package datastore

import (
	"os"
	"path/filepath"
	"testing"
)

// seedFiles adds every fixture file matching the glob patterns as a seed.
func seedFiles(f *testing.F, patterns ...string) {
	f.Helper()
	n := 0
	for _, p := range patterns {
		m, _ := filepath.Glob(filepath.Join(fixtures, p))
		for i, path := range m {
			if i > 40 {
				break
			}
			b, err := os.ReadFile(path)
			if err == nil {
				f.Add(b)
				n++
			}
		}
	}
	if n == 0 {
		f.Fatalf("no seeds for %v", patterns)
	}
}

func FuzzParseSelf(f *testing.F) {
	seedFiles(f, "*/.metaflow/*/_meta/_self.json", "*/.metaflow/*/*/_meta/_self.json", "*/.metaflow/*/*/*/_meta/_self.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseSelf(b)
		if err == nil && m.FlowID == "" {
			t.Fatal("accepted metadata without flow_id")
		}
	})
}

func FuzzParseSysmeta(f *testing.F) {
	seedFiles(f, "*/.metaflow/*/*/*/*/_meta/sysmeta_*.json", "older-2.11.0/*/.metaflow/*/*/*/*/_meta/sysmeta_*.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseSysmeta(b)
		if err == nil {
			_ = foreachIndex(s.Value.String())
			foreachFrame(s.Value)
		}
	})
}

func FuzzSysmetaName(f *testing.F) {
	for _, s := range []string{"sysmeta_attempt_ok_1795642662797.json", "sysmeta_foreach-stack_1.json", "sysmeta__1.json", "sysmeta_x_.json", "_self.json"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		field, ts, ok := sysmetaName(name)
		if ok && (field == "" || ts < 0) {
			t.Fatalf("%q -> %q %d", name, field, ts)
		}
	})
}

func FuzzParseTaskFiles(f *testing.F) {
	seedFiles(f, "*/.metaflow/*/*/*/*/0.attempt.json", "*/.metaflow/*/*/*/*/0.runtime", "*/.metaflow/*/*/*/*/0.data.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		parseAttemptTime(b)
		parseRuntime(b)
		ParseArtifacts(b, 0)
	})
}

func FuzzParseMflog(f *testing.F) {
	seedFiles(f, "*/.metaflow/*/*/*/*/0.runtime_stdout.log", "*/.metaflow/*/*/*/*/0.runtime_stderr.log")
	f.Fuzz(func(t *testing.T, b []byte) {
		lines := ParseMflog(b)
		if len(b) > 0 && len(lines) == 0 {
			t.Fatal("non-empty log gave no lines")
		}
	})
}

func FuzzCardKey(f *testing.F) {
	f.Add("DefaultCardFlow", "1795642620378112", "start", "1", "default-51d73f4799664dd88288a08869a832c3")
	f.Add("a", "b", "c", "d", "../../etc/passwd")
	f.Fuzz(func(t *testing.T, flow, run, step, task, stem string) {
		k := CardKey(flow, run, step, task, stem)
		for _, c := range k {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				t.Fatalf("key %q not URL-safe", k)
			}
		}
		if ref, ok := parseCardKey(k); ok {
			for _, p := range []string{ref.flow, ref.run, ref.step, ref.task, ref.stem} {
				if p == ".." || p == "." || p == "" {
					t.Fatalf("key parsed into a traversal element: %+v", ref)
				}
			}
		}
	})
}
