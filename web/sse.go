package web

import (
	"bufio"
	"bytes"
	"context"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"arauto/internal/events"
	"arauto/views"
)

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

// streamEvents answers with an event stream for topic. first is sent at
// once (the current state); render turns each published event into a frame
// (nil to skip it); a frame named "done" ends the stream. The stream also
// ends when the client goes away or the server shuts down.
func (s *Server) streamEvents(c *fiber.Ctx, topic string, first func(context.Context) ([]byte, error), render func(context.Context, events.Event) ([]byte, error)) error {
	// The fiber context is gone once the handler returns; the stream keeps
	// what it needs in its own context.
	ctx := views.WithEnv(context.Background(), s.env(c, false))
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	ch, cancel := s.hub.Subscribe(topic)
	closing := s.closing
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		send := func(frame []byte) bool {
			if frame == nil {
				return true
			}
			if _, err := w.Write(frame); err != nil {
				return false
			}
			return w.Flush() == nil
		}
		if frame, err := first(ctx); err != nil || !send(frame) || bytes.HasPrefix(frame, []byte("event: done")) {
			return
		}
		ping := time.NewTicker(15 * time.Second)
		defer ping.Stop()
		for {
			select {
			case <-closing:
				return
			case <-ping.C:
				// A comment line keeps proxies from closing an idle stream
				// and tells us when the browser has left.
				if !send([]byte(": ping\n\n")) {
					return
				}
			case e, ok := <-ch:
				if !ok {
					return
				}
				frame, err := render(ctx, e)
				if err != nil || !send(frame) || e.Name == "done" {
					return
				}
			}
		}
	})
	return nil
}
