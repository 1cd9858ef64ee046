package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/clicks"
	"arauto/views"
)

// saveClickSettings stores how many days short links keep redirecting;
// a number out of range is refused, naming the field, and nothing is
// saved.
func (s *Server) saveClickSettings(c *fiber.Ctx) error {
	f := formOf(c, "expiry_days")
	n, err := strconv.Atoi(strings.TrimSpace(f.Value("expiry_days")))
	if err != nil || n < 1 || n > clicks.MaxExpiryDays {
		f.Errors["expiry_days"] = tr(c, "clicks.settings.bad_expiry")
		d, err := s.settingsData(c, views.Form{}, nil)
		if err != nil {
			return err
		}
		d.Clicks.Form = f
		return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
	}
	if err := s.store.SaveSettings(c.UserContext(), map[string]string{clicks.SettingExpiryDays: strconv.Itoa(n)}); err != nil {
		return err
	}
	s.clicks.resolver.Forget()
	s.log.Info("short link expiry saved", "days", n, "by", currentUser(c).ID)
	flash(c, "success", "clicks.settings.saved")
	return seeOther(c, "/settings#clicks")
}
