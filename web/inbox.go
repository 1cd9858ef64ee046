package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/message"
	"arauto/internal/wavy"
	"arauto/store"
	"arauto/views"
)

// inboxPerPage is the size of a page of the inbox.
const inboxPerPage = 50

func (s *Server) inboxPage(c *fiber.Ctx) error {
	f := views.InboxFilter{Search: truncateRunes(strings.TrimSpace(c.Query("q")), 100), OptOutOnly: c.Query("optout") == "1"}
	if ch := c.Query("channel"); ch == "sms" || ch == "whatsapp" {
		f.Channel = ch
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	before = max(before, 0)
	page, err := s.store.Inbox(c.UserContext(), store.InboxQuery{Search: f.Search, Channel: f.Channel, OptOutOnly: f.OptOutOnly,
		Before: before, Limit: inboxPerPage})
	if err != nil {
		return err
	}
	d := views.InboxData{Filter: f, Before: before, Next: page.Next}
	for _, in := range page.Items {
		d.Replies = append(d.Replies, replyView(in))
	}
	if err := s.withReplyTeams(c, &d); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.InboxPage(d))
}

// conversationPhone is the :phone of a conversation's address.
func conversationPhone(c *fiber.Ctx) (string, error) {
	phone := c.Params("phone")
	if phone == "" || len(phone) > 20 || strings.Trim(phone, "0123456789") != "" {
		return "", fiber.ErrNotFound
	}
	return phone, nil
}

// conversationPage shows everything exchanged with one number, and marks
// its replies read.
func (s *Server) conversationPage(c *fiber.Ctx) error {
	phone, err := conversationPhone(c)
	if err != nil {
		return err
	}
	d, err := s.conversationData(c, phone, views.Form{Values: map[string]string{}, Errors: views.FieldErrors{}})
	if err != nil {
		return err
	}
	if d.Team.State.IsUnread() {
		if err := s.store.MarkConversationRead(c.UserContext(), phone, s.now().UTC()); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, views.ConversationPage(d))
}

// conversationData is what a conversation page shows, with the answer
// form f.
func (s *Server) conversationData(c *fiber.Ctx, phone string, f views.Form) (views.ConversationData, error) {
	entries, profile, err := s.chatEntries(c.UserContext(), phone)
	if err != nil {
		return views.ConversationData{}, err
	}
	d := views.ConversationData{Phone: phone, Entries: entries, ProfileName: profile}
	sp, err := s.store.SuppressionByPhone(c.UserContext(), phone)
	switch {
	case err == nil:
		d.Suppressed, d.SuppressedReason, d.SuppressedAt = true, sp.Reason, sp.CreatedAt
	case !errors.Is(err, store.ErrNotFound):
		return d, err
	}
	return d, s.withTeam(c, &d, f)
}

// chatEntries is what was exchanged with a number, in time order: the
// replies, the campaign messages (with their lists) and the answers sent
// from the conversation with their delivery; and the contact's profile
// name.
func (s *Server) chatEntries(ctx context.Context, phone string) ([]views.ChatEntry, string, error) {
	entries, err := s.store.Conversation(ctx, phone, 200)
	if err != nil {
		return nil, "", err
	}
	var out []views.ChatEntry
	profile := ""
	var texts message.Renderer
	var campaigns []int64
	for _, e := range entries {
		ce := views.ChatEntry{At: e.At}
		if e.In != nil {
			r := replyView(*e.In)
			ce.In = &r
			if r.ProfileName != "" {
				profile = r.ProfileName
			}
		}
		if e.Out != nil {
			ce.Out = &views.Sent{MessageID: e.Out.MessageID, CampaignID: e.Out.CampaignID, CampaignName: e.Out.CampaignName, Channel: e.Out.Channel,
				Text: texts.Render(e.Out.Template, e.Out.Columns, e.Out.Fields), State: sentState(*e.Out), Carrier: e.Out.Carrier}
			campaigns = append(campaigns, e.Out.CampaignID)
		}
		out = append(out, ce)
	}
	out = replyAfterMessage(out)
	lists, err := s.store.CampaignListNames(ctx, campaigns)
	if err != nil {
		return nil, "", err
	}
	for _, e := range out {
		if e.Out != nil {
			e.Out.ListName = lists[e.Out.CampaignID]
		}
	}
	answers, err := s.store.Answers(ctx, phone, 200)
	if err != nil {
		return nil, "", err
	}
	now := s.now().UTC()
	for _, a := range answers {
		out = append(out, views.ChatEntry{At: a.CreatedAt, Answer: &views.AnswerView{Channel: a.Channel, Kind: a.Kind, Text: a.Text,
			MediaURL: safeMediaURL(a.MediaURL), State: a.StateAt(now), Reason: a.Reason, UserEmail: a.UserEmail}})
	}
	slices.SortStableFunc(out, func(a, b views.ChatEntry) int { return a.At.Compare(b.At) })
	return out, profile, nil
}

// conversationEvents streams the conversation's messages while it is
// open (serveLive), so each answer's state (sending, sent, delivered,
// read, failed) changes on the page as its statuses are applied. since is
// the last reply the page showed as read, to keep marking newer ones new.
func (s *Server) conversationEvents(c *fiber.Ctx) error {
	phone, err := conversationPhone(c)
	if err != nil {
		return err
	}
	since, _ := strconv.ParseInt(c.Query("since"), 10, 64)
	return s.serveLive(c, liveStream{name: "conversation", every: conversationRefresh,
		render: func(ctx context.Context) ([]byte, bool, error) {
			entries, _, err := s.chatEntries(ctx, phone)
			if err != nil {
				return nil, true, err
			}
			d := views.ConversationData{Phone: phone, Entries: entries, Team: views.ConversationTeam{NewSince: since}}
			frame, err := sseFrame(ctx, "chat", views.ConversationChat(d))
			return frame, false, err
		}})
}

// conversationRefresh is how often an open conversation looks again at
// its messages (a frame goes out only when something changed).
const conversationRefresh = 2 * time.Second

// replyAfterMessage keeps a reply below the message it answers: the
// provider's clock may stamp a quick reply a moment before our own
// submission time.
func replyAfterMessage(entries []views.ChatEntry) []views.ChatEntry {
	sentAt := map[int64]time.Time{}
	for _, e := range entries {
		if e.Out != nil {
			sentAt[e.Out.MessageID] = e.At
		}
	}
	type keyed struct {
		e   views.ChatEntry
		at  time.Time
		out bool
	}
	ks := make([]keyed, len(entries))
	for i, e := range entries {
		ks[i] = keyed{e, e.At, e.Out != nil}
		if e.In != nil && e.In.MessageID != 0 {
			if t, ok := sentAt[e.In.MessageID]; ok && t.After(e.At) {
				ks[i].at = t
			}
		}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if !ks[i].at.Equal(ks[j].at) {
			return ks[i].at.Before(ks[j].at)
		}
		return ks[i].out && !ks[j].out
	})
	out := make([]views.ChatEntry, len(ks))
	for i, k := range ks {
		out[i] = k.e
	}
	return out
}

// sentState is the furthest thing known about a message sent.
func sentState(o store.Outbound) string {
	const sentOK, deliveredOK = 2, 4
	switch {
	case !o.ReadAt.IsZero():
		return "read"
	case o.DeliveredCode == deliveredOK:
		return "delivered"
	case o.DeliveredCode != 0:
		return "failed"
	case o.SentCode == sentOK:
		return "sent"
	case o.SentCode != 0:
		return "failed"
	}
	return "accepted"
}

// replyView turns a stored reply into what the page shows, reading from a
// WhatsApp payload what the reply carried besides its text: a button's
// code, the ad or post the conversation started from, a location's name
// and address, and each contact card.
func replyView(in store.Inbound) views.Reply {
	r := views.Reply{ID: in.ID, Channel: in.Channel, Phone: in.Phone, ProfileName: in.ProfileName, Kind: in.Kind, Text: in.Text,
		At: in.ReceivedAt, CampaignID: in.CampaignID, CampaignName: in.CampaignName, MessageID: in.MessageID, OptOut: in.OptOut}
	if safeLink(in.MediaURL) {
		r.MediaURL = in.MediaURL
	}
	if in.Channel != "whatsapp" || in.Payload == "" {
		return r
	}
	var mo wavy.WhatsAppMO
	if err := json.Unmarshal([]byte(in.Payload), &mo); err != nil {
		return r
	}
	m := mo.Message
	if r.Kind == "BUTTON" && m.Payload != "" && m.Payload != m.MessageText {
		r.ButtonPayload = m.Payload
	}
	if ref := mo.Referral; ref != nil {
		r.Referral = &views.ReplyReferral{Headline: ref.HeadLine, Body: ref.Body, Source: strings.ToLower(ref.SourceType),
			MediaKind: strings.ToLower(ref.MediaType)}
		if safeLink(ref.SourceURL) {
			r.Referral.URL = ref.SourceURL
		}
	}
	if l := m.Location; l != nil {
		r.PlaceName, r.PlaceAddress = l.Name, l.Address
		if r.Text == strings.TrimSpace(strings.Join([]string{l.Name, l.Address}, " ")) {
			r.Text = "" // said by the place's name and address
		}
		if lat, lng, ok := l.LatLng(); ok {
			r.GeoPoint = fmt.Sprintf("%.5f, %.5f", lat, lng)
			r.MapURL = fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f", lat, lng, lat, lng)
		}
	}
	for _, ct := range m.Contacts {
		var parts []string
		if ct.Name != nil {
			n := ct.Name.FormattedName
			if strings.TrimSpace(n) == "" {
				n = strings.Join([]string{ct.Name.FirstName, ct.Name.MiddleName, ct.Name.LastName}, " ")
			}
			if n = strings.Join(strings.Fields(n), " "); n != "" {
				parts = append(parts, n)
			}
		}
		for _, p := range ct.Phones {
			if p.Phone != "" {
				parts = append(parts, p.Phone)
			}
		}
		for _, e := range ct.Emails {
			if e.Email != "" {
				parts = append(parts, e.Email)
			}
		}
		if o := ct.Org; o != nil {
			if org := strings.Join(strings.Fields(strings.Join([]string{o.Title, o.Company}, " ")), " "); org != "" {
				parts = append(parts, org)
			}
		}
		if len(parts) > 0 {
			r.Contacts = append(r.Contacts, strings.Join(parts, " · "))
		}
	}
	return r
}

// safeLink accepts http(s) links only: a payload could carry javascript:.
func safeLink(u string) bool {
	l := strings.ToLower(u)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}
