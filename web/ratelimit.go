package web

import (
	"sync"
	"time"
)

// loginLimiter counts failed sign-ins per client IP and per account in a
// sliding window. Both keys are checked, so one attacker cannot try many
// accounts and many attackers cannot hammer one account. It lives in memory:
// a restart forgets, which is acceptable for a single-process console.
type loginLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	window  time.Duration
	perIP   int
	perUser int
	fails   map[string][]time.Time
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, window: 15 * time.Minute, perIP: 20, perUser: 5, fails: map[string][]time.Time{}}
}

// blocked reports whether either key is over its limit, and how long until
// the oldest failure ages out.
func (l *loginLimiter) blocked(ip, account string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range []struct {
		key string
		max int
	}{{"ip:" + ip, l.perIP}, {"acct:" + account, l.perUser}} {
		fs := l.prune(k.key, now)
		if len(fs) >= k.max {
			if w := fs[0].Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait > 0, wait
}

func (l *loginLimiter) fail(ip, account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range []string{"ip:" + ip, "acct:" + account} {
		l.fails[k] = append(l.prune(k, now), now)
	}
	if len(l.fails) > 10000 {
		for k := range l.fails {
			l.prune(k, now)
		}
	}
}

// succeed forgets the account's failures; the IP's stay, so a correct
// password for one account does not reset guessing at others.
func (l *loginLimiter) succeed(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, "acct:"+account)
}

func (l *loginLimiter) prune(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = fs
	return fs
}
