// Package build holds what packaging needs: the app icon (embedded here for
// the window), the Linux desktop entry, and the macOS and Windows files
// Wails' packaging reads.
package build

import _ "embed"

// Icon is the 1024x1024 app icon (appicon.png).
//
//go:embed appicon.png
var Icon []byte
