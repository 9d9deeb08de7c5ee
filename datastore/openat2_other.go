//go:build unix && !linux

package datastore

import "golang.org/x/sys/unix"

// openat2 is Linux only; elsewhere openBeneath walks with O_NOFOLLOW.
func openat2(int, string, int) (int, error) { return -1, unix.ENOSYS }
