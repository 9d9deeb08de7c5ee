package mfsim

import (
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"
)

// Options configure a Datastore. The zero value imitates Metaflow 2.19.38
// with atomic writes, a simulated clock at DefaultStart and seed 1.
type Options struct {
	// Mode is how files are written: Atomic (default), InPlace or Direct.
	Mode WriteMode
	// InPlacePause makes InPlace writes leave the file empty, then half
	// written, for this long each, so readers can catch both states.
	InPlacePause time.Duration
	// Version is the Metaflow release to imitate (V2_19 by default).
	Version Version
	// CardLayout overrides where card HTML goes (default: per Version).
	CardLayout CardLayout
	// Clock gives all timestamps. Nil means NewSimClock(DefaultStart, 1ms).
	Clock Clock
	// Seed seeds card uuids, mfCardDataIds and generated component ids.
	// Zero means 1.
	Seed uint64
	// User is the user name recorded everywhere (default "tester").
	User string
	// DSRoot is the absolute path written into ds-root and artifact
	// locations; viewers must not use it (default /home/<user>/project/.metaflow).
	DSRoot string
	// Bundle chooses what stands in for Metaflow's card JavaScript.
	Bundle Bundle
	// OnWrite, if set, is called with the path relative to the root after
	// each file is complete under its final name. It may be called from
	// several goroutines at once.
	OnWrite func(rel string)
}

// Bundle chooses the script that stands in for main.js in template cards.
type Bundle int

const (
	// BundleStandIn is a ~1 KB script that defines metaflow_card_update and
	// shows the card JSON as an outline, so the original view works.
	BundleStandIn Bundle = iota
	// BundleElided is the comment the fixtures have instead of the bundle,
	// so generated cards compare byte for byte with fixture cards.
	BundleElided
	// BundlePadded is the stand-in padded to the real sizes of main.js and
	// bundle.css (≈1.08 MB per card), for benchmarks.
	BundlePadded
)

// Datastore writes one .metaflow folder. Its methods, and those of Flow,
// Run and Step, are safe for concurrent use; a Task and its Cards belong to
// one goroutine at a time.
type Datastore struct {
	root  string
	opts  Options
	feat  features
	clock Clock
	w     *fileWriter

	mu    sync.Mutex
	rng   *rand.Rand
	flows map[string]*Flow

	// blobSet, when set, is shared by several Datastores on one root (Bulk)
	// so that each blob is written once without a stat per blob.
	blobSet *sync.Map
	// lean is BulkOptions.Lean.
	lean bool
	// blobTime, when set, is the gzip time of every blob, so that blobs
	// shared by concurrently written runs do not depend on which run won.
	blobTime time.Time
}

// New returns a Datastore writing into root, the .metaflow folder itself.
// Nothing is written until a run is created.
func New(root string, opts Options) *Datastore {
	if opts.Clock == nil {
		opts.Clock = NewSimClock(DefaultStart, time.Millisecond)
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.User == "" {
		opts.User = "tester"
	}
	if opts.DSRoot == "" {
		opts.DSRoot = "/home/" + opts.User + "/project/.metaflow"
	}
	feat := opts.Version.features()
	if opts.CardLayout != LayoutAuto {
		feat.layout = opts.CardLayout
	}
	return &Datastore{
		root:  root,
		opts:  opts,
		feat:  feat,
		clock: opts.Clock,
		w:     &fileWriter{root: root, mode: opts.Mode, pause: opts.InPlacePause, onWrite: opts.OnWrite},
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x6d667369)),
		flows: map[string]*Flow{},
	}
}

// Root returns the .metaflow folder.
func (d *Datastore) Root() string { return d.root }

// Clock returns the clock every timestamp comes from.
func (d *Datastore) Clock() Clock { return d.clock }

// MetaflowVersion is the release string written into metadata.
func (d *Datastore) MetaflowVersion() string { return d.feat.version }

// Flow returns the flow called name. Its _meta/_self.json is written with
// its first run.
func (d *Datastore) Flow(name string) *Flow {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.flows[name]
	if f == nil {
		f = &Flow{ds: d, name: name, blobs: map[string]bool{}}
		d.flows[name] = f
	}
	return f
}

func (d *Datastore) now() time.Time { return d.clock.Now() }

// uuidBytes draws 16 bytes shaped as a uuid4.
func (d *Datastore) uuidBytes() [16]byte {
	d.mu.Lock()
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := d.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	d.mu.Unlock()
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

// hexUUID is uuid4().hex: how Metaflow names card files.
func (d *Datastore) hexUUID() string {
	b := d.uuidBytes()
	return hex.EncodeToString(b[:])
}

// dashedUUID is str(uuid4()): mfCardDataId and mflog line ids.
func (d *Datastore) dashedUUID() string {
	b := d.uuidBytes()
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// hex6 is the suffix of generated component ids (markdown_94ce57).
func (d *Datastore) hex6() string {
	d.mu.Lock()
	v := d.rng.Uint32()
	d.mu.Unlock()
	const h = "0123456789abcdef"
	var b [6]byte
	for i := range b {
		b[i] = h[v>>(4*i)&0xf]
	}
	return string(b[:])
}

func (d *Datastore) put(rel string, data []byte) error { return d.w.put(rel, data) }

// Flow is one flow of a datastore.
type Flow struct {
	ds   *Datastore
	name string

	mu          sync.Mutex
	selfWritten bool
	blobs       map[string]bool // artifact shas already stored
}

// Name returns the flow name.
func (f *Flow) Name() string { return f.name }

// Datastore returns the datastore the flow belongs to.
func (f *Flow) Datastore() *Datastore { return f.ds }

func (f *Flow) writeSelf(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.selfWritten {
		return nil
	}
	// Metaflow writes the flow object once, with its first run; another
	// Datastore on the same folder must not rewrite it.
	rel := path.Join(f.name, "_meta", "_self.json")
	if _, err := os.Stat(filepath.Join(f.ds.root, rel)); err == nil {
		f.selfWritten = true
		return nil
	}
	rec := Obj{{"flow_id", f.name}, {"ts_epoch", epochMs(t)}}
	if err := f.ds.put(rel, mustPyJSON(rec)); err != nil {
		return err
	}
	f.selfWritten = true
	return nil
}
