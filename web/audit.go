package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/i18n"
	"arauto/internal/schedule"
	"arauto/views"
)

// The audit log page (admins): who did what and when, filtered by action,
// actor, target and dates, newest first, and its export as CSV (formula
// safe, like every export).

const auditPerPage = 100

// auditFilter reads the page's filter; dates are days in the reader's
// zone.
func (s *Server) auditFilter(c *fiber.Ctx) (audit.Filter, views.AuditData) {
	d := views.AuditData{From: c.Query("from"), To: c.Query("to")}
	f := audit.Filter{Action: audit.Action(c.Query("action")), Actor: strings.TrimSpace(c.Query("actor")), Target: strings.TrimSpace(c.Query("target"))}
	u := currentUser(c)
	_, loc := schedule.DisplayZone(s.env(c, false).OrgZone, u.TimeZone)
	if t, err := time.ParseInLocation("2006-01-02", d.From, loc); err == nil {
		f.From = t
	} else {
		d.From = ""
	}
	if t, err := time.ParseInLocation("2006-01-02", d.To, loc); err == nil {
		f.To = t.AddDate(0, 0, 1)
	} else {
		d.To = ""
	}
	q := url.Values{}
	for k, v := range map[string]string{"action": string(f.Action), "actor": f.Actor, "target": f.Target, "from": d.From, "to": d.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	d.Query = q.Encode()
	d.Filter = f
	return f, d
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	f, d := s.auditFilter(c)
	f.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	f.Limit = auditPerPage + 1
	es, err := s.store.AuditEntries(c.UserContext(), f)
	if err != nil {
		return err
	}
	if len(es) > auditPerPage {
		es = es[:auditPerPage]
		d.Next = es[len(es)-1].ID
	}
	d.Entries = es
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, views.AuditPage(d))
}

// exportAuditCSV streams the filtered log as CSV (UTF-8 with a BOM, ';'
// in Portuguese), every text cell neutralised against formulas.
func (s *Server) exportAuditCSV(c *fiber.Ctx) error {
	f, _ := s.auditFilter(c)
	lg := lang(c)
	_, loc := schedule.DisplayZone(s.env(c, false).OrgZone, currentUser(c).TimeZone)
	s.record(c, audit.AuditExported, "audit", nil, "", "filter", c.Context().QueryArgs().String())
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+i18n.T(lg, "audit.file_name")+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	header := []string{i18n.T(lg, "audit.when"), i18n.T(lg, "audit.actor_kind"), i18n.T(lg, "audit.actor"), i18n.T(lg, "audit.ip"),
		i18n.T(lg, "audit.action"), i18n.T(lg, "audit.target_kind"), i18n.T(lg, "audit.target_id"), i18n.T(lg, "audit.target"), i18n.T(lg, "audit.detail")}
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		w.WriteString("\ufeff")
		cw := csv.NewWriter(w)
		if lg != "en" {
			cw.Comma = ';'
		}
		cw.Write(header)
		err := s.store.EachAudit(context.Background(), f, func(e audit.Entry) error {
			return cw.Write([]string{e.At.In(loc).Format("2006-01-02 15:04:05"), e.Actor.Kind, neutralizeCell(e.Actor.Name), neutralizeCell(e.Actor.IP),
				i18n.T(lg, "audit.action."+string(e.Action)), e.TargetKind, neutralizeCell(e.TargetID), neutralizeCell(e.TargetName), neutralizeCell(e.DetailText())})
		})
		cw.Flush()
		if err != nil {
			s.log.Error("export audit log", "err", err)
		}
		w.Flush()
	})
	return nil
}
