package web

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/views"
)

// costTimeout bounds one cost preview, a walk over every recipient of the
// preview list (about a second for a million).
const costTimeout = 30 * time.Second

// composeText normalises a submitted message: browsers send a textarea's
// line breaks as CR LF, and a phone should receive LF (one character).
func composeText(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// composeBody reads the composer's text from the form field the composer
// names in compose_field ("body" when absent).
func composeBody(c *fiber.Ctx) (field, body string) {
	field = c.FormValue("compose_field")
	if field == "" || len(field) > 40 {
		field = "body"
	}
	return field, composeText(c.FormValue(field))
}

// previewList loads the audience chosen in the form's list_id: a list by
// its id, or a segment as "s" and its id (a campaign whose audience is a
// segment, walked over the contacts it selects now). ok is false when
// none is chosen, or it is gone or not ready.
func (s *Server) previewList(c *fiber.Ctx) (l *recipient.List, ok bool, err error) {
	if v, isSegment := strings.CutPrefix(c.FormValue("list_id"), "s"); isSegment {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || id <= 0 {
			return nil, false, nil
		}
		l, gone, err := s.campaigns.SegmentAudience(c.UserContext(), id)
		if err != nil || gone {
			return nil, false, err
		}
		return l, true, nil
	}
	id := formID(c, "list_id")
	if id == 0 {
		return nil, false, nil
	}
	l, err = s.store.ListByID(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return l, l.State == recipient.ListReady, nil
}

// composition is what the composer shows, from one computation: the
// meter (counter, phone, highlights, saving) and the cost panel.
type composition struct {
	meter views.ComposeMeter
	cost  views.ComposeCost
}

// compose measures body under the billing rule in force and, with a ready
// preview list, renders and counts it for every recipient (message.Plan,
// as the dispatcher will send it), replacing the accents of field values
// when replaceAccents.
func (s *Server) compose(ctx context.Context, body string, list *recipient.List, replaceAccents, trackClicks bool) (composition, error) {
	bill, err := s.billing(ctx)
	if err != nil {
		return composition{}, err
	}
	var columns []string
	if list != nil {
		columns = list.Columns
	}
	out := composition{meter: views.NewComposeMeter(body, bill, list != nil, columns), cost: views.ComposeCost{List: list, Billing: bill}}
	out.meter.ReplaceAccents = replaceAccents
	var short *message.Shortener
	if trackClicks {
		short = s.campaigns.Shortener
		out.meter = out.meter.WithShortLinks(*short)
	}
	switch {
	case list == nil:
	case strings.TrimSpace(body) == "":
		out.cost.Empty = true
	default:
		plan, err := message.NewTrackedPlan(body, list.Columns, bill.Rule, replaceAccents, short)
		if err != nil {
			p := message.PlaceholderProblem(err)
			out.cost.Problem = &p
			break
		}
		cost, err := s.costOf(ctx, plan, list)
		if err != nil {
			return composition{}, err
		}
		out.meter = out.meter.WithCost(cost)
		out.cost.Cost, out.cost.Encoding = cost, out.meter.Written.Count.Encoding
	}
	return out, nil
}

// audience is the list or segment cp goes to (nil before one is chosen)
// and the fields its rows have, which placeholders are checked against.
func (s *Server) audience(ctx context.Context, cp *campaign.Campaign) (*recipient.List, []string, error) {
	list, _, err := s.campaigns.List(ctx, cp)
	if err != nil || list == nil {
		return nil, nil, err
	}
	return list, list.Columns, nil
}

// bindAudience points a composer at the audience its live count, preview
// and cost walk: the list, or the segment, and the fields it offers.
func bindAudience(d *views.ComposerData, list *recipient.List) {
	if list != nil {
		d.ListID, d.SegmentID, d.Columns = list.ID, list.SegmentID, list.Columns
	}
}

// writtenMeter is the meter of a page as it is first drawn: the text as
// written only. The text box's first count (on load) walks the list.
func (s *Server) writtenMeter(ctx context.Context, body string, list *recipient.List) (views.ComposeMeter, error) {
	bill, err := s.billing(ctx)
	if err != nil {
		return views.ComposeMeter{}, err
	}
	var columns []string
	if list != nil {
		columns = list.Columns
	}
	return views.NewComposeMeter(body, bill, list != nil, columns), nil
}

// composeForm reads the composer's form: the text, the preview list and
// the accent options.
func (s *Server) composeForm(c *fiber.Ctx) (composition, error) {
	_, body := composeBody(c)
	list, ok, err := s.previewList(c)
	if err != nil {
		return composition{}, err
	}
	if !ok {
		list = nil
	}
	out, err := s.compose(c.UserContext(), body, list, c.FormValue("replace_accents") == "1",
		c.FormValue("click_option") == "1" && c.FormValue("track_clicks") == "1")
	out.meter.AccentOption = c.FormValue("accent_option") == "1"
	return out, err
}

// composeCount answers the composer as the text is typed: the meter, and
// the phone and the cost out of band.
func (s *Server) composeCount(c *fiber.Ctx) error {
	d, err := s.composeForm(c)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.ComposerCount(d.meter, d.cost), false)
}

// composeTransliterate accepts the accent suggestion: it answers a text box
// holding the text with its accents replaced under the billing rule in
// force. Nothing else ever changes what was typed.
func (s *Server) composeTransliterate(c *fiber.Ctx) error {
	field, body := composeBody(c)
	bill, err := s.billing(c.UserContext())
	if err != nil {
		return err
	}
	d := views.ComposerData{Field: field, Body: bill.Rule.Replace(body)}
	return s.renderWith(c, fiber.StatusOK, views.ComposerTextarea(d), false)
}

// composeTemplate answers the text box holding a saved template's text,
// for the composer's template picker.
func (s *Server) composeTemplate(c *fiber.Ctx) error {
	id := int64(c.QueryInt("template_id"))
	if id <= 0 {
		return errBadRequest
	}
	t, err := s.store.TemplateByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.ComposerTextarea(views.ComposerData{Field: "body", Body: t.Body}), false)
}

// composeFields answers the chips of the chosen preview list's fields.
func (s *Server) composeFields(c *fiber.Ctx) error {
	list, ok, err := s.previewList(c)
	if err != nil {
		return err
	}
	d := views.ComposerData{Field: "body"}
	if ok {
		d.ListID, d.SegmentID, d.Columns = list.ID, list.SegmentID, list.Columns
	}
	return s.renderWith(c, fiber.StatusOK, views.ComposerFields(d), false)
}

// errCostStopped ends a recipient walk the cost preview no longer needs.
var errCostStopped = errors.New("web: cost preview stopped")

// composeCost answers the cost panel alone (the count fills it too), for
// tools that want only the price.
func (s *Server) composeCost(c *fiber.Ctx) error {
	d, err := s.composeForm(c)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.ComposerCostBody(d.cost), false)
}

// costOf streams the audience's recipients (a list's rows or a segment's
// contacts) into the plan's cost, leaving out the suppressed ones (never
// sent to).
func (s *Server) costOf(ctx context.Context, plan *message.Plan, list *recipient.List) (message.Cost, error) {
	ctx, cancel := context.WithTimeout(ctx, costTimeout)
	defer cancel()
	start := time.Now()
	var walkErr error
	cost := plan.Cost(func(yield func(*recipient.Recipient) bool) {
		walkErr = s.campaigns.EachRecipient(ctx, list, func(r *recipient.Recipient) error {
			if r.Suppressed {
				return nil
			}
			if !yield(r) {
				return errCostStopped
			}
			return nil
		})
	})
	if walkErr != nil && !errors.Is(walkErr, errCostStopped) {
		return message.Cost{}, walkErr
	}
	if d := time.Since(start); d > time.Second {
		s.log.Info("slow cost preview", "list_id", list.ID, "segment_id", list.SegmentID, "recipients", cost.Recipients, "duration_ms", d.Milliseconds())
	}
	return cost, nil
}
