package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/breaker"
	"arauto/views"
)

// maxBreakerLimit bounds a signal's limit: more than the largest window
// could never be reached.
const maxBreakerLimit = breaker.MaxWindow

// saveBreaker stores the circuit breaker's settings. A count that cannot
// be read, or a phrase too long, is refused with the field named, and
// nothing is saved.
func (s *Server) saveBreaker(c *fiber.Ctx) error {
	f := formOf(c, "window", "optouts", "blocked", "complaints", "phrases")
	f.Values["enabled"] = "0"
	next := breaker.Settings{Enabled: c.FormValue("enabled") == "1", Limits: map[breaker.Signal]int{}}
	if next.Enabled {
		f.Values["enabled"] = "1"
	}
	if n, p := breaker.ParseCount(f.Value("window"), 1, breaker.MaxWindow); p != "" {
		f.Errors["window"] = tr(c, p, 1, breaker.MaxWindow)
	} else {
		next.Window = n
	}
	for _, sig := range breaker.Signals {
		name := string(sig)
		n, p := breaker.ParseCount(f.Value(name), 0, maxBreakerLimit)
		if p != "" {
			f.Errors[name] = tr(c, p, 0, maxBreakerLimit)
			continue
		}
		next.Limits[sig] = n
	}
	next.Phrases = breaker.ParsePhrases(f.Value("phrases"))
	for _, ph := range next.Phrases {
		if utf8.RuneCountInString(ph) > breaker.MaxPhrase {
			f.Errors["phrases"] = tr(c, "breaker.problem.phrase_long", ph, breaker.MaxPhrase)
			break
		}
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "breaker.problem.fix")
		d, err := s.settingsData(c, views.Form{}, nil)
		if err != nil {
			return err
		}
		d.Breaker.Form = f
		return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
	}
	if err := s.store.SaveSettings(c.UserContext(), next.Saved()); err != nil {
		return err
	}
	s.log.Info("circuit breaker settings saved", "enabled", next.Enabled, "window", next.Window, "optouts", next.Limits[breaker.OptOuts],
		"blocked", next.Limits[breaker.Blocked], "complaints", next.Limits[breaker.Complaints], "phrases", strings.Join(next.Phrases, "|"), "by", currentUser(c).ID)
	flash(c, "success", "breaker.settings.saved")
	return seeOther(c, "/settings#breaker")
}
