package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/schedule"
	"arauto/internal/user"
	"arauto/views"
)

// The API tokens page (admins): make a token (its secret shown once, on
// the answer to the form, never in a cookie or a log), see when each was
// last used, revoke.

func (s *Server) automationPage(c *fiber.Ctx) error {
	return c.Redirect("/automation/tokens", fiber.StatusSeeOther)
}

func (s *Server) tokensPage(c *fiber.Ctx) error {
	return s.renderTokens(c, fiber.StatusOK, views.TokensData{Form: views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}})
}

func (s *Server) renderTokens(c *fiber.Ctx, status int, d views.TokensData) error {
	// Uses recorded in memory are written first, so the page is current.
	if err := s.tokenUsage.Flush(c.UserContext(), s.store); err != nil {
		s.log.Warn("api: record token use", "err", err)
	}
	ts, err := s.store.Tokens(c.UserContext())
	if err != nil {
		return err
	}
	d.Tokens, d.Now = ts, s.now()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, views.TokensPage(d))
}

func (s *Server) createToken(c *fiber.Ctx) error {
	f := formOf(c, "name", "role", "expires", "rate")
	name := strings.TrimSpace(f.Value("name"))
	if p := apitoken.NameProblem(name); p != "" {
		f.Errors["name"] = tr(c, p, apitoken.MaxNameLen)
	}
	role, err := user.ParseRole(f.Value("role"))
	if err != nil {
		f.Errors["role"] = tr(c, "user.problem.role")
	}
	u := currentUser(c)
	t := &apitoken.Token{Name: name, Role: role, OwnerID: u.ID, CreatedAt: s.now().UTC()}
	if v := f.Value("expires"); v != "" {
		// The token works until the end of that day in the reader's zone.
		_, loc := schedule.DisplayZone(s.env(c, false).OrgZone, u.TimeZone)
		day, err := time.ParseInLocation("2006-01-02", v, loc)
		switch {
		case err != nil:
			f.Errors["expires"] = tr(c, "tokens.problem.expires")
		case !day.AddDate(0, 0, 1).After(s.now()):
			f.Errors["expires"] = tr(c, "tokens.problem.expires_past")
		default:
			t.ExpiresAt = day.AddDate(0, 0, 1).UTC()
		}
	}
	if v := f.Value("rate"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > apitoken.MaxPerMinute {
			f.Errors["rate"] = tr(c, "tokens.problem.rate", apitoken.MaxPerMinute)
		}
		t.RatePerMinute = n
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "templates.problem.form")
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, views.TokensData{Form: f})
	}
	secret, hash := apitoken.NewSecret()
	t.Hint = apitoken.Hint(secret)
	if err := s.store.CreateToken(c.UserContext(), t, hash); err != nil {
		return err
	}
	s.record(c, audit.TokenCreated, "token", t.ID, t.Name, "role", string(t.Role))
	s.log.Info("api token created", "token_id", t.ID, "by", u.ID)
	return s.renderTokens(c, fiber.StatusCreated, views.TokensData{NewSecret: secret, NewName: t.Name,
		Form: views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}})
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	t, err := s.store.TokenByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(c.UserContext(), id, s.now()); err != nil {
		return err
	}
	s.record(c, audit.TokenRevoked, "token", t.ID, t.Name)
	flash(c, "success", "tokens.revoked", t.Name)
	return seeOther(c, "/automation/tokens")
}
