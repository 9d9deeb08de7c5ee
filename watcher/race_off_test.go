//go:build !race

package watcher

const raceDetector = false
