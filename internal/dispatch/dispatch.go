package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/schedule"
)

// Campaign is what the worker needs to know about a campaign that may send.
type Campaign struct {
	ID        int64
	Alias     string
	Channel   string // sms or whatsapp
	State     string // running, scheduled, paused, ...
	StartAt   time.Time
	Flash     bool
	ExtraInfo string
	// Schedule is the campaign's schedule: the worker honours its sending
	// window and its expiry (unsent messages expire at the deadline); the
	// Sender passes the expiry on to the provider with every message.
	Schedule schedule.Schedule
	// Message is the text with {{placeholders}}; Columns name the fields
	// of the campaign's list, in Message.Fields order.
	Message string
	Columns []string
	// WhatsApp is the message of a WhatsApp campaign as JSON (see
	// internal/message.WhatsApp); the worker leaves rendering it to the
	// Sender, which fills its parameters from each Message's Fields.
	WhatsApp string
	// SessionOnly marks free-form WhatsApp content: only recipients with an
	// open 24-hour session may get it; the others fail with NoSessionReason.
	SessionOnly bool
	// ReplaceAccents asks Compile to replace the accents of the field
	// values (a campaign setting).
	ReplaceAccents bool
	// TrackClicks asks Compile to replace the message's http(s) links by
	// short links per recipient (link tracking, internal/clicks).
	TrackClicks bool
	// SubAccount, FlowID, TemplateID and TemplateName are what the
	// campaign asks of the provider besides its message (a sub-account to
	// bill, a bot flow, an SMS template kept at the provider); the Sender
	// passes them on.
	SubAccount   string
	FlowID       string
	TemplateID   int64
	TemplateName string
	// Transactional marks the hidden stream of messages sent one by one
	// through the API: the frequency cap, a marketing rule, never holds
	// them back (they still count towards it).
	Transactional bool
	// Variants are the texts of an SMS campaign's A/B test variants (A =
	// Message first), none without a test. The remainder is held in the
	// store until a winner exists; each message names its variant.
	Variants []string
}

// NoSessionReason is why a free-form WhatsApp message was not sent.
const NoSessionReason = "whatsapp: no open 24-hour session (the recipient has not replied in the last 24 hours); free-form messages need one, not sent"

// timing returns when the campaign's unsent messages expire (zero for
// never) and whether its sending window is open at now.
func (c Campaign) timing(now time.Time) (deadline time.Time, open bool, err error) {
	sc := c.Schedule
	w := sc.Window
	hasWindow := w.Restricted()
	if !hasWindow && sc.Expiry == (schedule.Expiry{}) {
		return time.Time{}, true, nil
	}
	loc, err := schedule.LoadZone(sc.Zone)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("dispatch: campaign %d schedule: %w", c.ID, err)
	}
	start := c.StartAt
	if start.IsZero() {
		start = now
	}
	if d, ok := sc.Expiry.Deadline(start, loc); ok {
		deadline = d
	}
	// A campaign sent in each recipient's own time is open somewhere
	// until areas says otherwise.
	return deadline, !hasWindow || sc.LocalTime || w.Open(now, loc), nil
}

// Message is one claimed message, ready to send.
type Message struct {
	ID         int64
	CampaignID int64
	Phone      string
	Fields     []string // the recipient's personalisation fields
	Text       string   // rendered by the worker before sending
	Suppressed bool     // the number was suppressed after the outbox was made
	// Variant is the A/B test variant whose text the message gets: 1 = A
	// for a test message, -1 = A for the remainder sent with the winner
	// (the store writes it when the winner is chosen); 0 without a test.
	Variant int
	// Segments and SercomtelSegments are what Text is billed (see
	// Rendered), set with it.
	Segments, SercomtelSegments int
}

// Rendered is one recipient's message as it goes out.
type Rendered struct {
	Text string
	// Segments is what Text is billed under the billing rule in force;
	// SercomtelSegments what it is billed if the recipient turns out to be
	// on Sercomtel. The store keeps both with the accepted message.
	Segments, SercomtelSegments int
	// Refused, when set, is why Text must not be sent (TooLongReason): the
	// message fails with it, alone, and the rest of the batch goes.
	Refused string
}

// Reasons the worker refuses a message before sending it (the store keeps
// them as the message's error, and report counts them by RefusalKind).
const (
	// TooLongReason: the text, once the recipient's fields were filled in,
	// is longer than the provider accepts.
	TooLongReason = "too long after personalisation: the provider accepts at most 1280 characters"
)

// Kinds of local refusal, as RefusalKind names them.
const (
	RefusedTooLong   = "too_long"
	RefusedNoSession = "no_session"
	RefusedRejected  = "rejected"
	RefusedOther     = "other"
)

// RefusalKind classifies the reason a message failed before the provider
// took it: too long after personalisation, no WhatsApp session, a request
// the provider refused whole, or another.
func RefusalKind(reason string) string {
	switch {
	case strings.HasPrefix(reason, "too long after personalisation"):
		return RefusedTooLong
	case reason == NoSessionReason:
		return RefusedNoSession
	case strings.Contains(reason, ErrRejected.Error()):
		return RefusedRejected
	}
	return RefusedOther
}

// CorrelationID is the id Arauto gives a message at Wavy: short, unique,
// and enough to find the row again (<= 64 characters).
func CorrelationID(campaignID, messageID int64) string {
	return "a" + strconv.FormatInt(campaignID, 36) + "-" + strconv.FormatInt(messageID, 36)
}

// ParseCorrelationID is the inverse of CorrelationID.
func ParseCorrelationID(s string) (campaignID, messageID int64, ok bool) {
	c, m, found := strings.Cut(strings.TrimPrefix(s, "a"), "-")
	if !found || !strings.HasPrefix(s, "a") {
		return 0, 0, false
	}
	ci, err1 := strconv.ParseInt(c, 36, 64)
	mi, err2 := strconv.ParseInt(m, 36, 64)
	return ci, mi, err1 == nil && err2 == nil && ci > 0 && mi > 0
}

// Accepted pairs a message with the provider's id for it, and what it is
// billed (filled in by the worker from the rendered message).
type Accepted struct {
	MessageID  int64
	ProviderID string
	// Links are the provider ids its statuses may name it by instead of
	// its correlationId (SMPP receipts name each part by its own id); the
	// store links them to the message. Empty for doors whose statuses
	// carry the correlationId.
	Links []string
	// Segments and SercomtelSegments are what the message is billed.
	Segments, SercomtelSegments int
}

// Batch is one send request.
type Batch struct {
	Campaign Campaign
	Messages []Message
}

// Store is the outbox the worker drives.
type Store interface {
	// DueCampaigns returns campaigns that are running, or scheduled to
	// start at or before now.
	DueCampaigns(ctx context.Context, now time.Time) ([]Campaign, error)
	// StartCampaign creates the campaign's outbox (one queued message per
	// recipient; suppressed numbers are marked so) and makes it running.
	// It is idempotent.
	StartCampaign(ctx context.Context, id int64, now time.Time) error
	// Claim moves up to limit queued messages with id > after to
	// submitting, durably, and returns them rendered, in id order.
	Claim(ctx context.Context, campaignID, after int64, limit int, now time.Time) ([]Message, error)
	// Accept records accepted messages.
	Accept(ctx context.Context, campaignID int64, acc []Accepted, now time.Time) error
	// Requeue puts messages back in the queue.
	Requeue(ctx context.Context, campaignID int64, ids []int64) error
	// Fail marks messages failed with a reason.
	Fail(ctx context.Context, campaignID int64, ids []int64, reason string) error
	// Suppress marks messages suppressed instead of sending them.
	Suppress(ctx context.Context, campaignID int64, ids []int64) error
	// Submitting returns messages left in submitting claimed before
	// olderThan (unknown outcomes, crash leftovers), up to limit.
	Submitting(ctx context.Context, olderThan time.Time, limit int) ([]Message, error)
	// Expire marks the campaign's queued messages expired.
	Expire(ctx context.Context, campaignID int64) error
	// Finish completes a running campaign that has nothing queued or
	// submitting, reporting whether it did.
	Finish(ctx context.Context, campaignID int64, now time.Time) (bool, error)
	// PauseWithError pauses a campaign and records why.
	PauseWithError(ctx context.Context, campaignID int64, reason string) error
}

// Sender talks to the provider.
type Sender interface {
	// Send submits one batch. On success it returns the provider's id of
	// every message. Errors are classified with ErrRejected, ErrUnauthorized,
	// ErrAccountLimit and ErrTryLater; any other error is an unknown outcome. With an
	// error it may still return messages that were accepted (a batch sent
	// in several requests): those are recorded and the error's class
	// applies to the others.
	Send(ctx context.Context, b Batch) ([]Accepted, error)
	// Find looks messages up by correlationId and returns the provider id
	// of those it knows.
	Find(ctx context.Context, correlationIDs []string) (map[string]string, error)
}

// ChannelReconciler is implemented by a Sender whose Find cannot verify
// every channel. For a channel it cannot reconcile, the worker never
// resends a message whose outcome is unknown (an unknown answer, a crash
// mid-request): it marks it unknown with the reason instead, preferring
// never-twice to at-least-once.
type ChannelReconciler interface {
	CanReconcile(channel string) bool
}

// BatchSizer is implemented by a Sender whose door takes batches of
// another size than one HTTPS request's 1000: an SFTP file carries tens
// of thousands of rows, an SMPP pool about a second of its capacity. The
// worker asks before every claim, so a change of door applies to the next
// batch; 0 keeps Config.BatchSize.
type BatchSizer interface {
	MaxBatch(c Campaign) int
}

// Linker is implemented by a Sender whose statuses name messages by the
// provider's id rather than the correlationId (SMPP receipts). The
// messages the reconciler finds are then accepted with their provider id
// as a link too, so their statuses find them.
type Linker interface {
	LinksProviderIDs() bool
}

// UnknownStore is implemented by a Store that can record unverifiable
// outcomes. Without it, such messages are marked failed with the reason.
type UnknownStore interface {
	// MarkUnknown moves submitting messages to "unknown" with the reason.
	MarkUnknown(ctx context.Context, campaignID int64, ids []int64, reason string) error
	// CampaignChannels returns the channel of each campaign.
	CampaignChannels(ctx context.Context, campaignIDs []int64) (map[int64]string, error)
}

// SessionStore knows which numbers have an open WhatsApp 24-hour session:
// Config.Sessions, else the Store when it implements it. Without either no
// number has one, so session-only campaigns send nothing. An error leaves
// the batch's messages queued for later.
type SessionStore interface {
	OpenSessions(ctx context.Context, phones []string, now time.Time) (map[string]bool, error)
}

// StoppedError is returned by a Sender that sends a batch in several
// requests and stopped at a failed one: Unsent were never submitted and go
// back to the queue; Err (classified as usual) applies to the messages of
// the failed request. Messages accepted before are returned with it.
type StoppedError struct {
	Unsent []int64
	Err    error
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("batch stopped with %d messages unsent: %v", len(e.Unsent), e.Err)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// Error classes a Sender wraps its errors in.
var (
	// ErrRejected: the provider refused the request; nothing was accepted.
	ErrRejected = errors.New("dispatch: rejected")
	// ErrUnauthorized: the credentials were refused (a kind of rejection
	// that concerns every campaign, so the campaign is paused).
	ErrUnauthorized = errors.New("dispatch: unauthorized")
	// ErrTryLater: nothing was accepted; the same request may go again later.
	ErrTryLater = errors.New("dispatch: try later")
	// ErrAccountLimit: the account has no credit or quota left (Wavy's
	// NO_CREDIT 201 or CUSTOMER_QUOTA_BLOCKED 215 in the answer). Nothing
	// was accepted, and nothing will be until someone tops the account
	// up, so the worker pauses the campaign at once with a reason starting
	// AccountLimitPrefix and puts the messages back in the queue, without
	// a backoff of its own: the person who resumes decides when to retry.
	// It refines ErrTryLater (errors.Is holds), so code unaware of it
	// requeues.
	ErrAccountLimit = fmt.Errorf("%w: account credit or quota exhausted", ErrTryLater)
)

// AccountLimitPrefix starts the reason recorded on a campaign paused because
// the account has no credit or quota left: by the worker on an answer of
// class ErrAccountLimit, or by the delivery side on a status saying so
// after the provider took the messages. Pages recognise it to say what to
// do (campaign.PauseReason).
const AccountLimitPrefix = "account limit:"

// Config tunes the worker. Zero values take the defaults.
type Config struct {
	BatchSize         int           // messages per request; default 1000, the API's maximum
	Concurrency       int           // requests in flight; default 4
	RequestsPerSecond float64       // default 100 (Wavy allows 700 per IP)
	MessagesPerSecond float64       // default 100000
	PollInterval      time.Duration // how often campaign states are re-read; default 500ms
	ReconcileAfter    time.Duration // age of an unanswered claim before it is looked up; default 30s
	RetryBackoff      time.Duration // first pause after a 429/503; default 1s
	SendTimeout       time.Duration // past it a request's outcome is unknown; default 60s
	Now               func() time.Time
	// FrequencyCap returns the frequency cap in force for a channel; nil
	// caps nothing. The worker skips (marks capped) the messages of numbers
	// over it, when the Store is a CapStore.
	FrequencyCap CapRule
	// Sessions tells which numbers have an open WhatsApp session (the
	// provider's list with the stored replies); nil asks the Store.
	Sessions SessionStore
	// Compile prepares an SMS campaign's message for rendering with each
	// recipient's fields, once per batch (so the billing rule in force
	// applies); nil sends the text as written. An error (an unknown
	// placeholder) requeues the batch and pauses the campaign.
	Compile func(ctx context.Context, c Campaign) (func(m Message) Rendered, error)
	// FiresStarts reports whether this instance starts scheduled campaigns
	// now; nil means always (the only instance). With several instances it
	// is true on the one holding the "campaign-starts" lease, so a start
	// is fired once; the others send its batches once it runs.
	FiresStarts func() bool
}

func (c Config) withDefaults() Config {
	if c.BatchSize <= 0 || c.BatchSize > 1000 {
		c.BatchSize = 1000
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.RequestsPerSecond <= 0 {
		c.RequestsPerSecond = 100
	}
	if c.MessagesPerSecond <= 0 {
		c.MessagesPerSecond = 100000
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 500 * time.Millisecond
	}
	if c.ReconcileAfter <= 0 {
		c.ReconcileAfter = 30 * time.Second
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 60 * time.Second
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// describe turns a send error into the reason stored on failed messages or
// a paused campaign.
func describe(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// errString formats an error for logs with its class.
func errString(err error) string {
	switch {
	case errors.Is(err, ErrUnauthorized):
		return fmt.Sprintf("unauthorized: %v", err)
	case errors.Is(err, ErrRejected):
		return fmt.Sprintf("rejected: %v", err)
	case errors.Is(err, ErrAccountLimit):
		return fmt.Sprintf("account limit: %v", err)
	case errors.Is(err, ErrTryLater):
		return fmt.Sprintf("try later: %v", err)
	}
	return fmt.Sprintf("unknown outcome: %v", err)
}
