package web

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/sms"
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

// previewList loads the list chosen in the form's list_id. ok is false
// when none is chosen, or the list is gone or not ready.
func (s *Server) previewList(c *fiber.Ctx) (l *recipient.List, ok bool, err error) {
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

// meter measures body and, with a preview list, renders it for the list's
// first recipient.
func (s *Server) meter(c *fiber.Ctx, body string, list *recipient.List) (views.ComposeMeter, error) {
	if list == nil {
		return views.NewComposeMeter(body, false, nil, nil), nil
	}
	first, err := s.store.FirstRecipient(c.UserContext(), list.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return views.NewComposeMeter(body, true, list.Columns, nil), nil
	case err != nil:
		return views.ComposeMeter{}, err
	}
	return views.NewComposeMeter(body, true, list.Columns, &first), nil
}

// composeCount answers the composer as the text is typed: the meter, and
// the phone out of band. The compose-counted event it raises tells the
// cost panel to follow.
func (s *Server) composeCount(c *fiber.Ctx) error {
	_, body := composeBody(c)
	list, ok, err := s.previewList(c)
	if err != nil {
		return err
	}
	if !ok {
		list = nil
	}
	m, err := s.meter(c, body, list)
	if err != nil {
		return err
	}
	c.Set("HX-Trigger", "compose-counted")
	return s.renderWith(c, fiber.StatusOK, views.ComposerCount(m), false)
}

// composeTransliterate accepts the accent suggestion: it answers a text box
// holding the text with its accents replaced. Nothing else ever changes
// what was typed.
func (s *Server) composeTransliterate(c *fiber.Ctx) error {
	field, body := composeBody(c)
	d := views.ComposerData{Field: field, Body: sms.Transliterate(body)}
	return s.renderWith(c, fiber.StatusOK, views.ComposerTextarea(d), false)
}

// composeFields answers the chips of the chosen preview list's fields.
func (s *Server) composeFields(c *fiber.Ctx) error {
	list, ok, err := s.previewList(c)
	if err != nil {
		return err
	}
	d := views.ComposerData{Field: "body"}
	if ok {
		d.ListID, d.Columns = list.ID, list.Columns
	}
	return s.renderWith(c, fiber.StatusOK, views.ComposerFields(d), false)
}

// errCostStopped ends a recipient walk the cost preview no longer needs.
var errCostStopped = errors.New("web: cost preview stopped")

// composeCost prices the message for every recipient of the preview list,
// rendering each one's fields in.
func (s *Server) composeCost(c *fiber.Ctx) error {
	_, body := composeBody(c)
	list, ok, err := s.previewList(c)
	if err != nil {
		return err
	}
	d := views.ComposeCost{}
	switch {
	case !ok:
	case strings.TrimSpace(body) == "":
		d.List, d.Empty = list, true
	default:
		d.List, d.Encoding = list, sms.Measure(body).Encoding
		compiled, err := message.Compile(body, list.Columns)
		if err != nil {
			p := message.PlaceholderProblem(err)
			d.Problem = &p
			break
		}
		if d.Cost, err = s.costOf(c.UserContext(), compiled, list.ID); err != nil {
			return err
		}
	}
	return s.renderWith(c, fiber.StatusOK, views.ComposerCostBody(d), false)
}

// costOf streams the list's recipients from the store into the cost
// preview.
func (s *Server) costOf(ctx context.Context, compiled *message.Compiled, listID int64) (message.Cost, error) {
	ctx, cancel := context.WithTimeout(ctx, costTimeout)
	defer cancel()
	start := time.Now()
	var walkErr error
	cost := compiled.Cost(func(yield func([]string) bool) {
		walkErr = s.store.EachRecipientFields(ctx, listID, func(fields []string, suppressed bool) error {
			if suppressed {
				return nil // never sent to
			}
			if !yield(fields) {
				return errCostStopped
			}
			return nil
		})
	})
	if walkErr != nil && !errors.Is(walkErr, errCostStopped) {
		return message.Cost{}, walkErr
	}
	if d := time.Since(start); d > time.Second {
		s.log.Info("slow cost preview", "list_id", listID, "recipients", cost.Recipients, "duration_ms", d.Milliseconds())
	}
	return cost, nil
}
