package web

import (
	"github.com/gofiber/fiber/v2"

	"arauto/internal/delivery"
	"arauto/internal/message"
	"arauto/store"
)

// The inbox through the API: replies, newest first, and one number's
// conversation. Replying from the console is not built yet (the inbox
// reply feature); when it is, its POST belongs here.

func (s *Server) apiInbox(c *fiber.Ctx) error {
	limit, before, err := page(c, 50)
	if err != nil {
		return err
	}
	q := store.InboxQuery{Search: c.Query("q"), Channel: c.Query("channel"), OptOutOnly: c.Query("opt_out") == "true", Before: before, Limit: limit}
	if q.Channel != "" && q.Channel != "sms" && q.Channel != "whatsapp" {
		return apiErr(fiber.StatusBadRequest, "invalid_parameter", "channel", "api.problem.one_of", "sms, whatsapp")
	}
	p, err := s.store.Inbox(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := pageOf[apiReply]{Data: make([]apiReply, len(p.Items))}
	for i, in := range p.Items {
		out.Data[i] = replyJSON(in)
	}
	out.NextCursor = cursor(p.Next, p.Next > 0)
	return s.sendJSON(c, fiber.StatusOK, out)
}

// apiConversation is what was exchanged with a number, oldest first.
func (s *Server) apiConversation(c *fiber.Ctx) error {
	phone, err := s.apiPhoneParam(c)
	if err != nil {
		return err
	}
	entries, err := s.store.Conversation(c.UserContext(), phone, 200)
	if err != nil {
		return err
	}
	out := struct {
		Phone    string                 `json:"phone"`
		Messages []apiConversationEntry `json:"messages"`
	}{Phone: phone, Messages: make([]apiConversationEntry, 0, len(entries))}
	for _, e := range entries {
		switch {
		case e.In != nil:
			out.Messages = append(out.Messages, apiConversationEntry{Direction: "in", Channel: e.In.Channel, Text: e.In.Text, At: apiTime(e.At)})
		case e.Out != nil:
			o := e.Out
			text := o.Template
			if cm, err := message.Compile(o.Template, o.Columns); err == nil {
				text = cm.Render(o.Fields)
			}
			st := delivery.Status{State: o.State, Carrier: o.Carrier, SentCode: o.SentCode, DeliveredCode: o.DeliveredCode, ReadAt: o.ReadAt}
			out.Messages = append(out.Messages, apiConversationEntry{Direction: "out", Channel: o.Channel, Text: text, At: apiTime(e.At), Outcome: st.Outcome()})
		}
	}
	return s.sendJSON(c, fiber.StatusOK, out)
}
