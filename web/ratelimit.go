package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"arauto/store"
)

// loginLimiter slows password guessing down without letting anyone lock a
// person out of their account.
//
// Failures are counted per pair of account and client address. From the
// pairFree-th failure on, the pair must wait before its next try: a
// second, doubling with each further failure up to maxWait. A success
// clears the pair. Only a pair's own failures make it wait: someone guessing Ana's
// password from elsewhere slows themselves down, never Ana.
//
// An address failing across many accounts (password spraying) is slowed
// down as a whole after addrFree failures, except for accounts it has
// signed in to before, so colleagues behind one office address who know
// their passwords are not held up by a stranger on the same network.
//
// Counts live in the database, so every console instance sharing it sees
// the same ones (a guesser cannot spread tries over instances) and a
// restart forgets nothing; they are kept under a hash of scope, account
// and address. The client address comes from clientIP, which believes
// X-Forwarded-For only from ARAUTO_TRUSTED_PROXIES.
type loginLimiter struct {
	store loginStore
	// scope keeps the sign-in page's counts apart from the account page's
	// password checks.
	scope string
	now   func() time.Time
	// maxRows bounds each table (maxTracked).
	maxRows int
}

// loginStore keeps the limiter's counts.
type loginStore interface {
	LoginWaits(ctx context.Context, pairKey, addrKey string) (pairUntil, addrUntil, knownAt time.Time, err error)
	RecordLoginFailures(ctx context.Context, now, forgetBefore time.Time, maxRows int, fs ...store.LoginFailure) error
	RecordLoginSuccess(ctx context.Context, pairKey string, now, knownSince time.Time, maxRows int) error
}

const (
	// pairFree and addrFree are the failures after which tries must wait.
	pairFree = 5
	addrFree = 20
	// firstWait doubles with each failure past the free ones, up to maxWait.
	firstWait = time.Second
	maxWait   = 15 * time.Minute
	// forgetAfter: a run of failures with no new one for this long is
	// forgotten.
	forgetAfter = 30 * time.Minute
	// knownFor is how long a successful sign-in vouches for its address.
	knownFor = 30 * 24 * time.Hour
	// maxTracked bounds each table; past it, the oldest rows go. Filling
	// it takes maxTracked password checks, which is its own slowdown.
	maxTracked = 20000
)

func newLoginLimiter(st loginStore, scope string, now func() time.Time) *loginLimiter {
	return &loginLimiter{store: st, scope: scope, now: now, maxRows: maxTracked}
}

func (l *loginLimiter) key(parts ...string) string {
	h := sha256.New()
	h.Write([]byte(l.scope))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (l *loginLimiter) pairKey(account, addr string) string { return l.key("pair", account, addr) }
func (l *loginLimiter) addrKey(addr string) string          { return l.key("addr", addr) }

// wait reports how long account may not be tried from addr; 0 means now.
func (l *loginLimiter) wait(ctx context.Context, account, addr string) (time.Duration, error) {
	now := l.now()
	pairUntil, addrUntil, knownAt, err := l.store.LoginWaits(ctx, l.pairKey(account, addr), l.addrKey(addr))
	if err != nil {
		return 0, err
	}
	var w time.Duration
	if pairUntil.After(now) {
		w = pairUntil.Sub(now)
	}
	known := !knownAt.IsZero() && now.Sub(knownAt) <= knownFor
	if addrUntil.After(now) && !known {
		w = max(w, addrUntil.Sub(now))
	}
	return w, nil
}

// fail records a wrong password for account from addr.
func (l *loginLimiter) fail(ctx context.Context, account, addr string) error {
	now := l.now()
	return l.store.RecordLoginFailures(ctx, now, now.Add(-forgetAfter), l.maxRows,
		store.LoginFailure{Key: l.pairKey(account, addr), Until: waitUntil(now, pairFree)},
		store.LoginFailure{Key: l.addrKey(addr), Until: waitUntil(now, addrFree)})
}

// succeed clears the pair's failures and remembers it signed in.
func (l *loginLimiter) succeed(ctx context.Context, account, addr string) error {
	now := l.now()
	return l.store.RecordLoginSuccess(ctx, l.pairKey(account, addr), now, now.Add(-knownFor), l.maxRows)
}

// waitUntil is the earliest next try after the count-th failure of a run
// allowed free failures: now while within them, then a second doubling
// per failure up to maxWait.
func waitUntil(now time.Time, free int) func(count int) time.Time {
	return func(count int) time.Time {
		over := count - free + 1
		if over <= 0 {
			return now
		}
		w := maxWait
		if over <= 20 {
			w = min(firstWait<<(over-1), maxWait)
		}
		return now.Add(w)
	}
}
