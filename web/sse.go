package web

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"arauto/views"
)

// Live pages (a campaign's progress, its report, a list's import) follow
// the server over server-sent events. One helper, serveLive, serves every
// such stream: the routes only say what to draw and when to look again.

// Pacing of every live stream.
var (
	// liveMinGap is the shortest time between two looks at the state: a
	// burst of events (thousands of delivery reports a second) becomes at
	// most one frame per gap, always of the latest state.
	liveMinGap = 300 * time.Millisecond
	// livePing is how long a stream stays silent before a comment line
	// keeps proxies from closing it.
	livePing = 15 * time.Second
)

// liveStream says what one stream shows and when it looks again.
type liveStream struct {
	// name names the stream in logs.
	name string
	// topic, when set, is the hub topic whose events make the stream look
	// again (within liveMinGap).
	topic string
	// every is how often the stream looks again without an event; 0 for
	// only on events.
	every time.Duration
	// render draws the current state as one frame (see sseFrame). A frame
	// equal to the last one sent is not sent again; last ends the stream
	// after its frame.
	render func(ctx context.Context) (frame []byte, last bool, err error)
}

// sseFrame renders one server-sent event carrying an HTML fragment, the
// shape htmx's SSE extension swaps into the page.
func sseFrame(ctx context.Context, name string, c templ.Component) ([]byte, error) {
	var html bytes.Buffer
	if err := c.Render(ctx, &html); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString("event: " + name + "\n")
	for _, line := range bytes.Split(html.Bytes(), []byte("\n")) {
		out.WriteString("data: ")
		out.Write(line)
		out.WriteByte('\n')
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// liveCount counts the streams open now, for tests and the log.
var liveCount atomic.Int64

// serveLive answers with an event stream. It writes a comment at once (so
// the browser knows the stream is open), then the current state, then a
// new frame whenever the state drawn changed: looking again on each event
// of the topic and every ls.every, but never twice within liveMinGap. It
// flushes every frame, pings a silent stream, and ends — freeing its hub
// subscription — when render says last, when the server shuts down, or as
// soon as the browser leaves: the connection is watched, so a closed tab
// is noticed at once, not at the next write.
func (s *Server) serveLive(c *fiber.Ctx, ls liveStream) error {
	// The fiber context is gone once the handler returns; the stream keeps
	// what it needs in its own context.
	ctx, stop := context.WithCancel(views.WithEnv(context.Background(), s.env(c, false)))
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	// The connection serves this stream only: nothing else is read from it
	// (see watchGone), and it closes when the stream ends.
	c.Context().SetConnectionClose()
	var wake <-chan struct{}
	unsubscribe := func() {}
	if ls.topic != "" {
		ch, cancel := s.hub.Subscribe(ls.topic)
		unsubscribe = cancel
		w := make(chan struct{}, 1)
		wake = w
		go func() {
			// Events only say "look again": folding them into one pending
			// wake-up is the coalescing.
			for range ch {
				select {
				case w <- struct{}{}:
				default:
				}
			}
		}()
	}
	gone := watchGone(c.Context().Conn(), stop)
	closing := s.closing
	liveCount.Add(1)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer liveCount.Add(-1)
		defer stop()
		defer unsubscribe()
		var last []byte
		wrote := time.Now()
		write := func(b []byte) bool {
			if _, err := w.Write(b); err != nil {
				return false
			}
			wrote = time.Now()
			return w.Flush() == nil
		}
		looked := time.Now()
		// look draws the state and sends it when it changed; false ends
		// the stream.
		look := func() bool {
			looked = time.Now()
			frame, end, err := ls.render(ctx)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Error("live stream", "stream", ls.name, "err", err)
				}
				return false
			}
			if frame != nil && !bytes.Equal(frame, last) {
				last = frame
				if !write(frame) {
					return false
				}
			}
			return !end
		}
		if !write([]byte(": open\n\n")) || !look() {
			return
		}
		tick := time.NewTicker(liveMinGap)
		defer tick.Stop()
		pending := false
		for {
			select {
			case <-closing:
				return
			case <-gone:
				return
			case <-wake:
				if time.Since(looked) < liveMinGap {
					pending = true
					continue
				}
				if !look() {
					return
				}
			case <-tick.C:
				switch {
				case pending || (ls.every > 0 && time.Since(looked) >= ls.every):
					pending = false
					if !look() {
						return
					}
				case time.Since(wrote) >= livePing:
					if !write([]byte(": ping\n\n")) {
						return
					}
				}
			}
		}
	})
	return nil
}

// watchGone notices a browser that leaves: it reads the stream's
// connection (which nothing else reads: the request is whole and the
// connection closes after the stream) until it fails, then closes the
// returned channel and calls stop. Only connections accepted by Serve are
// watched; for others (handler tests in memory) the channel never closes
// and the stream ends on its next failed write.
func watchGone(conn net.Conn, stop context.CancelFunc) <-chan struct{} {
	tc, ok := conn.(*trackedConn)
	if !ok {
		return nil
	}
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		defer stop()
		// The read timeout of the request would end the watch early.
		if tc.Conn.SetReadDeadline(time.Time{}) != nil {
			return
		}
		var buf [512]byte
		for {
			if _, err := tc.Conn.Read(buf[:]); err != nil {
				return
			}
		}
	}()
	return gone
}
