package web

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"arauto/internal/audit"
	"arauto/internal/i18n"
	"arauto/internal/wavy"
	"arauto/store"
)

// exportJob is what an export of a campaign's per-recipient results
// needs once the handler has returned (the body is written afterwards).
type exportJob struct {
	campaignID int64
	name       string
	filter     store.MessageFilter
	lang       string
	loc        *time.Location
	columns    []string
}

// exportTimeLayout is how export cells write instants (in the campaign's
// zone, named in the header).
const exportTimeLayout = "2006-01-02 15:04:05"

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
	j := exportJob{campaignID: cp.ID, name: safeFileName(cp.Name), filter: sf, lang: lang(c), loc: s.reportLoc(ctx, cp)}
	if cp.ListID != 0 {
		if l, err := s.store.ListByID(ctx, cp.ListID); err == nil {
			j.columns = l.Columns
		}
	}
	return j, nil
}

// header is the export's first row.
func (j exportJob) header() []string {
	t := func(k string, a ...any) string { return i18n.T(j.lang, k, a...) }
	h := []string{t("report.col.phone")}
	h = append(h, j.columns...)
	zone := j.loc.String()
	return append(h, t("report.col.outcome"), t("report.col.code"), t("report.col.code_name"), t("report.col.code_meaning"),
		t("report.carrier"), t("report.col.submitted_at", zone), t("report.col.sent_at_zone", zone),
		t("report.col.delivered_at_zone", zone), t("report.col.read_at", zone))
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
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(j.loc).Format(exportTimeLayout)
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
	return append(out, i18n.T(j.lang, "report.outcome."+m.Outcome()), codeText, name, neutralizeCell(meaning),
		neutralizeCell(m.Carrier), ts(m.SubmittedAt), ts(m.SentAt), ts(m.DeliveredAt), ts(m.ReadAt))
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

// exportXLSX streams the per-recipient results as a workbook built with
// excelize's StreamWriter (which spills large sheets to a temporary file,
// so memory stays flat). The workbook is built and written by the body
// stream, after the handler has returned, and closed there.
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

func (s *Server) writeXLSX(ctx context.Context, w *bufio.Writer, j exportJob) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2FF"}}})
	head := j.header()
	sw.SetColWidth(1, 1, 16)
	if n := len(j.columns); n > 0 {
		sw.SetColWidth(2, 1+n, 16)
	}
	base := 2 + len(j.columns)
	sw.SetColWidth(base, base, 22)
	sw.SetColWidth(base+1, base+2, 12)
	sw.SetColWidth(base+2, base+2, 26)
	sw.SetColWidth(base+3, base+3, 50)
	sw.SetColWidth(base+4, base+8, 20)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	row := make([]any, len(head))
	for i, v := range head {
		row[i] = v
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	n := 1
	err = s.store.EachCampaignMessage(ctx, j.campaignID, j.filter, func(m store.MessageRow) error {
		n++
		for i, v := range j.record(m) {
			row[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	// excelize zips into a bytes.Buffer before writing it out; its
	// ZipWriter hook lets the archive go straight to the response instead,
	// so the finished workbook is never held in memory (its sheets are
	// under 4 GiB, so no zip64 header needs patching afterwards).
	zw := zip.NewWriter(w)
	f.ZipWriter = func(io.Writer) excelize.ZipWriter { return zw }
	if err := f.Write(io.Discard); err != nil {
		return fmt.Errorf("web: export: %w", err)
	}
	return nil
}
