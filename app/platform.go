package app

import "errors"

// Platform is what only the desktop window can do: native dialogs and
// handing a folder to the file manager. Serve mode has none.
type Platform interface {
	// OpenDirectory asks the user for a folder; "" when cancelled.
	OpenDirectory(title string) (string, error)
	// SaveFile asks where to save; "" when cancelled.
	SaveFile(title, defaultName string) (string, error)
	// Reveal opens a folder in the file manager.
	Reveal(dir string) error
}

// errNoPlatform is returned for window-only actions in serve mode.
var errNoPlatform = errors.New("only available in the desktop window")
