package mfsim

import (
	"fmt"
	"io/fs"
	"os"
)

// Damage is a reversible fault put on one file by a reliability test.
// Restore puts the file back exactly (content and mode) as it was when
// the Damage was made.
type Damage struct {
	path  string
	data  []byte
	mode  fs.FileMode
	isDir bool
}

func snapshot(path string) (*Damage, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("mfsim: damage %s: %w", path, err)
	}
	if st.IsDir() {
		return &Damage{path: path, mode: st.Mode().Perm(), isDir: true}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mfsim: damage %s: %w", path, err)
	}
	return &Damage{path: path, data: data, mode: st.Mode().Perm()}, nil
}

func snapshotFile(path string) (*Damage, error) {
	d, err := snapshot(path)
	if err == nil && d.isDir {
		return nil, fmt.Errorf("mfsim: damage %s: is a folder", path)
	}
	return d, err
}

// Truncate cuts the file to n bytes (0 gives the empty file a reader of an
// in-place writer can see).
func Truncate(path string, n int64) (*Damage, error) {
	d, err := snapshotFile(path)
	if err != nil {
		return nil, err
	}
	if err := os.Truncate(path, n); err != nil {
		return nil, fmt.Errorf("mfsim: truncate %s: %w", path, err)
	}
	return d, nil
}

// Garble replaces the file's content with garbage of the same length
// (at least one byte), keeping its name and mode.
func Garble(path string) (*Damage, error) {
	d, err := snapshotFile(path)
	if err != nil {
		return nil, err
	}
	const pattern = "\x00{[<\"\xff garbage\n"
	junk := make([]byte, max(len(d.data), 1))
	for i := range junk {
		junk[i] = pattern[i%len(pattern)]
	}
	if err := os.WriteFile(path, junk, d.mode); err != nil {
		return nil, fmt.Errorf("mfsim: garble %s: %w", path, err)
	}
	return d, nil
}

// Delete removes the file.
func Delete(path string) (*Damage, error) {
	d, err := snapshotFile(path)
	if err != nil {
		return nil, err
	}
	if err := os.Remove(path); err != nil {
		return nil, fmt.Errorf("mfsim: delete %s: %w", path, err)
	}
	return d, nil
}

// Unreadable sets the mode of a file or folder to 0 so that opening or
// listing it fails (except for root, which ignores modes: tests should
// skip when os.Getuid() == 0).
func Unreadable(path string) (*Damage, error) {
	d, err := snapshot(path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0); err != nil {
		return nil, fmt.Errorf("mfsim: chmod %s: %w", path, err)
	}
	return d, nil
}

// Path returns the damaged file.
func (d *Damage) Path() string { return d.path }

// Restore writes the original content back, atomically, with the
// original mode. It works whatever happened to the file since.
func (d *Damage) Restore() error {
	if d.isDir {
		if err := os.Chmod(d.path, d.mode); err != nil {
			return fmt.Errorf("mfsim: restore %s: %w", d.path, err)
		}
		return nil
	}
	if err := os.Chmod(d.path, d.mode); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("mfsim: restore %s: %w", d.path, err)
	}
	if err := writeAtomic(d.path, d.data); err != nil {
		return fmt.Errorf("mfsim: restore %s: %w", d.path, err)
	}
	if err := os.Chmod(d.path, d.mode); err != nil {
		return fmt.Errorf("mfsim: restore %s: %w", d.path, err)
	}
	return nil
}
