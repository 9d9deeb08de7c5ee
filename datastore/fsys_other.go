//go:build !unix

package datastore

import (
	"fmt"
	"os"
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
