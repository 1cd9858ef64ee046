package apitoken

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultPerMinute is the request limit of a token without its own.
const DefaultPerMinute = 600

// MaxPerMinute bounds a token's own limit.
const MaxPerMinute = 600_000

// Limits holds one token bucket per token. A token's bucket allows its
// requests per minute on average, in bursts of up to a tenth of a minute's
// worth (at least 10).
type Limits struct {
	mu      sync.Mutex
	buckets map[int64]*bucket
	// Default is the per-minute limit of tokens without their own.
	Default int
}

type bucket struct {
	perMinute int
	lim       *rate.Limiter
}

// NewLimits returns limits with def requests per minute by default.
func NewLimits(def int) *Limits {
	if def <= 0 {
		def = DefaultPerMinute
	}
	return &Limits{buckets: map[int64]*bucket{}, Default: def}
}

// Allow reports whether the token may make a request at now and, when
// not, how long until it may.
func (l *Limits) Allow(t *Token, now time.Time) (bool, time.Duration) {
	per := t.RatePerMinute
	if per <= 0 {
		per = l.Default
	}
	l.mu.Lock()
	b := l.buckets[t.ID]
	if b == nil || b.perMinute != per {
		b = &bucket{perMinute: per, lim: rate.NewLimiter(rate.Limit(float64(per)/60), max(10, per/10))}
		l.buckets[t.ID] = b
	}
	l.mu.Unlock()
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return true, 0
	}
	r.CancelAt(now)
	return false, time.Duration(math.Ceil(d.Seconds())) * time.Second
}
