//go:build desktop && !(linux && cgo)

package window

// closeWailsChannel cannot close Wails' message channel on this platform
// (or in a build without the Linux desktop shell): card scripts in the
// window then run only after the user agrees (app.GateScripts).
func closeWailsChannel(keep bool, record func(string)) <-chan channelResult {
	ch := make(chan channelResult, 1)
	ch <- channelResult{Detail: "closing Wails' message channel is implemented for the Linux (WebKitGTK) window only"}
	return ch
}
