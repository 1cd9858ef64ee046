package web

import (
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/user"
	"arauto/views"
)

func (s *Server) accountPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, views.AccountPage(views.Form{}))
}

// changePassword checks the current password, stores the new one, and keeps
// this session while ending every other. Wrong current passwords slow down
// like sign-ins do (a borrowed session must not become a way to guess the
// password at full speed).
func (s *Server) changePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	f := formOf(c)
	pw, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	account, ip := strconv.FormatInt(u.ID, 10), s.clientIP(c)
	wait, err := s.passwordChecks.wait(c.UserContext(), account, ip)
	if err != nil {
		return err
	}
	if wait > 0 {
		f.Errors["current_password"] = tr(c, "auth.slow_down", waitText(wait))
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return s.render(c, fiber.StatusTooManyRequests, views.AccountPage(f))
	}
	if !user.Authenticate(u, c.FormValue("current_password")) {
		if err := s.passwordChecks.fail(c.UserContext(), account, ip); err != nil {
			return err
		}
		s.log.Info("password change: wrong current password", "user_id", u.ID, "ip", ip, "request_id", requestID(c))
		f.Errors["current_password"] = tr(c, "account.wrong_current")
	} else {
		if err := s.passwordChecks.succeed(c.UserContext(), account, ip); err != nil {
			return err
		}
	}
	if p := user.CheckPassword(pw); p != "" {
		f.Errors["password"] = tr(c, p, user.MinPasswordLen)
	} else if pw != confirm {
		f.Errors["password_confirm"] = tr(c, "user.problem.password_mismatch")
	}
	if len(f.Errors) > 0 {
		return s.render(c, fiber.StatusUnprocessableEntity, views.AccountPage(f))
	}
	hash, err := user.HashPassword(pw)
	if err != nil {
		return err
	}
	epoch, err := s.store.SetUserPassword(c.UserContext(), u.ID, hash)
	if err != nil {
		return err
	}
	u.SessionEpoch = epoch
	s.record(c, audit.PasswordChange, "user", u.ID, u.Email)
	rs := session(c)
	if err := s.startSignIn(c.UserContext(), rs, u); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(c.UserContext(), u.ID, hashSessionID(rs.str(keySessionID))); err != nil {
		return err
	}
	flash(c, "success", "account.password_changed")
	return seeOther(c, "/account")
}
