package web

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/config"
	"arauto/internal/frequency"
	"arauto/internal/optout"
	"arauto/views"
)

// The Settings section of the audience: the frequency cap per channel and
// the opt-in keywords.

// audienceSettings is the section's data as saved.
func audienceSettings(saved map[string]string) views.AudienceSettings {
	a := views.AudienceSettings{OptInKeywords: config.FormatOptOutKeywords(config.OptInKeywords(saved))}
	for _, ch := range frequency.Channels {
		a.Caps = append(a.Caps, frequency.Parse(saved, ch))
	}
	return a
}

// saveFrequency stores the frequency caps; a maximum of 0 or a window of
// no days is refused, naming the field.
func (s *Server) saveFrequency(c *fiber.Ctx) error {
	f := views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	saved := map[string]string{}
	for _, ch := range frequency.Channels {
		on := c.FormValue(ch+".on") == "1"
		max, days := c.FormValue(ch+".max"), c.FormValue(ch+".days")
		f.Values[ch+".max"], f.Values[ch+".days"] = truncateRunes(max, 12), truncateRunes(days, 12)
		f.Values[ch+".on"] = "0"
		if on {
			f.Values[ch+".on"] = "1"
		}
		rule, problems := frequency.Check(ch, on, max, days)
		for _, p := range problems {
			f.Errors[ch+"."+p.Field] = tr(c, p.Key, p.Args...)
		}
		saved[frequency.SettingKey(ch)] = rule.Format()
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "frequency.problem.form")
		return s.renderSettingsWithAudience(c, func(a *views.AudienceSettings) { a.CapForm = f })
	}
	if err := s.store.SaveSettings(c.UserContext(), saved); err != nil {
		return err
	}
	s.log.Info("frequency caps saved", "sms", saved[frequency.SettingKey("sms")], "whatsapp", saved[frequency.SettingKey("whatsapp")], "by", currentUser(c).ID)
	flash(c, "success", "frequency.saved")
	return seeOther(c, "/settings#frequency")
}

// saveOptIn stores the replies that record consent; blank turns the
// keyword opt-in off.
func (s *Server) saveOptIn(c *fiber.Ctx) error {
	raw := c.FormValue("optin")
	f := views.Form{Values: map[string]string{"optin": raw}, Errors: views.FieldErrors{}}
	ks := config.ParseOptOutKeywords(raw)
	switch {
	case len(raw) > 2000 || len(ks) > 50:
		f.Errors["optin"] = tr(c, "settings.optout.too_many")
	default:
		for _, k := range ks {
			if utf8.RuneCountInString(k) > maxOptOutKeyword || optout.Normalize(k) == "" {
				f.Errors["optin"] = tr(c, "settings.optout.bad_word", k)
				break
			}
		}
	}
	if len(f.Errors) > 0 {
		return s.renderSettingsWithAudience(c, func(a *views.AudienceSettings) { a.OptInForm = f })
	}
	if err := s.store.SaveSettings(c.UserContext(), map[string]string{config.SettingOptInKeywords: config.FormatOptOutKeywords(ks)}); err != nil {
		return err
	}
	s.log.Info("opt-in keywords saved", "count", len(ks), "by", currentUser(c).ID)
	flash(c, "success", "optin.saved")
	return seeOther(c, "/settings#optin")
}

// renderSettingsWithAudience shows the Settings page again with a refused
// form of the audience section.
func (s *Server) renderSettingsWithAudience(c *fiber.Ctx, set func(*views.AudienceSettings)) error {
	d, err := s.settingsData(c, views.Form{}, nil)
	if err != nil {
		return err
	}
	set(&d.Audience)
	return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
}
