package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/inbox"
	"arauto/internal/user"
)

// TestConversationState follows replies arriving through the applier: the
// conversation turns unread, is read, assigned and closed, and a new reply
// opens it again and counts as unread; answers are kept in order with
// who sent them.
func TestConversationState(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sms := seedCampaign(t, s, 2, campaign.SMS, true)
	at := tAccept.Add(10 * time.Minute)
	reply := func(id, phone, text string, after time.Duration) {
		t.Helper()
		appendEvents(t, s, ev{delivery.KindSMSMO, mustJSON(t, smsMO(id, phone, text, "", at.Add(after))), time.Time{}})
		applyAll(t, s, tAccept.Add(time.Hour))
	}
	unread := func() int {
		t.Helper()
		n, err := s.UnreadConversations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	state := func(phone string) inbox.Conversation {
		t.Helper()
		c, err := s.ConversationState(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := sms.phones[0], sms.phones[1]
	if n := unread(); n != 0 {
		t.Fatalf("before any reply: %d unread, want 0", n)
	}
	reply("mo-1", a, "Oi", 0)
	reply("mo-2", a, "Alguém aí?", time.Minute)
	reply("mo-3", b, "Quero", 2*time.Minute)
	if n, c := unread(), state(a); n != 2 || c.Unread != 2 || !c.IsUnread() || c.IsClosed() {
		t.Fatalf("after 3 replies from 2 numbers: %d unread conversations, %+v; want 2, and 2 unread replies from %s", n, c, a)
	}
	if err := s.MarkConversationRead(ctx, a, at); err != nil {
		t.Fatal(err)
	}
	if n, c := unread(), state(a); n != 1 || c.Unread != 0 || c.IsUnread() {
		t.Errorf("after reading %s: %d unread, %+v; want 1 and it read", a, n, c)
	}
	u := &user.User{Email: "ana@example.com", PasswordHash: []byte("x"), Role: user.Marketer}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignConversation(ctx, b, u.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseConversation(ctx, b, u.ID, at); err != nil {
		t.Fatal(err)
	}
	if c := state(b); c.AssignedEmail != "ana@example.com" || !c.IsClosed() || c.IsUnread() || unread() != 0 {
		t.Errorf("assigned and closed: %+v, %d unread; want ana's, closed and read", c, unread())
	}
	reply("mo-4", b, "Ainda quero", 3*time.Minute)
	if c := state(b); c.IsClosed() || !c.IsUnread() || c.Unread != 1 || unread() != 1 {
		t.Errorf("a reply after closing: %+v; want it open again with 1 unread", c)
	}
	states, err := s.ConversationStates(ctx, []string{a, b, "5500000000000"})
	if err != nil || len(states) != 2 || states[b].AssignedTo != u.ID {
		t.Errorf("ConversationStates() = %+v, %v; want the 2 that replied, %s assigned", states, err, b)
	}
	if err := s.AssignConversation(ctx, "5500000000000", u.ID, at); !errors.Is(err, ErrNotFound) {
		t.Errorf("assigning a number that never replied: %v, want ErrNotFound", err)
	}
	if chs, err := s.ReplyChannels(ctx, a); err != nil || !slices.Equal(chs, []string{"sms"}) {
		t.Errorf("ReplyChannels() = %q, %v; want sms", chs, err)
	}
	for i, text := range []string{"Olá!", "Tudo certo?"} {
		ans := &inbox.Answer{Phone: a, Channel: "sms", Kind: "text", Text: text, CorrelationID: "ans-" + text, State: inbox.Sending, UserID: u.ID,
			CreatedAt: at.Add(time.Duration(i) * time.Minute)}
		st, fields := inbox.StreamOf(*ans)
		existed, err := s.EnqueueAnswer(ctx, ans, st, fields)
		if err != nil || existed || ans.MessageID == 0 || ans.PublicID == "" {
			t.Fatalf("EnqueueAnswer() = %v, %v, answer %+v; want it stored with its outbox row", existed, err, ans)
		}
		again := &inbox.Answer{Phone: a, Channel: "sms", Kind: "text", Text: "outro", CorrelationID: "ans-" + text, State: inbox.Sending, CreatedAt: at}
		if existed, err := s.EnqueueAnswer(ctx, again, st, []string{"outro"}); err != nil || !existed || again.ID != ans.ID || again.Text != text {
			t.Errorf("EnqueueAnswer() with a stored correlation = %v, %v, %+v; want the first answer back", existed, err, again)
		}
	}
	got, err := s.Answers(ctx, a, 10)
	if err != nil || len(got) != 2 || got[0].Text != "Olá!" || got[1].Outcome != "queued" || got[1].UserEmail != "ana@example.com" {
		t.Errorf("Answers() = %+v, %v; want both oldest first, queued, by ana", got, err)
	}
	var queued int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM messages m JOIN answers x ON x.message_id = m.id WHERE m.state = 'queued' AND m.phone = ?", a).Scan(&queued); err != nil || queued != 2 {
		t.Errorf("got %d answers queued in the outbox (%v), want 2", queued, err)
	}
	names, err := s.CampaignListNames(ctx, []int64{sms.campaignID, 9999})
	if err != nil || len(names) != 1 || names[sms.campaignID] == "" {
		t.Errorf("CampaignListNames() = %v, %v; want the campaign's list name only", names, err)
	}
}
