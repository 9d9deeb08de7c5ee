//go:build unix

package datastore

import (
	"os"
	"syscall"
)

// openNoFollow refuses a symlink as the last element (no escape from the
// datastore through a planted link) and does not block on a FIFO.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}
