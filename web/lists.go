package web

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"arauto/internal/audit"
	"arauto/internal/contact"
	"arauto/internal/listimport"
	"arauto/internal/recipient"
	"arauto/views"
)

// recipientsPerPage is the size of a page of the recipients table.
const recipientsPerPage = 50

func (s *Server) listsPage(c *fiber.Ctx) error {
	return s.renderLists(c, fiber.StatusOK, "")
}

func (s *Server) renderLists(c *fiber.Ctx, status int, uploadErr string) error {
	lists, err := s.store.Lists(c.UserContext(), "")
	if err != nil {
		return err
	}
	return s.render(c, status, views.ListsPage(lists, uploadErr, int(s.cfg.MaxUploadBytes>>20)))
}

// uploadFormats are the file endings the importer reads.
var uploadFormats = map[string]bool{".csv": true, ".txt": true, ".xlsx": true, ".tsv": true}

// uploadList stores the uploaded file as it arrives and hands it to the
// list imports (inspected, kept as a list waiting for its column mapping),
// then goes to the mapping. A file that cannot be read leaves nothing
// behind.
func (s *Server) uploadList(c *fiber.Ctx) error {
	up, err := s.receiveUpload(c, "", uploadFormats)
	var p *uploadProblem
	if errors.As(err, &p) {
		return s.renderLists(c, p.Status, p.message(c))
	} else if err != nil {
		return err
	}
	l, err := s.imports.Upload(c.UserContext(), listimport.Upload{Path: up.Path, FileName: up.FileName, Size: up.Size,
		Name: up.Fields["name"], CreatedBy: currentUser(c).ID, Region: s.cfg.PhoneRegion})
	if errors.Is(err, listimport.ErrUnreadable) {
		s.log.Info("upload refused", "file", up.FileName, "err", err, "request_id", requestID(c))
		return s.renderLists(c, fiber.StatusUnprocessableEntity, tr(c, "lists.upload.unreadable", up.FileName, tr(c, recipient.ErrorKey(err))))
	} else if err != nil {
		return err
	}
	s.record(c, audit.ListUploaded, "list", l.ID, l.Name, "file", l.FileName, "bytes", strconv.FormatInt(l.FileSize, 10))
	return seeOther(c, fmt.Sprintf("/lists/%d/mapping", l.ID))
}

// listPreview returns what inspecting the list's upload found for sheet
// ("" is the sheet chosen at upload). The file is read only for a sheet
// not inspected before, then that inspection is kept: a workbook is read
// once, not on every visit to the mapping step.
func (s *Server) listPreview(c *fiber.Ctx, l *recipient.List, sheet string) (recipient.Preview, error) {
	ctx := c.UserContext()
	if _, err := os.Stat(l.FilePath); err != nil {
		return recipient.Preview{}, fmt.Errorf("web: list %d upload: %w", l.ID, err)
	}
	p, ok, err := s.store.ListPreview(ctx, l.ID)
	if err != nil {
		return recipient.Preview{}, err
	}
	if ok && (sheet == "" || strings.EqualFold(sheet, p.Sheet)) {
		return p, nil
	}
	if p, err = recipient.Inspect(l.FilePath, recipient.InspectOptions{Region: s.cfg.PhoneRegion, Sheet: sheet}); err != nil {
		return p, err
	}
	p = listimport.KeepPreview(p)
	return p, s.store.SaveListPreview(ctx, l.ID, p)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// listParam loads the :id list.
func (s *Server) listParam(c *fiber.Ctx) (*recipient.List, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return s.store.ListByID(c.UserContext(), id)
}

// mappingPage shows the first rows and the detected columns so the
// marketer can confirm or correct them.
func (s *Server) mappingPage(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	if l.State == recipient.ListReady || l.State == recipient.ListImporting {
		return c.Redirect(fmt.Sprintf("/lists/%d", l.ID), fiber.StatusSeeOther)
	}
	preview, err := s.listPreview(c, l, c.Query("sheet", l.Mapping.Sheet))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return s.render(c, fiber.StatusGone, views.MappingGone(l))
		}
		return s.render(c, fiber.StatusUnprocessableEntity, views.MappingPage(l, recipient.Preview{}, tr(c, recipient.ErrorKey(err))))
	}
	return s.render(c, fiber.StatusOK, views.MappingPage(l, preview, ""))
}

// importList takes the confirmed mapping and starts the import.
func (s *Server) importList(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	if l.State == recipient.ListReady || l.State == recipient.ListImporting {
		return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
	}
	preview, err := s.listPreview(c, l, c.FormValue("sheet"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return s.render(c, fiber.StatusGone, views.MappingGone(l))
		}
		return s.render(c, fiber.StatusUnprocessableEntity, views.MappingPage(l, recipient.Preview{}, tr(c, recipient.ErrorKey(err))))
	}
	m := preview.Mapping()
	col := func(name string, allowNone bool) (int, bool) {
		v := c.FormValue(name)
		if allowNone && (v == "" || v == "-1") {
			return -1, true
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 0 && n < len(preview.Columns)
	}
	var ok bool
	if m.PhoneColumn, ok = col("phone_column", false); !ok {
		return s.render(c, fiber.StatusUnprocessableEntity, views.MappingPage(l, preview, tr(c, "lists.mapping.pick_phone")))
	}
	if m.CorrelationColumn, ok = col("correlation_column", true); !ok {
		m.CorrelationColumn = -1
	}
	if m.CorrelationColumn == m.PhoneColumn {
		return s.render(c, fiber.StatusUnprocessableEntity, views.MappingPage(l, preview, tr(c, "lists.mapping.same_column")))
	}
	m.HasHeader = c.FormValue("has_header") == "1"
	if !m.HasHeader {
		m.FirstRow = preview.FirstRow
	}
	basis, ok := contact.ParseBasis(c.FormValue("legal_basis"))
	if !ok {
		basis = contact.BasisConsent
	}
	if err := s.imports.Confirm(c.UserContext(), l, m, basis, currentUser(c).ID); err != nil {
		return err
	}
	return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
}

// listPage shows a list: its import progress, or its report and
// recipients, or why it failed.
func (s *Server) listPage(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	d := views.ListData{List: l, Query: strings.TrimSpace(c.Query("q")), Page: max(1, c.QueryInt("page", 1))}
	switch l.State {
	case recipient.ListImporting:
		p, _ := s.imports.Progress(c.UserContext(), l.ID)
		d.Progress = &p
	case recipient.ListReady:
		rp, err := s.store.Recipients(c.UserContext(), l.ID, d.Query, (d.Page-1)*recipientsPerPage, recipientsPerPage)
		if err != nil {
			return err
		}
		d.Recipients, d.PerPage = rp, recipientsPerPage
		d.CarriersChecked, d.CheckingCarriers = s.carrierCheckRunning(l.ID)
	}
	if c.Get("HX-Request") != "" && c.Get("HX-Target") == "recipients" {
		return s.render(c, fiber.StatusOK, views.RecipientsTable(d))
	}
	return s.render(c, fiber.StatusOK, views.ListPage(d))
}

// listEvents streams a list's import progress (serveLive), drawn again on
// each progress event; "done" tells the page to load the report.
func (s *Server) listEvents(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	id := l.ID
	return s.serveLive(c, liveStream{name: "list import", topic: listimport.Topic(id), every: time.Second,
		render: func(ctx context.Context) ([]byte, bool, error) {
			p, running := s.imports.Progress(ctx, id)
			if !running {
				frame, err := sseFrame(ctx, "done", views.ImportDone(id))
				return frame, true, err
			}
			frame, err := sseFrame(ctx, "progress", views.ImportProgress(p))
			return frame, false, err
		}})
}

// rejectedXLSX streams the rows an import refused as a spreadsheet: row
// number, the value as written, and the reason in the reader's language.
func (s *Server) rejectedXLSX(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	ctx, lg := c.UserContext(), lang(c)
	s.record(c, audit.Exported, "list", l.ID, l.Name, "what", "rejected rows")
	headers := []any{tr(c, "lists.rejected.row"), tr(c, "lists.rejected.value"), tr(c, "lists.rejected.reason")}
	name := fmt.Sprintf("%s-%s.xlsx", safeFileName(l.Name), tr(c, "lists.rejected.file_suffix"))
	// The workbook is built row by row; excelize spills large sheets to a
	// temporary file, so memory stays flat.
	f := excelize.NewFile()
	if err := s.fillRejectedSheet(ctx, f, l.ID, headers, lg); err != nil {
		f.Close()
		return err
	}
	s.streamWorkbook(c, f, name)
	return nil
}

func (s *Server) fillRejectedSheet(ctx context.Context, f *excelize.File, listID int64, headers []any, lg string) error {
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("web: rejected rows: %w", err)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	sw.SetColWidth(1, 1, 10)
	sw.SetColWidth(2, 2, 28)
	sw.SetColWidth(3, 3, 60)
	if err := sw.SetRow("A1", headers, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("web: rejected rows: %w", err)
	}
	n := 1
	err = s.store.EachRejectedRow(ctx, listID, func(r recipient.RejectedRow) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, []any{r.Row, neutralizeCell(r.Phone), r.Reason.Message(lg)})
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("web: rejected rows: %w", err)
	}
	return nil
}

// neutralizeCell keeps a spreadsheet from reading a value as a formula
// (=, +, -, @ and the control characters some programs also honour).
// neutralizeCell keeps a spreadsheet from reading an exported cell as a
// formula: a cell whose first character (after any spaces) starts one is
// prefixed with an apostrophe. Spreadsheets start formulas on = + - @ and
// on a tab or line break before one, and read the fullwidth and small
// forms (＝ ＋ － ＠ ﹦ ﹢ ﹣) and the minus sign (−) as those too, so the first
// character is compared after Unicode compatibility folding.
func neutralizeCell(v string) string {
	t := strings.TrimLeft(v, " \u00a0\u3000")
	r, _ := utf8.DecodeRuneInString(t)
	switch {
	case t == "":
		return v
	case r == '\t' || r == '\r' || r == '\n' || r == '\u2212':
		return "'" + v
	}
	if r < utf8.RuneSelf {
		// ASCII is its own NFKC form: no normalising on the common path
		// (an export calls this for every cell of a million rows).
		if strings.IndexByte("=+-@", byte(r)) >= 0 {
			return "'" + v
		}
		return v
	}
	if f := norm.NFKC.String(string(r)); len(f) == 1 && strings.ContainsRune("=+-@", rune(f[0])) {
		return "'" + v
	}
	return v
}

func safeFileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`"\/:*?<>|`, r) {
			return '_'
		}
		return r
	}, s)
	if out == "" {
		return "lista"
	}
	return truncateRunes(out, 80)
}

func (s *Server) deleteList(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	if l.State == recipient.ListImporting {
		flash(c, "error", "lists.delete.importing")
		return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
	}
	if inUse, err := s.store.ListInUse(c.UserContext(), l.ID); err != nil {
		return err
	} else if inUse {
		flash(c, "error", "lists.delete.in_use")
		return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
	}
	if err := s.store.DeleteList(c.UserContext(), l.ID); err != nil {
		return err
	}
	if l.FilePath != "" {
		os.Remove(l.FilePath)
	}
	s.log.Info("list deleted", "list_id", l.ID, "by", currentUser(c).ID)
	s.record(c, audit.ListDeleted, "list", l.ID, l.Name)
	flash(c, "success", "lists.deleted", l.Name)
	return seeOther(c, "/lists")
}
