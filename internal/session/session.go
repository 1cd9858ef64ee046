package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/wavy"
)

// Replies is what the store knows of sessions: the WhatsApp replies it
// keeps.
type Replies interface {
	// OpenSessions reports which of the numbers replied on WhatsApp in the
	// 24 hours before now.
	OpenSessions(ctx context.Context, phones []string, now time.Time) (map[string]bool, error)
	// SessionCount counts the recipients of a list (not suppressed) who
	// replied on WhatsApp in the 24 hours before now.
	SessionCount(ctx context.Context, listID int64, now time.Time) (int, error)
	// SessionCountAlso counts the recipients of a list (not suppressed)
	// whose number is among phones and who did not reply in the 24 hours
	// before now (those SessionCount counts already).
	SessionCountAlso(ctx context.Context, listID int64, now time.Time, phones []string) (int, error)
}

// Lister fetches the provider's open sessions (*wavy.Client is one).
type Lister interface {
	OpenSessionList(ctx context.Context, q wavy.SessionQuery) ([]wavy.OpenSession, error)
}

// Source gives the Lister and the query of the provider settings in
// force; ErrNoCustomer when no customerId is configured.
type Source func(ctx context.Context) (Lister, wavy.SessionQuery, error)

// ErrNoCustomer: the provider's list cannot be asked for without the
// account's customerId.
var ErrNoCustomer = errors.New("session: no customerId configured")

// DefaultRefresh is how long a fetched list of open sessions is used.
const DefaultRefresh = time.Minute

// Tracker answers which numbers have an open session. Its zero value is
// not usable; fill Replies and Source. It is safe for concurrent use.
type Tracker struct {
	Replies Replies
	// Source is the provider; nil leaves the stored replies alone.
	Source Source
	// Refresh is how long a fetched list is used (DefaultRefresh if 0).
	Refresh time.Duration

	mu      sync.Mutex
	key     string
	fetched time.Time
	open    map[string]time.Time // number -> when its session closes
}

// Count is how many recipients of a list have an open session.
type Count struct {
	N int
	// Provider reports whether the provider's list was consulted.
	Provider bool
	// ProviderErr is why it could not be (nil when it was, or when no
	// customerId is configured).
	ProviderErr error
}

// provider returns the provider's open sessions at now (number -> when
// it closes), fetched at most once per Refresh; ok is false without a
// customerId.
func (t *Tracker) provider(ctx context.Context, now time.Time) (open map[string]time.Time, ok bool, err error) {
	if t.Source == nil {
		return nil, false, nil
	}
	l, q, err := t.Source(ctx)
	if errors.Is(err, ErrNoCustomer) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("session: provider: %w", err)
	}
	key := fmt.Sprint(q.CustomerID, "/", q.SubAccountID != nil, "/", deref(q.SubAccountID))
	refresh := t.Refresh
	if refresh <= 0 {
		refresh = DefaultRefresh
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.open != nil && t.key == key && now.Sub(t.fetched) < refresh && !now.Before(t.fetched) {
		return t.open, true, nil
	}
	rows, err := l.OpenSessionList(ctx, q)
	if err != nil {
		return nil, false, fmt.Errorf("session: open sessions from the provider: %w", err)
	}
	open = make(map[string]time.Time, len(rows))
	for _, r := range rows {
		p := delivery.ReplyNumber(r.Source)
		if until := r.OpenUntil(); p != "" && until.After(open[p]) {
			open[p] = until
		}
	}
	t.key, t.fetched, t.open = key, now, open
	return open, true, nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// OpenSessions reports which of the numbers have an open session at now,
// by a stored reply or by the provider's list. It fails when the provider
// cannot be reached for now although a customerId is configured: the
// caller must not take the numbers for closed. A provider that refuses the
// question (a 4xx) leaves the stored replies to decide.
func (t *Tracker) OpenSessions(ctx context.Context, phones []string, now time.Time) (map[string]bool, error) {
	open, err := t.Replies.OpenSessions(ctx, phones, now)
	if err != nil {
		return nil, err
	}
	prov, _, err := t.provider(ctx, now)
	if errors.Is(err, wavy.ErrRejected) {
		// The provider refuses the question itself (a wrong customerId,
		// an account without the list): asking again will not help, so
		// the stored replies decide, as without a customerId.
		prov, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, p := range phones {
		if until, ok := prov[p]; ok && now.Before(until) {
			open[p] = true
		}
	}
	return open, nil
}

// SessionCount counts the recipients of a list with an open session at
// now, by either source; when the provider cannot be asked, the stored
// replies alone count (see Count).
func (t *Tracker) SessionCount(ctx context.Context, listID int64, now time.Time) (int, error) {
	c, err := t.Count(ctx, listID, now)
	return c.N, err
}

// Count is SessionCount saying which sources were consulted.
func (t *Tracker) Count(ctx context.Context, listID int64, now time.Time) (Count, error) {
	n, err := t.Replies.SessionCount(ctx, listID, now)
	if err != nil {
		return Count{}, err
	}
	c := Count{N: n}
	prov, ok, err := t.provider(ctx, now)
	if err != nil {
		c.ProviderErr = err
		return c, nil
	}
	c.Provider = ok
	var phones []string
	for p, until := range prov {
		if now.Before(until) {
			phones = append(phones, p)
		}
	}
	if len(phones) > 0 {
		more, err := t.Replies.SessionCountAlso(ctx, listID, now, phones)
		if err != nil {
			return Count{}, err
		}
		c.N += more
	}
	return c, nil
}
