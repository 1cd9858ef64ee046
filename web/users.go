package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

func (s *Server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, views.Form{})
}

func (s *Server) renderUsers(c *fiber.Ctx, status int, f views.Form) error {
	us, err := s.store.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, status, views.UsersPage(us, f))
}

func (s *Server) createUser(c *fiber.Ctx) error {
	f := formOf(c, "email", "role")
	email, problem := user.NormalizeEmail(f.Value("email"))
	if problem != "" {
		f.Errors["email"] = tr(c, problem)
	}
	role, err := user.ParseRole(f.Value("role"))
	if err != nil {
		f.Errors["role"] = tr(c, "user.problem.role")
	}
	pw := c.FormValue("password")
	if p := user.CheckPassword(pw); p != "" {
		f.Errors["password"] = tr(c, p, user.MinPasswordLen)
	}
	if len(f.Errors) > 0 {
		return s.renderUsers(c, fiber.StatusUnprocessableEntity, f)
	}
	hash, err := user.HashPassword(pw)
	if err != nil {
		return err
	}
	u := &user.User{Email: email, PasswordHash: hash, Role: role, Lang: lang(c)}
	if err := s.store.CreateUser(c.UserContext(), u); errors.Is(err, store.ErrConflict) {
		f.Errors["email"] = tr(c, "users.email_taken")
		return s.renderUsers(c, fiber.StatusConflict, f)
	} else if err != nil {
		return err
	}
	s.log.Info("user created", "user_id", u.ID, "role", role, "by", currentUser(c).ID)
	s.record(c, audit.UserCreated, "user", u.ID, u.Email, "role", string(role))
	flash(c, "success", "users.created", email)
	return seeOther(c, "/users")
}

// userChange applies one admin change to user :id and reports the outcome.
func (s *Server) userChange(c *fiber.Ctx, change func(id int64) error) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	switch err := change(id); {
	case errors.Is(err, store.ErrLastAdmin):
		flash(c, "error", "users.last_admin")
	case errors.Is(err, user.ErrInvalid):
		flash(c, "error", "user.problem.role")
	case err != nil:
		return err
	default:
		s.log.Info("user changed", "user_id", id, "path", c.Path(), "by", currentUser(c).ID)
		flash(c, "success", "users.saved")
	}
	return seeOther(c, "/users")
}

func (s *Server) setUserRole(c *fiber.Ctx) error {
	return s.userChange(c, func(id int64) error {
		r, err := user.ParseRole(c.FormValue("role"))
		if err != nil {
			return err
		}
		if err := s.store.SetUserRole(c.UserContext(), id, r); err != nil {
			return err
		}
		s.recordUser(c, audit.UserRoleChanged, id, "role", string(r))
		return nil
	})
}

func (s *Server) setUserDisabled(c *fiber.Ctx) error {
	return s.userChange(c, func(id int64) error {
		disabled := c.FormValue("disabled") == "1"
		if err := s.store.SetUserDisabled(c.UserContext(), id, disabled); err != nil {
			return err
		}
		action := audit.UserEnabled
		if disabled {
			action = audit.UserDisabled
		}
		s.recordUser(c, action, id)
		return nil
	})
}

func (s *Server) resetUserPassword(c *fiber.Ctx) error {
	pw := c.FormValue("password")
	if p := user.CheckPassword(pw); p != "" {
		flash(c, "error", p, user.MinPasswordLen)
		return seeOther(c, "/users")
	}
	return s.userChange(c, func(id int64) error {
		hash, err := user.HashPassword(pw)
		if err != nil {
			return err
		}
		if _, err = s.store.SetUserPassword(c.UserContext(), id, hash); err != nil {
			return err
		}
		s.recordUser(c, audit.UserPasswordReset, id)
		return nil
	})
}

// recordUser audits a change made to user id, named by e-mail.
func (s *Server) recordUser(c *fiber.Ctx, action audit.Action, id int64, detail ...string) {
	name := ""
	if u, err := s.store.UserByID(c.UserContext(), id); err == nil {
		name = u.Email
	}
	s.record(c, action, "user", id, name, detail...)
}
