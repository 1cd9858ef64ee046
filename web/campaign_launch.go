package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/frequency"
	"arauto/internal/i18n"
	"arauto/internal/schedule"
	"arauto/store"
	"arauto/views"
)

// The pre-flight review and launch of a campaign, and the controls that
// drive the dispatcher once it is launched (unschedule, pause, resume,
// cancel). The workflows are campaign.Service's; these handlers translate
// what it says.

// say puts a sentence of the domain into the reader's words: counts with
// their thousands separator, sending windows described, times as the
// language writes them.
func say(c *fiber.Ctx, t campaign.Text) string {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case campaign.Text:
			args[i] = say(c, v)
		case campaign.Count:
			args[i] = i18n.FormatInt(lang(c), int64(v))
		case schedule.Window:
			args[i] = v.Describe(i18n.Lang(lang(c)))
		case frequency.Rule:
			args[i] = views.CapRuleText(lang(c), v)
		case time.Time:
			layout := "02/01/2006 15:04"
			if lang(c) == "en" {
				layout = "Jan 2, 2006 15:04"
			}
			args[i] = v.Format(layout)
		default:
			args[i] = a
		}
	}
	return tr(c, t.Key, args...)
}

// preflightView translates the pre-flight's verdict for the review page.
func (s *Server) preflightView(c *fiber.Ctx, r campaign.Review, f campaign.Facts) views.Preflight {
	d := views.Preflight{Campaign: f.Campaign, List: f.List, Ready: r.Ready, Billing: f.Billing}
	for _, ch := range r.Checks {
		var detail []string
		for _, t := range ch.Detail {
			detail = append(detail, say(c, t))
		}
		if ch.Provider != nil {
			detail = append(detail, s.describeProviderError(c, ch.Provider.Conn, ch.Provider.Err))
		}
		d.Checks = append(d.Checks, views.PreflightCheck{Key: ch.Key, Title: tr(c, "campaigns.review.check."+ch.Key),
			Status: ch.Status, Detail: strings.Join(detail, " ")})
	}
	if w := r.Walk; w != nil {
		d.HasCost, d.Cost, d.Recipients, d.Suppressed = true, w.Cost, w.Recipients, w.Suppressed
	}
	if f.Schedule != nil {
		sum := views.NewScheduleSummary(*f.Schedule, f.Now, time.Time{})
		d.Schedule = &sum
	}
	return d
}

func (s *Server) campaignReviewPage(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if cp.State != campaign.Draft {
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	r, f, err := s.campaigns.Preflight(c.UserContext(), cp)
	if err != nil {
		return err
	}
	d := s.preflightView(c, r, f)
	if err := s.fallbackPreflight(c, &d); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.CampaignReviewPage(d))
}

// launchCampaign runs the pre-flight check again and, when nothing blocks,
// schedules the campaign; the dispatcher starts it at its start time (a
// send-now campaign now).
func (s *Server) launchCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	if blocked, err := s.fallbackBlocksLaunch(c, cp); blocked || err != nil {
		return err
	}
	r, f, err := s.campaigns.Launch(c.UserContext(), cp)
	switch {
	case errors.Is(err, campaign.ErrNotAllowed):
		flash(c, "error", "campaigns.not_editable", tr(c, "campaigns.state."+string(cp.State)))
		return seeOther(c, campaignPath(cp.ID, ""))
	case errors.Is(err, campaign.ErrNotReady):
		return s.render(c, fiber.StatusUnprocessableEntity, views.CampaignReviewPage(s.preflightView(c, r, f)))
	case err != nil:
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	sendNow := f.Schedule != nil && f.Schedule.SendNow
	var cost campaign.Walk
	if r.Walk != nil {
		cost = *r.Walk
	}
	s.record(c, audit.CampaignLaunched, "campaign", cp.ID, cp.Name)
	s.log.Info("campaign scheduled", "campaign_id", cp.ID, "send_now", sendNow, "recipients", cost.Cost.Recipients,
		"segments", cost.Cost.Segments, "by", currentUser(c).ID)
	var sum *views.ScheduleSummary
	if f.Schedule != nil {
		v := views.NewScheduleSummary(*f.Schedule, f.Now, time.Time{})
		sum = &v
	}
	switch {
	case sum != nil && sum.NextState == schedule.WaitingWindow:
		// The window is closed now: say when it opens, not "now".
		flash(c, "success", "campaigns.launched_at_window", cp.Name, views.ClockText(lang(c), sum.Next, sum.Now, sum.Loc), zoneLabelFor(c, sum.ZoneName()))
	case sendNow:
		flash(c, "success", "campaigns.launched_now", cp.Name)
	default:
		flash(c, "success", "campaigns.launched", cp.Name)
	}
	return seeOther(c, campaignPath(cp.ID, ""))
}

// unscheduleCampaign takes a scheduled campaign back to draft to edit its
// schedule, until the dispatcher starts it.
func (s *Server) unscheduleCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	err = s.campaigns.Unschedule(c.UserContext(), cp)
	switch {
	case errors.Is(err, campaign.ErrNotAllowed), errors.Is(err, store.ErrConflict):
		flash(c, "error", "campaigns.cannot_unschedule")
		return seeOther(c, campaignPath(cp.ID, ""))
	case err != nil:
		return err
	}
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
	err = s.campaigns.Pause(c.UserContext(), cp)
	switch {
	case errors.Is(err, campaign.ErrNotAllowed):
		flash(c, "error", "campaigns.cannot_pause")
		return seeOther(c, campaignPath(cp.ID, ""))
	case err != nil:
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign paused", "campaign_id", cp.ID, "by", currentUser(c).ID)
	s.record(c, audit.CampaignPaused, "campaign", cp.ID, cp.Name)
	flash(c, "success", "campaigns.paused")
	return seeOther(c, campaignPath(cp.ID, ""))
}

// resumeCampaign sends a paused campaign on.
func (s *Server) resumeCampaign(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	err = s.campaigns.Resume(c.UserContext(), cp)
	switch {
	case errors.Is(err, campaign.ErrNotAllowed):
		flash(c, "error", "campaigns.cannot_resume")
		return seeOther(c, campaignPath(cp.ID, ""))
	case err != nil:
		_, err := stateConflict(c, cp.ID, err)
		return err
	}
	s.log.Info("campaign resumed", "campaign_id", cp.ID, "to", cp.ResumeTo(), "by", currentUser(c).ID)
	s.record(c, audit.CampaignResumed, "campaign", cp.ID, cp.Name)
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
	cancelled, err := s.campaigns.Cancel(c.UserContext(), cp)
	switch {
	case errors.Is(err, campaign.ErrNotAllowed):
		flash(c, "error", "campaigns.cannot_cancel")
		return seeOther(c, campaignPath(cp.ID, ""))
	case err != nil:
		return err
	case !cancelled:
		flash(c, "error", "campaigns.changed_meanwhile")
		return seeOther(c, campaignPath(cp.ID, ""))
	}
	s.log.Info("campaign cancelled", "campaign_id", cp.ID, "was", cp.State, "by", currentUser(c).ID)
	s.record(c, audit.CampaignCancelled, "campaign", cp.ID, cp.Name)
	flash(c, "success", "campaigns.cancelled", cp.Name)
	return seeOther(c, campaignPath(cp.ID, ""))
}
