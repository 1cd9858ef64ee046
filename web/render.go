package web

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"arauto/internal/billing"
	"arauto/internal/config"
	"arauto/internal/schedule"
	"arauto/internal/sms"
	"arauto/views"
)

// env builds what the views need to know about this request. It pops the
// session's flashes, so call it once per rendered page.
func (s *Server) env(c *fiber.Ctx, popFlashes bool) views.Env {
	e := views.Env{
		BillingRule:  sms.Default,
		Lang:         lang(c),
		User:         currentUser(c),
		Path:         c.Path(),
		AssetVersion: assetVersion,
		Provider:     s.cfg.Provider,
		RequestID:    requestID(c),
	}
	if e.User != nil {
		// The badge shows the provider in effect, which an admin may have
		// changed on the Settings page; times show in the user's zone, else
		// the organisation's. One read of the settings serves both.
		if saved, err := s.store.Settings(c.UserContext()); err == nil {
			e.Provider = s.cfg.EffectiveProvider(saved).Mode
			e.OrgZone = saved[config.SettingTimeZone]
			e.BillingRule = billing.Load(saved).Rule
		}
		e.ZoneName, e.Zone = schedule.DisplayZone(e.OrgZone, e.User.TimeZone)
		if n, err := s.store.UnreadConversations(c.UserContext()); err == nil {
			e.InboxUnread = n
		}
	} else {
		e.ZoneName, e.Zone = schedule.DisplayZone("", "")
	}
	if rs := session(c); rs != nil {
		e.CSRF = rs.str(keyCSRF)
		if popFlashes {
			e.Flashes = rs.popFlashes()
		}
	}
	return e
}

// render writes a templ page with the given status.
func (s *Server) render(c *fiber.Ctx, status int, page templ.Component) error {
	return s.renderWith(c, status, page, true)
}

func (s *Server) renderWith(c *fiber.Ctx, status int, page templ.Component, popFlashes bool) error {
	ctx := views.WithEnv(c.UserContext(), s.env(c, popFlashes))
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return page.Render(ctx, c.Response().BodyWriter())
}

// flash queues a one-time message for the next page.
func flash(c *fiber.Ctx, kind, key string, args ...any) {
	if rs := session(c); rs != nil {
		rs.addFlash(kind, tr(c, key, args...))
	}
}

// seeOther redirects after a successful POST, so a reload does not repeat it.
func seeOther(c *fiber.Ctx, to string) error {
	if c.Get("HX-Request") != "" {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
