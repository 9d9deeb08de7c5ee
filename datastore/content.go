package datastore

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
	"time"

	"flowdeck/cards"
)

// CardContent is a card read and decoded for display.
type CardContent struct {
	Card Card
	// Kind is template, json, html or text (cards.Parse).
	Kind           cards.Kind
	Token          string
	UpdateDisabled bool
	// Tree is the decoded component tree (template and json cards), with
	// markdown rendered to HTML.
	Tree *cards.Card
	// Text is the content of a text card.
	Text string
	// Stale is set when the file on disk is caught mid-write and this is
	// the last good content.
	Stale bool
	// Err explains why the card cannot be shown (the rest still
	// describes the file).
	Err string
	// ReadAt is when the content was read.
	ReadAt time.Time
}

// contentCache keeps the last good decoded content and raw bytes of
// recently viewed cards: decoding is the expensive part, and a card caught
// mid-write must be shown as it last was.
type contentCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of string keys, most recent first
	items map[string]*contentItem
}

type contentItem struct {
	elem    *list.Element
	size    int64
	mtime   time.Time
	content CardContent
	raw     []byte
	data    []byte
	dataKey string // size+mtime of the data file read
}

func newContentCache(max int) *contentCache {
	return &contentCache{max: max, order: list.New(), items: map[string]*contentItem{}}
}

func (c *contentCache) get(key string) *contentItem {
	it := c.items[key]
	if it != nil {
		c.order.MoveToFront(it.elem)
	}
	return it
}

func (c *contentCache) put(key string, it *contentItem) {
	if old := c.items[key]; old != nil {
		c.order.Remove(old.elem)
	}
	it.elem = c.order.PushFront(key)
	c.items[key] = it
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(string))
	}
}

// maxCachedRaw is the largest card file whose bytes the content cache
// keeps (the last good bytes of a file caught mid-write).
const maxCachedRaw = 4 << 20

// CardHTML returns the card file's bytes as Metaflow wrote them (for the
// original view and export). A file caught mid-write yields the last good
// bytes when there are any.
func (ix *Index) CardHTML(ctx context.Context, key string) ([]byte, Card, error) {
	c, err := ix.Card(ctx, key)
	if err != nil {
		return nil, Card{}, err
	}
	b, err := readFile(ix.fsys, c.HTML.Path, maxCardBytes)
	if err == nil && len(b) > 0 {
		if _, perr := cards.Parse(b); perr == nil || !errors.Is(perr, cards.ErrIncomplete) {
			ix.content.mu.Lock()
			it := ix.content.get(key)
			if it == nil {
				it = &contentItem{}
				ix.content.put(key, it)
			}
			if len(b) <= maxCachedRaw {
				it.raw = b
			}
			ix.content.mu.Unlock()
			return b, c, nil
		}
	}
	ix.content.mu.Lock()
	defer ix.content.mu.Unlock()
	if it := ix.content.get(key); it != nil && it.raw != nil {
		return it.raw, c, nil
	}
	if err == nil {
		err = ErrIncomplete
	}
	return nil, c, fmt.Errorf("datastore: card %s: %w", c.Name(), err)
}

// OpenCard opens a card's file for streaming it (a big card is never read
// whole for the original view or export): the caller closes the file.
// The FileInfo is the open file's, so its size is what can be read now.
func (ix *Index) OpenCard(ctx context.Context, key string) (File, fs.FileInfo, Card, error) {
	c, err := ix.Card(ctx, key)
	if err != nil {
		return nil, nil, Card{}, err
	}
	f, err := ix.fsys.Open(c.HTML.Path)
	if err != nil {
		return nil, nil, c, fmt.Errorf("datastore: card %s: %w", c.Name(), err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() > maxCardBytes {
		err = fmt.Errorf("%s: %d bytes (cap %d): %w", c.HTML.Path, fi.Size(), maxCardBytes, ErrTooLarge)
	}
	if err != nil {
		f.Close()
		return nil, nil, c, err
	}
	return f, fi, c, nil
}

// CardContent reads and decodes a card. Decoded content is cached by file
// size and mtime.
func (ix *Index) CardContent(ctx context.Context, key string) (CardContent, error) {
	c, err := ix.Card(ctx, key)
	if err != nil {
		return CardContent{}, err
	}
	if out, ok := ix.cachedContent(key, c); ok {
		return out, nil
	}
	out := CardContent{Card: c, ReadAt: ix.now()}
	fi, statErr := ix.fsys.Lstat(c.HTML.Path)
	b, err := readFile(ix.fsys, c.HTML.Path, maxCardBytes)
	var p *cards.Parsed
	if err == nil {
		p, err = cards.Parse(b)
	}
	if err != nil {
		if errors.Is(err, cards.ErrIncomplete) || errors.Is(err, ErrIncomplete) {
			return ix.incompleteContent(key, out), nil
		}
		out.Err = cardError(err)
		return out, nil
	}
	out.Kind, out.Token, out.UpdateDisabled = p.Kind, p.Token, p.UpdateDisabled
	if len(b) > maxCachedRaw && p.Kind != cards.KindText {
		// A big card: its file's bytes are not needed past Parse (the card
		// JSON was decoded out of them). Collect them before the tree is
		// built, so the file, its JSON and the tree are never all held at
		// once (issue 12: decoding costs about twice the file at most).
		b = nil
		runtime.GC()
	}
	if templateType(c.Type) && p.Kind != cards.KindTemplate && p.Kind != cards.KindJSON {
		out.Err = fmt.Sprintf("this %s card is not a Metaflow card template: the file is damaged or was overwritten", c.Type)
		return out, nil
	}
	decodeContent(&out, p, b)
	if statErr == nil {
		ix.cacheContent(key, fi, out, b)
	}
	return out, nil
}

// cachedContent returns the decoded content cached for the card when its
// file has not changed since.
func (ix *Index) cachedContent(key string, c Card) (CardContent, bool) {
	ix.content.mu.Lock()
	defer ix.content.mu.Unlock()
	it := ix.content.get(key)
	if it != nil && it.content.ReadAt != (time.Time{}) && it.size == c.HTML.Size && it.mtime.Equal(c.HTML.ModTime) && !it.content.Stale {
		out := it.content
		out.Card = c
		return out, true
	}
	return CardContent{}, false
}

// incompleteContent answers for a card file caught mid-write: the last
// decoded content, marked stale, or a note that it is being written.
func (ix *Index) incompleteContent(key string, out CardContent) CardContent {
	ix.content.mu.Lock()
	defer ix.content.mu.Unlock()
	if it := ix.content.get(key); it != nil && it.content.ReadAt != (time.Time{}) {
		prev := it.content
		prev.Card, prev.Stale = out.Card, true
		return prev
	}
	out.Err = "the card file is being written; it will show once it is complete"
	if !ix.RunLive(out.Card.Flow, out.Card.Run) {
		// Nothing writes a finished run's files any more: the object or
		// file is damaged, or its writer died mid-write.
		out.Err = "the card file is cut off: its writer stopped before the end, or the file is damaged"
	}
	out.Stale = true
	return out
}

// decodeContent fills out's tree (a template or JSON card) or text from
// the parsed card.
func decodeContent(out *CardContent, p *cards.Parsed, b []byte) {
	switch p.Kind {
	case cards.KindTemplate, cards.KindJSON:
		tree, err := cards.DecodeCard(p.CardJSON)
		if err != nil {
			out.Err = cardError(err)
			return
		}
		cards.AnnotateMarkdown(tree)
		cards.AnnotateDAG(tree)
		out.Tree = tree
	case cards.KindText:
		out.Text = string(b)
	}
}

// cacheContent keeps the decoded content under the file's size and mtime.
func (ix *Index) cacheContent(key string, fi fs.FileInfo, out CardContent, b []byte) {
	ix.content.mu.Lock()
	defer ix.content.mu.Unlock()
	it := ix.content.get(key)
	if it == nil {
		it = &contentItem{}
	}
	it.size, it.mtime, it.content = fi.Size(), fi.ModTime(), out
	// The bytes of a big card are not kept: the original view streams
	// it from disk (app/limit.go), and holding them would double what
	// the decoded card already costs.
	if len(b) <= maxCachedRaw {
		it.raw = b
	}
	ix.content.put(key, it)
}

func cardError(err error) string {
	switch {
	case errors.Is(err, ErrTooLarge):
		return fmt.Sprintf("the card file is larger than Flowdeck reads (%d MB)", maxCardBytes>>20)
	case errors.Is(err, ErrNotRegular):
		return "the card file is not a regular file"
	}
	return err.Error()
}

// ErrNoData is returned by CardData for a card without runtime data.
var ErrNoData = errors.New("datastore: card has no runtime data")

// CardData returns the card's latest runtime data JSON as written. A file
// caught mid-write yields the last good bytes.
func (ix *Index) CardData(ctx context.Context, key string) ([]byte, cards.Data, error) {
	c, err := ix.Card(ctx, key)
	if err != nil {
		return nil, cards.Data{}, err
	}
	if c.Data == nil {
		return nil, cards.Data{}, fmt.Errorf("card %s: %w", c.Name(), ErrNoData)
	}
	b, err := readFile(ix.fsys, c.Data.Path, maxDataBytes)
	var d cards.Data
	if err == nil {
		d, err = cards.ParseData(b)
	}
	ix.content.mu.Lock()
	defer ix.content.mu.Unlock()
	it := ix.content.get(key)
	if err == nil {
		if it == nil {
			it = &contentItem{}
			ix.content.put(key, it)
		}
		it.data = b
		return b, d, nil
	}
	if it != nil && it.data != nil {
		if d, perr := cards.ParseData(it.data); perr == nil {
			return it.data, d, nil
		}
	}
	if errors.Is(err, cards.ErrIncomplete) {
		return nil, cards.Data{}, fmt.Errorf("datastore: card %s data: %w", c.Name(), ErrIncomplete)
	}
	return nil, cards.Data{}, fmt.Errorf("datastore: card %s data: %w", c.Name(), err)
}
