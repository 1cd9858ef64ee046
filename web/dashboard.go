package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/store"
	"arauto/views"
)

// dashboardWindow is how far back the dashboard looks.
const dashboardWindow = 30 * 24 * time.Hour

// dashboard shows the last 30 days across campaigns, or the
// getting-started checklist while there is no campaign at all.
func (s *Server) dashboard(c *fiber.Ctx) error {
	d := views.DashboardData{Steps: []views.Step{
		{Key: "provider", Href: "/settings", Done: s.cfg.Provider == "sandbox" || (s.cfg.WavyUsername != "" && s.cfg.WavyToken != "")},
		{Key: "list", Href: "/lists"},
		{Key: "message", Href: "/templates"},
		{Key: "campaign", Href: "/campaigns"},
	}}
	ctx := c.UserContext()
	_, n, err := s.store.ListCampaigns(ctx, store.CampaignFilter{Limit: 1})
	if err != nil {
		return err
	}
	_, archived, err := s.store.ListCampaigns(ctx, store.CampaignFilter{Limit: 1, Archived: true})
	if err != nil {
		return err
	}
	d.HasCampaigns = n+archived > 0
	if d.HasCampaigns {
		recent, err := s.store.RecentCampaigns(ctx, s.now().Add(-dashboardWindow), 200)
		if err != nil {
			return err
		}
		d.Recent, d.Channels, d.Total = dashboardRows(recent)
	}
	return s.render(c, fiber.StatusOK, views.Dashboard(d))
}

// dashboardRows turns the campaigns' totals into the dashboard's lines:
// one per campaign, one per channel, and the grand total.
func dashboardRows(cs []store.CampaignSummary) (rows, channels []views.DashCampaign, total views.DashCampaign) {
	var all store.CampaignSummary
	byChannel := map[string]*store.CampaignSummary{}
	var order []string
	line := func(key string, c store.CampaignSummary) views.DashCampaign {
		return views.DashCampaign{Key: key, ID: c.ID, Name: c.Name, Channel: c.Channel, State: c.State, StartedAt: c.StartedAt,
			Submitted: c.Submitted, Delivered: c.Delivered, Segments: c.Segments,
			DeliveredPct: c.DeliveredRate(), FailedPct: c.FailedRate()}
	}
	add := func(dst *store.CampaignSummary, c store.CampaignSummary) {
		dst.Recipients += c.Recipients
		dst.Submitted += c.Submitted
		dst.Sent += c.Sent
		dst.Delivered += c.Delivered
		dst.Failed += c.Failed
		dst.NoReceipt += c.NoReceipt
		dst.Segments += c.Segments
	}
	for _, c := range cs {
		rows = append(rows, line(strconv.FormatInt(c.ID, 10), c))
		ch := byChannel[c.Channel]
		if ch == nil {
			ch = &store.CampaignSummary{Channel: c.Channel}
			byChannel[c.Channel] = ch
			order = append(order, c.Channel)
		}
		add(ch, c)
		add(&all, c)
	}
	for _, k := range order {
		channels = append(channels, line(k, *byChannel[k]))
	}
	return rows, channels, line("total", all)
}
