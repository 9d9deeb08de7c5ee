// Package windowtest runs the real flowdeck binary's desktop window under
// Xvfb and checks it from outside: what the window shows (screenshots), what
// reaches Wails' message channel and the app's handler (the binary's test
// log, FLOWDECK_TEST_LOG), what the window does (X11 queries), and what
// leaves the process (a fake xdg-open, a canary HTTP server).
//
// The tests carry the build tag windowtest:
//
//	FLOWDECK_BIN=$PWD/bin/flowdeck go test -tags windowtest ./internal/windowtest/
//
// They need Xvfb (package xvfb) and nothing else: the X11 client is in
// x11_test.go. Screenshots land in artifacts/ (gitignored).
package windowtest
