package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"arauto/internal/audit"
	"arauto/internal/contact"
	"arauto/internal/i18n"
	"arauto/internal/recipient"
	"arauto/views"
)

// Data subject requests (LGPD): export everything known about a number,
// or erase it. Both are admins' and both are recorded, with who asked.

func (s *Server) privacyPage(c *fiber.Ctx) error {
	return s.renderPrivacy(c, fiber.StatusOK, truncateRunes(c.Query("phone"), 30), "", "")
}

func (s *Server) renderPrivacy(c *fiber.Ctx, status int, phone, problem, done string) error {
	reqs, err := s.store.PrivacyRequests(c.UserContext(), "", 100)
	if err != nil {
		return err
	}
	return s.render(c, status, views.PrivacyPage(views.PrivacyData{Phone: phone, Error: problem, Done: done, Requests: reqs}))
}

// subjectPhone reads the number of a request as typed. A mobile is
// normalised as imports do; any other number (a landline that wrote in) is
// taken by its digits, with Brazil's code added to a national number.
func (s *Server) subjectPhone(raw string) (string, bool) {
	raw = truncateRunes(strings.TrimSpace(raw), 40)
	if p, reason := recipient.NormalizePhone(raw, s.cfg.PhoneRegion); reason == "" {
		return p, true
	}
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, raw)
	switch {
	case len(d) == 10 || len(d) == 11:
		return "55" + d, true
	case len(d) >= 12 && len(d) <= 15:
		return d, true
	}
	return "", false
}

func actor(c *fiber.Ctx) contact.Actor {
	u := currentUser(c)
	return contact.Actor{ID: u.ID, Email: u.Email}
}

// exportNumber answers everything known about a number as a JSON file or
// a workbook.
func (s *Server) exportNumber(c *fiber.Ctx) error {
	raw := c.FormValue("phone")
	phone, ok := s.subjectPhone(raw)
	if !ok {
		return s.renderPrivacy(c, fiber.StatusUnprocessableEntity, raw, tr(c, "privacy.problem.phone", raw), "")
	}
	as := contact.ExportJSON
	if c.FormValue("format") == "xlsx" {
		as = contact.ExportXLSX
	}
	d, err := s.contacts.Export(c.UserContext(), actor(c), phone, as)
	if errors.Is(err, contact.ErrUnknownNumber) {
		return s.renderPrivacy(c, fiber.StatusNotFound, raw, tr(c, "privacy.problem.unknown", formatPhoneText(phone)), "")
	}
	if err != nil {
		return err
	}
	s.log.Info("data subject export", "format", as, "by", currentUser(c).ID)
	s.recordSubject(c, audit.ContactExported, phone, "format", string(as))
	name := "dados-" + phone
	if as == contact.ExportJSON {
		c.Set(fiber.HeaderContentType, "application/json; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.json"`, name))
		c.Set(fiber.HeaderCacheControl, "no-store")
		enc := json.NewEncoder(c.Response().BodyWriter())
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	f, err := dossierWorkbook(lang(c), d)
	if err != nil {
		return err
	}
	s.streamWorkbook(c, f, name+".xlsx")
	return nil
}

// eraseNumber erases a number everywhere, keeping only its hash.
func (s *Server) eraseNumber(c *fiber.Ctx) error {
	raw := c.FormValue("phone")
	phone, ok := s.subjectPhone(raw)
	switch {
	case !ok:
		return s.renderPrivacy(c, fiber.StatusUnprocessableEntity, raw, tr(c, "privacy.problem.phone", raw), "")
	case c.FormValue("confirm") != "1":
		return s.renderPrivacy(c, fiber.StatusUnprocessableEntity, raw, tr(c, "privacy.problem.confirm"), "")
	}
	e, err := s.contacts.Erase(c.UserContext(), actor(c), phone)
	if errors.Is(err, contact.ErrUnknownNumber) {
		return s.renderPrivacy(c, fiber.StatusNotFound, raw, tr(c, "privacy.problem.unknown", formatPhoneText(phone)), "")
	}
	if err != nil {
		return err
	}
	s.log.Info("number erased on request", "list_rows", e.ListRows, "messages", e.Messages, "replies", e.Replies, "by", currentUser(c).ID)
	s.recordSubject(c, audit.ContactErased, phone, "list_rows", strconv.Itoa(e.ListRows), "messages", strconv.Itoa(e.Messages),
		"replies", strconv.Itoa(e.Replies))
	l := lang(c)
	return s.renderPrivacy(c, fiber.StatusOK, "", "", tr(c, "privacy.erased", formatPhoneText(phone),
		i18n.FormatInt(l, e.ListRows), i18n.FormatInt(l, e.Messages), i18n.FormatInt(l, e.Replies)))
}

// dossierWorkbook writes a dossier as a workbook, a sheet per kind of
// data, every cell neutralised against formulas.
func dossierWorkbook(lang string, d contact.Dossier) (*excelize.File, error) {
	t := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	f := excelize.NewFile()
	sheets := map[string][][]string{}
	order := []string{t("privacy.sheet.contact"), t("privacy.sheet.lists"), t("privacy.sheet.messages"), t("privacy.sheet.replies"), t("privacy.sheet.consent"), t("privacy.sheet.requests")}
	contactRows := [][]string{{t("privacy.col.item"), t("privacy.col.value")}, {t("contacts.col.phone"), d.Phone}}
	if c := d.Contact; c != nil {
		for _, k := range views.SortedFields(c.Attrs) {
			contactRows = append(contactRows, []string{"{{" + k + "}}", c.Attrs[k]})
		}
		contactRows = append(contactRows,
			[]string{t("contacts.carrier"), c.Carrier},
			[]string{t("contacts.last_sent"), views.TimeText(lang, nil, c.LastSent)},
			[]string{t("contacts.last_delivered"), views.TimeText(lang, nil, c.LastDelivered)},
			[]string{t("contacts.last_replied"), views.TimeText(lang, nil, c.LastReplied)},
			[]string{t("contacts.created"), views.TimeText(lang, nil, c.CreatedAt)})
	}
	for _, ch := range d.Changes {
		contactRows = append(contactRows, []string{t("privacy.old_value", ch.Field), ch.Old + " (" + views.TimeText(lang, nil, ch.Replaced) + ")"})
	}
	if sp := d.Suppression; sp != nil {
		contactRows = append(contactRows, []string{t("privacy.suppressed"), sp.Reason + " · " + sp.Note + " · " + views.TimeText(lang, nil, sp.At)})
	}
	sheets[order[0]] = contactRows
	lists := [][]string{{t("privacy.col.list"), t("privacy.col.file"), t("privacy.col.row"), t("privacy.col.fields")}}
	for _, l := range d.Lists {
		var kv []string
		for _, k := range views.SortedFields(l.Fields) {
			kv = append(kv, k+"="+l.Fields[k])
		}
		lists = append(lists, []string{l.ListName, l.FileName, fmt.Sprint(l.Row), strings.Join(kv, "; ")})
	}
	sheets[order[1]] = lists
	events := func(evs []contact.Event) [][]string {
		out := [][]string{{t("privacy.col.when"), t("privacy.col.campaign"), t("privacy.col.channel"), t("privacy.col.state"), t("privacy.col.text")}}
		for _, e := range evs {
			state := ""
			if e.State != "" {
				state = t("report.outcome." + e.State)
			}
			out = append(out, []string{views.TimeText(lang, nil, e.At), e.CampaignName, e.Channel, state, e.Text})
		}
		return out
	}
	sheets[order[2]] = events(d.Messages)
	sheets[order[3]] = events(d.Replies)
	consent := [][]string{{t("contacts.consent.source"), t("contacts.consent.basis"), t("contacts.consent.by"), t("contacts.consent.at")}}
	for _, s := range d.Sources {
		src := s.ListName + " · " + s.FileName
		if s.Kind == contact.SourceKeyword {
			src = s.Keyword
		}
		consent = append(consent, []string{src, t("contacts.basis." + string(s.Basis)), s.UserEmail, views.TimeText(lang, nil, s.CreatedAt)})
	}
	sheets[order[4]] = consent
	reqs := [][]string{{t("privacy.col.when"), t("privacy.col.who"), t("privacy.col.action"), t("privacy.col.outcome")}}
	for _, r := range d.Requests {
		reqs = append(reqs, []string{views.TimeText(lang, nil, r.At), r.ActorEmail, t("privacy.action." + string(r.Action)), t("privacy.outcome." + r.Outcome)})
	}
	sheets[order[5]] = reqs
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return nil, fmt.Errorf("web: dossier workbook: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("web: dossier workbook: %w", err)
		}
		for r, row := range sheets[name] {
			vals := make([]any, len(row))
			for j, v := range row {
				vals[j] = neutralizeCell(v)
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &vals); err != nil {
				return nil, fmt.Errorf("web: dossier workbook: %w", err)
			}
		}
		f.SetColWidth(name, "A", "E", 28)
	}
	return f, nil
}

// recordSubject adds a data subject request to the general audit log too,
// naming the number by its hash only (audit_privacy keeps the requests'
// own append-only record).
func (s *Server) recordSubject(c *fiber.Ctx, action audit.Action, phone string, detail ...string) {
	subject, err := s.contacts.Subject(c.UserContext(), phone)
	if err != nil {
		s.log.Error("audit: hash the data subject", "err", err)
		return
	}
	s.record(c, action, "contact", nil, subject, detail...)
}
