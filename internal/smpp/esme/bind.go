package esme

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"arauto/internal/smpp"
)

// Throttling back-off of one bind after ESME_RTHROTTLED.
const (
	throttleMin = 250 * time.Millisecond
	throttleMax = 8 * time.Second
	// stableAfter is how long a session must last for its loss to count
	// as an isolated drop. One quick loss still reconnects at once; a run
	// of them (an SMSC that accepts binds and drops them) backs off.
	stableAfter = 5 * time.Second
)

// bind is one of the pool's connections over its successive sessions.
type bind struct {
	c       *Client
	index   int
	kind    smpp.BindKind
	limiter *rate.Limiter // nil: unlimited

	mu         sync.Mutex
	pauseUntil time.Time
	throttle   time.Duration

	failures int // consecutive failed attempts, for rotating addresses
	current  atomic.Pointer[session]
}

// throttled starts or lengthens the bind's pause and returns it. The
// refusals of one burst (a whole window may be refused at once) make one
// episode: the back-off doubles only when throttling resumes after a pause.
func (b *bind) throttled(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Before(b.pauseUntil) {
		return b.pauseUntil.Sub(now)
	}
	if b.throttle == 0 {
		b.throttle = throttleMin
	} else {
		b.throttle = min(2*b.throttle, throttleMax)
	}
	if until := now.Add(b.throttle); until.After(b.pauseUntil) {
		b.pauseUntil = until
	}
	return b.throttle
}

// throttleCleared resets the back-off after an accepted submit.
func (b *bind) throttleCleared() {
	b.mu.Lock()
	b.throttle = 0
	b.mu.Unlock()
}

// pause returns how long the bind must still wait before writing.
func (b *bind) pause(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pauseUntil.Sub(now)
}

// run keeps the bind connected until ctx ends: a dropped session is
// replaced at once, failed attempts (and repeated quick losses) back off
// exponentially with jitter, from ReconnectMin to ReconnectMax.
func (b *bind) run(ctx context.Context) {
	cfg := &b.c.cfg
	backoff := time.Duration(0)
	quick := 0 // sessions in a row lost before stableAfter
	for ctx.Err() == nil {
		if backoff > 0 {
			d := backoff/2 + time.Duration(rand.Int64N(int64(backoff)/2+1))
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		s, err := b.connect(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.failures++
			b.c.bindFailed(err)
			backoff = min(max(2*backoff, cfg.ReconnectMin), cfg.ReconnectMax)
			b.c.log.Warn("esme: bind failed", "bind", b.index, "kind", b.kind.String(), "err", err, "retry_in", backoff)
			continue
		}
		b.failures = 0
		start := time.Now()
		b.current.Store(s)
		b.c.bound(b, +1)
		b.c.log.Info("esme: bound", "bind", b.index, "kind", b.kind.String(), "addr", s.addr)
		s.serve(ctx)
		b.current.Store(nil)
		b.c.bound(b, -1)
		if ctx.Err() != nil {
			return
		}
		b.c.stats.drops.Add(1)
		b.c.log.Warn("esme: bind lost", "bind", b.index, "addr", s.addr, "err", s.err)
		if time.Since(start) >= stableAfter {
			quick = 0
		} else {
			quick = min(quick+1, 30)
		}
		backoff = 0
		if quick > 1 {
			backoff = min(cfg.ReconnectMin<<(quick-2), cfg.ReconnectMax)
		}
	}
}

// connect resolves the host, dials the address this bind takes (bind i
// uses address i modulo their number, moving on after failures), shakes
// hands with TLS when configured and binds.
func (b *bind) connect(ctx context.Context) (*session, error) {
	cfg := &b.c.cfg
	dctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	addrs, err := cfg.Resolve(dctx, cfg.Host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", cfg.Host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("resolve %s: no address", cfg.Host)
	}
	sort.Strings(addrs)
	addr := net.JoinHostPort(addrs[(b.index+b.failures)%len(addrs)], strconv.Itoa(cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	deadline, _ := dctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if cfg.TLS {
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.TLSConfig != nil {
			tc = cfg.TLSConfig.Clone()
		}
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host
		}
		tconn := tls.Client(conn, tc)
		if err := tconn.HandshakeContext(dctx); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("tls handshake with %s: %w", addr, err)
		}
		conn = tconn
	}
	if err := b.bindOn(conn); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("%s on %s: %w", b.kind.Request(), addr, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return newSession(ctx, b.c, b, conn, addr), nil
}

// bindOn sends the bind and reads its response (the deadline is set).
func (b *bind) bindOn(conn net.Conn) error {
	cfg := &b.c.cfg
	req, err := smpp.Marshal(smpp.PDU{Seq: 1, Body: &smpp.Bind{
		Kind: b.kind, SystemID: cfg.SystemID, Password: cfg.Password, SystemType: cfg.SystemType,
		InterfaceVersion: smpp.InterfaceVersion, AddrTON: 1, AddrNPI: 1,
	}})
	if err != nil {
		return err
	}
	if _, err := conn.Write(req); err != nil {
		return err
	}
	for {
		p, err := smpp.Read(conn)
		if err != nil {
			return fmt.Errorf("reading the response: %w", err)
		}
		if p.Seq != 1 || !p.ID().IsResponse() {
			continue // nothing else is expected before the bind's answer
		}
		if _, ok := p.Body.(*smpp.BindResp); !ok && p.ID() != smpp.GenericNackID {
			return fmt.Errorf("unexpected %s", p.ID())
		}
		if p.Status != smpp.StatusOK {
			if p.Status.Credentials() {
				return fmt.Errorf("%w: %w", ErrUnauthorized, p.Status)
			}
			return p.Status
		}
		if p.ID() == smpp.GenericNackID {
			return errors.New("generic_nack without a status")
		}
		return nil
	}
}
