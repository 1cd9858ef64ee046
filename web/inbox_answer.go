package web

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/inbox"
	"arauto/internal/user"
	"arauto/store"
	"arauto/views"
)

// The team's side of the inbox (issue 17): answering a reply, unread
// state, assigning and closing a conversation.

// answers is the service that answers replies: it queues them in the
// dispatcher's outbox (the dispatcher the transactional messages wake).
func (s *Server) answers() *inbox.Service {
	return &inbox.Service{Store: s.store, Sessions: s.waSessions, Now: s.now, Dispatcher: s.messages.Dispatcher}
}

// withReplyTeams adds to the inbox page the unread count and, for the
// replies shown, their conversation's state and their campaign's list.
func (s *Server) withReplyTeams(c *fiber.Ctx, d *views.InboxData) error {
	ctx := c.UserContext()
	n, err := s.store.UnreadConversations(ctx)
	if err != nil {
		return err
	}
	d.Unread = n
	var phones []string
	var campaigns []int64
	for _, r := range d.Replies {
		phones = append(phones, r.Phone)
		if r.CampaignID != 0 {
			campaigns = append(campaigns, r.CampaignID)
		}
	}
	states, err := s.store.ConversationStates(ctx, phones)
	if err != nil {
		return err
	}
	lists, err := s.store.CampaignListNames(ctx, campaigns)
	if err != nil {
		return err
	}
	for i := range d.Replies {
		r := &d.Replies[i]
		st := states[r.Phone]
		r.Team = views.ReplyTeam{New: r.ID > st.ReadUpTo && st.LastReplyID > 0, AssignedEmail: st.AssignedEmail, Closed: st.IsClosed()}
		r.ListName = lists[r.CampaignID]
	}
	return nil
}

// withTeam adds to a conversation its state, the answers sent from it (in
// time order among the other messages), the lists of its campaigns, who it
// may be assigned to and the answer form.
func (s *Server) withTeam(c *fiber.Ctx, d *views.ConversationData, f views.Form) error {
	ctx := c.UserContext()
	now := s.now().UTC()
	st, err := s.store.ConversationState(ctx, d.Phone)
	if err != nil {
		return err
	}
	t := views.ConversationTeam{State: st, NewSince: st.ReadUpTo, Form: f}
	if t.Channels, err = s.store.ReplyChannels(ctx, d.Phone); err != nil {
		return err
	}
	if slices.Contains(t.Channels, inbox.WhatsApp) {
		open, err := s.waSessions.OpenSessions(ctx, []string{d.Phone}, now)
		if err != nil {
			s.log.Warn("open whatsapp session of a conversation could not be had", "err", err)
		}
		t.WhatsAppOpen = open[d.Phone]
	}
	if f.Value("channel") == "" && len(t.Channels) > 0 {
		f.Values["channel"] = lastReplyChannel(d.Entries, t.Channels)
	}
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if !u.Disabled && u.Role.AtLeast(user.Marketer) {
			t.Users = append(t.Users, u)
		}
	}
	d.Team = t
	return nil
}

// lastReplyChannel is the channel of the newest reply: the answer goes
// back the way the contact wrote, unless the person chooses otherwise.
func lastReplyChannel(entries []views.ChatEntry, channels []string) string {
	for i := len(entries) - 1; i >= 0; i-- {
		if in := entries[i].In; in != nil && slices.Contains(channels, in.Channel) {
			return in.Channel
		}
	}
	return channels[0]
}

// answerReply sends an operator's answer from the conversation.
func (s *Server) answerReply(c *fiber.Ctx) error {
	phone, err := conversationPhone(c)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}}
	for _, name := range []string{"channel", "text", "media_kind", "media_url"} {
		v := c.FormValue(name)
		if name != "text" {
			v = strings.TrimSpace(v)
		}
		f.Values[name] = v
	}
	draft := inbox.Draft{Phone: phone, Channel: f.Value("channel"), Text: f.Value("text"), MediaKind: f.Value("media_kind"), MediaURL: f.Value("media_url")}
	a, err := s.answers().Answer(c.UserContext(), currentUser(c).ID, draft)
	var pe *inbox.ProblemsError
	switch {
	case errors.As(err, &pe):
		for _, p := range pe.Problems {
			if _, seen := f.Errors[p.Field]; !seen {
				f.Errors[p.Field] = tr(c, p.Key, p.Args...)
			}
		}
		f.Message = tr(c, "answer.problem.form")
	case errors.Is(err, inbox.ErrNoSession):
		f.Message = tr(c, "answer.problem.no_session")
	case errors.Is(err, inbox.ErrSuppressed):
		f.Message = tr(c, "answer.problem.suppressed")
	case err != nil:
		return err
	}
	if f.Message != "" {
		d, err := s.conversationData(c, phone, f)
		if err != nil {
			return err
		}
		return s.render(c, fiber.StatusUnprocessableEntity, views.ConversationPage(d))
	}
	s.record(c, audit.MessageSent, "phone", phone, "", "channel", a.Channel, "state", a.State, "answer", strconv.FormatInt(a.ID, 10))
	flash(c, "success", "answer.queued")
	return seeOther(c, "/inbox/"+phone)
}

func (s *Server) assignConversation(c *fiber.Ctx) error {
	phone, err := conversationPhone(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("user_id"), 10, 64)
	if id < 0 {
		return fiber.ErrBadRequest
	}
	if id > 0 {
		u, err := s.store.UserByID(c.UserContext(), id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (u.Disabled || !u.Role.AtLeast(user.Marketer))) {
			flash(c, "error", "answer.problem.assignee")
			return seeOther(c, "/inbox/"+phone)
		}
		if err != nil {
			return err
		}
	}
	if err := s.store.AssignConversation(c.UserContext(), phone, id, s.now().UTC()); err != nil {
		return err
	}
	s.log.Info("conversation assigned", "to", id, "by", currentUser(c).ID)
	flash(c, "success", "answer.assigned")
	return seeOther(c, "/inbox/"+phone)
}

func (s *Server) closeConversation(c *fiber.Ctx) error {
	phone, err := conversationPhone(c)
	if err != nil {
		return err
	}
	if err := s.store.CloseConversation(c.UserContext(), phone, currentUser(c).ID, s.now().UTC()); err != nil {
		return err
	}
	flash(c, "success", "answer.closed_done")
	return seeOther(c, "/inbox/"+phone)
}

func (s *Server) reopenConversation(c *fiber.Ctx) error {
	phone, err := conversationPhone(c)
	if err != nil {
		return err
	}
	if err := s.store.ReopenConversation(c.UserContext(), phone); err != nil {
		return err
	}
	flash(c, "success", "answer.reopened")
	return seeOther(c, "/inbox/"+phone)
}

// safeMediaURL keeps an answer's file address only when it is http(s), as
// the answer was checked to be before it was sent.
func safeMediaURL(u string) string {
	if safeLink(u) {
		return u
	}
	return ""
}
