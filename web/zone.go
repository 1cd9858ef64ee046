package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/config"
	"arauto/internal/schedule"
	"arauto/views"
)

// zoneLabelFor names a zone in the reader's language.
func zoneLabelFor(c *fiber.Ctx, name string) string { return views.ZoneLabel(lang(c), name) }

// DisplayZone is the zone this request's reader sees times in (their own,
// else the organisation's, else Brasília time), for responses that are not
// pages, such as exports: the same choice the views make. Format with
// views.TimeText.
func (s *Server) DisplayZone(c *fiber.Ctx) (string, *time.Location) {
	e := s.env(c, false)
	return e.ZoneName, e.Zone
}

// saveOrgZone stores the organisation's zone; blank restores Brasília time.
func (s *Server) saveOrgZone(c *fiber.Ctx) error {
	zone := c.FormValue("zone")
	if err := schedule.CheckDisplayZone(zone); err != nil {
		flash(c, "error", "zone.problem")
		return seeOther(c, "/settings#timezone")
	}
	if err := s.store.SaveSettings(c.UserContext(), map[string]string{config.SettingTimeZone: zone}); err != nil {
		return err
	}
	s.log.Info("organisation time zone saved", "zone", zone, "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "time zone", "zone", zone)
	name, _ := schedule.DisplayZone(zone, "")
	flash(c, "success", "zone.org_saved", zoneLabelFor(c, name))
	return seeOther(c, "/settings#timezone")
}

// saveUserZone stores the signed-in person's own zone; blank follows the
// organisation's again.
func (s *Server) saveUserZone(c *fiber.Ctx) error {
	zone := c.FormValue("zone")
	if err := schedule.CheckDisplayZone(zone); err != nil {
		flash(c, "error", "zone.problem")
		return seeOther(c, "/account#timezone")
	}
	u := currentUser(c)
	if err := s.store.SetUserTimeZone(c.UserContext(), u.ID, zone); err != nil {
		return err
	}
	s.log.Info("user time zone saved", "zone", zone, "user", u.ID)
	if zone == "" {
		flash(c, "success", "zone.user_follows_org")
	} else {
		flash(c, "success", "zone.user_saved", zoneLabelFor(c, zone))
	}
	return seeOther(c, "/account#timezone")
}
