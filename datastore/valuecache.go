package datastore

import (
	"container/list"
	"sync"
)

// decoded is one artifact blob decoded by the artifacts package: its value
// tree as JSON (what the API sends), with the few facts lists and the
// foreach fallback need.
type decoded struct {
	json      []byte
	preview   string
	truncated bool
	err       string
	// partial: the blob was missing or cut off, as while a task is still
	// saving it (or a writer before Metaflow 2.19.20 writes it in place).
	// Such a value is not cached, and a reader may try again later.
	partial bool
}

func (d *decoded) cost() int64 { return int64(len(d.json)+len(d.preview)+len(d.err)) + 64 }

// valueCache keeps decoded artifact values by blob sha, least recently used
// first out, bounded by bytes. Blobs are content-addressed and never
// rewritten, so an entry never goes stale.
type valueCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // of *valueEntry, most recent first
	items map[string]*list.Element
}

type valueEntry struct {
	sha string
	v   *decoded
}

func newValueCache(maxBytes int64) *valueCache {
	return &valueCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *valueCache) get(sha string) *decoded {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.items[sha]
	if e == nil {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*valueEntry).v
}

// put stores v unless it alone is bigger than the cache.
func (c *valueCache) put(sha string, v *decoded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v.cost() > c.max {
		return
	}
	if e := c.items[sha]; e != nil {
		c.size -= e.Value.(*valueEntry).v.cost()
		c.order.Remove(e)
	}
	c.items[sha] = c.order.PushFront(&valueEntry{sha: sha, v: v})
	c.size += v.cost()
	for c.size > c.max {
		last := c.order.Back()
		ent := last.Value.(*valueEntry)
		c.order.Remove(last)
		delete(c.items, ent.sha)
		c.size -= ent.v.cost()
	}
}
