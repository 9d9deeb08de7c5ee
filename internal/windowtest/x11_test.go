//go:build windowtest

package windowtest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math/rand"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// xconn is the little of the X11 protocol the window tests need: list
// top-level windows with their names, geometry and map state, read a
// window's pixels, send a window WM_DELETE_WINDOW (what a window manager's
// close button does), and move and click the pointer and type key chords
// through XTEST (as a user would). It talks to a local Xvfb over its Unix socket, with no
// authorization (the tests start Xvfb themselves).
type xconn struct {
	mu    sync.Mutex
	c     net.Conn
	seq   uint16
	root  uint32
	bpp   map[int]int
	lsb   bool
	atoms map[string]uint32
	xtest byte
	// minKey, maxKey are the server's keycode range (connection setup).
	minKey, maxKey byte
}

var le = binary.LittleEndian

func dialX(display int) (*xconn, error) {
	c, err := net.DialTimeout("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", display), 5*time.Second)
	if err != nil {
		return nil, err
	}
	x := &xconn{c: c, bpp: map[int]int{}, atoms: map[string]uint32{}}
	if err := x.setup(); err != nil {
		c.Close()
		return nil, err
	}
	return x, nil
}

func (x *xconn) Close() error { return x.c.Close() }

func pad4(n int) int { return (4 - n%4) % 4 }

func (x *xconn) setup() error {
	req := make([]byte, 12)
	req[0] = 'l'
	le.PutUint16(req[2:], 11)
	if _, err := x.c.Write(req); err != nil {
		return err
	}
	x.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	head := make([]byte, 8)
	if _, err := io.ReadFull(x.c, head); err != nil {
		return err
	}
	body := make([]byte, int(le.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(x.c, body); err != nil {
		return err
	}
	if head[0] != 1 {
		return fmt.Errorf("x11: connection refused: %q", strings.TrimSpace(string(body)))
	}
	vlen := int(le.Uint16(body[16:]))
	nformats := int(body[21])
	x.lsb = body[22] == 0
	x.minKey, x.maxKey = body[26], body[27]
	off := 32 + vlen + pad4(vlen)
	for i := 0; i < nformats; i++ {
		f := body[off+8*i:]
		x.bpp[int(f[0])] = int(f[1])
	}
	off += 8 * nformats
	x.root = le.Uint32(body[off:])
	return nil
}

// request sends one request and, when it has a reply, returns the reply
// (32 bytes plus its extra data).
func (x *xconn) request(b []byte, reply bool) ([]byte, error) {
	le.PutUint16(b[2:], uint16(len(b)/4))
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, err := x.c.Write(b); err != nil {
		return nil, err
	}
	x.seq++
	if !reply {
		return nil, nil
	}
	want := x.seq
	x.c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		head := make([]byte, 32)
		if _, err := io.ReadFull(x.c, head); err != nil {
			return nil, err
		}
		switch head[0] {
		case 0: // error
			if le.Uint16(head[2:]) == want {
				return nil, fmt.Errorf("x11: error %d for request %d", head[1], b[0])
			}
		case 1: // reply
			extra := make([]byte, int(le.Uint32(head[4:]))*4)
			if _, err := io.ReadFull(x.c, extra); err != nil {
				return nil, err
			}
			if le.Uint16(head[2:]) == want {
				return append(head, extra...), nil
			}
		}
		// an event or a stale answer: skip
	}
}

func req(op byte, n int) []byte {
	b := make([]byte, n)
	b[0] = op
	return b
}

// sync waits until the server handled everything sent before.
func (x *xconn) sync() error {
	_, err := x.request(req(43, 4), true) // GetInputFocus
	return err
}

func (x *xconn) atom(name string) (uint32, error) {
	if a, ok := x.atoms[name]; ok {
		return a, nil
	}
	b := req(16, 8+len(name)+pad4(len(name)))
	le.PutUint16(b[4:], uint16(len(name)))
	copy(b[8:], name)
	r, err := x.request(b, true)
	if err != nil {
		return 0, err
	}
	a := le.Uint32(r[8:])
	x.atoms[name] = a
	return a, nil
}

func (x *xconn) children(w uint32) ([]uint32, error) {
	b := req(15, 8)
	le.PutUint32(b[4:], w)
	r, err := x.request(b, true)
	if err != nil {
		return nil, err
	}
	n := int(le.Uint16(r[16:]))
	out := make([]uint32, n)
	for i := range out {
		out[i] = le.Uint32(r[32+4*i:])
	}
	return out, nil
}

func (x *xconn) property(w uint32, name string) (string, error) {
	a, err := x.atom(name)
	if err != nil {
		return "", err
	}
	b := req(20, 24)
	le.PutUint32(b[4:], w)
	le.PutUint32(b[8:], a)
	le.PutUint32(b[12:], 0) // AnyPropertyType
	le.PutUint32(b[16:], 0)
	le.PutUint32(b[20:], 1024)
	r, err := x.request(b, true)
	if err != nil {
		return "", err
	}
	format := int(r[1])
	n := int(le.Uint32(r[16:])) * format / 8
	if n > len(r)-32 {
		n = len(r) - 32
	}
	return string(r[32 : 32+n]), nil
}

type geometry struct{ X, Y, W, H int }

func (x *xconn) geometry(w uint32) (geometry, error) {
	b := req(14, 8)
	le.PutUint32(b[4:], w)
	r, err := x.request(b, true)
	if err != nil {
		return geometry{}, err
	}
	g := geometry{X: int(int16(le.Uint16(r[12:]))), Y: int(int16(le.Uint16(r[14:]))), W: int(le.Uint16(r[16:])), H: int(le.Uint16(r[18:]))}
	// Absolute position (without a window manager a top-level window is a
	// child of the root, but ask the server anyway).
	t := req(40, 16)
	le.PutUint32(t[4:], w)
	le.PutUint32(t[8:], x.root)
	tr, err := x.request(t, true)
	if err == nil {
		g.X, g.Y = int(int16(le.Uint16(tr[12:]))), int(int16(le.Uint16(tr[14:])))
	}
	return g, nil
}

// mapState is 0 unmapped, 1 unviewable, 2 viewable.
func (x *xconn) mapState(w uint32) (int, error) {
	b := req(3, 8)
	le.PutUint32(b[4:], w)
	r, err := x.request(b, true)
	if err != nil {
		return 0, err
	}
	return int(r[26]), nil
}

type xwindow struct {
	ID    uint32
	Name  string
	Geo   geometry
	State int
}

// toplevels lists the root's children that have a name.
func (x *xconn) toplevels() ([]xwindow, error) {
	kids, err := x.children(x.root)
	if err != nil {
		return nil, err
	}
	var out []xwindow
	for _, k := range kids {
		name, _ := x.property(k, "_NET_WM_NAME")
		if name == "" {
			name, _ = x.property(k, "WM_NAME")
		}
		if name == "" {
			continue
		}
		g, err := x.geometry(k)
		if err != nil {
			continue
		}
		st, _ := x.mapState(k)
		out = append(out, xwindow{ID: k, Name: name, Geo: g, State: st})
	}
	return out, nil
}

// closeWindow sends WM_DELETE_WINDOW, as a window manager's close button.
func (x *xconn) closeWindow(w uint32) error {
	protocols, err := x.atom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	del, err := x.atom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}
	b := req(25, 44)
	le.PutUint32(b[4:], w)
	le.PutUint32(b[8:], 0) // no event mask: to the window's owner
	ev := b[12:]
	ev[0] = 33 // ClientMessage
	ev[1] = 32
	le.PutUint32(ev[4:], w)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], del)
	if _, err := x.request(b, false); err != nil {
		return err
	}
	return x.sync()
}

// click moves the pointer to (px, py) on the root and clicks button 1,
// through the XTEST extension.
func (x *xconn) click(px, py int) error {
	if err := x.initXTest(); err != nil {
		return err
	}
	fake := x.fake
	if err := fake(6, 0, px, py); err != nil { // MotionNotify, absolute
		return err
	}
	if err := x.sync(); err != nil {
		return err
	}
	time.Sleep(60 * time.Millisecond)
	if err := fake(4, 1, px, py); err != nil { // ButtonPress 1
		return err
	}
	time.Sleep(40 * time.Millisecond)
	if err := fake(5, 1, px, py); err != nil { // ButtonRelease 1
		return err
	}
	return x.sync()
}

func (x *xconn) initXTest() error {
	if x.xtest != 0 {
		return nil
	}
	name := "XTEST"
	b := req(98, 8+len(name)+pad4(len(name))) // QueryExtension
	le.PutUint16(b[4:], uint16(len(name)))
	copy(b[8:], name)
	r, err := x.request(b, true)
	if err != nil {
		return err
	}
	if r[8] == 0 {
		return errors.New("x11: no XTEST extension")
	}
	x.xtest = r[9]
	return nil
}

// fake sends one XTEST FakeInput event.
func (x *xconn) fake(typ, detail byte, fx, fy int) error {
	b := req(x.xtest, 36)
	b[1] = 2 // FakeInput
	b[4] = typ
	b[5] = detail
	le.PutUint32(b[12:], x.root)
	le.PutUint16(b[24:], uint16(int16(fx)))
	le.PutUint16(b[26:], uint16(int16(fy)))
	_, err := x.request(b, false)
	return err
}

// Keysyms for chord.
const (
	keysymControlL = 0xffe3
	keysymO        = 0x006f
)

// keycode finds the keycode whose first keysym is sym (GetKeyboardMapping).
func (x *xconn) keycode(sym uint32) (byte, error) {
	first, last := x.minKey, x.maxKey
	b := req(101, 8) // GetKeyboardMapping
	b[4] = first
	b[5] = last - first + 1
	r, err := x.request(b, true)
	if err != nil {
		return 0, err
	}
	per := int(r[1])
	for i := 0; i <= int(last-first); i++ {
		if off := 32 + 4*i*per; off+4 <= len(r) && le.Uint32(r[off:]) == sym {
			return first + byte(i), nil
		}
	}
	return 0, fmt.Errorf("x11: no keycode for keysym %#x", sym)
}

// chord moves the pointer to (px, py) (the focus follows the pointer on a
// server with no window manager), presses the keys in order and releases
// them in reverse, through XTEST: Ctrl+O as a user types it.
func (x *xconn) chord(px, py int, keysyms ...uint32) error {
	if err := x.initXTest(); err != nil {
		return err
	}
	codes := make([]byte, len(keysyms))
	for i, k := range keysyms {
		c, err := x.keycode(k)
		if err != nil {
			return err
		}
		codes[i] = c
	}
	if err := x.fake(6, 0, px, py); err != nil { // MotionNotify, absolute
		return err
	}
	if err := x.sync(); err != nil {
		return err
	}
	time.Sleep(100 * time.Millisecond)
	for _, c := range codes {
		if err := x.fake(2, c, 0, 0); err != nil { // KeyPress
			return err
		}
		time.Sleep(30 * time.Millisecond)
	}
	for i := len(codes) - 1; i >= 0; i-- {
		if err := x.fake(3, codes[i], 0, 0); err != nil { // KeyRelease
			return err
		}
	}
	return x.sync()
}

// typeText types s key by key at (px, py) into an empty field, as chord
// does: letters, digits, '/', '.', '-' and ':' (Shift+semicolon on a US
// keymap), then Return when enter is set.
//
// It presses BackSpace first. On a fresh machine's Xvfb the window can
// drop the first synthetic key it gets ("s3://b/mf" arrived as "3://b/mf"
// on one, every time); a BackSpace in an empty field changes nothing
// whether it is dropped or not.
func (x *xconn) typeText(px, py int, s string, enter bool) error {
	const shiftL, semicolon, ret, backSpace = 0xffe1, 0x3b, 0xff0d, 0xff08
	if err := x.chord(px, py, backSpace); err != nil {
		return err
	}
	for _, r := range s {
		var err error
		switch {
		case r == ':':
			err = x.chord(px, py, shiftL, semicolon)
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '/', r == '.', r == '-':
			err = x.chord(px, py, uint32(r))
		default:
			return fmt.Errorf("x11: typeText cannot type %q", r)
		}
		if err != nil {
			return err
		}
	}
	if enter {
		return x.chord(px, py, ret)
	}
	return nil
}

// capture reads a window's pixels (ZPixmap, 24/32-bit TrueColor).
func (x *xconn) capture(w uint32, g geometry) (*image.RGBA, error) {
	b := req(73, 20)
	b[1] = 2 // ZPixmap
	le.PutUint32(b[4:], w)
	le.PutUint16(b[12:], uint16(g.W))
	le.PutUint16(b[14:], uint16(g.H))
	le.PutUint32(b[16:], 0xffffffff)
	r, err := x.request(b, true)
	if err != nil {
		return nil, err
	}
	depth := int(r[1])
	if x.bpp[depth] != 32 {
		return nil, fmt.Errorf("x11: capture of depth %d (%d bpp) not supported", depth, x.bpp[depth])
	}
	data := r[32:]
	img := image.NewRGBA(image.Rect(0, 0, g.W, g.H))
	stride := g.W * 4
	for y := 0; y < g.H; y++ {
		for i := 0; i < g.W; i++ {
			p := data[y*stride+4*i:]
			var c color.RGBA
			if x.lsb {
				c = color.RGBA{R: p[2], G: p[1], B: p[0], A: 255}
			} else {
				c = color.RGBA{R: p[1], G: p[2], B: p[3], A: 255}
			}
			img.SetRGBA(i, y, c)
		}
	}
	return img, nil
}

// startXvfb runs Xvfb on a free display and returns its number. It picks
// a random display number far from the ones desktops and xvfb-run use, and
// waits until the server answers.
func startXvfb() (int, func(), error) {
	var lastErr error
	for attempt := 0; attempt < 10; attempt++ {
		d := 300 + rand.Intn(600)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", d)); err == nil {
			continue
		}
		var stderr strings.Builder
		cmd := newCommand("Xvfb", fmt.Sprintf(":%d", d), "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			return 0, nil, fmt.Errorf("start Xvfb: %w", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		}
		// This attempt's own error: one left from an earlier attempt would
		// end the wait before the new server is even dialled.
		var failed error
		for deadline := time.Now().Add(15 * time.Second); failed == nil && time.Now().Before(deadline); {
			select {
			case <-exited:
				failed = fmt.Errorf("Xvfb :%d exited: %s", d, stderr.String())
				continue
			default:
			}
			if x, err := dialX(d); err == nil {
				x.Close()
				return d, stop, nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		if failed == nil {
			failed = fmt.Errorf("Xvfb :%d did not answer: %s", d, stderr.String())
		}
		lastErr = failed
		stop()
	}
	return 0, nil, lastErr
}
