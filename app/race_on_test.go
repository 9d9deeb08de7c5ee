//go:build race

package app

// raceEnabled: the race detector multiplies memory, so RSS is not measured.
const raceEnabled = true
