package transactional

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"arauto/internal/audit"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/sms"
)

// Channels.
const (
	SMS      = "sms"
	WhatsApp = "whatsapp"
)

// Limits of a request.
const (
	MaxCorrelationIDLen = 64
	MaxParams           = 20
	MaxParamLen         = 1024
)

// Template is an approved WhatsApp template and its parameters.
type Template struct {
	Namespace        string   `json:"namespace"`
	ElementName      string   `json:"element_name"`
	LanguageCode     string   `json:"language_code"`
	HeaderParameters []string `json:"header_parameters,omitempty"`
	BodyParameters   []string `json:"body_parameters,omitempty"`
}

// Request is one message to send now.
type Request struct {
	Channel string
	// To is the number as the caller wrote it.
	To string
	// Text is the SMS text (without placeholders: it is sent as written).
	Text     string
	Template *Template
	// CorrelationID is the caller's own id, given back in answers and
	// webhooks.
	CorrelationID string
}

// Problem is something wrong with one field of a request: Key is a
// translation key, Args its arguments.
type Problem struct {
	Field string
	Key   string
	Args  []any
}

// Stream is the hidden campaign a message travels in.
type Stream struct {
	// Key identifies it: "sms", or the template's identity.
	Key     string
	Channel string
	Name    string
	// Message is the campaign's text: "{{text}}" for SMS, a summary for
	// WhatsApp.
	Message string
	// WhatsApp is the campaign's WhatsApp message as JSON, its parameters
	// being placeholders of the list's fields.
	WhatsApp string
	Columns  []string
}

// Sent is what became of a request.
type Sent struct {
	// ID is the message's public id.
	ID            string
	Channel       string
	Phone         string
	CorrelationID string
	// Status is "queued", or "suppressed" (never sent).
	Status    string
	CreatedAt time.Time
	// MessageID is the outbox row (set by the store).
	MessageID int64
}

// Keep is an idempotency key and the answer to keep under it.
type Keep struct {
	TokenID     int64
	Key         string
	Fingerprint string
	Status      int
	ContentType string
	// Body renders the answer of a Sent.
	Body func(Sent) []byte
}

// Enqueue is everything the store writes in one transaction.
type Enqueue struct {
	Stream Stream
	Sent   Sent
	Fields []string
	// TokenID is the API token that asked (0 for none).
	TokenID int64
	// Keep, when set, stores Answer under the key with the message.
	Keep   *Keep
	Answer []byte
	// Audit is recorded with the message.
	Audit *audit.Entry
}

// Store keeps the outbox.
type Store interface {
	// Suppressed reports whether the number is on the suppression list.
	Suppressed(ctx context.Context, phone string) (bool, error)
	// EnqueueTransactional writes the message (creating its stream when
	// new), the kept answer and the audit entry in one transaction and
	// sets e.Sent.MessageID. A key already kept is the store's conflict
	// error, and nothing is written.
	EnqueueTransactional(ctx context.Context, e *Enqueue) error
}

// Waker is the part of the dispatcher told that a message waits.
type Waker interface{ Wake() }

// Service sends transactional messages. Its fields are its dependencies.
type Service struct {
	Store      Store
	Dispatcher Waker
	// Region is the phone region of numbers without a country code.
	Region string
	Now    func() time.Time

	wakeMu      sync.Mutex
	lastWake    time.Time
	wakePending bool
}

// WakeEvery is how often, at most, messages wake the dispatcher: a burst
// of them goes out in batches rather than one request each, which keeps
// the dispatcher's work per message small when hundreds arrive a second.
const WakeEvery = 50 * time.Millisecond

// wake tells the dispatcher a message waits, at most once per WakeEvery;
// a message arriving sooner is taken by the wake already scheduled.
func (s *Service) wake() {
	if s.Dispatcher == nil {
		return
	}
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	if s.wakePending {
		return
	}
	since := time.Since(s.lastWake)
	if since >= WakeEvery {
		s.lastWake = time.Now()
		s.Dispatcher.Wake()
		return
	}
	s.wakePending = true
	time.AfterFunc(WakeEvery-since, func() {
		s.wakeMu.Lock()
		s.wakePending, s.lastWake = false, time.Now()
		s.wakeMu.Unlock()
		s.Dispatcher.Wake()
	})
}

// Check validates a request and returns the number in E.164 digits, the
// stream and the list fields of the message.
func (s *Service) Check(r Request) (phone string, st Stream, fields []string, problems []Problem) {
	add := func(field, key string, args ...any) {
		problems = append(problems, Problem{Field: field, Key: key, Args: args})
	}
	switch strings.TrimSpace(r.To) {
	case "":
		add("to", "api.problem.required")
	default:
		var reason recipient.Reason
		if phone, reason = recipient.NormalizePhone(r.To, s.Region); reason != "" {
			add("to", "api.problem.phone", r.To)
		}
	}
	if n := utf8.RuneCountInString(r.CorrelationID); n > MaxCorrelationIDLen {
		add("correlation_id", "api.problem.too_long", MaxCorrelationIDLen, n)
	} else if strings.ContainsFunc(r.CorrelationID, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		add("correlation_id", "api.problem.control_chars")
	}
	switch r.Channel {
	case SMS:
		if r.Template != nil {
			add("template", "api.problem.not_for_sms")
		}
		switch c := sms.Measure(r.Text); {
		case strings.TrimSpace(r.Text) == "":
			add("text", "api.problem.required")
		case c.TooLong:
			add("text", "api.problem.text_too_long", sms.MaxLength, c.Chars)
		}
		st = Stream{Key: "sms", Channel: SMS, Name: "API · SMS", Message: "{{text}}", Columns: []string{"text"}}
		fields = []string{clean(r.Text)}
	case WhatsApp:
		if r.Text != "" {
			add("text", "api.problem.not_for_whatsapp")
		}
		if r.Template == nil {
			add("template", "api.problem.required")
			return phone, st, fields, problems
		}
		t := r.Template
		if strings.TrimSpace(t.Namespace) == "" {
			add("template.namespace", "api.problem.required")
		}
		if strings.TrimSpace(t.ElementName) == "" {
			add("template.element_name", "api.problem.required")
		}
		if !slices.Contains(message.WhatsAppLanguages, t.LanguageCode) {
			add("template.language_code", "api.problem.one_of", strings.Join(message.WhatsAppLanguages, ", "))
		}
		for _, ps := range []struct {
			field  string
			values []string
		}{{"template.header_parameters", t.HeaderParameters}, {"template.body_parameters", t.BodyParameters}} {
			if len(ps.values) > MaxParams {
				add(ps.field, "api.problem.too_many", MaxParams, len(ps.values))
				continue
			}
			for i, v := range ps.values {
				field := ps.field + "[" + strconv.Itoa(i) + "]"
				switch n := utf8.RuneCountInString(v); {
				case strings.TrimSpace(v) == "":
					add(field, "api.problem.required")
				case n > MaxParamLen:
					add(field, "api.problem.too_long", MaxParamLen, n)
				}
			}
		}
		st, fields = whatsAppStream(t)
	default:
		add("channel", "api.problem.one_of", SMS+", "+WhatsApp)
	}
	return phone, st, fields, problems
}

// clean keeps a value storable as a list field (the separator is a
// control character no message needs).
func clean(v string) string { return strings.ReplaceAll(v, recipient.FieldSeparator, " ") }

// whatsAppStream is the hidden campaign of one template: its parameters
// are the placeholders {{h1}}.. and {{b1}}.., filled from each message's
// fields.
func whatsAppStream(t *Template) (Stream, []string) {
	tm := &message.WhatsAppTemplateMsg{Namespace: t.Namespace, ElementName: t.ElementName, LanguageCode: t.LanguageCode,
		LanguagePolicy: message.WhatsAppPolicies[0]}
	var columns, fields []string
	if len(t.HeaderParameters) > 0 {
		tm.HeaderKind = "text"
	}
	for i, v := range t.HeaderParameters {
		col := "h" + strconv.Itoa(i+1)
		columns, fields = append(columns, col), append(fields, clean(v))
		tm.HeaderParameters = append(tm.HeaderParameters, "{{"+col+"}}")
	}
	for i, v := range t.BodyParameters {
		col := "b" + strconv.Itoa(i+1)
		columns, fields = append(columns, col), append(fields, clean(v))
		tm.BodyParameters = append(tm.BodyParameters, "{{"+col+"}}")
	}
	w := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: tm}
	raw, _ := json.Marshal(w)
	sum := sha256.Sum256(raw)
	name := "API · WhatsApp · " + t.ElementName + " (" + t.LanguageCode + ")"
	return Stream{Key: "whatsapp:" + hex.EncodeToString(sum[:8]), Channel: WhatsApp, Name: name,
		Message: t.ElementName, WhatsApp: string(raw), Columns: columns}, fields
}

// NewID returns a public message id.
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("transactional: crypto/rand failed: %v", err))
	}
	return "msg_" + hex.EncodeToString(b)
}

// Send stores a checked request for the dispatcher and wakes it. keep and
// entry may be nil. Problems come back without anything stored.
func (s *Service) Send(ctx context.Context, r Request, tokenID int64, keep *Keep, entry *audit.Entry) (Sent, []Problem, error) {
	phone, st, fields, problems := s.Check(r)
	if len(problems) > 0 {
		return Sent{}, problems, nil
	}
	suppressed, err := s.Store.Suppressed(ctx, phone)
	if err != nil {
		return Sent{}, nil, fmt.Errorf("transactional: send: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sent := Sent{ID: NewID(), Channel: r.Channel, Phone: phone, CorrelationID: r.CorrelationID, Status: "queued", CreatedAt: now().UTC()}
	if suppressed {
		sent.Status = "suppressed"
	}
	e := &Enqueue{Stream: st, Sent: sent, Fields: fields, TokenID: tokenID, Keep: keep, Audit: entry}
	if keep != nil {
		e.Answer = keep.Body(sent)
	}
	if entry != nil {
		a := entry.With("message", sent.ID).With("channel", sent.Channel).With("status", sent.Status)
		a.TargetKind, a.TargetID = "phone", phone
		if r.CorrelationID != "" {
			a = a.With("correlation_id", r.CorrelationID)
		}
		e.Audit = &a
	}
	if err := s.Store.EnqueueTransactional(ctx, e); err != nil {
		return Sent{}, nil, fmt.Errorf("transactional: send: %w", err)
	}
	if !suppressed {
		s.wake()
	}
	return e.Sent, nil, nil
}
