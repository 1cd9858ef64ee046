package web

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

// The campaign page: its sections, what is still missing and, once it
// sends, its progress.

func campaignPath(id int64, suffix string) string {
	return "/campaigns/" + strconv.FormatInt(id, 10) + suffix
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
	if d.List, d.ListGone, err = s.campaigns.List(ctx, cp); err != nil {
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
	if cp.Channel == campaign.WhatsApp {
		if d.Fallback, err = s.store.CampaignFallback(ctx, cp.ID); err != nil {
			return d, err
		}
	}
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

// sendProgress reads the campaign's figures.
func (s *Server) sendProgress(ctx context.Context, cp *campaign.Campaign, list *recipient.List, sum *views.ScheduleSummary) (views.SendProgress, error) {
	counts, err := s.store.FigureCounters(ctx, cp.ID)
	if err != nil {
		return views.SendProgress{}, err
	}
	bill, err := s.billing(ctx)
	if err != nil {
		return views.SendProgress{}, err
	}
	var expected int64
	if list != nil {
		expected = int64(list.Valid)
	}
	p := views.NewSendProgress(cp, report.Summarize(counts, cp.EstimatedSegments), expected, sum, bill)
	p.Follow = cp.FollowLive(s.now())
	if err := s.doorOfProgress(ctx, cp, &p); err != nil {
		return p, err
	}
	return p, nil
}

// campaignPage shows one campaign.
func (s *Server) campaignPage(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	d, err := s.campaignView(c, cp)
	if err != nil {
		return err
	}
	if cp.CanDuplicate() && cp.State != campaign.Archived && currentUser(c).Role.AtLeast(user.Marketer) {
		if d.TestSend, err = s.testSendData(c, cp, d.List); err != nil {
			return err
		}
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
