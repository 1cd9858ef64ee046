package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/frequency"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/store"
	"arauto/views"
)

// reportPerPage is the size of a page of the per-recipient table.
const reportPerPage = 50

// reportRefresh is how often an open report looks again without a
// delivery event: the dispatcher's counters (submitted, refused) change
// without one.
const reportRefresh = 2 * time.Second

var errBadRequest = &pageError{status: fiber.StatusBadRequest, key: "error.bad_request"}

// reportFilter reads the table's filters; a value that cannot be one is a
// bad request.
func reportFilter(c *fiber.Ctx) (views.ReportFilter, store.MessageFilter, error) {
	var vf views.ReportFilter
	var sf store.MessageFilter
	if o := c.Query("outcome"); o != "" {
		if !store.ValidOutcomeFilter(o) {
			return vf, sf, errBadRequest
		}
		vf.Outcome, sf.Outcome = o, o
	}
	if v := c.Query("code"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 9999 {
			return vf, sf, errBadRequest
		}
		vf.Code, sf.Code = n, n
	}
	if v := strings.TrimSpace(c.Query("carrier")); v != "" {
		if len(v) > 64 {
			return vf, sf, errBadRequest
		}
		vf.Carrier, sf.Carrier = v, report.CarrierName(v)
	}
	if v := strings.TrimSpace(c.Query("q")); v != "" {
		// Any way of writing a number finds it (recipient.ParseNumberSearch).
		n, ok := recipient.ParseNumberSearch(v)
		if !ok || len(n.Digits) > 20 {
			return vf, sf, errBadRequest
		}
		vf.Phone, sf.Number = v, n
	}
	return vf, sf, nil
}

// keyParam reads an optional positive id from the query.
func keyParam(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, errBadRequest
	}
	return n, nil
}

// reportLoc is the zone the campaign's times are shown in: its
// schedule's, else Brazil's.
func (s *Server) reportLoc(ctx context.Context, cp *campaign.Campaign) *time.Location {
	if sc, err := s.store.CampaignSchedule(ctx, cp.ID); err == nil {
		if loc, err := sc.Location(); err == nil && loc != nil {
			return loc
		}
	}
	if loc, err := time.LoadLocation("America/Sao_Paulo"); err == nil {
		return loc
	}
	return time.UTC
}

// reportLive reports whether a campaign's numbers may still change:
// while it sends, and for the provider's status horizon after.
func (s *Server) reportIsLive(cp *campaign.Campaign) bool {
	if cp.State.Active() {
		return true
	}
	if cp.TrackClicks && cp.Started() && cp.State != campaign.Archived {
		// Clicks come long after the last status.
		return true
	}
	return cp.Started() && cp.State != campaign.Archived && (cp.FinishedAt.IsZero() || s.now().Sub(cp.FinishedAt) < delivery.StatusHorizon)
}

func (s *Server) reportData(ctx context.Context, cp *campaign.Campaign) (views.ReportData, error) {
	counts, err := s.store.CampaignCounters(ctx, cp.ID)
	if err != nil {
		return views.ReportData{}, err
	}
	bill, err := s.billing(ctx)
	if err != nil {
		return views.ReportData{}, err
	}
	r := report.Build(counts, report.Options{EstimatedSegments: cp.EstimatedSegments, TrackClicks: cp.TrackClicks})
	d := views.ReportData{Campaign: cp, Report: r, Live: s.reportIsLive(cp), Loc: s.reportLoc(ctx, cp), UpdatedAt: s.now(), Billing: bill}
	if d.LinkURLs, err = s.store.TrackedLinks(ctx, cp.ID); err != nil {
		return views.ReportData{}, err
	}
	if d.AB, err = s.abReport(ctx, cp, false); err != nil {
		return views.ReportData{}, err
	}
	return d, nil
}

func (s *Server) reportPage(c *fiber.Ctx) error {
	vf, sf, err := reportFilter(c)
	if err != nil {
		return err
	}
	after, err := keyParam(c, "after")
	if err != nil {
		return err
	}
	before, err := keyParam(c, "before")
	if err != nil {
		return err
	}
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	d, err := s.reportData(ctx, cp)
	if err != nil {
		return err
	}
	page, err := s.store.CampaignMessages(ctx, cp.ID, sf, after, before, reportPerPage)
	if err != nil {
		return err
	}
	d.Table = views.ReportTable{Filter: vf, Outcomes: store.OutcomeFilters, PerPage: reportPerPage,
		HasPrev: page.HasPrev, HasNext: page.HasNext, First: page.First, Last: page.Last}
	if list, _, err := s.campaigns.List(ctx, cp); err == nil && list != nil {
		d.Table.Columns = list.Columns
	} else if cp.ListID != 0 {
		if l, err := s.store.ListByID(ctx, cp.ListID); err == nil {
			d.Table.Columns = l.Columns
		}
	}
	d.Table.Rows = make([]views.ReportRow, len(page.Rows))
	for i, m := range page.Rows {
		d.Table.Rows[i] = views.ReportRow{ID: m.ID, Phone: m.Phone, Fields: m.Fields, Outcome: m.Outcome(), Carrier: m.Carrier,
			SentCode: m.SentCode, DeliveredCode: m.DeliveredCode, SubmittedAt: m.SubmittedAt, SentAt: m.CarrierAt(),
			DeliveredAt: m.HandsetAt(), ReadAt: m.ReadAt}
		if rule, ok := frequency.ParseReason(m.Error); ok {
			d.Table.Rows[i].Cap = &rule
		}
	}
	if err := s.fallbackColumn(ctx, cp, page.Rows, &d.Table); err != nil {
		return err
	}
	if d.AB != nil {
		d.AB.CanChoose = canChooseWinner(c) && (cp.State == campaign.Running || cp.State == campaign.Paused)
	}
	return s.render(c, fiber.StatusOK, views.ReportPage(d))
}

// reportLive answers the live fragment alone, for tools that poll.
func (s *Server) reportLive(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	d, err := s.reportData(c.UserContext(), cp)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.ReportLive(d), false)
}

// reportEvents streams the live part of the report (serveLive): drawn
// again when delivery events for the campaign were applied ("report" on
// campaign:<id>) and every reportRefresh, as the dispatcher's counters
// change without an event.
func (s *Server) reportEvents(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	id := cp.ID
	return s.serveLive(c, liveStream{name: "report", topic: "campaign:" + strconv.FormatInt(id, 10), every: reportRefresh,
		render: func(ctx context.Context) ([]byte, bool, error) {
			cp, err := s.store.CampaignByID(ctx, id)
			if err != nil {
				return nil, true, err
			}
			d, err := s.reportData(ctx, cp)
			if err != nil {
				return nil, true, err
			}
			// The timestamp changes every time; a frame goes out only when
			// the numbers did.
			d.UpdatedAt = time.Time{}
			frame, err := sseFrame(ctx, "report", views.ReportLive(d))
			return frame, false, err
		}})
}
