package contact

import (
	"context"
	"errors"
	"fmt"
	"time"

	"arauto/internal/message"
)

// Event is one thing that happened between the organisation and a
// contact: a message sent (with its outcome), a click on its tracked
// links (the first, with how many), a reply, an opt-out.
type Event struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // "sent", "click", "reply" or "opt_out"
	// Clicks is how many times a click event's message's links were
	// clicked.
	Clicks int64 `json:"clicks,omitempty"`
	// CampaignID and CampaignName name the campaign of a message sent or
	// of the message a reply answers.
	CampaignID   int64  `json:"campaign_id,omitempty"`
	CampaignName string `json:"campaign,omitempty"`
	Channel      string `json:"channel,omitempty"`
	// State is the message's outcome as people read it (delivered, read,
	// failed, capped...), for a message sent.
	State string `json:"state,omitempty"`
	// Text is the message as sent (rendered with the recipient's fields)
	// or the reply's text.
	Text string `json:"text,omitempty"`
	// Template, Columns and Fields render Text for a message sent; the
	// store fills them, Service renders.
	Template string   `json:"-"`
	Columns  []string `json:"-"`
	Fields   []string `json:"-"`
}

// Profile is everything the contact page shows.
type Profile struct {
	Contact Contact
	// Sources are the imports and opt-ins the contact came from; Consent is
	// the one its legal basis rests on (nil when unknown).
	Sources []Source
	Consent *Source
	Changes []AttrChange
	// Events are the latest things that happened, oldest first.
	Events []Event
}

// ListRow is a contact's row in one list, as imported.
type ListRow struct {
	ListID   int64             `json:"list_id"`
	ListName string            `json:"list"`
	FileName string            `json:"file"`
	Row      int               `json:"row"`
	Fields   map[string]string `json:"fields"`
}

// Suppression is a number's entry on the suppression list.
type Suppression struct {
	Reason string    `json:"reason"`
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
}

// Dossier is everything known about a number, for a data subject's
// access request.
type Dossier struct {
	Phone       string       `json:"phone"`
	Contact     *Contact     `json:"contact,omitempty"`
	Sources     []Source     `json:"sources"`
	Changes     []AttrChange `json:"field_history"`
	Lists       []ListRow    `json:"lists"`
	Messages    []Event      `json:"messages"`
	Replies     []Event      `json:"replies"`
	Suppression *Suppression `json:"suppression,omitempty"`
	// Requests are the earlier data subject requests about the number.
	Requests []AuditEntry `json:"requests"`
}

// Empty reports whether nothing at all is known about the number.
func (d Dossier) Empty() bool {
	return d.Contact == nil && len(d.Lists) == 0 && len(d.Messages) == 0 && len(d.Replies) == 0 && d.Suppression == nil
}

// Erasure counts what erasing a number removed.
type Erasure struct {
	Contacts, ListRows, Messages, Replies, Events, Rejected int
}

// Action is a data subject request.
type Action string

// The requests.
const (
	ExportJSON Action = "export_json"
	ExportXLSX Action = "export_xlsx"
	Erase      Action = "erase"
)

// Outcomes of a request.
const (
	OutcomeDone    = "done"
	OutcomeUnknown = "unknown_number"
)

// AuditEntry records who asked what about which number (its hash) and
// when. The log is append-only.
type AuditEntry struct {
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	ActorEmail string    `json:"actor"`
	Action     Action    `json:"action"`
	Subject    string    `json:"subject"` // Hash of the number
	Outcome    string    `json:"outcome"`
	Detail     string    `json:"detail,omitempty"`
}

// Actor is the person making a request.
type Actor struct {
	ID    int64
	Email string
}

// Store is what the contact workflows need.
type Store interface {
	Contact(ctx context.Context, phone string) (*Contact, error)
	ContactSources(ctx context.Context, ids []int64) ([]Source, error)
	AttrHistory(ctx context.Context, phone string) ([]AttrChange, error)
	// ContactEvents returns the latest limit messages sent to and replies
	// from a number, oldest first.
	ContactEvents(ctx context.Context, phone string, limit int) ([]Event, error)
	// Dossier gathers what the store knows about a number (Requests are
	// looked up by subject).
	Dossier(ctx context.Context, phone, subject string) (Dossier, error)
	// EraseNumber removes the number everywhere and keeps only subject
	// (its hash) on the erased list, in one go.
	EraseNumber(ctx context.Context, phone, subject string, at time.Time) (Erasure, error)
	// RecordPrivacy appends to the audit log.
	RecordPrivacy(ctx context.Context, e AuditEntry) error
	// Pepper is the installation's key of number hashes.
	Pepper(ctx context.Context) ([]byte, error)
}

// Service runs the contact page and the data subject requests.
type Service struct {
	Store    Store
	NotFound error // the Store's error for a missing row
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// ErrUnknownNumber is returned by Erase and Export when nothing at all is
// known about the number (the request is still recorded).
var ErrUnknownNumber = errors.New("contact: nothing is known about this number")

// historyLimit is how many recent events the contact page shows.
const historyLimit = 200

// Profile gathers the contact page. A number that is no contact is the
// Store's NotFound.
func (s *Service) Profile(ctx context.Context, phone string) (Profile, error) {
	c, err := s.Store.Contact(ctx, phone)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{Contact: *c}
	if p.Sources, err = s.Store.ContactSources(ctx, c.Sources); err != nil {
		return p, err
	}
	for i := range p.Sources {
		if p.Sources[i].ID == c.Consent {
			p.Consent = &p.Sources[i]
		}
	}
	if p.Changes, err = s.Store.AttrHistory(ctx, phone); err != nil {
		return p, err
	}
	if p.Events, err = s.events(ctx, phone, historyLimit); err != nil {
		return p, err
	}
	return p, nil
}

// events loads a number's events with the texts of the messages sent.
func (s *Service) events(ctx context.Context, phone string, limit int) ([]Event, error) {
	evs, err := s.Store.ContactEvents(ctx, phone, limit)
	if err != nil {
		return nil, err
	}
	var r message.Renderer
	for i := range evs {
		if evs[i].Kind == "sent" && evs[i].Template != "" {
			evs[i].Text = r.Render(evs[i].Template, evs[i].Columns, evs[i].Fields)
		}
	}
	return evs, nil
}

// Subject is the audit logs' name for a number: its keyed hash, never the
// number.
func (s *Service) Subject(ctx context.Context, phone string) (string, error) {
	return s.subject(ctx, phone)
}

// subject is the audit log's name for a number.
func (s *Service) subject(ctx context.Context, phone string) (string, error) {
	p, err := s.Store.Pepper(ctx)
	if err != nil {
		return "", err
	}
	return Hash(p, phone), nil
}

// Export gathers everything known about a number for its owner, and
// records the request (also when nothing is known: ErrUnknownNumber).
func (s *Service) Export(ctx context.Context, who Actor, phone string, as Action) (Dossier, error) {
	subject, err := s.subject(ctx, phone)
	if err != nil {
		return Dossier{}, err
	}
	d, err := s.Store.Dossier(ctx, phone, subject)
	if err != nil {
		return d, err
	}
	var r message.Renderer
	for i := range d.Messages {
		if d.Messages[i].Template != "" {
			d.Messages[i].Text = r.Render(d.Messages[i].Template, d.Messages[i].Columns, d.Messages[i].Fields)
		}
	}
	outcome := OutcomeDone
	if d.Empty() {
		outcome = OutcomeUnknown
	}
	entry := AuditEntry{At: s.now(), ActorID: who.ID, ActorEmail: who.Email, Action: as, Subject: subject, Outcome: outcome}
	if err := s.Store.RecordPrivacy(ctx, entry); err != nil {
		return d, fmt.Errorf("contact: record the export: %w", err)
	}
	if d.Empty() {
		return d, ErrUnknownNumber
	}
	return d, nil
}

// Erase removes a number everywhere — the contact, its fields and their
// history, its rows in every list, the texts and the number of the
// messages sent to it, its replies, the raw events that carry it — and
// keeps only its hash on the erased list, so it is never messaged nor made
// a contact again. The request is recorded; a number nothing is known
// about is ErrUnknownNumber and changes nothing.
func (s *Service) Erase(ctx context.Context, who Actor, phone string) (Erasure, error) {
	subject, err := s.subject(ctx, phone)
	if err != nil {
		return Erasure{}, err
	}
	d, err := s.Store.Dossier(ctx, phone, subject)
	if err != nil {
		return Erasure{}, err
	}
	entry := AuditEntry{At: s.now(), ActorID: who.ID, ActorEmail: who.Email, Action: Erase, Subject: subject}
	if d.Empty() {
		entry.Outcome = OutcomeUnknown
		if err := s.Store.RecordPrivacy(ctx, entry); err != nil {
			return Erasure{}, fmt.Errorf("contact: record the erase request: %w", err)
		}
		return Erasure{}, ErrUnknownNumber
	}
	e, err := s.Store.EraseNumber(ctx, phone, subject, entry.At)
	if err != nil {
		return e, err
	}
	entry.Outcome = OutcomeDone
	entry.Detail = fmt.Sprintf("contacts=%d list_rows=%d messages=%d replies=%d events=%d rejected=%d",
		e.Contacts, e.ListRows, e.Messages, e.Replies, e.Events, e.Rejected)
	if err := s.Store.RecordPrivacy(ctx, entry); err != nil {
		return e, fmt.Errorf("contact: record the erase: %w", err)
	}
	return e, nil
}
