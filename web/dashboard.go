package web

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/billing"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/store"
	"arauto/views"
)

// dashboardWindow is how far back the dashboard looks.
const dashboardWindow = 30 * 24 * time.Hour

// dashboard shows the last 30 days across campaigns, or the
// getting-started checklist while there is no campaign at all.
func (s *Server) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var d views.DashboardData
	_, n, err := s.store.ListCampaigns(ctx, store.CampaignFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, archived, err := s.store.ListCampaigns(ctx, store.CampaignFilter{Limit: 1, Archived: true})
	if err != nil {
		return err
	}
	d.HasCampaigns = n+archived > 0
	if !d.HasCampaigns {
		if d.Steps, err = s.firstSteps(ctx); err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, views.Dashboard(d))
	}
	recent, err := s.store.RecentCampaigns(ctx, s.now().Add(-dashboardWindow), 200)
	if err != nil {
		return err
	}
	bill, err := s.billing(ctx)
	if err != nil {
		return err
	}
	d.Recent, d.Channels, d.Total = dashboardRows(recent, bill)
	return s.render(c, fiber.StatusOK, views.Dashboard(d))
}

// firstSteps is the getting-started checklist. Each step leads where it is
// done — a list, a saved template (picked in the campaign's composer), a
// new campaign — and is ticked once it is.
func (s *Server) firstSteps(ctx context.Context) ([]views.Step, error) {
	lists, err := s.store.Lists(ctx, recipient.ListReady)
	if err != nil {
		return nil, err
	}
	templates, err := s.store.Templates(ctx)
	if err != nil {
		return nil, err
	}
	return []views.Step{
		{Key: "provider", Href: "/settings", Done: s.cfg.Provider == "sandbox" || (s.cfg.WavyUsername != "" && s.cfg.WavyToken != "")},
		{Key: "list", Href: "/lists", Done: len(lists) > 0},
		{Key: "template", Href: "/templates/new", Done: len(templates) > 0},
		{Key: "campaign", Href: "/campaigns/new"},
	}, nil
}

// dashboardRows turns the campaigns' counters into the dashboard's lines —
// one per campaign, one per channel, and the grand total — each with its
// figures (report.Summarize, as every page computes them) and what it
// costs (report.Figures.TotalCost: the billed segments at the channel's
// price, and any fallback SMS at the SMS price).
func dashboardRows(cs []store.CampaignSummary, bill billing.Settings) (rows, channels []views.DashCampaign, total views.DashCampaign) {
	byChannel := map[string]*views.DashCampaign{}
	var order []string
	total = views.DashCampaign{Key: "total"}
	for _, c := range cs {
		f := report.Summarize(c.Counts, c.EstimatedSegments)
		line := views.DashCampaign{Key: strconv.FormatInt(c.ID, 10), ID: c.ID, Name: c.Name, Channel: c.Channel, State: c.State,
			StartedAt: c.StartedAt, Figures: f}
		// The fallback SMS of a WhatsApp campaign are part of what it costs.
		line.Cost, line.HasCost = f.TotalCost(bill, c.Channel)
		rows = append(rows, line)
		ch := byChannel[c.Channel]
		if ch == nil {
			ch = &views.DashCampaign{Key: c.Channel, Channel: c.Channel}
			byChannel[c.Channel] = ch
			order = append(order, c.Channel)
		}
		for _, dst := range []*views.DashCampaign{ch, &total} {
			dst.Figures = dst.Figures.Add(f)
			dst.Cost += line.Cost
			dst.HasCost = dst.HasCost || line.HasCost
		}
	}
	for _, k := range order {
		channels = append(channels, *byChannel[k])
	}
	return rows, channels, total
}
