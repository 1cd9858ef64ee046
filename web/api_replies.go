package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/inbox"
)

// Answering a conversation through the API: the same inbox.Service as
// the conversation page (SMS any time, WhatsApp free text or a file only
// inside the contact's 24-hour session, never to a blocked number), the
// answer queued in the dispatcher's outbox and sent exactly once. A
// conversation is known by the contact's number.

type replyRequest struct {
	Channel   string `json:"channel"`
	Text      string `json:"text"`
	MediaKind string `json:"media_kind"`
	MediaURL  string `json:"media_url"`
}

type apiReplyAnswer struct {
	ID        int64   `json:"id"`
	MessageID string  `json:"message_id"`
	Phone     string  `json:"phone"`
	Channel   string  `json:"channel"`
	Kind      string  `json:"kind"`
	Text      string  `json:"text"`
	MediaURL  string  `json:"media_url"`
	State     string  `json:"state"`
	Reason    string  `json:"reason"`
	By        string  `json:"by"`
	CreatedAt *string `json:"created_at"`
}

func (s *Server) answerJSON(a inbox.Answer) apiReplyAnswer {
	return apiReplyAnswer{ID: a.ID, MessageID: a.PublicID, Phone: a.Phone, Channel: a.Channel, Kind: a.Kind, Text: a.Text, MediaURL: a.MediaURL,
		State: a.StateAt(s.now().UTC()), Reason: a.Reason, By: a.UserEmail, CreatedAt: apiTime(a.CreatedAt)}
}

// apiReply answers a conversation. With an Idempotency-Key the answer's
// correlation comes from the key, so a retry after a crash (once the key's
// lease ran out) finds the answer already queued instead of sending again.
func (s *Server) apiReply(c *fiber.Ctx) error {
	phone, err := s.apiPhoneParam(c)
	if err != nil {
		return err
	}
	var req replyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d := inbox.Draft{Phone: phone, Channel: strings.TrimSpace(req.Channel), Text: req.Text, MediaKind: strings.TrimSpace(req.MediaKind),
		MediaURL: strings.TrimSpace(req.MediaURL)}
	if key, _ := idempotencyKey(c); key != "" {
		d.Key = strconv.FormatInt(apiToken(c).ID, 10) + "/" + key
	}
	a, err := s.answers().Answer(c.UserContext(), actingUserID(c), d)
	var pe *inbox.ProblemsError
	switch {
	case errors.As(err, &pe):
		ps := make([]apiProblem, len(pe.Problems))
		for i, p := range pe.Problems {
			ps[i] = problem(c, p.Field, p.Key, p.Args...)
		}
		return invalid(c, ps)
	case errors.Is(err, inbox.ErrNoSession):
		return apiErr(fiber.StatusConflict, "whatsapp_session_closed", "channel", "api.replies.no_session")
	case errors.Is(err, inbox.ErrSuppressed):
		return apiErr(fiber.StatusConflict, "suppressed", "phone", "api.replies.suppressed")
	case err != nil:
		return err
	}
	s.record(c, audit.MessageSent, "phone", phone, "", "channel", a.Channel, "answer", strconv.FormatInt(a.ID, 10), "message", a.PublicID)
	c.Set(fiber.HeaderLocation, apiPrefix+"/conversations/"+phone+"/replies")
	return s.sendJSON(c, fiber.StatusAccepted, s.answerJSON(a))
}

// apiReplies lists the answers sent to a number, oldest first, with how
// their delivery went.
func (s *Server) apiReplies(c *fiber.Ctx) error {
	phone, err := s.apiPhoneParam(c)
	if err != nil {
		return err
	}
	answers, err := s.store.Answers(c.UserContext(), phone, 200)
	if err != nil {
		return err
	}
	out := struct {
		Phone   string           `json:"phone"`
		Replies []apiReplyAnswer `json:"replies"`
	}{Phone: phone, Replies: make([]apiReplyAnswer, len(answers))}
	for i, a := range answers {
		out.Replies[i] = s.answerJSON(a)
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}
