package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

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
		return s.store.SetUserRole(c.UserContext(), id, r)
	})
}

func (s *Server) setUserDisabled(c *fiber.Ctx) error {
	return s.userChange(c, func(id int64) error {
		return s.store.SetUserDisabled(c.UserContext(), id, c.FormValue("disabled") == "1")
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
		_, err = s.store.SetUserPassword(c.UserContext(), id, hash)
		return err
	})
}
