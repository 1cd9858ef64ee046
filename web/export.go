package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/i18n"
	"arauto/internal/report"
	"arauto/internal/wavy"
	"arauto/internal/xlsxstream"
	"arauto/store"
	"arauto/views"
)

// exportJob is what an export of a campaign's per-recipient results
// needs once the handler has returned (the body is written afterwards).
type exportJob struct {
	campaignID int64
	name       string
	filter     store.MessageFilter
	lang       string
	loc        *time.Location
	zone       string
	columns    []string
	// channel and bill price each row's billed segments, as the pages do.
	channel string
	bill    billing.Settings
	// fallback adds the fallback SMS columns (a WhatsApp campaign with one).
	fallback bool
	// clicks adds each recipient's first click and clicks (the campaign
	// tracks its links).
	clicks bool
	// abtest adds the variant each recipient got (an A/B test).
	abtest bool
}

func (s *Server) exportJob(c *fiber.Ctx) (exportJob, error) {
	_, sf, err := reportFilter(c)
	if err != nil {
		return exportJob{}, err
	}
	// Exports take every page: a page key is accepted (links carry it)
	// but must still be one.
	for _, k := range []string{"after", "before"} {
		if _, err := keyParam(c, k); err != nil {
			return exportJob{}, err
		}
	}
	cp, err := s.campaignByParam(c)
	if err != nil {
		return exportJob{}, err
	}
	ctx := c.UserContext()
	s.record(c, audit.Exported, "campaign", cp.ID, cp.Name, "what", "results", "format", strings.TrimPrefix(filepath.Ext(c.Path()), "."))
	bill, err := s.billing(ctx)
	if err != nil {
		return exportJob{}, err
	}
	// Times in the reader's zone, as on the pages, named in the header.
	zone, loc := s.DisplayZone(c)
	j := exportJob{campaignID: cp.ID, name: safeFileName(cp.Name), filter: sf, lang: lang(c), loc: loc, zone: zone,
		channel: string(cp.Channel), bill: bill, clicks: cp.TrackClicks, abtest: cp.Channel == campaign.SMS && cp.ABTest.On()}
	if cp.ListID != 0 {
		if l, err := s.store.ListByID(ctx, cp.ListID); err == nil {
			j.columns = l.Columns
		}
	}
	if j.fallback, err = s.exportsFallback(ctx, cp); err != nil {
		return exportJob{}, err
	}
	j.filter.WithFallback = j.fallback
	return j, nil
}

// header is the export's first row.
func (j exportJob) header() []string {
	t := func(k string, a ...any) string { return i18n.T(j.lang, k, a...) }
	h := []string{t("report.col.phone")}
	h = append(h, j.columns...)
	zone := j.zone
	h = append(h, t("report.col.outcome"), t("report.col.code"), t("report.col.code_name"), t("report.col.code_meaning"),
		t("report.carrier"), t("report.col.submitted_at", zone), t("report.col.sent_at_zone", zone),
		t("report.col.delivered_at_zone", zone), t("report.col.read_at", zone), t("figures.billed"), t("figures.cost_col"))
	if j.fallback {
		h = fallbackHeader(h, t, zone)
	}
	if j.clicks {
		h = append(h, t("clicks.export.clicked_at", zone), t("clicks.export.clicks"))
	}
	if j.abtest {
		h = append(h, t("abtest.export.variant"))
	}
	return h
}

// record is one message's row: every text cell neutralised against
// formula injection, numbers as digits (E.164 without the '+').
func (j exportJob) record(m store.MessageRow) []string {
	code := m.DeliveredCode
	if code == 0 {
		code = m.SentCode
	}
	var codeText, name, meaning string
	if code != 0 {
		codeText = strconv.Itoa(code)
		if sc, ok := wavy.LookupStatus(code); ok {
			name, meaning = sc.Name, sc.MeaningPT
			if j.lang == "en" {
				meaning = sc.MeaningEN
			}
		}
	} else if m.State == report.StateFailed {
		// Refused here before sending: the reason in words.
		meaning = i18n.T(j.lang, "figures.reason."+dispatch.RefusalKind(m.Error))
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return views.TimeText(j.lang, j.loc, t)
	}
	billed := m.Billed()
	var cost string
	if price, ok := (report.Figures{BilledSegments: billed}).Cost(j.bill, j.channel); ok {
		cost = strings.TrimPrefix(views.Money(j.lang, price), "R$ ")
	}
	out := make([]string, 0, 10+len(j.columns))
	out = append(out, neutralizeCell(m.Phone))
	for i := range j.columns {
		v := ""
		if i < len(m.Fields) {
			v = m.Fields[i]
		}
		out = append(out, neutralizeCell(v))
	}
	out = append(out, i18n.T(j.lang, "report.outcome."+m.Outcome()), codeText, name, neutralizeCell(meaning),
		neutralizeCell(m.Carrier), ts(m.SubmittedAt), ts(m.CarrierAt()), ts(m.HandsetAt()), ts(m.ReadAt), strconv.FormatInt(billed, 10), cost)
	if j.fallback {
		out = j.fallbackRecord(out, m, ts)
	}
	if j.clicks {
		out = append(out, ts(m.ClickedAt), strconv.FormatInt(m.Clicks, 10))
	}
	if j.abtest {
		out = append(out, neutralizeCell(variantCell(j.lang, m.Variant)))
	}
	return out
}

func (s *Server) exportHeaders(c *fiber.Ctx, j exportJob, ext, mime string) {
	c.Set(fiber.HeaderContentType, mime)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s.%s"`, j.name, i18n.T(j.lang, "report.file_suffix"), ext))
	c.Set(fiber.HeaderCacheControl, "no-store")
}

// exportCSV streams the per-recipient results as CSV (UTF-8 with a BOM so
// spreadsheets read the accents; ';'-separated in Portuguese, the
// separator Brazilian spreadsheets expect).
func (s *Server) exportCSV(c *fiber.Ctx) error {
	j, err := s.exportJob(c)
	if err != nil {
		return err
	}
	s.exportHeaders(c, j, "csv", "text/csv; charset=utf-8")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := s.writeCSV(context.Background(), w, j); err != nil {
			s.log.Error("export csv", "campaign_id", j.campaignID, "err", err)
		}
		w.Flush()
	})
	return nil
}

func (s *Server) writeCSV(ctx context.Context, w *bufio.Writer, j exportJob) error {
	w.WriteString("\ufeff")
	cw := csv.NewWriter(w)
	if j.lang != "en" {
		cw.Comma = ';'
	}
	if err := cw.Write(j.header()); err != nil {
		return err
	}
	err := s.store.EachCampaignMessage(ctx, j.campaignID, j.filter, func(m store.MessageRow) error {
		return cw.Write(j.record(m))
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// exportXLSX streams the per-recipient results as a workbook, written by
// the body stream after the handler has returned.
func (s *Server) exportXLSX(c *fiber.Ctx) error {
	j, err := s.exportJob(c)
	if err != nil {
		return err
	}
	s.exportHeaders(c, j, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := s.writeXLSX(context.Background(), w, j); err != nil {
			s.log.Error("export xlsx", "campaign_id", j.campaignID, "err", err)
		}
		w.Flush()
	})
	return nil
}

// writeXLSX streams the workbook: each row read from the store goes into
// the archive at once (xlsxstream), so the first bytes reach the browser
// straight away and memory stays flat; past Excel's 1,048,576 rows the
// results continue on another sheet.
func (s *Server) writeXLSX(ctx context.Context, w *bufio.Writer, j exportJob) error {
	head := j.header()
	widths := make([]float64, len(head))
	for i := range widths {
		widths[i] = 16
	}
	// outcome, code, name, meaning, carrier, the times, then billed and cost
	base := 1 + len(j.columns)
	for i, wd := range []float64{22, 12, 26, 50, 20, 20, 20, 20, 20, 14, 14, 20, 10} {
		if base+i < len(widths) {
			widths[base+i] = wd
		}
	}
	x := xlsxstream.New(w, xlsxstream.Options{SheetName: i18n.T(j.lang, "export.sheet"), Header: head, Widths: widths})
	err := s.store.EachCampaignMessage(ctx, j.campaignID, j.filter, func(m store.MessageRow) error {
		return x.WriteRow(j.record(m))
	})
	if err != nil {
		return err
	}
	if err := x.Close(); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	return nil
}
