package mfsim

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestDamageAndRestore(t *testing.T) {
	root := t.TempDir()
	r, err := WriteRetry(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "RetryFlow", r.ID(), "flaky", "2", "1.data.json")
	orig := mustRead(t, p)
	check := func(d *Damage, err error, broken func([]byte, error) bool) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		b, rerr := os.ReadFile(p)
		if !broken(b, rerr) {
			t.Errorf("%s not damaged", d.Path())
		}
		if err := d.Restore(); err != nil {
			t.Fatal(err)
		}
		if got := mustRead(t, p); !bytes.Equal(got, orig) {
			t.Error("restore did not bring the content back")
		}
		if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
			t.Errorf("restored mode %v", st.Mode().Perm())
		}
	}
	d, err := Truncate(p, 10)
	check(d, err, func(b []byte, _ error) bool { return len(b) == 10 })
	d, err = Truncate(p, 0)
	check(d, err, func(b []byte, _ error) bool { return len(b) == 0 })
	d, err = Garble(p)
	check(d, err, func(b []byte, _ error) bool { return len(b) == len(orig) && !bytes.Equal(b, orig) })
	d, err = Delete(p)
	check(d, err, func(_ []byte, err error) bool { return os.IsNotExist(err) })
	if os.Getuid() != 0 {
		d, err = Unreadable(p)
		check(d, err, func(_ []byte, err error) bool { return os.IsPermission(err) })
	}
	dir := filepath.Dir(p)
	dd, err := Unreadable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0 {
		t.Errorf("folder mode %v", st.Mode().Perm())
	}
	if err := dd.Restore(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o755 {
		t.Errorf("restored folder mode %v", st.Mode().Perm())
	}
	if _, err := Garble(dir); err == nil {
		t.Error("garbling a folder did not fail")
	}
}
