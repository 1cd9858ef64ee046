package web

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/fallback"
	"arauto/internal/i18n"
	"arauto/internal/message"
	"arauto/internal/report"
	"arauto/internal/wavy"
	"arauto/store"
	"arauto/views"
)

// The SMS fallback of a WhatsApp campaign: written with the SMS composer
// (its live counter and cost over the campaign's list), with the wait for
// a WhatsApp delivery. Sent by the fallback sweeper (internal/fallback).

// campaignFallbackPage shows a WhatsApp draft's fallback editor.
func (s *Server) campaignFallbackPage(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if cp.Channel != campaign.WhatsApp {
		return fiber.ErrNotFound
	}
	set, err := s.store.CampaignFallback(c.UserContext(), cp.ID)
	if err != nil {
		return err
	}
	hours := set.Wait.Hours()
	if !set.On() {
		hours = fallback.DefaultWait.Hours()
	}
	f := views.Form{Values: map[string]string{"wait_hours": strconv.Itoa(int(hours))}, Errors: views.FieldErrors{}}
	return s.renderFallback(c, fiber.StatusOK, cp, set.Text, f)
}

func (s *Server) renderFallback(c *fiber.Ctx, status int, cp *campaign.Campaign, text string, f views.Form) error {
	list, _, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	meter, err := s.writtenMeter(c.UserContext(), text, list)
	if err != nil {
		return err
	}
	d := views.FallbackForm{Campaign: cp, List: list, Form: f, MinHours: int(fallback.MinWait.Hours()), MaxHours: int(fallback.MaxWait.Hours()),
		Composer: views.ComposerData{Field: "fallback_text", Label: tr(c, "fallback.text"), Body: text, Error: f.Err("text"), Meter: meter},
		Cost:     views.ComposeCost{List: list, Pending: list != nil}}
	bindAudience(&d.Composer, list)
	return s.render(c, status, views.FallbackPage(d))
}

// saveCampaignFallback stores the fallback, or removes it (remove=1). A
// placeholder the list lacks is refused, naming it.
func (s *Server) saveCampaignFallback(c *fiber.Ctx) error {
	cp, ok, err := s.editableCampaign(c)
	if !ok {
		return err
	}
	if cp.Channel != campaign.WhatsApp {
		return fiber.ErrNotFound
	}
	if c.FormValue("remove") == "1" {
		if err := s.store.SetCampaignFallback(c.UserContext(), cp.ID, fallback.Settings{}, s.now().UTC()); err != nil {
			_, err := stateConflict(c, cp.ID, err)
			return err
		}
		flash(c, "success", "fallback.removed")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	text := composeText(c.FormValue("fallback_text"))
	wait := strings.TrimSpace(c.FormValue("wait_hours"))
	f := views.Form{Values: map[string]string{"wait_hours": wait}, Errors: views.FieldErrors{}}
	list, columns, err := s.audience(c.UserContext(), cp)
	if err != nil {
		return err
	}
	set, problems := fallback.Check(text, wait, columns, list != nil)
	for _, p := range problems {
		f.Errors[p.Field] = tr(c, p.Key, p.Args...)
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "fallback.problem_form")
		return s.renderFallback(c, fiber.StatusUnprocessableEntity, cp, text, f)
	}
	if err := s.store.SetCampaignFallback(c.UserContext(), cp.ID, set, s.now().UTC()); err != nil {
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign fallback saved", "campaign_id", cp.ID, "chars", utf8.RuneCountInString(text), "wait", set.Wait, "by", currentUser(c).ID)
	flash(c, "success", "fallback.saved")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// fallbackColumn fills the results table's fallback SMS column of a
// WhatsApp campaign with a fallback: each row's SMS, when it got one.
func (s *Server) fallbackColumn(ctx context.Context, cp *campaign.Campaign, rows []store.MessageRow, t *views.ReportTable) error {
	if cp.Channel != campaign.WhatsApp {
		return nil
	}
	set, err := s.store.CampaignFallback(ctx, cp.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	fbs, err := s.store.Fallbacks(ctx, ids)
	if err != nil {
		return err
	}
	t.Fallback = set.On() || len(fbs) > 0
	for i := range t.Rows {
		if fb, ok := fbs[t.Rows[i].ID]; ok {
			t.Rows[i].Fallback = &views.FallbackCell{Outcome: fb.SMS.Outcome(), Code: fb.SMS.DeliveredCode, Reason: fb.Reason}
			if fb.SMS.DeliveredCode == 0 {
				t.Rows[i].Fallback.Code = fb.SMS.SentCode
			}
		}
	}
	return nil
}

// exportsFallback reports whether a campaign's exports carry the fallback
// SMS columns: a WhatsApp campaign with a fallback.
func (s *Server) exportsFallback(ctx context.Context, cp *campaign.Campaign) (bool, error) {
	if cp.Channel != campaign.WhatsApp {
		return false, nil
	}
	set, err := s.store.CampaignFallback(ctx, cp.ID)
	return set.On(), err
}

// fallbackHeader adds the fallback SMS columns to an export's header.
func fallbackHeader(h []string, t func(string, ...any) string, zone string) []string {
	return append(h, t("fallback.col.sms"), t("fallback.col.sms_why"), t("report.col.code"),
		t("report.col.sent_at_zone", zone), t("report.col.delivered_at_zone", zone))
}

// fallbackRecord adds a row's fallback SMS: its outcome, why it went, its
// code and times; empty cells when the recipient got none.
func (j exportJob) fallbackRecord(out []string, m store.MessageRow, ts func(time.Time) string) []string {
	fb := m.Fallback
	if fb == nil {
		return append(out, "", "", "", "", "")
	}
	code := fb.SMS.DeliveredCode
	if code == 0 {
		code = fb.SMS.SentCode
	}
	codeText := ""
	if code != 0 {
		codeText = strconv.Itoa(code)
	}
	why := i18n.T(j.lang, "fallback.reason.timeout")
	if fb.Reason != fallback.ReasonTimeout {
		why = strings.TrimPrefix(fb.Reason, "code-")
		if sc, ok := wavy.LookupStatus(atoiOr0(why)); ok {
			why += " " + sc.Name
		}
	}
	return append(out, i18n.T(j.lang, "report.outcome."+fb.SMS.Outcome()), neutralizeCell(why), codeText,
		ts(fb.SMS.CarrierAt()), ts(fb.SMS.HandsetAt()))
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// fallbackPreflight adds a WhatsApp campaign's fallback to its pre-flight:
// the SMS priced apart, as if every recipient fell back, and a blocking
// check when its text no longer fits the list (an unknown placeholder,
// named).
func (s *Server) fallbackPreflight(c *fiber.Ctx, d *views.Preflight) error {
	cp := d.Campaign
	if cp == nil || cp.Channel != campaign.WhatsApp {
		return nil
	}
	ctx := c.UserContext()
	set, err := s.store.CampaignFallback(ctx, cp.ID)
	if err != nil || !set.On() {
		return err
	}
	fr := &views.FallbackReview{Settings: set, Billing: d.Billing}
	d.Fallback = fr
	list := d.List
	if list == nil {
		return nil
	}
	if p, bad := message.BodyProblem(set.Text, list.Columns, true); bad {
		fr.Problem = tr(c, p.Key, p.Args...)
		d.Ready = false
		d.Checks = append(d.Checks, views.PreflightCheck{Key: "fallback", Title: tr(c, "fallback.title"), Status: "error", Detail: fr.Problem})
		return nil
	}
	plan, err := message.NewPlan(set.Text, list.Columns, d.Billing.Rule, false)
	if err != nil {
		return nil
	}
	if fr.Cost, err = s.costOf(ctx, plan, list); err != nil {
		return err
	}
	fr.HasCost = true
	return nil
}

// fallbackBlocksLaunch refuses the launch of a WhatsApp campaign whose
// fallback SMS does not fit its list (the list changed after it was
// written), showing the review with the problem.
func (s *Server) fallbackBlocksLaunch(c *fiber.Ctx, cp *campaign.Campaign) (bool, error) {
	if cp.Channel != campaign.WhatsApp || cp.State != campaign.Draft {
		return false, nil
	}
	ctx := c.UserContext()
	set, err := s.store.CampaignFallback(ctx, cp.ID)
	if err != nil || !set.On() {
		return false, err
	}
	list, _, err := s.campaigns.List(ctx, cp)
	if err != nil || list == nil {
		return false, err
	}
	if _, bad := message.BodyProblem(set.Text, list.Columns, true); !bad {
		return false, nil
	}
	r, f, err := s.campaigns.Preflight(ctx, cp)
	if err != nil {
		return true, err
	}
	d := s.preflightView(c, r, f)
	if err := s.fallbackPreflight(c, &d); err != nil {
		return true, err
	}
	return true, s.render(c, fiber.StatusUnprocessableEntity, views.CampaignReviewPage(d))
}

// apiFallback is a WhatsApp campaign's fallback for the API's campaign
// resource, with the figures the report shows (report.Figures.Fallback);
// nil without a fallback.
func (s *Server) apiFallback(ctx context.Context, cp *campaign.Campaign) (*apiFallback, error) {
	if cp.Channel != campaign.WhatsApp {
		return nil, nil
	}
	set, err := s.store.CampaignFallback(ctx, cp.ID)
	if err != nil || !set.On() {
		return nil, err
	}
	counts, err := s.store.FigureCounters(ctx, cp.ID)
	if err != nil {
		return nil, err
	}
	f := report.Summarize(counts, cp.EstimatedSegments)
	return &apiFallback{Text: set.Text, WaitHours: int(set.Wait.Hours()), FellBack: f.Fallback.FellBack, SMSSubmitted: f.Fallback.Submitted,
		SMSDelivered: f.Fallback.Delivered, SMSFailed: f.Fallback.Failed, ReachedAny: f.ReachedAny()}, nil
}
