package s3fs

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// Budget caps the request rate, in requests per minute (--s3-budget). It
// is a token bucket (golang.org/x/time/rate, the maintained one): a burst
// of up to a tenth of a minute's budget goes at once, then requests are
// spaced out. Waiting, not failing, is the point: a slower poll still
// reaches the final state of a run.
type Budget struct {
	lim *rate.Limiter
}

// NewBudget allows perMinute requests a minute; perMinute <= 0 is no cap.
func NewBudget(perMinute int) *Budget {
	if perMinute <= 0 {
		return &Budget{lim: rate.NewLimiter(rate.Inf, 1)}
	}
	// A new bucket starts full: the first burst goes at once.
	return &Budget{lim: rate.NewLimiter(perSecond(perMinute), burst(perMinute))}
}

func perSecond(perMinute int) rate.Limit { return rate.Limit(float64(perMinute) / 60) }

func burst(perMinute int) int { return max(1, perMinute/10) }

// SetPerMinute changes the cap; <= 0 removes it.
func (b *Budget) SetPerMinute(perMinute int) {
	if perMinute <= 0 {
		b.lim.SetLimit(rate.Inf)
		return
	}
	b.lim.SetLimit(perSecond(perMinute))
	b.lim.SetBurst(burst(perMinute))
}

// Wait blocks until a request may go, or ctx ends.
func (b *Budget) Wait(ctx context.Context) error {
	if err := b.lim.Wait(ctx); err != nil {
		return fmt.Errorf("s3fs: request budget: %w", err)
	}
	return nil
}

// Allow takes a token if one is free now, without waiting. Pollers use it
// to skip a round instead of queueing behind the cap.
func (b *Budget) Allow() bool { return b.lim.Allow() }

// PerMinute is the cap in requests a minute; 0 for none or a nil Budget.
func (b *Budget) PerMinute() int {
	if b == nil || b.lim.Limit() == rate.Inf {
		return 0
	}
	return int(float64(b.lim.Limit())*60 + 0.5)
}
