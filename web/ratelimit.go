package web

import (
	"sync"
	"time"
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
// Counts live in memory: a restart forgets them, acceptable for a
// single-process console. The client address comes from clientIP, which
// believes X-Forwarded-For only from ARAUTO_TRUSTED_PROXIES.
type loginLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	pairs map[string]*failures
	addrs map[string]*failures
	// known remembers account+address pairs that signed in, and when.
	known map[string]time.Time
}

// failures is a run of failed attempts and the earliest next try.
type failures struct {
	count int
	last  time.Time
	until time.Time
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
	// maxTracked bounds each map; past it, stale entries are dropped, and
	// if none are stale the map starts over.
	maxTracked = 20000
)

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, pairs: map[string]*failures{}, addrs: map[string]*failures{}, known: map[string]time.Time{}}
}

func pairKey(account, addr string) string { return account + "\x00" + addr }

// wait reports how long account may not be tried from addr; 0 means now.
func (l *loginLimiter) wait(account, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	key := pairKey(account, addr)
	var w time.Duration
	if f := l.pairs[key]; f != nil && f.until.After(now) {
		w = f.until.Sub(now)
	}
	if f := l.addrs[addr]; f != nil && f.until.After(now) && !l.knownPair(key, now) {
		w = max(w, f.until.Sub(now))
	}
	return w
}

// fail records a wrong password for account from addr.
func (l *loginLimiter) fail(account, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.pairs = record(l.pairs, pairKey(account, addr), pairFree, now)
	l.addrs = record(l.addrs, addr, addrFree, now)
}

// succeed clears the pair's failures and remembers it signed in.
func (l *loginLimiter) succeed(account, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	key := pairKey(account, addr)
	delete(l.pairs, key)
	if len(l.known) >= maxTracked {
		for k, at := range l.known {
			if now.Sub(at) > knownFor {
				delete(l.known, k)
			}
		}
		if len(l.known) >= maxTracked {
			clear(l.known)
		}
	}
	l.known[key] = now
}

func (l *loginLimiter) knownPair(key string, now time.Time) bool {
	at, ok := l.known[key]
	return ok && now.Sub(at) <= knownFor
}

// record adds a failure under key and sets its next allowed try.
func record(m map[string]*failures, key string, free int, now time.Time) map[string]*failures {
	f := m[key]
	if f == nil || now.Sub(f.last) > forgetAfter {
		if len(m) >= maxTracked {
			for k, old := range m {
				if now.Sub(old.last) > forgetAfter && old.until.Before(now) {
					delete(m, k)
				}
			}
			if len(m) >= maxTracked {
				// Memory stays bounded; filling the table takes
				// maxTracked bcrypt checks, which is its own slowdown.
				clear(m)
			}
		}
		f = &failures{}
		m[key] = f
	}
	f.count++
	f.last = now
	if over := f.count - free + 1; over > 0 {
		w := maxWait
		if over <= 20 {
			w = min(firstWait<<(over-1), maxWait)
		}
		f.until = now.Add(w)
	}
	return m
}
