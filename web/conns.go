package web

import (
	"net"
	"sync"
	"sync/atomic"
)

// trackedListener remembers the accepted connections that have not sent a
// byte yet, so Shutdown can close them. fasthttp counts such a connection
// as busy reading its first request and would wait for it until the read
// timeout, holding the shutdown (and exiting 1 when the deadline passed).
// Connections idle between requests are closed by fasthttp itself; those
// in the middle of a request are left to finish.
type trackedListener struct {
	net.Listener
	mu    sync.Mutex
	fresh map[*trackedConn]struct{}
}

func newTrackedListener(ln net.Listener) *trackedListener {
	return &trackedListener{Listener: ln, fresh: map[*trackedConn]struct{}{}}
}

func (l *trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	l.fresh[tc] = struct{}{}
	l.mu.Unlock()
	return tc, nil
}

// closeFresh closes every connection that has not sent a byte.
func (l *trackedListener) closeFresh() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.fresh {
		c.Conn.Close()
		delete(l.fresh, c)
	}
}

func (l *trackedListener) forget(c *trackedConn) {
	l.mu.Lock()
	delete(l.fresh, c)
	l.mu.Unlock()
}

// trackedConn leaves its listener's fresh set at its first byte.
type trackedConn struct {
	net.Conn
	l    *trackedListener
	used atomic.Bool
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.used.Load() {
		c.used.Store(true)
		c.l.forget(c)
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.l.forget(c)
	return c.Conn.Close()
}
