package delivery

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/dispatch"
	"arauto/internal/optout"
	"arauto/internal/report"
	"arauto/internal/wavy"
)

// Reply is a reply (MO), SMS or WhatsApp, ready to be stored in the inbox.
type Reply struct {
	// Channel is "sms" or "whatsapp".
	Channel string
	// ProviderID is the provider's id of the MO (unique): storing a reply
	// twice keeps the first.
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
	// OptOut marks replies that were an opt-out keyword (the number is
	// suppressed).
	OptOut bool
	// OptIn is the opt-in keyword the reply was (config.OptInKeywords),
	// "" when none: the store records it as the person's consent.
	OptIn string
	// EventID is the raw event it came from.
	EventID int64
}

// ref is a message named by a correlationId, or by the provider's id for
// a status without one (SMPP receipts; see link.go).
type ref struct {
	corr                  string
	campaignID, messageID int64
	ours                  bool
	// unlinked marks a provider id no message is linked to (yet).
	unlinked bool
}

func parseRef(corr string) ref {
	c, m, ok := dispatch.ParseCorrelationID(corr)
	return ref{corr: corr, campaignID: c, messageID: m, ours: ok}
}

// statusItem is one status entry of an event; providerID is the
// provider's id of the message it is about.
type statusItem struct {
	ref
	fact fact
	// providerID is the provider's id of the message: what links the
	// status when it names no correlationId, and what a status that proves
	// a send was accepted records.
	providerID string
}

// replyItem is one reply of an event; keyword is the opt-out keyword it
// matched, if any.
type replyItem struct {
	ref
	in      Reply
	keyword string
}

// parsed is an event read into its items. Times are unix ms.
type parsed struct {
	id         int64
	receivedAt int64
	attempts   int
	statuses   []statusItem
	replies    []replyItem
	err        error
}

// parse reads an event's body into status and reply items. It needs no
// store, so a batch is parsed on every core before the writer is taken.
func parse(ev Event, kw optout.Matcher) parsed {
	p := parsed{id: ev.ID, receivedAt: firstMS(0, ev.ReceivedAt), attempts: ev.Attempts}
	switch ev.Kind {
	case KindSMSStatus:
		sts, err := wavy.ParseSMSStatus(ev.Body)
		p.err = err
		for _, st := range sts {
			p.statuses = append(p.statuses, statusItem{parseRef(st.CorrelationID), smsFact(st, p.receivedAt), st.ID})
		}
	case KindWhatsAppStatus:
		sts, err := wavy.ParseWhatsAppStatus(ev.Body)
		p.err = err
		for _, st := range sts {
			p.statuses = append(p.statuses, statusItem{parseRef(st.CorrelationID), waFact(st, p.receivedAt), st.ID})
		}
	case KindSMSMO:
		mos, err := wavy.ParseSMSMO(ev.Body)
		p.err = err
		for i, mo := range mos {
			p.replies = append(p.replies, smsReply(p, i, mo, kw))
		}
	case KindWhatsAppMO:
		mos, err := wavy.ParseWhatsAppMO(ev.Body)
		p.err = err
		for i, mo := range mos {
			p.replies = append(p.replies, waReply(p, i, mo, kw))
		}
	default:
		p.err = fmt.Errorf("unknown kind %q", ev.Kind)
	}
	return p
}

// Status codes the fold treats specially (see wavy's catalogue).
const (
	codeSentSuccess      = 2
	codeDeliveredSuccess = 4
	codeExpired          = 101
	codeMessageSplit     = 401
	codeBlacklisted      = 203
)

// statusCode resolves a code given as a number, a name or both; 0 when
// neither says anything.
func statusCode(code int, name string) int {
	if code != 0 {
		return code
	}
	if sc, ok := wavy.LookupStatusName(name); ok {
		return sc.Code
	}
	return 0
}

func known(code int) bool {
	_, ok := wavy.LookupStatus(code)
	return ok
}

// firstMS returns the first non-zero time in unix ms, else fallback.
func firstMS(fallback int64, ts ...time.Time) int64 {
	for _, t := range ts {
		if !t.IsZero() {
			return t.UnixMilli()
		}
	}
	return fallback
}

// evidence is a time an entry may give for a level, with its rank.
type evidence struct {
	at   time.Time
	rank uint8
}

// bestTime returns the first time given, with its rank, else the event's
// arrival (rankArrival).
func bestTime(received int64, ev ...evidence) (int64, uint8) {
	for _, e := range ev {
		if !e.at.IsZero() {
			return e.at.UnixMilli(), e.rank
		}
	}
	return received, rankArrival
}

// ownOr is rankOwn when the entry is about that level, else rankImplied.
func ownOr(own bool) uint8 {
	if own {
		return rankOwn
	}
	return rankImplied
}

// smsFact reads an SMS callback or DLR. A DLR implies the sent status it
// repeats; MESSAGE_SPLIT (401) is informational and says nothing about
// delivery. A callback's sent time and a DLR's delivered time are their
// own (rankOwn); the sent time a DLR repeats is only implied, so a late
// DLR does not rewrite the callback's. When the entry has no time for a
// status, the event's arrival stands in (an upper bound; any time given
// by another event wins).
func smsFact(st wavy.SMSStatus, received int64) fact {
	f := fact{carrier: report.CarrierName(st.CarrierName)}
	isDLR := st.DeliveredStatusCode != 0 || st.DeliveredStatus != ""
	f.sentCode = statusCode(st.SentStatusCode, st.SentStatus)
	f.delivCode = statusCode(st.DeliveredStatusCode, st.DeliveredStatus)
	if f.delivCode == codeMessageSplit {
		f.delivCode = 0
	}
	if f.delivCode != 0 && f.sentCode == 0 {
		f.sentCode = codeSentSuccess
	}
	if f.sentCode != 0 {
		f.sentAt, f.sentRank = bestTime(received, evidence{st.SentAt, ownOr(!isDLR)})
	}
	if f.delivCode != 0 {
		f.delivAt, f.delivRank = bestTime(received, evidence{st.DeliveredAt, rankOwn})
	}
	f.updatedAt = max(f.sentAt, f.delivAt)
	return f
}

// waFact reads a WhatsApp status: the levels it reached, each with its
// code. The flags stand in for codes the catalogue does not know (the
// documentation's example has sentStatusCode 1), and a read message was
// delivered and sent. The entry is about its furthest level: that level's
// time is its own, the others' only implied.
func waFact(st wavy.WhatsAppStatus, received int64) fact {
	var f fact
	f.sentCode = statusCode(st.SentStatusCode, st.SentStatus)
	if (f.sentCode == 0 || !known(f.sentCode)) && st.Sent {
		f.sentCode = codeSentSuccess
	}
	f.delivCode = statusCode(st.DeliveredStatusCode, st.DeliveredStatus)
	if (f.delivCode == 0 || !known(f.delivCode)) && (st.Delivered || st.Read) {
		f.delivCode = codeDeliveredSuccess
	}
	if f.delivCode == codeMessageSplit {
		f.delivCode = 0
	}
	if f.delivCode != 0 && f.sentCode == 0 {
		f.sentCode = codeSentSuccess
	}
	aboutRead := st.Read
	aboutDelivery := !aboutRead && f.delivCode != 0
	if st.Read {
		f.readAt, f.readRank = bestTime(received, evidence{st.ReadAt, rankOwn}, evidence{st.UpdatedAt, rankImplied})
	}
	if f.delivCode != 0 {
		f.delivAt, f.delivRank = bestTime(received, evidence{st.DeliveredAt, ownOr(aboutDelivery)},
			evidence{st.ReadAt, rankImplied}, evidence{st.UpdatedAt, rankImplied})
	}
	if f.sentCode != 0 {
		f.sentAt, f.sentRank = bestTime(received, evidence{st.SentAt, ownOr(!aboutRead && !aboutDelivery)},
			evidence{st.DeliveredAt, rankImplied}, evidence{st.ReadAt, rankImplied}, evidence{st.UpdatedAt, rankImplied})
	}
	f.updatedAt = max(f.sentAt, f.delivAt, f.readAt, firstMS(0, st.UpdatedAt))
	return f
}

// ReplyNumber is the number a reply or a provider's session row came from
// (as the provider wrote it) in the form replies are stored and looked up
// by: its digits, E.164 without the plus, as the outbox and the
// suppression list keep numbers.
func ReplyNumber(source string) string { return digits(source) }

// digits keeps the digits of a phone number (E.164 without the plus, the
// form the outbox and the suppression list use).
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// providerID is the MO's id, or one derived from the event for the rare
// MO without (so that re-applying the event stays a no-op).
func providerID(id string, ev parsed, i int) string {
	if id != "" {
		return id
	}
	return "event-" + strconv.FormatInt(ev.id, 10) + "-" + strconv.Itoa(i)
}

func smsReply(ev parsed, i int, mo wavy.SMSMO, kw optout.Matcher) replyItem {
	it := replyItem{in: Reply{
		Channel: "sms", ProviderID: providerID(mo.ID, ev, i), Phone: digits(mo.Source), Kind: "TEXT",
		Text: mo.MessageText, ReceivedAt: time.UnixMilli(firstMS(ev.receivedAt, mo.ReceivedAt)).UTC(),
	}}
	if b, err := json.Marshal(mo); err == nil {
		it.in.Payload = string(b)
	}
	if mo.MT != nil {
		it.ref = parseRef(mo.MT.CorrelationID)
	}
	it.keyword, _ = kw.Keyword(mo.MessageText)
	return it
}

func waReply(ev parsed, i int, mo wavy.WhatsAppMO, kw optout.Matcher) replyItem {
	m := mo.Message
	text := m.MessageText
	if text == "" {
		text = m.Caption
	}
	if text == "" && m.Location != nil {
		text = strings.TrimSpace(strings.Join([]string{m.Location.Name, m.Location.Address}, " "))
	}
	it := replyItem{in: Reply{
		Channel: "whatsapp", ProviderID: providerID(mo.ID, ev, i), Phone: digits(mo.Source),
		ProfileName: mo.UserProfile.Name, Kind: m.Kind(), Text: text, MediaURL: m.MediaURL,
		ReceivedAt: time.UnixMilli(firstMS(ev.receivedAt, mo.ReceivedAt)).UTC(),
	}}
	if b, err := json.Marshal(mo); err == nil {
		it.in.Payload = string(b)
	}
	it.ref = parseRef(mo.CorrelationID)
	// Typed text and a quick-reply button both count.
	if k, ok := kw.Keyword(m.MessageText); ok {
		it.keyword = k
	} else if k, ok := kw.Keyword(m.Payload); ok && m.Payload != "" {
		it.keyword = k
	}
	return it
}
