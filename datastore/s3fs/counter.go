package s3fs

import (
	"sync"
	"time"
)

// Counter counts requests and tells how many were sent in the last
// minute, for the status bar and the cost estimate. The clock is passed
// in so tests drive it.
type Counter struct {
	now func() time.Time

	mu     sync.Mutex
	total  int64
	secs   [60]int64 // requests per second, ring indexed by unix second
	stamps [60]int64 // the unix second each slot holds
}

// NewCounter returns a counter reading the time from now.
func NewCounter(now func() time.Time) *Counter { return &Counter{now: now} }

// Add counts one request.
func (c *Counter) Add() {
	s := c.now().Unix()
	c.mu.Lock()
	defer c.mu.Unlock()
	i := s % 60
	if c.stamps[i] != s {
		c.stamps[i], c.secs[i] = s, 0
	}
	c.secs[i]++
	c.total++
}

// Total is every request counted.
func (c *Counter) Total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// PerMinute is the number of requests in the last 60 seconds.
func (c *Counter) PerMinute() int64 {
	s := c.now().Unix()
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for i, st := range c.stamps {
		if st > s-60 && st <= s {
			n += c.secs[i]
		}
	}
	return n
}
