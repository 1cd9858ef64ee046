package web

import (
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/transactional"
	"arauto/store"
)

// The transactional message: one SMS or WhatsApp template sent now, with
// the caller's correlation id ("order confirmed").

type sendMessageRequest struct {
	Channel       string                  `json:"channel"`
	To            string                  `json:"to"`
	Text          string                  `json:"text"`
	Template      *transactional.Template `json:"template"`
	CorrelationID string                  `json:"correlation_id"`
}

func sentJSON(m transactional.Sent) apiSent {
	return apiSent{ID: m.ID, Channel: m.Channel, To: m.Phone, CorrelationID: m.CorrelationID, Status: m.Status, CreatedAt: apiTime(m.CreatedAt)}
}

// apiSendMessage stores the message durably (with the idempotent answer,
// in one transaction) and answers 202; the dispatcher sends it.
func (s *Server) apiSendMessage(c *fiber.Ctx) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	tok := apiToken(c)
	fp := fingerprint(c, false)
	if key != "" {
		// A replay is answered before anything else is looked at.
		if rec, err := s.store.IdempotencyRecord(c.UserContext(), tok.ID, key); err == nil {
			return s.replay(c, rec, fp)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	var req sendMessageRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var keep *transactional.Keep
	if key != "" {
		keep = &transactional.Keep{TokenID: tok.ID, Key: key, Fingerprint: fp, Status: fiber.StatusAccepted,
			ContentType: fiber.MIMEApplicationJSONCharsetUTF8, Body: func(m transactional.Sent) []byte {
				b, _ := json.Marshal(sentJSON(m))
				return b
			}}
	}
	entry := audit.Entry{Actor: s.actor(c), Action: audit.MessageSent, TargetKind: "phone", At: s.now().UTC()}
	sent, problems, err := s.messages.Send(c.UserContext(), transactional.Request{Channel: req.Channel, To: req.To, Text: req.Text,
		Template: req.Template, CorrelationID: req.CorrelationID}, tok.ID, keep, &entry)
	switch {
	case errors.Is(err, store.ErrConflict) && keep != nil:
		// The same key won a race a moment ago: give its answer.
		rec, rerr := s.store.IdempotencyRecord(c.UserContext(), tok.ID, key)
		if rerr != nil {
			return rerr
		}
		return s.replay(c, rec, fp)
	case err != nil:
		return err
	case len(problems) > 0:
		ps := make([]apiProblem, len(problems))
		for i, p := range problems {
			ps[i] = problem(c, p.Field, p.Key, p.Args...)
		}
		return invalid(c, ps)
	}
	if keep != nil {
		// The kept answer is the one given, byte for byte.
		c.Status(fiber.StatusAccepted)
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(keep.Body(sent))
	}
	return s.sendJSON(c, fiber.StatusAccepted, sentJSON(sent))
}

// apiMessage shows a transactional message and how its delivery went.
func (s *Server) apiMessage(c *fiber.Ctx) error {
	m, err := s.store.TransactionalMessageByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	st := m.Status
	status := "queued"
	switch st.State {
	case "suppressed", "cancelled":
		status = st.State
	case "queued", "submitting":
	default:
		status = "sent"
	}
	out := apiTransactional{apiSent: apiSent{ID: m.ID, Channel: m.Channel, To: st.Phone, CorrelationID: m.CorrelationID, Status: status,
		CreatedAt: apiTime(m.CreatedAt)}, Outcome: st.Outcome(), Carrier: st.Carrier, SentCode: st.SentCode, DeliveredCode: st.DeliveredCode,
		SentAt: apiTime(st.SentAt), DeliveredAt: apiTime(st.DeliveredAt), ReadAt: apiTime(st.ReadAt), Error: m.Error}
	return s.sendJSON(c, fiber.StatusOK, out)
}
