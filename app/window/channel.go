//go:build desktop

package window

// channelResult is what closing Wails' message channel achieved
// (channel_linux.go, channel_other.go).
type channelResult struct {
	Closed   bool
	Webviews int
	Detail   string
}
