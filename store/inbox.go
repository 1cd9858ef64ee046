package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"arauto/internal/recipient"
)

// Inbound is a reply (MO), SMS or WhatsApp, as the applier stored it.
type Inbound struct {
	ID int64
	// Channel is "sms" or "whatsapp".
	Channel string
	// ProviderID is the provider's id of the MO (unique).
	ProviderID string
	// Phone is the sender, E.164 digits.
	Phone string
	// ProfileName is the sender's WhatsApp profile name.
	ProfileName string
	// Kind is TEXT, BUTTON, IMAGE, AUDIO, DOCUMENT, LOCATION, CONTACTS, MEDIA.
	Kind string
	// Text is the text, a button's label, a media caption or a location's
	// name and address.
	Text string
	// MediaURL downloads the media the sender shared.
	MediaURL string
	// Payload is the MO as received, JSON.
	Payload string
	// ReceivedAt is when the provider received it.
	ReceivedAt time.Time
	// CampaignID and MessageID name the message the reply answers; 0 when
	// the MO did not say or named a message that is not ours.
	CampaignID, MessageID int64
	// CampaignName is the campaign's name, when linked.
	CampaignName string
	// OptOut marks replies that were an opt-out keyword (the number was
	// suppressed).
	OptOut bool
	// EventID is the raw event it came from.
	EventID int64
}

// InboxQuery selects and pages the inbox. Pages go from the newest reply
// back: pass the previous page's Next as Before for the next one.
type InboxQuery struct {
	// Search matches the number (when it is digits, with or without +,
	// spaces, dashes or parentheses) or else the text and profile name,
	// case-insensitively.
	Search string
	// Channel keeps "sms" or "whatsapp" replies only; "" for both.
	Channel string
	// CampaignID keeps replies to one campaign; 0 for all.
	CampaignID int64
	// OptOutOnly keeps opt-outs only.
	OptOutOnly bool
	// Before is the id cursor: only replies older than it; 0 for the newest.
	Before int64
	// Limit is the page size; default 50, at most 500.
	Limit int
}

// InboxPage is one page of replies, newest first.
type InboxPage struct {
	Items []Inbound
	// Next is the cursor of the following (older) page; 0 when this is the
	// last.
	Next int64
}

const inboundColumns = `i.id, i.channel, i.provider_id, i.phone, i.profile_name, i.kind, i.text, i.media_url, i.payload,
	i.received_at, coalesce(i.campaign_id, 0), coalesce(i.message_id, 0), coalesce(c.name, ''), i.opt_out, i.event_id`

func scanInbound(rows *sql.Rows) (Inbound, error) {
	var in Inbound
	var at int64
	err := rows.Scan(&in.ID, &in.Channel, &in.ProviderID, &in.Phone, &in.ProfileName, &in.Kind, &in.Text, &in.MediaURL, &in.Payload,
		&at, &in.CampaignID, &in.MessageID, &in.CampaignName, &in.OptOut, &in.EventID)
	in.ReceivedAt = fromMS(at)
	return in, err
}

// phoneSearch returns the digits of s when s is a phone number as people
// type it, else "".
func phoneSearch(s string) string {
	d := digits(s)
	if len(d) < 3 {
		return ""
	}
	if strings.Trim(s, "0123456789+-() .") != "" {
		return ""
	}
	return d
}

// likeEscape escapes LIKE wildcards (with \ as the escape character).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Inbox lists replies, newest first, a page at a time.
func (s *Store) Inbox(ctx context.Context, q InboxQuery) (InboxPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	var where []string
	var args []any
	if q.Before > 0 {
		where, args = append(where, "i.id < ?"), append(args, q.Before)
	}
	if q.Channel != "" {
		where, args = append(where, "i.channel = ?"), append(args, q.Channel)
	}
	if q.CampaignID > 0 {
		where, args = append(where, "i.campaign_id = ?"), append(args, q.CampaignID)
	}
	if q.OptOutOnly {
		where = append(where, "i.opt_out = 1")
	}
	if term := strings.TrimSpace(q.Search); term != "" {
		if d := phoneSearch(term); d != "" {
			where, args = append(where, `i.phone LIKE ? ESCAPE '\'`), append(args, "%"+d+"%")
		} else {
			pat := "%" + likeEscape(term) + "%"
			where, args = append(where, `(i.text LIKE ? ESCAPE '\' OR i.profile_name LIKE ? ESCAPE '\')`), append(args, pat, pat)
		}
	}
	query := "SELECT " + inboundColumns + " FROM inbound i LEFT JOIN campaigns c ON c.id = i.campaign_id"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY i.id DESC LIMIT ?"
	args = append(args, q.Limit+1)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return InboxPage{}, fmt.Errorf("store: inbox: %w", err)
	}
	defer rows.Close()
	var page InboxPage
	for rows.Next() {
		in, err := scanInbound(rows)
		if err != nil {
			return InboxPage{}, fmt.Errorf("store: inbox: %w", err)
		}
		page.Items = append(page.Items, in)
	}
	if err := rows.Err(); err != nil {
		return InboxPage{}, fmt.Errorf("store: inbox: %w", err)
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		page.Next = page.Items[q.Limit-1].ID
	}
	return page, nil
}

// Outbound is a message sent to a contact, as a conversation shows it.
type Outbound struct {
	MessageID, CampaignID int64
	CampaignName          string
	Channel               string
	// Template is the campaign's message; Columns its list's fields and
	// Fields the recipient's, to render it with (message.Renderer).
	Template        string
	Columns, Fields []string
	// State is the dispatcher's state (accepted once the provider took it).
	State string
	// SubmittedAt is when the provider accepted it.
	SubmittedAt time.Time
	// The delivery facts; zero when not (yet) known.
	Carrier                 string
	SentCode, DeliveredCode int
	SentAt, DeliveredAt     time.Time
	ReadAt                  time.Time
	// ClickedAt is the first click on one of its tracked links; Clicks
	// how many (previews left out).
	ClickedAt time.Time
	Clicks    int64
}

// ConversationEntry is one message of a conversation: a reply (In) or a
// message sent (Out).
type ConversationEntry struct {
	At  time.Time
	In  *Inbound
	Out *Outbound
}

// Conversation returns the last limit messages exchanged with a number
// (replies received and campaign messages the provider accepted), oldest
// first, newest last. limit defaults to 100, at most 1000.
func (s *Store) Conversation(ctx context.Context, phone string, limit int) ([]ConversationEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	phone = digits(phone)
	var out []ConversationEntry
	rows, err := s.r.QueryContext(ctx, "SELECT "+inboundColumns+` FROM inbound i LEFT JOIN campaigns c ON c.id = i.campaign_id
		WHERE i.phone = ? ORDER BY i.received_at DESC, i.id DESC LIMIT ?`, phone, limit)
	if err != nil {
		return nil, fmt.Errorf("store: conversation with %s: %w", phone, err)
	}
	for rows.Next() {
		in, err := scanInbound(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: conversation with %s: %w", phone, err)
		}
		out = append(out, ConversationEntry{At: in.ReceivedAt, In: &in})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: conversation with %s: %w", phone, err)
	}
	// The messages sent to the number are found through the list rows
	// that hold it, in each campaign's list (recipient_numbers, by its
	// last four digits),
	// then by row in the campaign's outbox: no index by phone is kept on
	// the outbox, whose writes must stay cheap while sending. Answers
	// travel the outbox too; they are shown as answers (Answers), not here.
	rows, err = s.r.QueryContext(ctx, `SELECT m.id, m.campaign_id, c.name, c.channel, coalesce(c.message, ''), coalesce(l.columns, ''),
			r.fields, m.state, m.submitted_at, m.carrier, m.sent_code, m.delivered_code, m.sent_at, m.delivered_at, m.read_at,
			m.clicked_at, m.clicks
		FROM campaigns c
		CROSS JOIN recipient_numbers n ON n.list_id = c.list_id AND n.last4 = substr(?1, length(?1) - 3)
		CROSS JOIN recipients r ON r.list_id = n.list_id AND r.row = n.row AND r.phone = ?1
		CROSS JOIN messages m INDEXED BY messages_campaign_row ON m.campaign_id = c.id AND m.row = n.row
		LEFT JOIN lists l ON l.id = c.list_id
		WHERE c.list_id IS NOT NULL AND m.state = 'accepted'
			AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.message_id = m.id)
		ORDER BY m.submitted_at DESC LIMIT ?2`, phone, limit)
	if err != nil {
		return nil, fmt.Errorf("store: conversation with %s: %w", phone, err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Outbound
		var tpl, columns, fields string
		var submitted, sent, deliv, read, clicked int64
		if err := rows.Scan(&o.MessageID, &o.CampaignID, &o.CampaignName, &o.Channel, &tpl, &columns, &fields, &o.State, &submitted,
			&o.Carrier, &o.SentCode, &o.DeliveredCode, &sent, &deliv, &read, &clicked, &o.Clicks); err != nil {
			return nil, fmt.Errorf("store: conversation with %s: %w", phone, err)
		}
		o.SubmittedAt, o.SentAt, o.DeliveredAt, o.ReadAt = fromMS(submitted), fromMS(sent), fromMS(deliv), fromMS(read)
		o.ClickedAt = fromMS(clicked)
		o.Template = tpl
		if columns != "" {
			o.Columns = strings.Split(columns, recipient.FieldSeparator)
		}
		if fields != "" {
			o.Fields = strings.Split(fields, recipient.FieldSeparator)
		}
		out = append(out, ConversationEntry{At: o.SubmittedAt, Out: &o})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: conversation with %s: %w", phone, err)
	}
	// Oldest first; on equal times a message sent comes before its reply.
	slices.SortStableFunc(out, func(a, b ConversationEntry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if (a.Out != nil) != (b.Out != nil) {
			if a.Out != nil {
				return -1
			}
			return 1
		}
		return 0
	})
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}
