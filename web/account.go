package web

import (
	"github.com/gofiber/fiber/v2"

	"arauto/internal/user"
	"arauto/views"
)

func (s *Server) accountPage(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, views.AccountPage(views.Form{}))
}

// changePassword checks the current password, stores the new one, and keeps
// this session while ending every other.
func (s *Server) changePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	f := formOf(c)
	pw, confirm := c.FormValue("password"), c.FormValue("password_confirm")
	if !user.Authenticate(u, c.FormValue("current_password")) {
		f.Errors["current_password"] = tr(c, "account.wrong_current")
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
