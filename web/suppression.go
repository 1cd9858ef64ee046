package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"arauto/internal/audit"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/views"
)

// suppressionsPerPage is the size of a page of the suppression list.
const suppressionsPerPage = 50

func (s *Server) suppressionPage(c *fiber.Ctx) error {
	return s.renderSuppression(c, fiber.StatusOK, views.Form{}, "", nil)
}

func (s *Server) renderSuppression(c *fiber.Ctx, status int, f views.Form, importErr string, imp *views.ImportResult) error {
	ctx := c.UserContext()
	d := views.SuppressionData{Search: truncateRunes(strings.TrimSpace(c.Query("q")), 100), After: c.Query("after"),
		Form: f, ImportError: importErr, Import: imp, MaxMB: int(s.cfg.MaxUploadBytes >> 20)}
	for _, r := range views.SuppressionReasons {
		if c.Query("reason") == r {
			d.Reason = r
		}
	}
	if len(d.After) > 40 {
		d.After = ""
	}
	page, err := s.store.Suppressions(ctx, store.SuppressionQuery{Search: d.Search, Reason: d.Reason, After: d.After, Limit: suppressionsPerPage})
	if err != nil {
		return err
	}
	if d.Reasons, err = s.store.SuppressionReasons(ctx); err != nil {
		return err
	}
	for _, n := range d.Reasons {
		d.All += n
	}
	d.Total, d.Next = page.Total, page.Next
	for _, it := range page.Items {
		d.Rows = append(d.Rows, views.SuppressionRow{Phone: it.Phone, Reason: it.Reason, Note: it.Note, CreatedAt: it.CreatedAt})
	}
	return s.render(c, status, views.SuppressionPage(d))
}

// addSuppression adds one typed number. "back" may send the marketer back
// to the conversation the button was on.
func (s *Server) addSuppression(c *fiber.Ctx) error {
	f := formOf(c, "phone", "note")
	raw := f.Value("phone")
	if raw == "" {
		f.Errors["phone"] = tr(c, "suppression.add.empty")
		return s.renderSuppression(c, fiber.StatusUnprocessableEntity, f, "", nil)
	}
	phone, reason := recipient.NormalizePhone(truncateRunes(raw, 40), s.cfg.PhoneRegion)
	if reason != "" {
		f.Errors["phone"] = tr(c, "suppression.add.invalid", raw, reason.Message(lang(c)))
		return s.renderSuppression(c, fiber.StatusUnprocessableEntity, f, "", nil)
	}
	note := truncateRunes(f.Value("note"), 200)
	if note == "" {
		note = tr(c, "suppression.note.manual", currentUser(c).Email)
	}
	added, err := s.store.AddSuppressions(c.UserContext(), []string{phone}, store.SuppressManual, note)
	if err != nil {
		return err
	}
	if added == 0 {
		flash(c, "info", "suppression.add.already", formatPhoneText(phone))
	} else {
		s.log.Info("number suppressed", "by", currentUser(c).ID)
		s.record(c, audit.SuppressionAdded, "phone", phone, "")
		flash(c, "success", "suppression.add.done", formatPhoneText(phone))
	}
	if back := c.FormValue("back"); strings.HasPrefix(back, "/inbox/") && safeNext(back) == back {
		return seeOther(c, back)
	}
	return seeOther(c, "/suppression")
}

func (s *Server) removeSuppression(c *fiber.Ctx) error {
	phone := c.Params("phone")
	if phone == "" || len(phone) > 20 || strings.Trim(phone, "0123456789") != "" {
		return fiber.ErrNotFound
	}
	if err := s.store.RemoveSuppression(c.UserContext(), phone); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			flash(c, "info", "suppression.remove.absent", formatPhoneText(phone))
			return seeOther(c, "/suppression")
		}
		return err
	}
	s.log.Info("number unsuppressed", "by", currentUser(c).ID)
	s.record(c, audit.SuppressionRemoved, "phone", phone, "")
	flash(c, "success", "suppression.remove.done", formatPhoneText(phone))
	return seeOther(c, "/suppression")
}

// importSuppressions reads a CSV/TXT/XLSX of numbers with the list
// importer and adds every valid one to the suppression list.
func (s *Server) importSuppressions(c *fiber.Ctx) error {
	up, err := s.receiveUpload(c, "suppress-", uploadFormats)
	var p *uploadProblem
	if errors.As(err, &p) {
		return s.renderSuppression(c, p.Status, views.Form{}, p.message(c), nil)
	} else if err != nil {
		return err
	}
	path := up.Path
	defer os.Remove(path)
	name := truncateRunes(up.FileName, 120)
	refuse := func(err error) error {
		s.log.Info("suppression upload refused", "file", up.FileName, "err", err, "request_id", requestID(c))
		return s.renderSuppression(c, fiber.StatusUnprocessableEntity, views.Form{},
			tr(c, "lists.upload.unreadable", up.FileName, tr(c, recipient.ErrorKey(err))), nil)
	}
	preview, err := recipient.Inspect(path, recipient.InspectOptions{Region: s.cfg.PhoneRegion})
	if err != nil {
		return refuse(err)
	}
	m := preview.Mapping()
	m.Region = s.cfg.PhoneRegion
	note := tr(c, "suppression.note.import", name, currentUser(c).Email)
	added := 0
	sink := recipient.SinkFunc(func(ctx context.Context, batch []recipient.Recipient) error {
		phones := make([]string, len(batch))
		for i, r := range batch {
			phones[i] = r.Phone
		}
		n, err := s.store.AddSuppressions(ctx, phones, store.SuppressImport, note)
		added += n
		return err
	})
	rep, err := recipient.Import(c.UserContext(), path, m, sink, recipient.ImportOptions{})
	if err != nil {
		var fe *recipient.FileError
		if errors.As(err, &fe) {
			return refuse(err)
		}
		return err
	}
	s.log.Info("suppression list imported", "file", up.FileName, "added", added, "valid", rep.Valid, "invalid", rep.Invalid, "by", currentUser(c).ID)
	return s.renderSuppression(c, fiber.StatusOK, views.Form{}, "", &views.ImportResult{File: name, Added: added,
		Already: rep.Valid - added + rep.Duplicates, Invalid: rep.Invalid})
}

// exportLabels are what an export needs from the request, taken before
// the handler returns (the body is written after, when c is reused).
type exportLabels struct {
	headers []string
	reasons map[string]string
}

func exportLabelsOf(c *fiber.Ctx) exportLabels {
	l := exportLabels{
		headers: []string{tr(c, "suppression.col.phone"), tr(c, "suppression.col.reason"), tr(c, "suppression.col.note"), tr(c, "suppression.col.date")},
		reasons: map[string]string{},
	}
	for _, r := range views.SuppressionReasons {
		l.reasons[r] = tr(c, "suppression.reason."+r)
	}
	return l
}

// row is one exported line, every cell neutralised against formulas.
func (l exportLabels) row(sp store.Suppression) []string {
	reason, ok := l.reasons[sp.Reason]
	if !ok {
		reason = sp.Reason
	}
	return []string{neutralizeCell(sp.Phone), neutralizeCell(reason), neutralizeCell(sp.Note), sp.CreatedAt.Format(time.RFC3339)}
}

func exportName(ext string) string {
	return fmt.Sprintf("bloqueios-%s.%s", time.Now().UTC().Format("2006-01-02"), ext)
}

// exportTimeout bounds one export stream.
const exportTimeout = 10 * time.Minute

// exportSuppressionsCSV streams the whole list as CSV (UTF-8 with a BOM so
// Excel reads the accents), row by row from the database.
func (s *Server) exportSuppressionsCSV(c *fiber.Ctx) error {
	labels := exportLabelsOf(c)
	s.record(c, audit.Exported, "settings", nil, "", "what", "suppression list", "format", "csv")
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, exportName("csv")))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		cw.Write(labels.headers)
		err := s.store.EachSuppression(ctx, func(sp store.Suppression) error {
			return cw.Write(labels.row(sp))
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		if err != nil {
			s.log.Error("suppression export", "err", err)
		}
		w.Flush()
	})
	return nil
}

// exportSuppressionsXLSX streams the whole list as a workbook.
func (s *Server) exportSuppressionsXLSX(c *fiber.Ctx) error {
	labels := exportLabelsOf(c)
	s.record(c, audit.Exported, "settings", nil, "", "what", "suppression list", "format", "xlsx")
	f := excelize.NewFile()
	if err := s.fillSuppressionSheet(c.UserContext(), f, labels); err != nil {
		f.Close()
		return err
	}
	s.streamWorkbook(c, f, exportName("xlsx"))
	return nil
}

// fillSuppressionSheet writes the rows with excelize's stream writer,
// which spills large sheets to a temporary file: memory stays flat.
func (s *Server) fillSuppressionSheet(ctx context.Context, f *excelize.File, labels exportLabels) error {
	sw, err := f.NewStreamWriter(f.GetSheetName(0))
	if err != nil {
		return fmt.Errorf("web: export suppressions: %w", err)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	sw.SetColWidth(1, 1, 18)
	sw.SetColWidth(2, 2, 22)
	sw.SetColWidth(3, 3, 60)
	sw.SetColWidth(4, 4, 24)
	head := make([]any, len(labels.headers))
	for i, h := range labels.headers {
		head[i] = h
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("web: export suppressions: %w", err)
	}
	n := 1
	err = s.store.EachSuppression(ctx, func(sp store.Suppression) error {
		n++
		r := labels.row(sp)
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, []any{r[0], r[1], r[2], r[3]})
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("web: export suppressions: %w", err)
	}
	return nil
}

// formatPhoneText shows E.164 digits readably in messages.
func formatPhoneText(d string) string {
	if len(d) == 13 && strings.HasPrefix(d, "55") {
		return "+55 " + d[2:4] + " " + d[4:9] + "-" + d[9:]
	}
	return "+" + d
}
