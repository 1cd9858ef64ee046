package clicks

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"
)

// DefaultExpiryDays is how long short links redirect after their campaign
// started, unless the settings say otherwise.
const DefaultExpiryDays = 90

// SettingExpiryDays is the settings key of the links' lifetime in days.
const SettingExpiryDays = "clicks.expiry_days"

// MaxExpiryDays bounds the setting (ten years).
const MaxExpiryDays = 3650

// ExpiryDays reads the links' lifetime from the saved settings.
func ExpiryDays(saved map[string]string) int {
	if n, err := strconv.Atoi(saved[SettingExpiryDays]); err == nil && n >= 1 && n <= MaxExpiryDays {
		return n
	}
	return DefaultExpiryDays
}

// LinkSet is one campaign's tracked links: the original URLs by index and
// the range of the campaign's message ids, kept after the campaign is
// deleted so its links still redirect until they expire.
type LinkSet struct {
	CampaignID int64
	// First and Last are the campaign's message ids (0 before it starts).
	First, Last int64
	URLs        []string
	// StartedAt is when the campaign started; links expire ExpiryDays
	// later.
	StartedAt time.Time
}

// Expired reports whether the links no longer redirect at now.
func (l LinkSet) Expired(now time.Time, days int) bool {
	return !l.StartedAt.IsZero() && now.After(l.StartedAt.Add(time.Duration(days)*24*time.Hour))
}

// LinkStore is what the Resolver reads.
type LinkStore interface {
	// LinkSets returns every campaign's tracked links that have a range.
	LinkSets(ctx context.Context) ([]LinkSet, error)
	// Settings returns the saved settings (for ExpiryDays).
	Settings(ctx context.Context) (map[string]string, error)
}

// Resolver finds where a code leads without touching the database on the
// hot path: the link sets are cached, sorted by first message id, and
// reloaded every refreshEvery, or at once (at most every minReload) when a
// genuine code names a message no cached set covers.
type Resolver struct {
	Store LinkStore
	Now   func() time.Time

	mu       sync.RWMutex
	sets     []LinkSet
	days     int
	loadedAt time.Time
	reload   sync.Mutex
}

const (
	refreshEvery = 10 * time.Second
	minReload    = 250 * time.Millisecond
)

// Target is where a code leads.
type Target struct {
	URL        string
	CampaignID int64
}

// Resolve returns the URL of a message's link. ok is false when no
// campaign's links cover the message, the index is past its links, or the
// links expired.
func (r *Resolver) Resolve(ctx context.Context, messageID int64, link int) (Target, bool, error) {
	now := r.now()
	r.mu.RLock()
	stale := now.Sub(r.loadedAt) > refreshEvery
	r.mu.RUnlock()
	if stale {
		if err := r.load(ctx, now, 0); err != nil {
			return Target{}, false, err
		}
	}
	t, found, ok := r.find(messageID, link, now)
	if !found {
		if err := r.load(ctx, now, minReload); err != nil {
			return Target{}, false, err
		}
		t, _, ok = r.find(messageID, link, now)
	}
	return t, ok, nil
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// find looks the message up in the cache: found says whether a set covers
// it, ok whether it leads somewhere.
func (r *Resolver) find(messageID int64, link int, now time.Time) (t Target, found, ok bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	i := sort.Search(len(r.sets), func(i int) bool { return r.sets[i].Last >= messageID })
	if i == len(r.sets) || r.sets[i].First > messageID {
		return Target{}, false, false
	}
	s := r.sets[i]
	if link >= len(s.URLs) || s.Expired(now, r.days) {
		return Target{}, true, false
	}
	return Target{URL: s.URLs[link], CampaignID: s.CampaignID}, true, true
}

// load reads the sets again unless they were read less than within ago.
func (r *Resolver) load(ctx context.Context, now time.Time, within time.Duration) error {
	r.reload.Lock()
	defer r.reload.Unlock()
	r.mu.RLock()
	fresh := within > 0 && now.Sub(r.loadedAt) < within
	if within == 0 {
		fresh = now.Sub(r.loadedAt) <= refreshEvery
	}
	r.mu.RUnlock()
	if fresh {
		return nil
	}
	sets, err := r.Store.LinkSets(ctx)
	if err != nil {
		return fmt.Errorf("clicks: load links: %w", err)
	}
	saved, err := r.Store.Settings(ctx)
	if err != nil {
		return fmt.Errorf("clicks: load settings: %w", err)
	}
	kept := sets[:0]
	for _, s := range sets {
		if s.First > 0 && s.Last >= s.First {
			kept = append(kept, s)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].First < kept[j].First })
	r.mu.Lock()
	r.sets, r.days, r.loadedAt = kept, ExpiryDays(saved), now
	r.mu.Unlock()
	return nil
}

// Forget drops the cache, so the next Resolve reads the sets and settings
// again (after the settings change).
func (r *Resolver) Forget() {
	r.mu.Lock()
	r.loadedAt = time.Time{}
	r.mu.Unlock()
}
