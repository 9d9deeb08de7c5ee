package mfsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// WriteMode says how files reach the disk.
type WriteMode int

const (
	// Atomic is Metaflow 2.19.20+: write tmp<8 chars> in the same folder,
	// then rename it over the final name (mode 0600). Readers never see a
	// partial file and the final name gets a new inode on every write.
	Atomic WriteMode = iota
	// InPlace is Metaflow before 2.19.20: open the final name with O_TRUNC
	// and write into it (mode 0644), so a reader can catch it empty or cut.
	// `_meta` JSON is still written atomically, as those releases did.
	InPlace
	// Direct writes the final name in place with the fewest syscalls
	// (mode 0600). It is for Bulk, where nobody reads while writing.
	Direct
)

func (m WriteMode) String() string {
	switch m {
	case Atomic:
		return "atomic"
	case InPlace:
		return "in-place"
	case Direct:
		return "direct"
	}
	return fmt.Sprintf("WriteMode(%d)", int(m))
}

var errEmptyRoot = errors.New("mfsim: no datastore root given")

type fileKind int

const (
	kindData      fileKind = iota // task files, blobs, cards
	kindMeta                      // _meta/*.json: atomic in every Metaflow since 2.7.0
	kindLatestRun                 // latest_run: always truncated and rewritten in place
)

// kindOf classifies a path relative to the datastore root.
func kindOf(rel string) fileKind {
	switch {
	case filepath.Base(rel) == "latest_run":
		return kindLatestRun
	case strings.Contains(filepath.ToSlash(rel), "/_meta/"):
		return kindMeta
	}
	return kindData
}

// fileWriter is the only code in mfsim that touches the disk for writing.
type fileWriter struct {
	root    string
	mode    WriteMode
	pause   time.Duration    // InPlace: wait after truncating and mid-write
	onWrite func(rel string) // called once the file is complete under its name
	dirs    sync.Map         // folders known to exist
}

func (w *fileWriter) put(rel string, data []byte) error {
	return w.putKind(rel, data, kindOf(rel))
}

func (w *fileWriter) putKind(rel string, data []byte, kind fileKind) error {
	if w.root == "" {
		// An empty root would write into the working directory.
		return errEmptyRoot
	}
	full := filepath.Join(w.root, rel)
	if err := w.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	var err error
	switch {
	case kind == kindLatestRun:
		err = writeInPlace(full, data, 0o644, 0)
	case w.mode == Direct:
		err = writeInPlace(full, data, 0o600, 0)
	case w.mode == InPlace && kind == kindData:
		err = writeInPlace(full, data, 0o644, w.pause)
	default:
		err = writeAtomic(full, data)
	}
	if err != nil {
		return fmt.Errorf("mfsim: write %s: %w", rel, err)
	}
	if w.onWrite != nil {
		w.onWrite(rel)
	}
	return nil
}

func (w *fileWriter) mkdir(dir string) error {
	if _, ok := w.dirs.Load(dir); ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mfsim: mkdir: %w", err)
	}
	w.dirs.Store(dir, struct{}{})
	return nil
}

// tmpChars are the characters of Python's tempfile names.
const tmpChars = "abcdefghijklmnopqrstuvwxyz0123456789_"

func tmpName() string {
	var b [11]byte
	copy(b[:], "tmp")
	for i := 3; i < len(b); i++ {
		b[i] = tmpChars[rand.IntN(len(tmpChars))]
	}
	return string(b[:])
}

// writeAtomic is mkstemp + write + close + rename, as Metaflow's local
// storage does since 2.19.20. The temp name is random, not seeded: it never
// reaches a final file, and a seeded one would collide across processes.
func writeAtomic(full string, data []byte) error {
	dir := filepath.Dir(full)
	var f *os.File
	var err error
	for range 100 {
		f, err = os.OpenFile(filepath.Join(dir, tmpName()), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if !os.IsExist(err) {
			break
		}
	}
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// writeInPlace is open(O_TRUNC) + write + close. With a pause it stays
// empty and then half written for a while, which is what a reader of an
// older Metaflow's datastore can observe.
func writeInPlace(full string, data []byte, perm os.FileMode, pause time.Duration) error {
	if pause <= 0 {
		return writeFast(full, data, perm)
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	time.Sleep(pause)
	half := len(data) / 2
	if _, err := f.Write(data[:half]); err != nil {
		f.Close()
		return err
	}
	time.Sleep(pause)
	if _, err := f.Write(data[half:]); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
