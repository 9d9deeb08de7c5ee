//go:build unix

package datastore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// openNoFollow refuses a symlink as the last element (no escape from the
// datastore through a planted link) and does not block on a FIFO.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// openBeneath opens rel below root with no symbolic link in any element:
// openat2 with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS on Linux 5.6+ (the
// kernel checks every element atomically), else a walk that opens each
// element with O_NOFOLLOW relative to the folder before it.
func openBeneath(root, rel string, dir bool) (*os.File, error) {
	flags := unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK
	if dir {
		flags |= unix.O_DIRECTORY
	}
	rfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(rfd)
	fd, err := openat2(rfd, rel, flags)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		// No openat2 (old kernel, or a seccomp filter that refuses it).
		fd, err = walkNoFollow(rfd, rel, flags)
	}
	if err != nil {
		name := filepath.Join(root, rel)
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV) {
			return nil, symlinkAt(root, rel)
		}
		if errors.Is(err, unix.ENOTDIR) {
			// A link to a file where a folder is expected fails this way
			// in the walk; say so if that is what it is.
			if se := symlinkAt(root, rel); se.(*SymlinkError).Path != name {
				return nil, se
			}
		}
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(root, rel)), nil
}

func walkNoFollow(rfd int, rel string, flags int) (int, error) {
	els := strings.Split(rel, string(filepath.Separator))
	fd := rfd
	for i, el := range els {
		f := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i == len(els)-1 {
			f = flags | unix.O_NOFOLLOW
		}
		if el == ".." {
			return -1, unix.EXDEV
		}
		nfd, err := unix.Openat(fd, el, f, 0)
		if fd != rfd {
			unix.Close(fd)
		}
		if err != nil {
			return -1, err
		}
		fd = nfd
	}
	return fd, nil
}
