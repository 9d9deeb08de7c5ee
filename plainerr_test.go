package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"flowdeck/datastore"
)

// The errors come from the real calls a user's command reaches, so a change
// in how they are wrapped shows here.
func TestPlainErrorMissingFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "x")
	_, err := datastore.Discover(missing)
	if err == nil {
		t.Fatal("Discover of a missing folder succeeded")
	}
	if got, want := plainError(err, config{}), "no such folder: "+missing; got != want {
		t.Fatalf("plainError = %q, want %q (from %v)", got, want, err)
	}
}

func TestPlainErrorPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	_, err = net.Listen("tcp", addr)
	if err == nil {
		t.Fatal("second listen succeeded")
	}
	got := plainError(err, config{addr: addr})
	if want := "port " + port + " is in use: try --addr 127.0.0.1:0"; got != want {
		t.Fatalf("plainError = %q, want %q (from %v)", got, want, err)
	}
}

func TestPlainErrorKeepsOtherText(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := datastore.Discover(f)
	if err == nil {
		t.Fatal("Discover of a file succeeded")
	}
	if got := plainError(err, config{}); !strings.Contains(got, "not a folder") {
		t.Fatalf("plainError = %q, want the datastore's own words", got)
	}
}
