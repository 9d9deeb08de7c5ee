package s3fs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

func newFS(t *testing.T, c *Client) *FS {
	return New(t.Context(), c, URL{Bucket: localBucket}, URL{Bucket: mfBucket, Prefix: "metaflow"})
}

// compareTree walks the local tree and the S3 tree side by side through
// datastore.FS: the same entries (minus what skip drops), folder or file,
// sizes, Lstat answers and bytes.
func compareTree(t *testing.T, fsys datastore.FS, local, remote string, skip s3test.Skip) int {
	t.Helper()
	ents, err := os.ReadDir(local)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range ents {
		if skip == nil || !skip(e.Name(), e) {
			want = append(want, e.Name())
		}
	}
	rents, err := fsys.ReadDir(remote)
	if err != nil {
		t.Fatalf("ReadDir %s: %v", remote, err)
	}
	got := map[string]fs.DirEntry{}
	var names []string
	for _, e := range rents {
		got[e.Name()] = e
		names = append(names, e.Name())
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("ReadDir %s = %v, want %v", remote, names, want)
	}
	files := 0
	for _, name := range want {
		lp, rp := filepath.Join(local, name), path.Join(remote, name)
		lfi, err := os.Lstat(lp)
		if err != nil {
			t.Fatal(err)
		}
		e := got[name]
		if e.IsDir() != lfi.IsDir() {
			t.Fatalf("%s: IsDir %v, local %v", rp, e.IsDir(), lfi.IsDir())
		}
		if lfi.IsDir() {
			files += compareTree(t, fsys, lp, rp, skip)
			continue
		}
		files++
		info, _ := e.Info()
		fi, err := fsys.Lstat(rp)
		if err != nil || fi.IsDir() || fi.Size() != lfi.Size() || info.Size() != lfi.Size() || fi.ModTime().IsZero() {
			t.Fatalf("Lstat %s = %v, %v (listed size %d); local size %d", rp, fi, err, info.Size(), lfi.Size())
		}
		wantB, _ := os.ReadFile(lp)
		f, err := fsys.Open(rp)
		if err != nil {
			t.Fatalf("Open %s: %v", rp, err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil || !bytes.Equal(b, wantB) {
			t.Fatalf("read %s: %d bytes, %v; want the local %d bytes", rp, len(b), err, len(wantB))
		}
	}
	return files
}

func TestLocalFixturesOverS3(t *testing.T) {
	fsys := newFS(t, newTestClient(t, srv.Endpoint, Options{}))
	for _, name := range localFixtures {
		t.Run(name, func(t *testing.T) {
			n := compareTree(t, fsys, fixture.Path(t, name, ".metaflow"), "/"+localBucket+"/"+name, s3test.NotInBucket)
			if n < 20 {
				t.Fatalf("compared %d files only", n)
			}
		})
	}
}

func TestMetaflowObjectsOverS3(t *testing.T) {
	fsys := newFS(t, newTestClient(t, srv.Endpoint, Options{}))
	n := compareTree(t, fsys, fixture.Path(t, "s3", "objects"), "/"+mfBucket+"/metaflow", nil)
	if n != 204 {
		// Every object real Metaflow wrote (see testdata/metaflow/s3).
		t.Fatalf("compared %d objects, want 204", n)
	}
	// The bucket holds no _meta and no latest_run.
	if _, err := fsys.Lstat("/" + mfBucket + "/metaflow/RetryFlow/_meta"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("_meta: %v", err)
	}
	fi, err := fsys.Lstat("/" + mfBucket + "/metaflow/RetryFlow")
	if err != nil || !fi.IsDir() || fi.Name() != "RetryFlow" {
		t.Fatalf("Lstat flow folder: %v, %v", fi, err)
	}
	root, err := fsys.Lstat("/" + mfBucket + "/metaflow")
	if err != nil || !root.IsDir() {
		t.Fatalf("Lstat root: %v, %v", root, err)
	}
}

func TestRangeReads(t *testing.T) {
	c := newTestClient(t, srv.Endpoint, Options{})
	fsys := newFS(t, c)
	before := c.Counter().Total()
	f, err := fsys.Open("/" + localBucket + "/big/blob")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := c.Counter().Total() - before; n != 1 {
		t.Fatalf("Open sent %d requests, want 1 ranged GET", n)
	}
	fi, _ := f.Stat()
	if fi.Size() != int64(len(bigBlob)) {
		t.Fatalf("size %d, want %d", fi.Size(), len(bigBlob))
	}
	readAt := func(off, n int, wantErr error, wantReqs int64) {
		t.Helper()
		before := c.Counter().Total()
		b := make([]byte, n)
		m, err := f.ReadAt(b, int64(off))
		end := min(off+n, len(bigBlob))
		if !errors.Is(err, wantErr) || m != end-off || !bytes.Equal(b[:m], bigBlob[off:end]) {
			t.Fatalf("ReadAt(%d, %d) = %d, %v; want %d bytes, %v", off, n, m, err, end-off, wantErr)
		}
		if got := c.Counter().Total() - before; got != wantReqs {
			t.Fatalf("ReadAt(%d, %d) sent %d requests, want %d", off, n, got, wantReqs)
		}
	}
	readAt(0, 100, nil, 0)                   // inside the head
	readAt(headBytes-10, 10, nil, 0)         // the head's last bytes
	readAt(headBytes-10, 20, nil, 1)         // across the head's end
	readAt(2*headBytes, 1000, nil, 1)        // past the head
	readAt(len(bigBlob)-256, 256, nil, 1)    // a tail
	readAt(len(bigBlob)-100, 256, io.EOF, 1) // past the end
	readAt(len(bigBlob), 10, io.EOF, 0)      // at the end
	// Read streams the rest after the head with one more GET.
	before = c.Counter().Total()
	all, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(all, bigBlob) {
		t.Fatalf("ReadAll: %d bytes, %v", len(all), err)
	}
	if n := c.Counter().Total() - before; n != 1 {
		t.Fatalf("ReadAll sent %d requests, want 1", n)
	}
}

func TestChangedWhileReading(t *testing.T) {
	fsys := newFS(t, newTestClient(t, srv.Endpoint, Options{}))
	key := "big/changing"
	ctx := context.Background()
	if err := srv.Put(ctx, localBucket, key, bytes.Clone(bigBlob)); err != nil {
		t.Fatal(err)
	}
	f, err := fsys.Open("/" + localBucket + "/" + key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A live card's data is replaced in place while it is read.
	changed := bytes.Clone(bigBlob)
	changed[2*headBytes] ^= 0xff
	if err := srv.Put(ctx, localBucket, key, changed); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 10)
	if _, err := f.ReadAt(b, 2*headBytes); !errors.Is(err, ErrChanged) {
		t.Fatalf("ReadAt of a replaced object: %v, want ErrChanged", err)
	}
}

func TestMissing(t *testing.T) {
	fsys := newFS(t, newTestClient(t, srv.Endpoint, Options{}))
	for _, p := range []string{"/" + localBucket + "/default/NoSuchFlow", "/" + localBucket + "/default/DefaultCardFlow/nosuchfile"} {
		if _, err := fsys.Open(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open %s: %v, want fs.ErrNotExist", p, err)
		}
		if _, err := fsys.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Lstat %s: %v, want fs.ErrNotExist", p, err)
		}
		if _, err := fsys.ReadDir(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadDir %s: %v, want fs.ErrNotExist", p, err)
		}
	}
	// Outside the roots: refused without a request.
	for _, p := range []string{"/" + mfBucket + "/other", "/flowdeck-probe/probe", "relative/path"} {
		if _, err := fsys.Open(p); !errors.Is(err, ErrOutside) {
			t.Errorf("Open %s: %v, want ErrOutside", p, err)
		}
	}
	// A folder is not a file.
	if _, err := fsys.Open("/" + localBucket + "/default"); !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, datastore.ErrNotRegular) {
		t.Errorf("Open of a folder: %v", err)
	}
	// A bucket that does not exist says so.
	other := New(t.Context(), newTestClient(t, srv.Endpoint, Options{}), URL{Bucket: "no-such-bucket"})
	if _, err := other.Lstat("/no-such-bucket"); !errors.Is(err, ErrNoSuchBucket) {
		t.Errorf("Lstat of a missing bucket: %v, want ErrNoSuchBucket", err)
	}
}

func TestListTree(t *testing.T) {
	c := newTestClient(t, srv.Endpoint, Options{})
	fsys := newFS(t, c)
	root := fixture.Path(t, "s3", "objects")
	var want []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			want = append(want, "/"+mfBucket+"/metaflow/"+filepath.ToSlash(rel))
		}
		return nil
	})
	before := c.Counter().Total()
	objs, err := fsys.ListTree("/" + mfBucket + "/metaflow")
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Counter().Total() - before; n != 1 {
		t.Fatalf("ListTree of %d objects sent %d requests, want 1", len(objs), n)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Path)
		if o.ModTime.IsZero() || o.ETag == "" {
			t.Fatalf("%s: no LastModified or ETag: %+v", o.Path, o)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("ListTree: %d objects, want %d", len(got), len(want))
	}
	if objs, err := fsys.ListTree("/" + localBucket + "/default/NoSuchFlow"); err != nil || len(objs) != 0 {
		t.Fatalf("ListTree of an empty prefix: %v, %v", objs, err)
	}
}

// TestEmptyObject: S3 answers a range on an empty object with 416; Open
// still gives an empty file (Metaflow writes empty logs).
func TestEmptyObject(t *testing.T) {
	c := newTestClient(t, srv.Endpoint, Options{})
	fsys := newFS(t, c)
	p := "/" + mfBucket + "/metaflow/DefaultCardFlow/1796421180235005/end/5/0.runtime_stderr.log"
	before := c.Counter().Total()
	f, err := fsys.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	b, err := io.ReadAll(f)
	if err != nil || len(b) != 0 || fi.Size() != 0 || fi.ModTime().IsZero() {
		t.Fatalf("empty object: %d bytes, %v, size %d, mtime %v", len(b), err, fi.Size(), fi.ModTime())
	}
	if n, err := f.ReadAt(make([]byte, 1), 0); n != 0 || err != io.EOF {
		t.Fatalf("ReadAt of an empty object: %d, %v", n, err)
	}
	t.Logf("%d requests", c.Counter().Total()-before)
}
