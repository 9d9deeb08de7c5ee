package datastore

import "golang.org/x/sys/unix"

func openat2(dirfd int, rel string, flags int) (int, error) {
	how := unix.OpenHow{Flags: uint64(flags), Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}
	for {
		fd, err := unix.Openat2(dirfd, rel, &how)
		if err == unix.EINTR || err == unix.EAGAIN {
			// EAGAIN: a rename raced the lookup (RESOLVE_BENEATH); retry.
			continue
		}
		return fd, err
	}
}
