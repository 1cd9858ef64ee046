package views

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Reply is one inbound message as the inbox shows it (store.Inbound's
// shape plus what the payload adds, repeated here because views must not
// import store).
type Reply struct {
	ID          int64
	Channel     string // sms | whatsapp
	Phone       string // E.164 digits
	ProfileName string
	Kind        string // TEXT, BUTTON, IMAGE, AUDIO, DOCUMENT, LOCATION, CONTACTS, MEDIA
	Text        string
	MediaURL    string
	MapURL      string // LOCATION with a readable geoPoint
	GeoPoint    string
	Contacts    []string // CONTACTS: "Name · +55 11 ... · e-mail · company" per card
	// PlaceName and PlaceAddress describe a shared location.
	PlaceName, PlaceAddress string
	// ButtonPayload is the code a quick-reply button sends, when it
	// differs from its label (the Text).
	ButtonPayload string
	// Referral is the ad or post a click-to-WhatsApp conversation
	// started from; nil for none.
	Referral     *ReplyReferral
	At           time.Time
	CampaignID   int64
	CampaignName string
	MessageID    int64
	OptOut       bool
	// ListName is the list of the campaign answered; Team the state of the
	// number's conversation (unread, assigned, closed).
	ListName string
	Team     ReplyTeam
}

// ReplyReferral is the ad or post a reply's conversation started from.
type ReplyReferral struct {
	Headline, Body string
	// Source is "ad", "post" or "" (unknown).
	Source string
	// URL leads to it (http(s) only); MediaKind is "image", "video" or "".
	URL, MediaKind string
}

// InboxFilter is the inbox's query as the page shows it.
type InboxFilter struct {
	Search     string
	Channel    string
	OptOutOnly bool
}

// InboxData is what the Inbox page shows.
type InboxData struct {
	Filter  InboxFilter
	Replies []Reply
	// Before is the cursor this page was opened with (0 for the newest);
	// Next the cursor of the following page (0 when none).
	Before, Next int64
	// Unread counts the conversations with unread replies.
	Unread int
}

// query renders the filter as a query string, plus a cursor.
func (f InboxFilter) query(before int64) string {
	v := url.Values{}
	if f.Search != "" {
		v.Set("q", f.Search)
	}
	if f.Channel != "" {
		v.Set("channel", f.Channel)
	}
	if f.OptOutOnly {
		v.Set("optout", "1")
	}
	if before > 0 {
		v.Set("before", fmt.Sprint(before))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (d InboxData) nextURL() string  { return "/inbox" + d.Filter.query(d.Next) }
func (d InboxData) firstURL() string { return "/inbox" + d.Filter.query(0) }

// Sent is one message we sent, as a conversation shows it.
type Sent struct {
	MessageID    int64
	CampaignID   int64
	CampaignName string
	Channel      string
	Text         string
	State        string // the furthest delivery fact: accepted, sent, delivered, read, failed
	Carrier      string
	At           time.Time
	// ListName is the campaign's list.
	ListName string
}

// ChatEntry is one bubble of a conversation: In or Out is set.
type ChatEntry struct {
	At  time.Time
	In  *Reply
	Out *Sent
	// Answer is an answer an operator sent from the conversation.
	Answer *AnswerView
}

// ConversationData is what a conversation page shows.
type ConversationData struct {
	Phone       string
	ProfileName string
	Entries     []ChatEntry
	// Suppressed is set when the number is on the suppression list, with
	// its reason.
	Suppressed       bool
	SuppressedReason string
	SuppressedAt     time.Time
	// Team is what the team does with the conversation: answer, assign,
	// close (conversation_team.templ).
	Team ConversationTeam
}

func inboxPhoneURL(phone string) string { return "/inbox/" + url.PathEscape(phone) }

func inboxCampaignURL(id int64) string { return fmt.Sprintf("/campaigns/%d", id) }

func channelLabel(ctx context.Context, ch string) string {
	if ch == "whatsapp" {
		return "WhatsApp"
	}
	return "SMS"
}

// kindLabel names what a reply is when it is not plain text.
func kindLabel(ctx context.Context, kind string) string {
	switch kind {
	case "BUTTON", "IMAGE", "AUDIO", "DOCUMENT", "LOCATION", "CONTACTS", "MEDIA", "VIDEO", "STICKER":
		return T(ctx, "inbox.kind."+strings.ToLower(kind))
	}
	return ""
}

func kindIcon(kind string) string {
	switch kind {
	case "BUTTON":
		return "▣"
	case "IMAGE", "STICKER":
		return "▨"
	case "AUDIO":
		return "♪"
	case "VIDEO":
		return "▶"
	case "DOCUMENT", "MEDIA":
		return "▤"
	case "LOCATION":
		return "◉"
	case "CONTACTS":
		return "☺"
	}
	return ""
}

func sentStateBadge(state string) string {
	switch state {
	case "delivered", "read":
		return "badge-ok"
	case "failed", "expired":
		return "badge-err"
	}
	return "badge-muted"
}

// initials are the avatar letters of a contact.
func contactInitial(name, phone string) string {
	if r := []rune(strings.TrimSpace(name)); len(r) > 0 {
		return strings.ToUpper(string(r[0]))
	}
	if len(phone) >= 2 {
		return phone[len(phone)-2:]
	}
	return "#"
}

// SuppressionRow is one number of the suppression list.
type SuppressionRow struct {
	Phone     string
	Reason    string
	Note      string
	CreatedAt time.Time
}

// ImportResult sums up a file uploaded to the suppression list.
type ImportResult struct {
	File                    string
	Added, Already, Invalid int
}

// SuppressionData is what the Suppression page shows.
type SuppressionData struct {
	Rows    []SuppressionRow
	Total   int // matching the search
	All     int // on the list
	Reasons map[string]int
	Search  string
	Reason  string
	After   string // this page's cursor ("" for the first)
	Next    string
	// Form is the add-one form (its value and error).
	Form Form
	// ImportError explains a refused upload; Import reports a done one.
	ImportError string
	Import      *ImportResult
	MaxMB       int
}

// SuppressionReasons are the reasons in the order the page lists them.
var SuppressionReasons = []string{"opt-out", "opted-out", "blacklisted", "manual", "import"}

func (d SuppressionData) url(after, reason string) string {
	v := url.Values{}
	if d.Search != "" {
		v.Set("q", d.Search)
	}
	if reason != "" {
		v.Set("reason", reason)
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return "/suppression"
	}
	return "/suppression?" + v.Encode()
}

func suppressionReasonLabel(ctx context.Context, r string) string {
	switch r {
	case "opt-out", "opted-out", "blacklisted", "manual", "import":
		return T(ctx, "suppression.reason."+r)
	}
	return r
}

func suppressionReasonBadge(r string) string {
	switch r {
	case "opt-out", "opted-out":
		return "badge-warn-soft"
	case "blacklisted":
		return "badge-err"
	case "manual":
		return "badge-muted"
	}
	return "badge"
}

func suppressionDeleteURL(phone string) string {
	return "/suppression/" + url.PathEscape(phone) + "/delete"
}
