package web

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/clicks"
	"arauto/internal/events"
	"arauto/internal/i18n"
	"arauto/internal/message"
	"arauto/views"
)

// clickTracking is the server's part of link tracking: the short links,
// where their codes lead, and the recorder that writes clicks in batches.
type clickTracking struct {
	links    *clicks.Links
	resolver *clicks.Resolver
	recorder *clicks.Recorder
	stop     context.CancelFunc
	done     chan struct{}
}

// initClicks wires link tracking: the short links given (main shares them
// with the dispatcher) or made from the store's secret, and the recorder,
// which runs until Shutdown and tells open report pages of new clicks.
func (s *Server) initClicks(d Deps) error {
	links := d.Links
	if links == nil {
		secret, err := d.Store.ClickSecret(context.Background())
		if err != nil {
			return err
		}
		links = clicks.NewLinks(secret, d.Config.PublicURL)
	}
	// Launching keeps a tracking campaign's links; the pre-flight counts
	// its text with the short links in it.
	s.campaigns.Links = d.Store
	s.campaigns.Shortener = &message.Shortener{Prefix: links.Prefix(), CodeLen: links.CodeLen()}
	hub := d.Hub
	rec := clicks.NewRecorder(d.Store, clicks.Options{Log: d.Log.With("component", "clicks"), Now: d.Now,
		Applied: func(ids []int64) {
			for _, id := range ids {
				hub.Publish(fmt.Sprintf("campaign:%d", id), events.Event{Name: "report"})
			}
		}})
	ctx, stop := context.WithCancel(context.Background())
	s.clicks = &clickTracking{links: links, resolver: &clicks.Resolver{Store: d.Store, Now: d.Now}, recorder: rec, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(s.clicks.done)
		rec.Run(ctx)
	}()
	return nil
}

// shutdownClicks writes the clicks still queued and stops the recorder.
func (s *Server) shutdownClicks() {
	if s.clicks == nil {
		return
	}
	s.clicks.stop()
	<-s.clicks.done
}

// FlushClicks writes the queued clicks now (tests and benchmarks read
// them back at once).
func (s *Server) FlushClicks(ctx context.Context) { s.clicks.recorder.Flush(ctx, false) }

// shortLink answers a short link: 302 to the link as written, the click
// queued for the recorder (never waited on). A code that is not one of
// ours, or whose links expired, gets a small 404 page that says nothing
// more.
func (s *Server) shortLink(c *fiber.Ctx) error {
	id, link, ok := s.clicks.links.Parse(c.Params("code"))
	if !ok {
		return s.shortLinkGone(c)
	}
	t, ok, err := s.clicks.resolver.Resolve(c.UserContext(), id, link)
	if err != nil {
		return err
	}
	if !ok {
		return s.shortLinkGone(c)
	}
	s.clicks.recorder.Record(clicks.Click{MessageID: id, Link: link, At: s.now().UTC(), Agent: clicks.PreviewAgent(c.Get(fiber.HeaderUserAgent))})
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set(fiber.HeaderLocation, t.URL)
	return c.SendStatus(fiber.StatusFound)
}

// shortLinkGone is the 404 of a short link, in Portuguese (the reader is
// a recipient on a phone, not a user of the console).
func (s *Server) shortLinkGone(c *fiber.Ctx) error {
	ctx := views.WithEnv(c.UserContext(), views.Env{Lang: i18n.Default, AssetVersion: assetVersion})
	c.Status(fiber.StatusNotFound)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return views.ShortLinkGone().Render(ctx, c.Response().BodyWriter())
}

// reuseNonClickers makes a list of the campaign's recipients who clicked
// none of its links and leads to it.
func (s *Server) reuseNonClickers(c *fiber.Ctx) error {
	return s.reuseAudience(c, (*campaign.Campaign).CanReuseNonClickers, "clicks.non_clickers_of", s.campaigns.ReuseNonClickers)
}
