package web

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/i18n"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

func formOf(c *fiber.Ctx, names ...string) views.Form {
	f := views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(c.FormValue(n))
	}
	return f
}

func (s *Server) setupPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, views.SetupPage(views.Form{}))
}

// setup creates the first admin and signs them in.
func (s *Server) setup(c *fiber.Ctx) error {
	f := formOf(c, "email")
	pw, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	email, problem := user.NormalizeEmail(f.Value("email"))
	if problem != "" {
		f.Errors["email"] = tr(c, problem)
	}
	if p := user.CheckPassword(pw); p != "" {
		f.Errors["password"] = tr(c, p, user.MinPasswordLen)
	} else if pw != confirm {
		f.Errors["password_confirm"] = tr(c, "user.problem.password_mismatch")
	}
	if len(f.Errors) > 0 {
		return s.render(c, fiber.StatusUnprocessableEntity, views.SetupPage(f))
	}
	hash, err := user.HashPassword(pw)
	if err != nil {
		return err
	}
	u := &user.User{Email: email, PasswordHash: hash, Lang: lang(c)}
	if err := s.store.CreateFirstAdmin(c.UserContext(), u); errors.Is(err, store.ErrConflict) {
		s.hasUsers.Store(true)
		flash(c, "info", "setup.already_done")
		return seeOther(c, "/login")
	} else if err != nil {
		return err
	}
	s.hasUsers.Store(true)
	s.log.Info("first admin created", "user_id", u.ID, "request_id", requestID(c))
	if err := s.startSignIn(c.UserContext(), session(c), u); err != nil {
		return err
	}
	flash(c, "success", "setup.done")
	return seeOther(c, "/")
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, views.LoginPage(views.Form{}, safeNext(c.Query("next"))))
}

// login checks the password. Unknown e-mail and wrong password get the same
// message and take the same time; repeated failures slow down the pair of
// account and client address that made them (see loginLimiter).
func (s *Server) login(c *fiber.Ctx) error {
	f := formOf(c, "email")
	next := safeNext(c.FormValue("next"))
	email, _ := user.NormalizeEmail(f.Value("email"))
	if email == "" {
		email = strings.ToLower(f.Value("email"))
	}
	ip := s.clientIP(c)
	wait, err := s.logins.wait(c.UserContext(), email, ip)
	if err != nil {
		return err
	}
	if wait > 0 {
		s.log.Warn("sign-in throttled", "ip", ip, "request_id", requestID(c))
		f.Message = tr(c, "auth.slow_down", waitText(wait))
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return s.render(c, fiber.StatusTooManyRequests, views.LoginPage(f, next))
	}
	u, err := s.store.UserByEmail(c.UserContext(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !user.Authenticate(u, c.FormValue("password")) {
		if err := s.logins.fail(c.UserContext(), email, ip); err != nil {
			return err
		}
		s.log.Info("sign-in failed", "ip", ip, "request_id", requestID(c))
		s.recordBy(c, audit.Actor{Kind: audit.ActorAnonymous, Name: truncateRunes(email, 120)}, audit.SignInFailed, "user", nil, truncateRunes(email, 120))
		f.Message = tr(c, "auth.failed")
		return s.render(c, fiber.StatusUnauthorized, views.LoginPage(f, next))
	}
	if err := s.logins.succeed(c.UserContext(), email, ip); err != nil {
		return err
	}
	if err := s.store.TouchLogin(c.UserContext(), u.ID, s.now()); err != nil {
		return err
	}
	if err := s.startSignIn(c.UserContext(), session(c), u); err != nil {
		return err
	}
	s.log.Info("signed in", "user_id", u.ID, "request_id", requestID(c))
	s.recordBy(c, audit.Actor{Kind: audit.ActorUser, ID: u.ID, Name: u.Email}, audit.SignIn, "user", u.ID, u.Email)
	return seeOther(c, next)
}

// logout ends the session on the server, not only in this browser.
func (s *Server) logout(c *fiber.Ctx) error {
	if u := currentUser(c); u != nil {
		s.record(c, audit.SignOut, "user", u.ID, u.Email)
	}
	if err := s.endSignIn(c.UserContext(), session(c)); err != nil {
		return err
	}
	flash(c, "success", "auth.signed_out")
	return seeOther(c, "/login")
}

// setLanguage switches the language: stored on the user when signed in, in
// the session otherwise.
func (s *Server) setLanguage(c *fiber.Ctx) error {
	l := i18n.Normalize(c.FormValue("lang"))
	rs := session(c)
	rs.set(keyLang, l)
	if u := currentUser(c); u != nil {
		if err := s.store.SetUserLang(c.UserContext(), u.ID, l); err != nil {
			return err
		}
	}
	c.Locals(localLang, l)
	back := "/"
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" {
		back = safeNext(ref.RequestURI())
	}
	return seeOther(c, back)
}

// safeNext keeps redirects on this site: only an absolute path of this
// site passes, judged as a browser reads it. Browsers drop tabs and line
// breaks inside a URL and take a backslash for a slash, so "/\t/evil.example"
// and "/\\evil.example" lead to another host: anything holding a control
// character, a space or a backslash is refused, as is anything with a
// scheme, a host, or a path that starts with "//" once decoded. What is
// returned is rebuilt from the parsed path and query, so it is what was
// checked. Anything refused becomes "/".
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return "/"
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	out := u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// idParam reads a numeric :id route parameter.
func idParam(c *fiber.Ctx) (int64, error) {
	var id int64
	if _, err := fmt.Sscan(c.Params("id"), &id); err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// waitText says how long to wait in words that need no plural: "40 s",
// "3 min".
func waitText(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))) + " s"
	}
	return strconv.Itoa(int(math.Ceil(d.Minutes()))) + " min"
}
