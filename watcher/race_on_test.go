//go:build race

package watcher

// raceDetector: the race detector slows Go code down 5-20 times, so a
// test that relies on the watcher keeping up with a simulated writer gives
// the writer Metaflow-like pauses that are longer.
const raceDetector = true
