package web

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/i18n"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/store"
	"arauto/views"
)

// The editors of a draft campaign: its recipients (a ready list), its SMS
// message (WhatsApp's is in whatsapp.go) and its schedule.

func (s *Server) campaignListPage(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	return s.renderCampaignList(c, fiber.StatusOK, cp, cp.ListID, "")
}

func (s *Server) renderCampaignList(c *fiber.Ctx, status int, cp *campaign.Campaign, selected int64, problem string) error {
	lists, err := s.store.Lists(c.UserContext(), recipient.ListReady)
	if err != nil {
		return err
	}
	segments, err := s.store.Segments(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, status, views.CampaignListPage(views.CampaignListForm{Campaign: cp, Lists: lists, Selected: selected,
		Segments: segments, SelectedSegment: cp.SegmentID, Error: problem}))
}

// saveCampaignList chooses the campaign's recipients: a ready list, or a
// segment ("s" and its id), frozen at launch.
func (s *Server) saveCampaignList(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if v, isSegment := strings.CutPrefix(c.FormValue("list_id"), "s"); isSegment {
		return s.saveCampaignSegment(c, cp, v)
	}
	id := formID(c, "list_id")
	if id == 0 {
		return s.renderCampaignList(c, fiber.StatusUnprocessableEntity, cp, 0, tr(c, "campaigns.list.problem_required"))
	}
	l, err := s.store.ListByID(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && l.State != recipient.ListReady) {
		return s.renderCampaignList(c, fiber.StatusUnprocessableEntity, cp, 0, tr(c, "campaigns.list.problem_not_ready"))
	}
	if err != nil {
		return err
	}
	if err := s.store.SetCampaignList(c.UserContext(), cp.ID, l.ID, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign list chosen", "campaign_id", cp.ID, "list_id", l.ID, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.list.saved", l.Name, i18n.FormatInt(lang(c), int64(l.Valid)))
	return seeOther(c, campaignPath(cp.ID, ""))
}

func (s *Server) campaignMessagePage(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if cp.Channel == campaign.WhatsApp {
		return s.whatsAppMessagePage(c, cp)
	}
	f := withSendOptions(views.Form{Values: map[string]string{"extra_info": cp.ExtraInfo}, Errors: views.FieldErrors{}}, cp.Options)
	if cp.Flash {
		f.Values["flash"] = "1"
	}
	if cp.ReplaceAccents {
		f.Values["replace_accents"] = "1"
	}
	if cp.TrackClicks {
		f.Values["track_clicks"] = "1"
	}
	return s.renderCampaignMessage(c, fiber.StatusOK, cp, cp.Message, f)
}

func (s *Server) renderCampaignMessage(c *fiber.Ctx, status int, cp *campaign.Campaign, body string, f views.Form) error {
	list, _, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	meter, err := s.writtenMeter(c.UserContext(), body, list)
	if err != nil {
		return err
	}
	meter.AccentOption, meter.ReplaceAccents = true, f.Value("replace_accents") == "1"
	track := f.Value("track_clicks") == "1"
	if track {
		meter = meter.WithShortLinks(*s.campaigns.Shortener)
	}
	d := views.CampaignMessageForm{Campaign: cp, List: list, Form: f,
		Composer: views.ComposerData{Field: "body", Label: tr(c, "campaigns.message.body"), Body: body, Error: f.Err("body"), Meter: meter,
			AccentOption: list != nil, ReplaceAccents: meter.ReplaceAccents, ClickOption: true, TrackClicks: track},
		Cost: views.ComposeCost{List: list, Pending: list != nil}}
	bindAudience(&d.Composer, list)
	if d.Templates, err = s.store.Templates(c.UserContext()); err != nil {
		return err
	}
	return s.render(c, status, views.CampaignMessagePage(d))
}

// saveCampaignMessage stores the SMS text, Flash and extraInfo. With a
// list chosen, placeholders the list lacks are refused, naming them and
// the fields it has.
func (s *Server) saveCampaignMessage(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if cp.Channel == campaign.WhatsApp {
		return s.saveWhatsApp(c, cp)
	}
	body := composeText(c.FormValue("body"))
	f := views.Form{Values: map[string]string{"extra_info": strings.TrimSpace(c.FormValue("extra_info"))}, Errors: views.FieldErrors{}}
	flashSMS := c.FormValue("flash") == "1"
	if flashSMS {
		f.Values["flash"] = "1"
	}
	replace := c.FormValue("replace_accents") == "1"
	if replace {
		f.Values["replace_accents"] = "1"
	}
	track := c.FormValue("track_clicks") == "1"
	if track {
		f.Values["track_clicks"] = "1"
	}
	list, columns, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	if p, bad := message.BodyProblem(body, columns, list != nil); bad {
		f.Errors["body"] = tr(c, p.Key, p.Args...)
	}
	extra := f.Value("extra_info")
	if n := utf8.RuneCountInString(extra); n > campaign.MaxExtraInfoLen {
		f.Errors["extra_info"] = tr(c, "campaigns.message.problem_extra_info", campaign.MaxExtraInfoLen, n)
	} else if strings.ContainsFunc(extra, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		f.Errors["extra_info"] = tr(c, "campaigns.message.problem_extra_info_chars")
	}
	opts := readSendOptions(c, campaign.SMS, &f)
	if len(f.Errors) > 0 {
		f.Message = tr(c, "campaigns.message.problem_form")
		return s.renderCampaignMessage(c, fiber.StatusUnprocessableEntity, cp, body, f)
	}
	err = s.campaigns.SaveMessage(c.UserContext(), cp, campaign.SMSMessage{Body: body, Flash: flashSMS, ExtraInfo: extra,
		ReplaceAccents: replace, TrackClicks: track, Options: opts})
	if err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign message saved", "campaign_id", cp.ID, "chars", utf8.RuneCountInString(body), "flash", flashSMS,
		"replace_accents", replace, "track_clicks", track, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.message.saved")
	return seeOther(c, campaignPath(cp.ID, ""))
}

func (s *Server) campaignSchedulePage(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	sc := schedule.Schedule{SendNow: true, Zone: schedule.DefaultZone}
	if !cp.ScheduledAt.IsZero() {
		if sc, err = s.store.CampaignSchedule(c.UserContext(), cp.ID); err != nil {
			return err
		}
	}
	return s.renderCampaignSchedule(c, fiber.StatusOK, cp, scheduleFormOf(sc, s.now()), sc, nil)
}

// renderCampaignSchedule shows the schedule form, its problems and the
// summary of sc.
func (s *Server) renderCampaignSchedule(c *fiber.Ctx, status int, cp *campaign.Campaign, f scheduleForm, sc schedule.Schedule, problems schedule.Problems) error {
	v := f.view(c, problems)
	d := views.CampaignScheduleForm{Campaign: cp, Form: v.form, Hours: v.hours, Weekdays: v.weekdays,
		Zones: schedule.AllZones(), Summary: views.NewScheduleSummary(sc, s.now().UTC(), time.Time{}), Problems: len(v.form.Errors)}
	return s.render(c, status, views.CampaignSchedulePage(d))
}

// saveCampaignSchedule validates and stores the schedule. A send-now
// schedule starts when the campaign is confirmed; until then its start is
// the moment it was saved.
func (s *Server) saveCampaignSchedule(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	now := s.now().UTC()
	f := newScheduleForm(c)
	sc, problems := f.Schedule(now)
	if len(problems) > 0 {
		return s.renderCampaignSchedule(c, fiber.StatusUnprocessableEntity, cp, f, sc, problems)
	}
	start, err := sc.Start(now)
	if err != nil {
		return err
	}
	if err := s.store.SaveCampaignSchedule(c.UserContext(), cp.ID, sc, start); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign schedule saved", "campaign_id", cp.ID, "send_now", sc.SendNow, "start", start, "zone", sc.Zone, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.schedule.saved")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// previewCampaignSchedule answers the schedule page's summary as the form
// changes.
func (s *Server) previewCampaignSchedule(c *fiber.Ctx) error {
	if _, err := s.campaignByParam(c); err != nil {
		return err
	}
	now := s.now().UTC()
	f := newScheduleForm(c)
	sc, problems := f.Schedule(now)
	return s.renderWith(c, fiber.StatusOK, views.ScheduleSummaryBody(views.NewScheduleSummary(sc, now, time.Time{}), len(f.view(c, problems).form.Errors)), false)
}

// saveCampaignSegment makes a segment the campaign's audience.
func (s *Server) saveCampaignSegment(c *fiber.Ctx, cp *campaign.Campaign, raw string) error {
	id, _ := strconv.ParseInt(raw, 10, 64)
	sg, err := s.store.SegmentByID(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return s.renderCampaignList(c, fiber.StatusUnprocessableEntity, cp, 0, tr(c, "campaigns.audience.segment_gone"))
	}
	if err != nil {
		return err
	}
	if err := s.store.SetCampaignSegment(c.UserContext(), cp.ID, sg.ID, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	n, err := s.store.CountSegment(c.UserContext(), sg.Filter, s.now().UTC())
	if err != nil {
		return err
	}
	s.log.Info("campaign segment chosen", "campaign_id", cp.ID, "segment_id", sg.ID, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.audience.segment_saved", sg.Name, i18n.FormatInt(lang(c), n))
	return seeOther(c, campaignPath(cp.ID, ""))
}
