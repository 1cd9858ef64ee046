package inbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/message"
	"arauto/internal/sms"
	"arauto/internal/wavy"
)

// Channels of a conversation.
const (
	SMS      = "sms"
	WhatsApp = "whatsapp"
)

// Answer states.
const (
	Sending  = "sending"
	Accepted = "accepted"
	Failed   = "failed"
	Unknown  = "unknown"
)

// StaleSending is how long an answer may stay "sending" before it reads as
// unknown: a request takes seconds, so one older was cut off by a crash.
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
	State         string
	ProviderID    string
	// Reason says why an answer failed, in the provider's words.
	Reason string
	// UserID is who answered; UserEmail names them (when read back).
	UserID     int64
	UserEmail  string
	CreatedAt  time.Time
	FinishedAt time.Time
}

// StateAt is the answer's state as the page shows it: "sending" left by a
// crash for longer than StaleSending reads as unknown.
func (a Answer) StateAt(now time.Time) string {
	if a.State == Sending && now.Sub(a.CreatedAt) > StaleSending {
		return Unknown
	}
	return a.State
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
	// CreateAnswer stores a "sending" answer and sets its ID.
	CreateAnswer(ctx context.Context, a *Answer) error
	// FinishAnswer records how the provider answered.
	FinishAnswer(ctx context.Context, a Answer) error
	// MarkConversationRead marks every reply of the number read.
	MarkConversationRead(ctx context.Context, phone string, at time.Time) error
}

// Sender is the provider path answers leave by (wavy.Client).
type Sender interface {
	SendSMS(ctx context.Context, m wavy.SMS) (wavy.SendSMSResponse, error)
	SendWhatsApp(ctx context.Context, r wavy.WhatsAppRequest) (wavy.WhatsAppResponse, error)
}

// Sessions tells which numbers have an open WhatsApp session.
type Sessions interface {
	OpenSessions(ctx context.Context, phones []string, now time.Time) (map[string]bool, error)
}

// Service answers replies.
type Service struct {
	Store    Store
	Sender   func(ctx context.Context) (Sender, error)
	Sessions Sessions
	Now      func() time.Time
}

func newCorrelationID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "ans-" + hex.EncodeToString(b)
}

// Answer sends d for userID. It returns a *ProblemsError, ErrSuppressed or
// ErrNoSession without sending; otherwise the answer as stored, whose
// State says how the provider took it (an error only when it could not be
// stored).
func (s *Service) Answer(ctx context.Context, userID int64, d Draft) (Answer, error) {
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
	if d.Channel == WhatsApp {
		open, err := s.Sessions.OpenSessions(ctx, []string{d.Phone}, now)
		if err != nil {
			return Answer{}, fmt.Errorf("inbox: whatsapp session of %s: %w", d.Phone, err)
		}
		if !open[d.Phone] {
			return Answer{}, ErrNoSession
		}
	}
	a := Answer{Phone: d.Phone, Channel: d.Channel, Kind: "text", Text: strings.TrimSpace(d.Text), CorrelationID: newCorrelationID(),
		State: Sending, UserID: userID, CreatedAt: now}
	if d.MediaKind != "" {
		a.Kind, a.MediaURL, a.MediaType = d.MediaKind, d.MediaURL, mediaType(d.MediaKind, d.MediaURL)
	}
	if err := s.Store.CreateAnswer(ctx, &a); err != nil {
		return Answer{}, err
	}
	// The answer is durable before it leaves: from here it is sent once.
	a.ProviderID, err = s.send(ctx, a)
	a.State, a.FinishedAt = Accepted, s.Now().UTC()
	switch {
	case errors.Is(err, wavy.ErrUnknownOutcome):
		a.State, a.Reason = Unknown, err.Error()
	case err != nil:
		a.State, a.Reason = Failed, err.Error()
	}
	if err := s.Store.FinishAnswer(ctx, a); err != nil {
		return a, err
	}
	if err := s.Store.MarkConversationRead(ctx, d.Phone, a.FinishedAt); err != nil {
		return a, err
	}
	return a, nil
}

func (s *Service) send(ctx context.Context, a Answer) (string, error) {
	sender, err := s.Sender(ctx)
	if err != nil {
		return "", err
	}
	if a.Channel == SMS {
		res, err := sender.SendSMS(ctx, wavy.SMS{Destination: a.Phone, MessageText: a.Text, CorrelationID: a.CorrelationID})
		return res.ID, err
	}
	var m wavy.WhatsAppMessage
	media := &wavy.Media{Type: a.MediaType, URL: a.MediaURL, Caption: a.Text}
	switch a.Kind {
	case message.WhatsAppImage:
		m.Image = media
	case message.WhatsAppDocument:
		m.Document = media
	case message.WhatsAppAudio:
		media.Caption = ""
		m.Audio = media
	default:
		m.MessageText = a.Text
	}
	res, err := sender.SendWhatsApp(ctx, wavy.WhatsAppRequest{
		Destinations: []wavy.WhatsAppDestination{{CorrelationID: a.CorrelationID, Destination: a.Phone}}, Message: m})
	if err != nil {
		return "", err
	}
	id := res.ID
	if len(res.Destinations) > 0 && res.Destinations[0].ID != "" {
		id = res.Destinations[0].ID
	}
	return id, nil
}
