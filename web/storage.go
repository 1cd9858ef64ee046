package web

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/i18n"
	"arauto/internal/retention"
	"arauto/views"
)

// storageFields are the retention form's fields and their settings keys.
var storageFields = []struct {
	name, key string
	least     int
}{
	{"raw_events_days", retention.SettingRawEventsDays, 0},
	{"reply_texts_days", retention.SettingReplyTextsDays, retention.MinDays},
	{"results_days", retention.SettingResultsDays, retention.MinDays},
}

// storageData reads the database's size and what the saved policy would
// free now; f, when given, is the form as typed.
func (s *Server) storageData(c *fiber.Ctx, f *views.Form) (views.StorageData, error) {
	ctx := c.UserContext()
	saved, err := s.store.Settings(ctx)
	if err != nil {
		return views.StorageData{}, err
	}
	p := retention.PolicyOf(saved)
	u, err := s.store.StorageUsage(ctx, p.At(s.now()))
	if err != nil {
		return views.StorageData{}, err
	}
	d := views.StorageData{Usage: u, FileSize: formatMB(u.FileBytes, lang(c)), FreeSize: formatMB(u.FreeBytes, lang(c)),
		RawEventSize: formatMB(u.RawEventBytes, lang(c))}
	if f != nil {
		d.Form = *f
		return d, nil
	}
	d.Form = views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	for i, v := range []*int{p.RawEventsDays, p.ReplyTextsDays, p.ResultsDays} {
		if v != nil {
			d.Form.Values[storageFields[i].name] = strconv.Itoa(*v)
		}
	}
	return d, nil
}

// storageCard answers the Settings page's storage card (htmx), or the
// card on a page of its own.
func (s *Server) storageCard(c *fiber.Ctx) error {
	d, err := s.storageData(c, nil)
	if err != nil {
		return err
	}
	if c.Get("HX-Request") == "true" {
		return s.render(c, fiber.StatusOK, views.StorageCard(d))
	}
	return s.render(c, fiber.StatusOK, views.StoragePage(d))
}

// saveRetention stores how long raw events, reply texts and results are
// kept (days; blank keeps forever).
func (s *Server) saveRetention(c *fiber.Ctx) error {
	f := views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	values := map[string]string{}
	for _, fd := range storageFields {
		v := c.FormValue(fd.name)
		f.Values[fd.name] = v
		if _, err := retention.ParseDays(v, fd.least); err != nil {
			f.Errors[fd.name] = tr(c, "storage.problem_days", fd.least, retention.MaxDays)
			continue
		}
		values[fd.key] = v
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "storage.problem_form")
		d, err := s.storageData(c, &f)
		if err != nil {
			return err
		}
		return s.render(c, fiber.StatusUnprocessableEntity, views.StoragePage(d))
	}
	if err := s.store.SaveSettings(c.UserContext(), values); err != nil {
		return err
	}
	s.log.Info("retention saved", "raw_events_days", values[retention.SettingRawEventsDays],
		"reply_texts_days", values[retention.SettingReplyTextsDays], "results_days", values[retention.SettingResultsDays], "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "retention")
	flash(c, "success", "storage.saved")
	return seeOther(c, "/settings#storage")
}

// pruneNow runs retention at once rather than at the next hourly run.
func (s *Server) pruneNow(c *fiber.Ctx) error {
	p, err := retention.Run(c.UserContext(), s.store, s.now())
	if err != nil {
		return err
	}
	s.log.Info("retention run by hand", "raw_events", p.RawEvents, "reply_texts", p.ReplyTexts, "results", p.Results,
		"freed_bytes", p.FreedBytes, "by", currentUser(c).ID)
	lg := lang(c)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "retention run")
	flash(c, "success", "storage.pruned", i18n.FormatInt(lg, p.RawEvents), i18n.FormatInt(lg, p.ReplyTexts), i18n.FormatInt(lg, p.Results), formatMB(p.FreedBytes, lg))
	return seeOther(c, "/settings#storage")
}

// compactNow rewrites the database in the background (VACUUM): sending
// and reports wait for it meanwhile, so it is never automatic.
func (s *Server) compactNow(c *fiber.Ctx) error {
	by := currentUser(c).ID
	go func() {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if err := s.store.Compact(ctx); err != nil {
			s.log.Error("compacting the database failed", "err", err, "by", by)
			return
		}
		s.log.Info("database compacted", "took", time.Since(start).Round(time.Millisecond).String(), "by", by)
	}()
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "compact")
	flash(c, "success", "storage.compacting")
	return seeOther(c, "/settings#storage")
}
