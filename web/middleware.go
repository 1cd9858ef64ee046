package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/i18n"
	"arauto/internal/user"
	"arauto/store"
)

// Locals keys.
const (
	localRID     = "rid"
	localSession = "session"
	localUser    = "user"
	localLang    = "lang"
)

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRID).(string)
	return id
}

// observe gives each request an id, recovers panics into the 500 page, runs
// the error handler for returned errors (so the log line has the final
// status), and logs one line per request.
func (s *Server) observe(c *fiber.Ctx) (err error) {
	start := time.Now()
	rid := c.Get("X-Request-ID")
	if len(rid) == 0 || len(rid) > 64 || strings.ContainsFunc(rid, func(r rune) bool { return r < '!' || r > '~' }) {
		var b [8]byte
		rand.Read(b[:])
		rid = hex.EncodeToString(b[:])
	}
	c.Locals(localRID, rid)
	c.Set("X-Request-ID", rid)
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "request_id", rid, "method", c.Method(), "path", logPath(c.Path()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("web: panic: %v", p)
			c.Response().ResetBody()
			if herr := s.handleError(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
			}
			err = nil
		}
		level := slog.LevelInfo
		status := c.Response().StatusCode()
		switch {
		case status >= 500:
			level = slog.LevelError
		case status < 400 && strings.HasPrefix(c.Path(), "/webhooks/"):
			// Wavy may post tens of thousands a second; the good ones are
			// counted in the events table, not written line by line.
			level = slog.LevelDebug
		case status < 400 && strings.HasPrefix(c.Path(), "/r/"):
			// Short-link redirects, thousands a second when a campaign
			// lands: counted as clicks, not logged with each phone's
			// address.
			level = slog.LevelDebug
		}
		if !s.log.Enabled(c.UserContext(), level) {
			// The good webhooks, tens of thousands a second: not even the
			// line's fields are built.
			return
		}
		attrs := []any{"request_id", rid, "method", c.Method(), "path", logPath(c.Path()),
			"status", status, "duration_ms", float64(time.Since(start).Microseconds()) / 1000, "ip", s.clientIP(c)}
		// A streamed body (event streams, exports) is written after this
		// line; asking its size would make fasthttp drain the whole stream
		// into memory first, so nothing would reach the browser live.
		if c.Response().IsBodyStream() {
			attrs = append(attrs, "streamed", true)
		} else {
			attrs = append(attrs, "bytes", len(c.Response().Body()))
		}
		s.log.Log(c.UserContext(), level, "request", attrs...)
	}()
	if err = c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
		err = nil
	}
	return err
}

// logPath is a request path fit for the log: the secret segment of the
// webhook URLs is masked, since whoever reads the log must not be able to
// post events.
func logPath(path string) string {
	rest, ok := strings.CutPrefix(path, "/webhooks/wavy/")
	if !ok {
		return path
	}
	if _, kind, found := strings.Cut(rest, "/"); found {
		return "/webhooks/wavy/***/" + kind
	}
	return "/webhooks/wavy/***"
}

// securityHeaders keeps pages from being framed, sniffed or leaking URLs,
// restricts where scripts may come from and, when the console is served
// over https, tells browsers never to use plain http for it.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is securityHeaders for answers made outside the
// middleware chain (errors fasthttp raises before routing).
func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	if s.cfg.SecureCookies() {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// withSession loads the session cookie, resolves the signed-in user and the
// language, runs the rest of the chain, then saves the cookie if it changed.
func (s *Server) withSession(c *fiber.Ctx) error {
	rs := s.loadSession(c)
	c.Locals(localSession, rs)
	now := s.now()
	lang := rs.str(keyLang)
	if uid := rs.int64(keyUserID); uid != 0 {
		issued, seen := time.Unix(rs.int64(keyIssued), 0), time.Unix(rs.int64(keySeen), 0)
		u, err := s.store.SessionUser(c.UserContext(), hashSessionID(rs.str(keySessionID)), now)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		switch {
		case err != nil, u.ID != uid, u.Disabled, u.SessionEpoch != rs.int64(keyEpoch),
			now.Sub(issued) > sessionMax, now.Sub(seen) > sessionIdle:
			// Signed out (here or elsewhere), gone, disabled, password
			// changed elsewhere, or expired: sign out quietly and say so on
			// the sign-in page.
			if err := s.endSignIn(c.UserContext(), rs); err != nil {
				return err
			}
			rs.addFlash("info", i18n.T(i18n.Normalize(lang), "auth.session_expired"))
		default:
			c.Locals(localUser, u)
			lang = u.Lang
			if now.Sub(seen) > sessionRefresh {
				rs.set(keySeen, now.Unix())
			}
		}
	}
	if lang == "" {
		lang = i18n.FromAcceptLanguage(c.Get("Accept-Language"))
	}
	c.Locals(localLang, i18n.Normalize(lang))
	err := c.Next()
	if serr := s.saveSession(c, rs); serr != nil && err == nil {
		err = serr
	}
	return err
}

// startSignIn signs u in: a new server-side session, whose id the cookie
// carries. A session the cookie held before is ended first, so an id
// planted before sign-in is never the one signed in.
func (s *Server) startSignIn(ctx context.Context, rs *reqSession, u *user.User) error {
	if err := s.endSignIn(ctx, rs); err != nil {
		return err
	}
	now := s.now()
	sid := randomToken()
	if err := s.store.CreateSession(ctx, hashSessionID(sid), u.ID, now, now.Add(sessionMax)); err != nil {
		return err
	}
	rs.set(keySessionID, sid)
	rs.set(keyUserID, u.ID)
	rs.set(keyEpoch, u.SessionEpoch)
	rs.set(keyIssued, now.Unix())
	rs.set(keySeen, now.Unix())
	// A new CSRF token on sign-in, so a token planted before cannot be reused.
	rs.set(keyCSRF, randomToken())
	return nil
}

// endSignIn ends the cookie's session on the server, so a copy of the
// cookie stops working too, and clears it from the cookie.
func (s *Server) endSignIn(ctx context.Context, rs *reqSession) error {
	if sid := rs.str(keySessionID); sid != "" {
		if err := s.store.DeleteSession(ctx, hashSessionID(sid)); err != nil {
			return err
		}
	}
	if rs.str(keySessionID) == "" && rs.int64(keyUserID) == 0 {
		return nil
	}
	for _, k := range []string{keySessionID, keyUserID, keyEpoch, keyIssued, keySeen} {
		rs.del(k)
	}
	rs.set(keyCSRF, randomToken())
	return nil
}

func session(c *fiber.Ctx) *reqSession {
	rs, _ := c.Locals(localSession).(*reqSession)
	return rs
}

func currentUser(c *fiber.Ctx) *user.User {
	u, _ := c.Locals(localUser).(*user.User)
	return u
}

func lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok {
		return l
	}
	return i18n.Default
}

// tr translates key into the request's language.
func tr(c *fiber.Ctx, key string, args ...any) string {
	return i18n.T(lang(c), key, args...)
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// csrf rejects state-changing requests without the session's token, taken
// from the _csrf form field or the X-CSRF-Token header (htmx sends it).
func (s *Server) csrf(c *fiber.Ctx) error {
	if safeMethod(c.Method()) {
		return c.Next()
	}
	rs := session(c)
	got := c.Get("X-CSRF-Token")
	if got == "" && isUploadRoute(c.Method(), c.Path()) {
		// Reading the form here would take the whole file before the role
		// is checked: receiveUpload checks the token, the body's first part.
		c.Locals(localCSRFInBody, true)
		return c.Next()
	}
	if got == "" {
		got = c.FormValue("_csrf")
	}
	if rs == nil || !tokensEqual(got, rs.str(keyCSRF)) {
		s.log.Warn("csrf token missing or wrong", "request_id", requestID(c), "path", logPath(c.Path()))
		return &pageError{status: fiber.StatusForbidden, key: "error.csrf"}
	}
	return c.Next()
}

// setupGate sends everyone to /setup until the first admin exists, and keeps
// /setup closed afterwards.
func (s *Server) setupGate(c *fiber.Ctx) error {
	if !s.hasUsers.Load() {
		n, err := s.store.CountUsers(c.UserContext())
		if err != nil {
			return err
		}
		if n > 0 {
			s.hasUsers.Store(true)
		}
	}
	onSetup := c.Path() == "/setup"
	switch {
	case !s.hasUsers.Load() && !onSetup && c.Path() != "/language":
		return c.Redirect("/setup", fiber.StatusSeeOther)
	case s.hasUsers.Load() && onSetup:
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	return c.Next()
}

// require lets the request through only for a signed-in user with at least
// role min. Others are sent to sign in, or get 403.
func (s *Server) require(min user.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if u == nil {
			if c.Get("HX-Request") != "" {
				c.Set("HX-Redirect", "/login")
				return c.SendStatus(fiber.StatusUnauthorized)
			}
			next := ""
			if c.Method() == fiber.MethodGet && c.Path() != "/" {
				next = "?next=" + url.QueryEscape(c.OriginalURL())
			}
			return c.Redirect("/login"+next, fiber.StatusSeeOther)
		}
		if !u.Role.AtLeast(min) {
			return &pageError{status: fiber.StatusForbidden, key: "error.forbidden"}
		}
		return c.Next()
	}
}
