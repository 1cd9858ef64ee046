package web

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/i18n"
	"arauto/internal/recipient"
	"arauto/internal/sms"
	"arauto/internal/testsend"
	"arauto/store"
	"arauto/views"
)

// Test sends: the campaign's message to the person's own test numbers,
// through the provider like the campaign, shown on the campaign page and
// never in its report.

// testChoices is how many of the list's first recipients the test may be
// rendered for.
const testChoices = 10

// testSendsShown is how many of a campaign's latest test sends its page
// lists.
const testSendsShown = 20

// NewTestSends builds the test sends over the store and the HTTPS door's
// sender, rendering and pricing as the dispatcher does.
func NewTestSends(st *store.Store, sender dispatch.Sender, log *slog.Logger) *testsend.Service {
	return &testsend.Service{Store: st, Sender: sender, Log: log,
		Compile: dispatch.SMSCompiler(func(ctx context.Context) (sms.Rule, error) {
			saved, err := st.Settings(ctx)
			if err != nil {
				return "", err
			}
			return billing.Load(saved).Rule, nil
		})}
}

// testSendData gathers the campaign page's test card; list is the
// campaign's audience as its page shows it (campaign.Service.List).
func (s *Server) testSendData(c *fiber.Ctx, cp *campaign.Campaign, list *recipient.List) (*views.TestSendData, error) {
	ctx := c.UserContext()
	d := &views.TestSendData{Campaign: cp, SeedsForm: views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}}
	var err error
	if d.Seeds, err = s.store.TestSeeds(ctx, currentUser(c).ID); err != nil {
		return nil, err
	}
	if list != nil {
		first, err := s.testRecipients(ctx, list)
		if err != nil {
			return nil, err
		}
		for _, r := range first {
			label := tr(c, "testsend.row", r.Row, formatPhoneText(r.Phone))
			if len(r.Fields) > 0 && strings.TrimSpace(r.Fields[0]) != "" {
				label += " · " + truncateRunes(r.Fields[0], 40)
			}
			d.Choices = append(d.Choices, views.TestChoice{Row: r.Row, Label: label})
		}
	}
	if cp.Channel == campaign.WhatsApp {
		w, err := s.store.CampaignWhatsApp(ctx, cp.ID)
		if err != nil {
			return nil, err
		}
		d.NeedsSession = w.Kind != "" && w.NeedsSession()
	}
	if d.Sends, d.Billed, err = s.store.TestSends(ctx, cp.ID, testSendsShown); err != nil {
		return nil, err
	}
	bill, err := s.billing(ctx)
	if err != nil {
		return nil, err
	}
	if cp.Channel == campaign.WhatsApp {
		d.Cost, d.HasCost = bill.WhatsAppCost(d.Billed)
	} else {
		d.Cost, d.HasCost = bill.SMSCost(d.Billed)
	}
	return d, nil
}

// saveTestSeeds stores the person's test numbers and goes back to the
// campaign page they were typed on. A number that is not a mobile, or
// more than testsend.MaxSeeds, is refused with why and nothing is saved.
func (s *Server) saveTestSeeds(c *fiber.Ctx) error {
	back := "/campaigns"
	id, err := strconv.ParseInt(c.FormValue("campaign"), 10, 64)
	if err == nil && id > 0 {
		back = campaignPath(id, "") + "#test-send"
	}
	phones, bad, why, tooMany := testsend.ParseSeeds(truncateRunes(c.FormValue("seeds"), 1000), s.cfg.PhoneRegion)
	switch {
	case bad != "":
		flash(c, "error", "testsend.problem.bad_number", bad, why.Message(lang(c)))
		return seeOther(c, back)
	case tooMany:
		flash(c, "error", "testsend.problem.too_many", testsend.MaxSeeds)
		return seeOther(c, back)
	}
	if err := s.store.SaveTestSeeds(c.UserContext(), currentUser(c).ID, phones); err != nil {
		return err
	}
	s.log.Info("test numbers saved", "count", len(phones), "by", currentUser(c).ID)
	flash(c, "success", "testsend.seeds_saved", int64(len(phones)), i18n.FormatInt(lang(c), len(phones)))
	return seeOther(c, back)
}

// testRecipients returns the first recipients (testChoices) of a
// campaign's audience a test may be rendered for: a list's first rows, or
// the first contacts a segment not yet frozen selects now.
func (s *Server) testRecipients(ctx context.Context, list *recipient.List) ([]recipient.Recipient, error) {
	var first []recipient.Recipient
	err := s.campaigns.EachRecipient(ctx, list, func(r *recipient.Recipient) error {
		rc := *r
		rc.Fields = slices.Clone(r.Fields)
		first = append(first, rc)
		if len(first) >= testChoices {
			return errFirstRecipient
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFirstRecipient) {
		return nil, err
	}
	return first, nil
}

// sendTest sends the campaign's saved message, rendered for the recipient
// chosen (or with sample data), to the person's test numbers.
func (s *Server) sendTest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	back := campaignPath(cp.ID, "") + "#test-send"
	dc, err := s.store.DispatchCampaign(ctx, cp.ID)
	if err != nil {
		return err
	}
	list, _, err := s.campaigns.List(ctx, cp)
	if err != nil {
		return err
	}
	var first []recipient.Recipient
	if list != nil {
		if first, err = s.testRecipients(ctx, list); err != nil {
			return err
		}
		if cp.ListID == 0 {
			// A segment not yet frozen: its fields are the contacts'.
			dc.Columns = list.Columns
		}
	}
	fields := testsend.SampleFields(dc.Columns)
	if row, err := strconv.Atoi(c.FormValue("recipient")); err == nil {
		for _, r := range first {
			if r.Row == row {
				fields = r.Fields
			}
		}
	}
	sends, err := s.testSends.Send(ctx, dc, currentUser(c).ID, fields)
	var refused *testsend.RefusedError
	switch {
	case errors.Is(err, testsend.ErrNoSeeds):
		flash(c, "error", "testsend.problem.no_seeds")
		return seeOther(c, back)
	case errors.Is(err, testsend.ErrNoMessage):
		flash(c, "error", "testsend.problem.no_message")
		return seeOther(c, back)
	case errors.As(err, &refused):
		flash(c, "error", "testsend.problem.refused")
		return seeOther(c, back)
	case err != nil:
		return err
	}
	accepted := 0
	for _, sd := range sends {
		if sd.State == testsend.Accepted {
			accepted++
		}
	}
	if accepted == len(sends) {
		flash(c, "success", "testsend.sent", int64(accepted), i18n.FormatInt(lang(c), accepted))
	} else {
		flash(c, "error", "testsend.partly", int64(len(sends)-accepted), i18n.FormatInt(lang(c), len(sends)-accepted))
	}
	return seeOther(c, back)
}
