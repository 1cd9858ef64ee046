package inbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/sms"
	"arauto/internal/transactional"
)

// Channels of a conversation.
const (
	SMS      = "sms"
	WhatsApp = "whatsapp"
)

// Answer states as the conversation shows them. An answer travels the
// dispatcher's outbox: sending until the provider took it, then sent,
// delivered or read as its statuses arrive, or failed. Unknown is an
// answer whose fate nobody can tell (a WhatsApp answer cut off by a crash,
// which the provider cannot be asked about).
const (
	Sending   = "sending"
	Sent      = "sent"
	Delivered = "delivered"
	Read      = "read"
	Failed    = "failed"
	Unknown   = "unknown"
	// Accepted is the state of answers sent before they travelled the
	// outbox (kept as they were stored).
	Accepted = "accepted"
)

// StaleSending is how long an answer sent by the old direct path may stay
// "sending" before it reads as unknown: a request takes seconds, so one
// older was cut off by a crash. Answers in the outbox never go stale: the
// dispatcher settles them.
const StaleSending = 2 * time.Minute

// MediaKinds are the kinds of file a WhatsApp answer may carry.
var MediaKinds = []string{message.WhatsAppImage, message.WhatsAppDocument, message.WhatsAppAudio}

// Draft is an answer as the operator wrote it.
type Draft struct {
	Phone   string
	Channel string
	// Text is the SMS or WhatsApp text, or the caption of an image or
	// document.
	Text string
	// MediaKind is "" or one of MediaKinds (WhatsApp only); MediaURL is
	// the file's http(s) address, whose extension gives its type.
	MediaKind, MediaURL string
	// Key, when set, makes the answer idempotent: a second Answer with
	// the same Key (an API retry after a crash) finds the first answer
	// and sends nothing. Callers scope it (the API token's id and the
	// request's Idempotency-Key).
	Key string
}

// Answer is an answer sent (or being sent) to a contact.
type Answer struct {
	ID            int64
	Phone         string
	Channel       string
	Kind          string // "text" or a media kind
	Text          string
	MediaURL      string
	MediaType     string
	CorrelationID string
	// State is the stored state: Sending for an answer in the outbox (its
	// Outcome tells the rest), or the old direct path's final state.
	State      string
	ProviderID string
	// Reason says why an answer failed, in the provider's words.
	Reason string
	// UserID is who answered; UserEmail names them (when read back).
	UserID     int64
	UserEmail  string
	CreatedAt  time.Time
	FinishedAt time.Time
	// MessageID is the answer's row in the dispatcher's outbox (0 for
	// answers sent before the outbox carried them); PublicID is its id as
	// a transactional message of the API (msg_...).
	MessageID int64
	PublicID  string
	// Outcome is the outbox row's state as people read it
	// (delivery.Status.Outcome), filled when read back.
	Outcome string
}

// StateAt is the answer's state as the conversation shows it.
func (a Answer) StateAt(now time.Time) string {
	if a.MessageID == 0 {
		if a.State == Sending && now.Sub(a.CreatedAt) > StaleSending {
			return Unknown
		}
		return a.State
	}
	switch a.Outcome {
	case "", "queued", "submitting":
		return Sending
	case "accepted", "sent", "sent-no-receipt", "unknown-no-receipt":
		return Sent
	case "delivered":
		return Delivered
	case "read":
		return Read
	case "unknown":
		return Unknown
	}
	// failed, not-delivered, expired, suppressed, cancelled, refused.
	return Failed
}

// mediaType is the documented type of the file at u for kind, or "".
func mediaType(kind, u string) string {
	ext := path.Ext(strings.SplitN(strings.SplitN(u, "?", 2)[0], "#", 2)[0])
	if t, ok := message.MediaTypeOf(kind, ext); ok {
		return t
	}
	return ""
}

// Problems checks a draft; keys are under "answer.problem.". channels are
// those the contact replied on.
func (d Draft) Problems(channels []string) []message.Problem {
	var ps []message.Problem
	add := func(field, key string, args ...any) {
		ps = append(ps, message.Problem{Field: field, Key: "answer.problem." + key, Args: args})
	}
	if !slices.Contains(channels, d.Channel) {
		add("channel", "channel")
		return ps
	}
	text := strings.TrimSpace(d.Text)
	switch d.Channel {
	case SMS:
		if d.MediaKind != "" || d.MediaURL != "" {
			add("media_url", "media_sms")
		}
		if text == "" {
			add("text", "text_required")
		} else if n := sms.Length(d.Text); n > sms.MaxLength {
			add("text", "too_long", sms.MaxLength, n)
		}
	case WhatsApp:
		switch {
		case d.MediaKind == "" && d.MediaURL != "":
			add("media_kind", "media_kind")
		case d.MediaKind == "":
			if text == "" {
				add("text", "text_required")
			} else if n := utf8.RuneCountInString(d.Text); n > message.MaxWhatsAppText {
				add("text", "too_long", message.MaxWhatsAppText, n)
			}
		case !slices.Contains(MediaKinds, d.MediaKind):
			add("media_kind", "media_kind")
		case !strings.HasPrefix(d.MediaURL, "https://") && !strings.HasPrefix(d.MediaURL, "http://"):
			add("media_url", "media_url")
		case mediaType(d.MediaKind, d.MediaURL) == "":
			add("media_url", "media_type", strings.Join(message.MediaExtensions(d.MediaKind), ", "))
		case d.MediaKind == message.WhatsAppAudio && text != "":
			add("text", "caption_audio")
		case utf8.RuneCountInString(d.Text) > message.MaxWhatsAppText:
			add("text", "too_long", message.MaxWhatsAppText, utf8.RuneCountInString(d.Text))
		}
	}
	return ps
}

// ProblemsError is a draft that cannot be sent as written.
type ProblemsError struct{ Problems []message.Problem }

func (e *ProblemsError) Error() string {
	keys := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		keys[i] = p.Field + ": " + p.Key
	}
	return "inbox: answer: " + strings.Join(keys, "; ")
}

// Refusals of an answer before it is sent.
var (
	// ErrNoSession: WhatsApp free-form content needs an open 24-hour session.
	ErrNoSession = errors.New("inbox: the contact's whatsapp session is closed")
	// ErrSuppressed: the number is on the suppression list.
	ErrSuppressed = errors.New("inbox: the number is on the suppression list")
)

// Store keeps answers and the state of conversations.
type Store interface {
	// ReplyChannels lists the channels the number replied on.
	ReplyChannels(ctx context.Context, phone string) ([]string, error)
	// IsSuppressed reports whether the number is on the suppression list.
	IsSuppressed(ctx context.Context, phone string) (bool, error)
	// EnqueueAnswer stores the answer and its row in the outbox of the
	// stream's hidden campaign (made when new) in one transaction, and
	// sets a's ID, MessageID and PublicID. When an answer with a's
	// CorrelationID exists it loads that one into a instead, writes
	// nothing and returns existed.
	EnqueueAnswer(ctx context.Context, a *Answer, st transactional.Stream, fields []string) (existed bool, err error)
	// MarkConversationRead marks every reply of the number read.
	MarkConversationRead(ctx context.Context, phone string, at time.Time) error
}

// Waker is the part of the dispatcher told that a message waits.
type Waker interface{ Wake() }

// Sessions tells which numbers have an open WhatsApp session.
type Sessions interface {
	OpenSessions(ctx context.Context, phones []string, now time.Time) (map[string]bool, error)
}

// Service answers replies.
type Service struct {
	Store      Store
	Dispatcher Waker
	Sessions   Sessions
	Now        func() time.Time
}

func newCorrelationID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "ans-" + hex.EncodeToString(b)
}

// keyedCorrelationID is the correlation of an answer asked for under a
// caller's key: the same key always names the same answer.
func keyedCorrelationID(key string) string {
	sum := sha256.Sum256([]byte("answer\x00" + key))
	return "ans-k" + hex.EncodeToString(sum[:12])
}

// Answer queues d for userID. It returns a *ProblemsError, ErrSuppressed
// or ErrNoSession without storing anything; otherwise the answer as
// stored, in the outbox, from where the dispatcher sends it exactly once
// (claimed before it leaves, reconciled by correlationId after a crash)
// and its statuses come back as for any campaign message.
func (s *Service) Answer(ctx context.Context, userID int64, d Draft) (Answer, error) {
	corr := newCorrelationID()
	if d.Key != "" {
		corr = keyedCorrelationID(d.Key)
	}
	channels, err := s.Store.ReplyChannels(ctx, d.Phone)
	if err != nil {
		return Answer{}, err
	}
	if ps := d.Problems(channels); len(ps) > 0 {
		return Answer{}, &ProblemsError{Problems: ps}
	}
	suppressed, err := s.Store.IsSuppressed(ctx, d.Phone)
	if err != nil {
		return Answer{}, err
	}
	if suppressed {
		return Answer{}, ErrSuppressed
	}
	now := s.Now().UTC()
	a := Answer{Phone: d.Phone, Channel: d.Channel, Kind: "text", Text: strings.TrimSpace(d.Text), CorrelationID: corr,
		State: Sending, UserID: userID, CreatedAt: now}
	if d.MediaKind != "" {
		a.Kind, a.MediaURL, a.MediaType = d.MediaKind, d.MediaURL, mediaType(d.MediaKind, d.MediaURL)
	}
	if d.Channel == WhatsApp {
		open, err := s.Sessions.OpenSessions(ctx, []string{d.Phone}, now)
		if err != nil {
			return Answer{}, fmt.Errorf("inbox: whatsapp session of %s: %w", d.Phone, err)
		}
		if !open[d.Phone] {
			return Answer{}, ErrNoSession
		}
	}
	st, fields := StreamOf(a)
	existed, err := s.Store.EnqueueAnswer(ctx, &a, st, fields)
	if err != nil {
		return Answer{}, fmt.Errorf("inbox: store answer to %s: %w", d.Phone, err)
	}
	if !existed && s.Dispatcher != nil {
		s.Dispatcher.Wake()
	}
	if err := s.Store.MarkConversationRead(ctx, d.Phone, now); err != nil {
		return a, err
	}
	return a, nil
}

// StreamOf is the hidden campaign an answer travels in and its list
// fields: SMS and WhatsApp text carry the text as the field "text"; a
// WhatsApp file is the stream's own message (one stream per file), with
// its caption as the field.
func StreamOf(a Answer) (transactional.Stream, []string) {
	if a.Channel == SMS {
		return transactional.Stream{Key: "answer:sms", Channel: SMS, Name: "Inbox · SMS", Message: "{{text}}", Columns: []string{"text"}},
			[]string{clean(a.Text)}
	}
	w := message.WhatsApp{Kind: message.WhatsAppText, Text: "{{text}}"}
	name, summary := "Inbox · WhatsApp", "{{text}}"
	if a.Kind != "text" {
		media := &message.WhatsAppMedia{URL: a.MediaURL, Type: a.MediaType}
		if a.Kind != message.WhatsAppAudio {
			media.Caption = "{{text}}"
		}
		w = message.WhatsApp{Kind: a.Kind, Media: media}
		name, summary = "Inbox · WhatsApp · "+a.Kind, "["+a.Kind+"] "+a.MediaURL
	}
	raw, _ := json.Marshal(w)
	sum := sha256.Sum256(raw)
	return transactional.Stream{Key: "answer:whatsapp:" + hex.EncodeToString(sum[:8]), Channel: WhatsApp, Name: name,
		Message: summary, WhatsApp: string(raw), Columns: []string{"text"}}, []string{clean(a.Text)}
}

// clean keeps a value storable as a list field (the separator is a
// control character no message needs).
func clean(v string) string { return strings.ReplaceAll(v, recipient.FieldSeparator, " ") }
