package watcher

import (
	"fmt"

	"github.com/fsnotify/fsnotify"
)

// Backend is a source of file events for watched folders: fsnotify, or a
// test double that injects faults (overflows, watch-limit errors).
type Backend interface {
	// Add watches one folder, not recursively. A watch-limit error must
	// wrap syscall.ENOSPC or syscall.EMFILE.
	Add(dir string) error
	// Remove stops watching a folder.
	Remove(dir string) error
	// Events delivers events; it is closed when the backend is closed.
	Events() <-chan fsnotify.Event
	// Errors delivers errors; fsnotify.ErrEventOverflow means events were
	// lost.
	Errors() <-chan error
	Close() error
}

type fsnotifyBackend struct{ w *fsnotify.Watcher }

func newFsnotify() (Backend, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watcher: start inotify: %w", err)
	}
	return fsnotifyBackend{w}, nil
}

func (b fsnotifyBackend) Add(dir string) error          { return b.w.Add(dir) }
func (b fsnotifyBackend) Remove(dir string) error       { return b.w.Remove(dir) }
func (b fsnotifyBackend) Events() <-chan fsnotify.Event { return b.w.Events }
func (b fsnotifyBackend) Errors() <-chan error          { return b.w.Errors }
func (b fsnotifyBackend) Close() error                  { return b.w.Close() }
