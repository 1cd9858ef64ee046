package web

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/delivery"
)

// maxWebhookBody bounds one notification. Wavy batches at most a few
// hundred entries; anything near this size is not from Wavy.
const maxWebhookBody = 1 << 20

// webhook receives one kind of Wavy notification at
// /webhooks/wavy/{secret}/{kind}. A wrong secret is 404 (the URL does not
// exist as far as a prober can tell); an oversized or malformed body is 400
// and logged; a good one is stored before the 200.
func (s *Server) webhook(c *fiber.Ctx) error {
	if subtle.ConstantTimeCompare([]byte(c.Params("secret")), []byte(s.webhookSecret)) != 1 {
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "not found"})
	}
	body := c.Body()
	if len(body) > maxWebhookBody {
		s.log.Warn("webhook body too large", "request_id", requestID(c), "path", c.Route().Path, "bytes", len(body))
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": fmt.Sprintf("body larger than %d bytes", maxWebhookBody)})
	}
	kind, items, err := delivery.Classify(c.Params("kind"), body)
	switch {
	case errors.Is(err, delivery.ErrUnknownWebhook):
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "not found"})
	case err != nil:
		s.log.Warn("webhook body rejected", "request_id", requestID(c), "kind", kind, "err", err, "body", truncate(body, 512))
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	ev := &delivery.Event{Kind: kind, ReceivedAt: s.now(), Items: items, Body: append([]byte(nil), body...)}
	if err := s.store.AppendEvent(c.UserContext(), ev); err != nil {
		// 500 makes Wavy retry later, so nothing is lost.
		return err
	}
	// The answer is written by hand: encoding a map per webhook costs
	// more than storing the event.
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(append(strconv.AppendInt([]byte(`{"items":`), int64(items), 10), `,"ok":true}`...))
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// webhookQuery receives an SMS reply Wavy forwards by GET, its fields in
// the query string (seed 001), at the same URL as the POST form:
// /webhooks/wavy/{secret}/sms-mo. It is stored as the JSON body the POST
// form carries, so it is applied the same way. Only replies come this way;
// the query string (people's words) is never logged, as no path's is.
func (s *Server) webhookQuery(c *fiber.Ctx) error {
	if subtle.ConstantTimeCompare([]byte(c.Params("secret")), []byte(s.webhookSecret)) != 1 || c.Params("kind") != "sms-mo" {
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "not found"})
	}
	args := c.Context().QueryArgs()
	q := url.Values{}
	args.VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	body, err := delivery.SMSMOFromQuery(q)
	if err == nil {
		_, _, err = delivery.Classify("sms-mo", body)
	}
	if err != nil {
		s.log.Warn("webhook query rejected", "request_id", requestID(c), "kind", "sms-mo", "err", err)
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
	}
	ev := &delivery.Event{Kind: delivery.KindSMSMO, ReceivedAt: s.now(), Items: 1, Body: body}
	if err := s.store.AppendEvent(c.UserContext(), ev); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true, "items": 1})
}
