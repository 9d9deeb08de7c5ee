package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"syscall"
)

// plainError says what went wrong in the user's words, for the errors a user
// meets on the command line (a mistyped folder, a port already taken). Go's
// own text ("stat /x: no such file or directory", "listen tcp …: bind:
// address already in use") names system calls the user never made. Other
// errors keep their own text, which the packages already write for people.
func plainError(err error, cfg config) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist) && errors.As(err, &pe):
		return "no such folder: " + pe.Path
	case errors.Is(err, fs.ErrPermission) && errors.As(err, &pe):
		return "no permission to read " + pe.Path
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Sprintf("port %s is in use: try --addr 127.0.0.1:0", portOf(cfg.addr))
	}
	return err.Error()
}

// portOf is the port of a host:port address, or the address itself when it
// has none.
func portOf(addr string) string {
	if _, port, err := net.SplitHostPort(addr); err == nil {
		return port
	}
	return addr
}
