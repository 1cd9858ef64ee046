package delivery

import (
	"context"
	"sync"
	"time"

	"arauto/internal/config"
	"arauto/internal/optout"
)

// optIns caches the opt-in keywords, re-read at most every 5 seconds like
// the opt-out ones.
type optIns struct {
	mu     sync.Mutex
	m      optout.Matcher
	loaded time.Time
}

// matcher returns the opt-in keywords in force.
func (o *optIns) matcher(ctx context.Context, st Store) optout.Matcher {
	o.mu.Lock()
	defer o.mu.Unlock()
	if now := time.Now(); now.Sub(o.loaded) > 5*time.Second {
		saved, err := st.Settings(ctx)
		if err != nil && !o.loaded.IsZero() {
			return o.m
		}
		o.m, o.loaded = optout.NewMatcher(config.OptInKeywords(saved)), now
	}
	return o.m
}

// markOptIns records on each new reply the opt-in keyword it is, if any:
// the store keeps it as the person's consent. An opt-out wins over it.
func markOptIns(replies []Reply, m optout.Matcher) {
	for i := range replies {
		if replies[i].OptOut {
			continue
		}
		if kw, ok := m.Keyword(replies[i].Text); ok {
			replies[i].OptIn = kw
		}
	}
}
