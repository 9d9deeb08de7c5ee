//go:build !unix

package datastore

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func openNoFollow(name string) (*os.File, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	return os.Open(name)
}

// openBeneath checks every element below root with Lstat before opening
// (no openat on this platform; a link swapped in between the check and
// the open is the residual risk, see docs/security.md).
func openBeneath(root, rel string, dir bool) (*os.File, error) {
	p := root
	for _, el := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, el)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &SymlinkError{Path: p}
		}
	}
	return os.Open(p)
}
