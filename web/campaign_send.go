package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/internal/sms"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

// campaignSendRoutes lists the pages that prepare a campaign for sending
// (recipients, message, schedule, the pre-flight check) and the actions
// that drive the dispatcher (schedule, pause, resume, cancel), with the
// live progress.
func (s *Server) campaignSendRoutes() []route {
	return []route{
		{"GET", "/campaigns/:id/list", user.Marketer, s.campaignListPage},
		{"POST", "/campaigns/:id/list", user.Marketer, s.saveCampaignList},
		{"GET", "/campaigns/:id/message", user.Marketer, s.campaignMessagePage},
		{"POST", "/campaigns/:id/message", user.Marketer, s.saveCampaignMessage},
		{"POST", "/campaigns/:id/whatsapp/preview", user.Marketer, s.previewWhatsApp},
		{"GET", "/campaigns/:id/schedule", user.Marketer, s.campaignSchedulePage},
		{"POST", "/campaigns/:id/schedule", user.Marketer, s.saveCampaignSchedule},
		{"POST", "/campaigns/:id/schedule/preview", user.Marketer, s.previewCampaignSchedule},
		{"GET", "/campaigns/:id/review", user.Viewer, s.campaignReviewPage},
		{"POST", "/campaigns/:id/launch", user.Marketer, s.launchCampaign},
		{"POST", "/campaigns/:id/unschedule", user.Marketer, s.unscheduleCampaign},
		{"POST", "/campaigns/:id/pause", user.Marketer, s.pauseCampaign},
		{"POST", "/campaigns/:id/resume", user.Marketer, s.resumeCampaign},
		{"POST", "/campaigns/:id/cancel", user.Marketer, s.cancelCampaign},
		{"GET", "/campaigns/:id/progress", user.Viewer, s.campaignProgress},
		{"GET", "/campaigns/:id/events", user.Viewer, s.campaignEvents},
	}
}

func campaignPath(id int64, suffix string) string {
	return "/campaigns/" + strconv.FormatInt(id, 10) + suffix
}

// campaignList returns the campaign's list when it is chosen and ready;
// gone is set when one is chosen but was deleted or is not ready.
func (s *Server) campaignList(ctx context.Context, cp *campaign.Campaign) (l *recipient.List, gone bool, err error) {
	if cp.ListID == 0 {
		return nil, false, nil
	}
	l, err = s.store.ListByID(ctx, cp.ListID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, true, nil
	case err != nil:
		return nil, false, err
	case l.State != recipient.ListReady:
		return nil, true, nil
	}
	return l, false, nil
}

// scheduleSummary reads the campaign's saved schedule; nil when none is.
func (s *Server) scheduleSummary(ctx context.Context, cp *campaign.Campaign) (*views.ScheduleSummary, error) {
	if cp.ScheduledAt.IsZero() {
		return nil, nil
	}
	sc, err := s.store.CampaignSchedule(ctx, cp.ID)
	if err != nil {
		return nil, err
	}
	sum := views.NewScheduleSummary(sc, s.now().UTC(), cp.StartedAt)
	return &sum, nil
}

// campaignView gathers what the campaign page shows.
func (s *Server) campaignView(c *fiber.Ctx, cp *campaign.Campaign) (views.CampaignView, error) {
	ctx := c.UserContext()
	d := views.CampaignView{Campaign: cp}
	var err error
	if d.List, d.ListGone, err = s.campaignList(ctx, cp); err != nil {
		return d, err
	}
	if d.Schedule, err = s.scheduleSummary(ctx, cp); err != nil {
		return d, err
	}
	missing := cp.Missing()
	if d.ListGone && !slices.Contains(missing, "campaigns.missing.list") {
		missing = append(missing, "campaigns.missing.list")
		slices.SortStableFunc(missing, func(a, b string) int { return sectionOrder(a) - sectionOrder(b) })
	}
	d.Missing = missing
	if strings.TrimSpace(cp.Message) != "" && d.List != nil && cp.Channel == campaign.SMS {
		if p, bad := message.BodyProblem(cp.Message, d.List.Columns, true); bad {
			d.MessageProblem = tr(c, p.Key, p.Args...)
		}
	}
	if cp.State.Active() || cp.Started() || (cp.State.Over() && cp.State != campaign.Archived) {
		p, err := s.sendProgress(ctx, cp, d.List, d.Schedule)
		if err != nil {
			return d, err
		}
		d.Progress = &p
	}
	return d, nil
}

func sectionOrder(key string) int {
	return slices.Index([]string{"campaigns.missing.channel", "campaigns.missing.list", "campaigns.missing.message", "campaigns.missing.schedule"}, key)
}

// sendProgress reads the campaign's message counts.
func (s *Server) sendProgress(ctx context.Context, cp *campaign.Campaign, list *recipient.List, sum *views.ScheduleSummary) (views.SendProgress, error) {
	counts, err := s.store.CampaignCounts(ctx, cp.ID)
	if err != nil {
		return views.SendProgress{}, err
	}
	var expected int64
	if list != nil {
		expected = int64(list.Valid)
	}
	return views.NewSendProgress(cp, counts, expected, sum), nil
}

// campaignPage shows one campaign (the route is in campaignRoutes).
func (s *Server) campaignPage(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	d, err := s.campaignView(c, cp)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.CampaignPage(d))
}

// editableCampaign loads the :id campaign for one of its editors. A
// campaign that is no longer a draft sends the person back to its page
// with why; ok is false then.
func (s *Server) editableCampaign(c *fiber.Ctx) (cp *campaign.Campaign, ok bool, err error) {
	cp, err = s.campaignByParam(c)
	if err != nil {
		return nil, false, err
	}
	switch {
	case cp.Channel == "":
		flash(c, "error", "campaigns.no_channel")
	case !cp.Editable():
		flash(c, "error", "campaigns.not_editable", tr(c, "campaigns.state."+string(cp.State)))
	default:
		return cp, true, nil
	}
	return cp, false, seeOther(c, campaignPath(cp.ID, ""))
}

// stateConflict answers a change the store refused because the campaign
// moved meanwhile (the dispatcher started it, someone else acted).
func stateConflict(c *fiber.Ctx, id int64, err error) (bool, error) {
	if errors.Is(err, store.ErrConflict) {
		flash(c, "error", "campaigns.changed_meanwhile")
		return true, seeOther(c, campaignPath(id, ""))
	}
	return false, err
}

// --- Recipients ---

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
	return s.render(c, status, views.CampaignListPage(views.CampaignListForm{Campaign: cp, Lists: lists, Selected: selected, Error: problem}))
}

// saveCampaignList chooses the campaign's recipients: a ready list.
func (s *Server) saveCampaignList(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
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
	flash(c, "success", "campaigns.list.saved", l.Name, fmtCount(int64(l.Valid)))
	return seeOther(c, campaignPath(cp.ID, ""))
}

// --- Message ---

func (s *Server) campaignMessagePage(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if cp.Channel == campaign.WhatsApp {
		return s.whatsAppMessagePage(c, cp)
	}
	f := views.Form{Values: map[string]string{"extra_info": cp.ExtraInfo}, Errors: views.FieldErrors{}}
	if cp.Flash {
		f.Values["flash"] = "1"
	}
	return s.renderCampaignMessage(c, fiber.StatusOK, cp, cp.Message, f)
}

func (s *Server) renderCampaignMessage(c *fiber.Ctx, status int, cp *campaign.Campaign, body string, f views.Form) error {
	list, _, err := s.campaignList(c.UserContext(), cp)
	if err != nil {
		return err
	}
	meter, err := s.meter(c, body, list)
	if err != nil {
		return err
	}
	d := views.CampaignMessageForm{Campaign: cp, List: list, Form: f,
		Composer: views.ComposerData{Field: "body", Label: tr(c, "campaigns.message.body"), Body: body, Error: f.Err("body"), Meter: meter},
		Cost:     views.ComposeCost{List: list, Pending: list != nil}}
	if list != nil {
		d.Composer.ListID, d.Composer.Columns = list.ID, list.Columns
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
	list, _, err := s.campaignList(c.UserContext(), cp)
	if err != nil {
		return err
	}
	var columns []string
	if list != nil {
		columns = list.Columns
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
	if len(f.Errors) > 0 {
		f.Message = tr(c, "campaigns.message.problem_form")
		return s.renderCampaignMessage(c, fiber.StatusUnprocessableEntity, cp, body, f)
	}
	if err := s.store.SetCampaignMessage(c.UserContext(), cp.ID, body, flashSMS, extra, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign message saved", "campaign_id", cp.ID, "chars", utf8.RuneCountInString(body), "flash", flashSMS, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.message.saved")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// --- Schedule ---

// Form layouts of the datetime-local and date inputs.
const (
	dateTimeLocal = "2006-01-02T15:04"
	dateOnly      = "2006-01-02"
)

// scheduleForm is a schedule as the form shows it.
type scheduleForm struct {
	sc       schedule.Schedule
	form     views.Form
	hours    [24]bool
	weekdays [7]bool
	problems schedule.Problems
}

// formOfSchedule fills the form with a saved schedule; a new one proposes
// the next full hour in its zone for "later".
func formOfSchedule(sc schedule.Schedule, now time.Time) scheduleForm {
	zone := sc.Zone
	if zone == "" {
		zone = schedule.DefaultZone
	}
	loc, err := schedule.LoadZone(zone)
	if err != nil {
		loc = time.UTC
	}
	f := views.Form{Values: map[string]string{"when": "now", "zone": zone, "expiry": "none"}, Errors: views.FieldErrors{}}
	if !sc.SendNow && !sc.StartAt.IsZero() {
		f.Values["when"] = "later"
		f.Values["start_at"] = sc.StartAt.Format(dateTimeLocal)
	} else {
		f.Values["start_at"] = now.In(loc).Truncate(time.Hour).Add(time.Hour).Format(dateTimeLocal)
	}
	e := sc.Expiry
	switch {
	case !e.At.IsZero():
		f.Values["expiry"], f.Values["expiry_at"] = "at", e.At.In(loc).Format(dateTimeLocal)
	case e.InMinutes != 0:
		f.Values["expiry"], f.Values["expiry_minutes"] = "minutes", strconv.Itoa(e.InMinutes)
	case !e.Date.IsZero():
		f.Values["expiry"], f.Values["expiry_date"] = "date", e.Date.Format(dateOnly)
	}
	sf := scheduleForm{sc: sc, form: f}
	for _, h := range sc.Window.Hours {
		if h >= 0 && h < 24 {
			sf.hours[h] = true
		}
	}
	for _, d := range sc.Window.Weekdays {
		if d >= 0 && d < 7 {
			sf.weekdays[d] = true
		}
	}
	return sf
}

// Problem codes the form adds to schedule's own.
const (
	codeStartInvalid    = "start_invalid"
	codeExpiryAtInvalid = "expiry_at_invalid"
	codeExpiryDateBad   = "expiry_date_invalid"
)

// scheduleFields maps schedule's field names to the form's.
var scheduleFields = map[string]string{
	schedule.FieldZone:           "zone",
	schedule.FieldStartAt:        "start_at",
	schedule.FieldWindowHours:    "hours",
	schedule.FieldWindowWeekdays: "weekdays",
	schedule.FieldExpiry:         "expiry",
	schedule.FieldExpiryAt:       "expiry_at",
	schedule.FieldExpiryMinutes:  "expiry_minutes",
	schedule.FieldExpiryDate:     "expiry_date",
}

// readScheduleForm reads the schedule form, checks it with
// schedule.Validate and puts each problem, translated, on its field.
func (s *Server) readScheduleForm(c *fiber.Ctx, now time.Time) scheduleForm {
	f := formOf(c, "when", "start_at", "zone", "expiry", "expiry_at", "expiry_minutes", "expiry_date")
	var sf scheduleForm
	sc := &sf.sc
	sc.Zone = f.Value("zone")
	if sc.Zone == "" {
		sc.Zone = schedule.DefaultZone
		f.Values["zone"] = sc.Zone
	}
	var p schedule.Problems
	if f.Value("when") == "later" {
		if v := f.Value("start_at"); v != "" {
			t, err := time.Parse(dateTimeLocal, v)
			if err != nil {
				p = append(p, &schedule.FieldError{Field: schedule.FieldStartAt, Code: codeStartInvalid})
			} else {
				sc.StartAt = t
			}
		}
	} else {
		sc.SendNow = true
		f.Values["when"] = "now"
	}
	args := c.Context().PostArgs()
	for _, v := range args.PeekMulti("hour") {
		h, err := strconv.Atoi(string(v))
		if err != nil {
			h = -1
		}
		sc.Window.Hours = append(sc.Window.Hours, h)
		if h >= 0 && h < 24 {
			sf.hours[h] = true
		}
	}
	for _, v := range args.PeekMulti("weekday") {
		d, err := strconv.Atoi(string(v))
		if err != nil {
			d = -1
		}
		sc.Window.Weekdays = append(sc.Window.Weekdays, time.Weekday(d))
		if d >= 0 && d < 7 {
			sf.weekdays[d] = true
		}
	}
	switch f.Value("expiry") {
	case "at":
		t, err := time.Parse(dateTimeLocal, f.Value("expiry_at"))
		if err != nil {
			p = append(p, &schedule.FieldError{Field: schedule.FieldExpiryAt, Code: codeExpiryAtInvalid})
		} else if at, err := schedule.LocalToUTC(t, sc.Zone); err == nil {
			sc.Expiry.At = at
		}
	case "minutes":
		n, err := strconv.Atoi(f.Value("expiry_minutes"))
		if err != nil || n <= 0 {
			p = append(p, &schedule.FieldError{Field: schedule.FieldExpiryMinutes, Code: schedule.CodeExpiryMinutes})
		} else {
			sc.Expiry.InMinutes = n
		}
	case "date":
		d, err := time.Parse(dateOnly, f.Value("expiry_date"))
		if err != nil {
			p = append(p, &schedule.FieldError{Field: schedule.FieldExpiryDate, Code: codeExpiryDateBad})
		} else {
			sc.Expiry.Date = d
		}
	default:
		f.Values["expiry"] = "none"
	}
	p = append(p, schedule.AsProblems(sc.Validate(now))...)
	for _, fe := range p {
		field := scheduleFields[fe.Field]
		if field == "" {
			field = "expiry"
		}
		if f.Errors[field] == "" {
			f.Errors[field] = tr(c, "campaigns.schedule.problem."+fe.Code)
		}
	}
	sf.form, sf.problems = f, p
	return sf
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
	return s.renderCampaignSchedule(c, fiber.StatusOK, cp, formOfSchedule(sc, s.now()))
}

func (s *Server) renderCampaignSchedule(c *fiber.Ctx, status int, cp *campaign.Campaign, sf scheduleForm) error {
	d := views.CampaignScheduleForm{Campaign: cp, Form: sf.form, Hours: sf.hours, Weekdays: sf.weekdays,
		Zones: schedule.AllZones(), Summary: views.NewScheduleSummary(sf.sc, s.now().UTC(), time.Time{}), Problems: len(sf.form.Errors)}
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
	sf := s.readScheduleForm(c, now)
	if len(sf.form.Errors) > 0 {
		return s.renderCampaignSchedule(c, fiber.StatusUnprocessableEntity, cp, sf)
	}
	start, err := sf.sc.Start(now)
	if err != nil {
		return err
	}
	if err := s.store.SaveCampaignSchedule(c.UserContext(), cp.ID, sf.sc, start); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign schedule saved", "campaign_id", cp.ID, "send_now", sf.sc.SendNow, "start", start, "zone", sf.sc.Zone, "by", currentUser(c).ID)
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
	sf := s.readScheduleForm(c, now)
	return s.renderWith(c, fiber.StatusOK, views.ScheduleSummaryBody(views.NewScheduleSummary(sf.sc, now, time.Time{}), len(sf.form.Errors)), false)
}

// --- Pre-flight and launch ---

// providerCheckTimeout bounds the pre-flight's call to the provider.
const providerCheckTimeout = 8 * time.Second

// preflight checks everything that must hold before the campaign is
// scheduled: channel, list, message for every recipient (and its cost),
// schedule, and working provider credentials.
func (s *Server) preflight(c *fiber.Ctx, cp *campaign.Campaign) (views.Preflight, error) {
	ctx := c.UserContext()
	now := s.now().UTC()
	d := views.Preflight{Campaign: cp, Ready: true}
	add := func(key, status, detail string) {
		d.Checks = append(d.Checks, views.PreflightCheck{Key: key, Title: tr(c, "campaigns.review.check."+key), Status: status, Detail: detail})
		if status == "fail" {
			d.Ready = false
		}
	}

	switch cp.Channel {
	case campaign.SMS:
		add("channel", "ok", tr(c, "campaigns.channel.sms"))
	case campaign.WhatsApp:
		add("channel", "ok", tr(c, "campaigns.channel.whatsapp"))
	default:
		add("channel", "fail", tr(c, "campaigns.missing.channel"))
	}

	list, gone, err := s.campaignList(ctx, cp)
	if err != nil {
		return d, err
	}
	d.List = list
	switch {
	case cp.ListID == 0:
		add("list", "fail", tr(c, "campaigns.missing.list"))
	case gone:
		add("list", "fail", tr(c, "campaigns.list.gone"))
	case list.Valid == 0:
		add("list", "fail", tr(c, "campaigns.review.list_empty", list.Name))
	default:
		add("list", "ok", tr(c, "campaigns.review.list_ok", list.Name, fmtCount(int64(list.Valid))))
	}

	if err := s.checkMessage(c, cp, list, &d, add); err != nil {
		return d, err
	}

	if cp.ScheduledAt.IsZero() {
		add("schedule", "fail", tr(c, "campaigns.missing.schedule"))
	} else {
		sc, err := s.store.CampaignSchedule(ctx, cp.ID)
		if err != nil {
			return d, err
		}
		sum := views.NewScheduleSummary(sc, now, time.Time{})
		d.Schedule = &sum
		var problems []string
		for _, fe := range schedule.AsProblems(sc.Validate(now)) {
			problems = append(problems, tr(c, "campaigns.schedule.problem."+fe.Code))
		}
		switch {
		case len(problems) > 0:
			add("schedule", "fail", strings.Join(problems, " "))
		case sum.NextState == schedule.Never || sum.NextState == schedule.Expired:
			add("schedule", "fail", tr(c, "campaigns.schedule.next_never"))
		default:
			add("schedule", "ok", s.nextSendSentence(c, sum))
		}
	}

	status, detail := s.checkProvider(c)
	add("provider", status, detail)
	return d, nil
}

// nextSendSentence says when the first message goes out, and the window.
func (s *Server) nextSendSentence(c *fiber.Ctx, sum views.ScheduleSummary) string {
	window := tr(c, "campaigns.schedule.window_any")
	if w := sum.Schedule.Window; len(w.Hours) > 0 || len(w.Weekdays) > 0 {
		window = w.Describe(lang(c))
	}
	if sum.Schedule.SendNow && sum.NextState == schedule.Open {
		return tr(c, "campaigns.review.schedule_now", window)
	}
	loc := sum.Loc
	if loc == nil {
		loc = time.UTC
	}
	layout := "02/01/2006 15:04"
	if lang(c) == "en" {
		layout = "Jan 2, 2006 15:04"
	}
	return tr(c, "campaigns.review.schedule_at", sum.Next.In(loc).Format(layout), sum.ZoneName(), sum.Next.UTC().Format(layout), window)
}

// errWalkStopped ends a recipient walk early.
var errWalkStopped = errors.New("web: recipient walk stopped")

// checkMessage checks the message against the list and renders it for
// every recipient, pricing it and finding recipients with empty fields.
func (s *Server) checkMessage(c *fiber.Ctx, cp *campaign.Campaign, list *recipient.List, d *views.Preflight, add func(key, status, detail string)) error {
	if strings.TrimSpace(cp.Message) == "" {
		add("message", "fail", tr(c, "campaigns.missing.message"))
		return nil
	}
	if cp.Channel == campaign.WhatsApp {
		return s.checkWhatsApp(c, cp, list, add)
	}
	if cp.Channel != campaign.SMS {
		add("message", "ok", tr(c, "campaigns.review.message_written"))
		return nil
	}
	if list == nil {
		if p, bad := message.BodyProblem(cp.Message, nil, false); bad {
			add("message", "fail", tr(c, p.Key, p.Args...))
		} else {
			add("message", "warn", tr(c, "campaigns.review.message_no_list"))
		}
		return nil
	}
	if p, bad := message.BodyProblem(cp.Message, list.Columns, true); bad {
		add("message", "fail", tr(c, p.Key, p.Args...))
		return nil
	}
	compiled, err := message.Compile(cp.Message, list.Columns)
	if err != nil {
		add("message", "fail", tr(c, message.PlaceholderProblem(err).Key))
		return nil
	}
	// The columns the placeholders use, to find recipients missing them.
	var used []int
	var usedNames []string
	placeholders, _ := message.Parse(cp.Message)
	for _, ph := range placeholders {
		if i := message.Column(list.Columns, ph.Name); i >= 0 && !slices.Contains(used, i) {
			used, usedNames = append(used, i), append(usedNames, ph.Name)
		}
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), costTimeout)
	defer cancel()
	var walkErr error
	empty := 0
	d.Cost = compiled.Cost(func(yield func([]string) bool) {
		walkErr = s.store.EachCampaignRecipientFields(ctx, list.ID, func(fields []string, suppressed bool) error {
			d.Recipients++
			if suppressed {
				d.Suppressed++
				return nil
			}
			for _, i := range used {
				if i >= len(fields) || strings.TrimSpace(fields[i]) == "" {
					empty++
					break
				}
			}
			if !yield(fields) {
				return errWalkStopped
			}
			return nil
		})
	})
	if walkErr != nil && !errors.Is(walkErr, errWalkStopped) {
		return walkErr
	}
	d.HasCost = true
	switch {
	case d.Cost.Recipients == 0 && d.Recipients > 0:
		add("message", "fail", tr(c, "campaigns.review.all_suppressed"))
	case d.Cost.TooLong > 0:
		add("message", "fail", tr(c, "campaigns.review.too_long", fmtCount(int64(d.Cost.TooLong)), sms.MaxLength))
	case empty > 0:
		add("message", "warn", tr(c, "campaigns.review.empty_fields", fmtCount(int64(empty)), message.Braced(usedNames)))
	default:
		add("message", "ok", tr(c, "campaigns.review.message_ok", fmtCount(int64(d.Cost.Recipients))))
	}
	if d.Suppressed > 0 {
		add("suppressed", "warn", tr(c, "campaigns.review.suppressed_detail", fmtCount(int64(d.Suppressed))))
	}
	if d.Cost.UCS2 > 0 {
		add("encoding", "warn", tr(c, "campaigns.review.ucs2", fmtCount(int64(d.Cost.UCS2))))
	}
	return nil
}

// checkProvider makes one harmless authenticated call with the provider
// settings in force and says whether the credentials work.
func (s *Server) checkProvider(c *fiber.Ctx) (status, detail string) {
	p, err := s.provider(c.UserContext())
	if err != nil {
		return "fail", tr(c, "campaigns.review.provider_unknown")
	}
	client, err := s.wavyClient(c.UserContext())
	if err != nil {
		return "fail", s.describeProviderError(c, p, err)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), providerCheckTimeout)
	defer cancel()
	_, err = client.ListCampaigns(ctx, "", 1, 1)
	if err != nil {
		s.log.Warn("pre-flight: provider check failed", "mode", p.Mode, "err", err)
		return "fail", s.describeProviderError(c, p, err)
	}
	return "ok", s.describeProviderError(c, p, nil)
}

func (s *Server) campaignReviewPage(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if cp.State != campaign.Draft {
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	d, err := s.preflight(c, cp)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.CampaignReviewPage(d))
}

// launchCampaign runs the pre-flight check again and, when nothing blocks,
// schedules the campaign (draft -> scheduled) and wakes the dispatcher,
// which starts it at its start time. A send-now campaign starts now.
func (s *Server) launchCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if cp.State != campaign.Draft {
		flash(c, "error", "campaigns.not_editable", tr(c, "campaigns.state."+string(cp.State)))
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	d, err := s.preflight(c, cp)
	if err != nil {
		return err
	}
	if !d.Ready {
		return s.render(c, fiber.StatusUnprocessableEntity, views.CampaignReviewPage(d))
	}
	ctx := c.UserContext()
	now := s.now().UTC()
	sc, err := s.store.CampaignSchedule(ctx, cp.ID)
	if err != nil {
		return err
	}
	if sc.SendNow {
		if err := s.store.SaveCampaignSchedule(ctx, cp.ID, sc, now); err != nil {
			_, err := stateConflict(c, cp.ID, err)
			return err
		}
	}
	if err := s.store.SetCampaignState(ctx, cp.ID, campaign.Draft, campaign.Scheduled, now); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.dispatcher.Wake()
	s.log.Info("campaign scheduled", "campaign_id", cp.ID, "send_now", sc.SendNow, "recipients", d.Cost.Recipients,
		"segments", d.Cost.Segments, "by", currentUser(c).ID)
	if sc.SendNow {
		flash(c, "success", "campaigns.launched_now", cp.Name)
	} else {
		flash(c, "success", "campaigns.launched", cp.Name)
	}
	return seeOther(c, campaignPath(cp.ID, ""))
}

// --- Controls ---

// unscheduleCampaign takes a scheduled campaign back to draft to edit its
// schedule, until the dispatcher starts it.
func (s *Server) unscheduleCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !cp.CanUnschedule() {
		flash(c, "error", "campaigns.cannot_unschedule")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	if err := s.store.SetCampaignState(c.UserContext(), cp.ID, campaign.Scheduled, campaign.Draft, s.now().UTC()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			flash(c, "error", "campaigns.cannot_unschedule")
			return seeOther(c, campaignPath(cp.ID, ""))
		}
		return err
	}
	s.dispatcher.Wake()
	s.log.Info("campaign unscheduled", "campaign_id", cp.ID, "by", currentUser(c).ID)
	flash(c, "info", "campaigns.unscheduled")
	return seeOther(c, campaignPath(cp.ID, "/schedule"))
}

// pauseCampaign stops a running campaign at its next batch.
func (s *Server) pauseCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !cp.CanPause() {
		flash(c, "error", "campaigns.cannot_pause")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	if err := s.store.SetCampaignState(c.UserContext(), cp.ID, campaign.Running, campaign.Paused, s.now().UTC()); err != nil {
		if done, err := stateConflict(c, cp.ID, err); done || err != nil {
			return err
		}
	}
	s.dispatcher.Wake()
	s.log.Info("campaign paused", "campaign_id", cp.ID, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.paused")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// resumeCampaign sends a paused campaign on.
func (s *Server) resumeCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !cp.CanResume() {
		flash(c, "error", "campaigns.cannot_resume")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	if err := s.store.ResumeCampaign(c.UserContext(), cp.ID, s.now().UTC()); err != nil {
		if done, err := stateConflict(c, cp.ID, err); done || err != nil {
			return err
		}
	}
	s.dispatcher.Wake()
	s.log.Info("campaign resumed", "campaign_id", cp.ID, "to", cp.ResumeTo(), "by", currentUser(c).ID)
	flash(c, "success", "campaigns.resumed")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// cancelCampaign stops a campaign for good: what is still queued is
// cancelled; batches in flight finish.
func (s *Server) cancelCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if !cp.CanCancel() {
		flash(c, "error", "campaigns.cannot_cancel")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	if err := s.store.CancelCampaign(c.UserContext(), cp.ID); err != nil {
		return err
	}
	s.dispatcher.Wake()
	after, err := s.store.CampaignByID(c.UserContext(), cp.ID)
	if err != nil {
		return err
	}
	if after.State != campaign.Cancelled {
		flash(c, "error", "campaigns.changed_meanwhile")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	s.log.Info("campaign cancelled", "campaign_id", cp.ID, "was", cp.State, "by", currentUser(c).ID)
	flash(c, "success", "campaigns.cancelled", cp.Name)
	return seeOther(c, campaignPath(cp.ID, ""))
}

func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// --- Live progress ---

// progressEvery is how often the live progress re-reads the campaign's
// counts (pre-aggregated, so cheap); rateWindow is the stretch over which
// the sending rate is measured.
const (
	progressEvery = 500 * time.Millisecond
	rateWindow    = 5 * time.Second
	// keepAliveTicks of unchanged progress send a comment instead, so
	// proxies keep the stream and a browser that left is noticed.
	keepAliveTicks = 30
)

// rateMeter measures messages per second from successive counts.
type rateMeter struct {
	samples []rateSample
}

type rateSample struct {
	at   time.Time
	done int64
}

// add records the count of messages done at a moment, forgetting samples
// older than rateWindow (keeping one to measure from).
func (m *rateMeter) add(at time.Time, done int64) {
	m.samples = append(m.samples, rateSample{at, done})
	cut := 0
	for cut < len(m.samples)-2 && at.Sub(m.samples[cut+1].at) >= rateWindow {
		cut++
	}
	m.samples = m.samples[cut:]
}

// rate is the messages per second over the samples kept; ok is false until
// they span a second.
func (m *rateMeter) rate() (float64, bool) {
	if len(m.samples) < 2 {
		return 0, false
	}
	first, last := m.samples[0], m.samples[len(m.samples)-1]
	span := last.at.Sub(first.at)
	if span < time.Second || last.done < first.done {
		return 0, false
	}
	return float64(last.done-first.done) / span.Seconds(), true
}

// progressStream is the state of one live progress stream.
type progressStream struct {
	id    int64
	since campaign.State // the state the page shows
	rate  rateMeter
	list  *recipient.List
	sum   *views.ScheduleSummary
	ready bool
}

// frame renders the next event: the progress, or "reload" (the campaign
// changed state: the page fetches itself again) or "done" (it will send
// nothing more). end is set when the stream should stop.
func (s *Server) progressFrame(ctx context.Context, ps *progressStream) (frame []byte, end bool, err error) {
	cp, err := s.store.CampaignByID(ctx, ps.id)
	if err != nil {
		return nil, true, err
	}
	if cp.State != ps.since || cp.State.Over() {
		name := "reload"
		if cp.State.Over() {
			name = "done"
		}
		frame, err := sseFrame(ctx, name, views.CampaignReload(cp.ID))
		return frame, true, err
	}
	if !ps.ready {
		if ps.list, _, err = s.campaignList(ctx, cp); err != nil {
			return nil, true, err
		}
		ps.ready = true
	}
	if ps.sum, err = s.scheduleSummary(ctx, cp); err != nil {
		return nil, true, err
	}
	p, err := s.sendProgress(ctx, cp, ps.list, ps.sum)
	if err != nil {
		return nil, true, err
	}
	ps.rate.add(time.Now(), p.Done)
	p.Rate, p.HasRate = ps.rate.rate()
	frame, err = sseFrame(ctx, "progress", views.SendProgressView(p))
	return frame, false, err
}

// campaignEvents streams the campaign's progress for htmx's SSE extension
// every progressEvery while the dispatcher may work on it. ?state= is the
// state the page shows: when the campaign leaves it the stream says
// "reload", and "done" once the campaign will send nothing more.
func (s *Server) campaignEvents(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	ps := &progressStream{id: cp.ID, since: campaign.State(c.Query("state", string(cp.State)))}
	ctx := views.WithEnv(context.Background(), s.env(c, false))
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	closing := s.closing
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		var last []byte
		idle := 0
		for {
			frame, end, err := s.progressFrame(ctx, ps)
			if err != nil {
				s.log.Error("campaign progress stream", "campaign_id", ps.id, "err", err)
				return
			}
			switch {
			case !bytes.Equal(frame, last):
				last, idle = frame, 0
			case idle >= keepAliveTicks:
				frame, idle = []byte(": ping\n\n"), 0
			default:
				frame = nil
				idle++
			}
			if frame != nil {
				if _, err := w.Write(frame); err != nil || w.Flush() != nil {
					return
				}
			}
			if end {
				return
			}
			select {
			case <-closing:
				return
			case <-tick.C:
			}
		}
	})
	return nil
}

// campaignProgress answers the progress fragment alone (what the stream
// sends), for pages and tools that poll.
func (s *Server) campaignProgress(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	list, _, err := s.campaignList(c.UserContext(), cp)
	if err != nil {
		return err
	}
	sum, err := s.scheduleSummary(c.UserContext(), cp)
	if err != nil {
		return err
	}
	p, err := s.sendProgress(c.UserContext(), cp, list, sum)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.SendProgressView(p), false)
}
