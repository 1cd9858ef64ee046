package testsend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"arauto/internal/dispatch"
	"arauto/internal/message"
	"arauto/internal/recipient"
)

// MaxSeeds is how many test numbers a user may save.
const MaxSeeds = 5

// States of a test send.
const (
	Submitting = "submitting"
	Accepted   = "accepted"
	Failed     = "failed"
	Unknown    = "unknown"
)

// Send is one test message to one number.
type Send struct {
	ID         int64
	CampaignID int64
	UserID     int64
	Channel    string
	Phone      string
	// Text is what was sent (the WhatsApp message's summary for WhatsApp).
	Text  string
	State string
	// ProviderID is the provider's id once accepted.
	ProviderID string
	// Segments is what the text is billed (1 for WhatsApp).
	Segments int
	// Error says why it failed, or why its outcome is unknown.
	Error     string
	CreatedAt time.Time
}

// Result settles a test send.
type Result struct {
	ID         int64
	State      string
	ProviderID string
	Error      string
}

// Store keeps the users' test numbers and the test sends.
type Store interface {
	// TestSeeds returns the user's test numbers, in their order.
	TestSeeds(ctx context.Context, userID int64) ([]string, error)
	// SaveTestSeeds replaces the user's test numbers.
	SaveTestSeeds(ctx context.Context, userID int64, phones []string) error
	// CreateTestSends stores sends as submitting, setting their ids, in
	// one transaction.
	CreateTestSends(ctx context.Context, sends []*Send) error
	// SettleTestSends records results.
	SettleTestSends(ctx context.Context, results []Result, at time.Time) error
	// SubmittingTestSends returns test sends still submitting created
	// before olderThan.
	SubmittingTestSends(ctx context.Context, olderThan time.Time, limit int) ([]Send, error)
	// DispatchCampaign returns a campaign as the dispatcher sees it.
	DispatchCampaign(ctx context.Context, id int64) (dispatch.Campaign, error)
}

// Errors of Send.
var (
	// ErrNoSeeds: the user has saved no test numbers.
	ErrNoSeeds = errors.New("testsend: no test numbers saved")
	// ErrNoMessage: the campaign has no message to test yet.
	ErrNoMessage = errors.New("testsend: the campaign has no message yet")
)

// RefusedError is a message the dispatcher would refuse for this
// recipient (too long once the fields are filled in): nothing was sent.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "testsend: refused: " + e.Reason }

// Service sends and settles test sends. Its fields are its dependencies.
type Service struct {
	Store Store
	// Sender is the provider path: the HTTPS door of the dispatcher.
	Sender dispatch.Sender
	// Compile renders and prices an SMS campaign's message as the
	// dispatcher does (dispatch.SMSCompiler).
	Compile func(ctx context.Context, c dispatch.Campaign) (func(m dispatch.Message) dispatch.Rendered, error)
	Now     func() time.Time
	Log     *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// ParseSeeds reads the test numbers as typed (one per line, or separated
// by commas or semicolons) into normalised phones, dropping repeats. A
// number that is not a valid mobile is returned as bad with why; more
// than MaxSeeds is tooMany.
func ParseSeeds(raw, region string) (phones []string, bad string, why recipient.Reason, tooMany bool) {
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, reason := recipient.NormalizePhone(f, region)
		if reason != "" {
			return nil, f, reason, false
		}
		if !seen[p] {
			seen[p] = true
			phones = append(phones, p)
		}
	}
	return phones, "", "", len(phones) > MaxSeeds
}

// SampleFields are the fields of "sample data": each column's name in
// brackets, so the test shows where every field goes.
func SampleFields(columns []string) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = "[" + c + "]"
	}
	return out
}

// Send sends campaign c's message, rendered with fields, to every test
// number of the user, storing each send before its request leaves. It
// returns the sends as settled by the answer (an unclear answer leaves
// them submitting, for Reconcile).
func (s *Service) Send(ctx context.Context, c dispatch.Campaign, userID int64, fields []string) ([]Send, error) {
	seeds, err := s.Store.TestSeeds(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("testsend: test numbers of user %d: %w", userID, err)
	}
	if len(seeds) == 0 {
		return nil, ErrNoSeeds
	}
	text, segments := c.Message, 1
	switch {
	case c.Channel == message.ChannelWhatsApp:
		if strings.TrimSpace(c.WhatsApp) == "" {
			return nil, ErrNoMessage
		}
	case strings.TrimSpace(c.Message) == "" && c.TemplateID == 0 && c.TemplateName == "" && c.FlowID == "":
		return nil, ErrNoMessage
	default:
		render, err := s.Compile(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("testsend: message of campaign %d: %w", c.ID, err)
		}
		r := render(dispatch.Message{Fields: fields})
		if r.Refused != "" {
			return nil, &RefusedError{Reason: r.Refused}
		}
		text, segments = r.Text, max(r.Segments, 1)
	}
	sends := make([]*Send, len(seeds))
	for i, p := range seeds {
		sends[i] = &Send{CampaignID: c.ID, UserID: userID, Channel: c.Channel, Phone: p, Text: text, State: Submitting,
			Segments: segments, CreatedAt: s.now().UTC()}
	}
	if err := s.Store.CreateTestSends(ctx, sends); err != nil {
		return nil, fmt.Errorf("testsend: store test sends: %w", err)
	}
	msgs := make([]dispatch.Message, len(sends))
	for i, sd := range sends {
		msgs[i] = dispatch.Message{ID: sd.ID, Phone: sd.Phone, Fields: fields, Text: sd.Text, Segments: sd.Segments}
	}
	results, err := s.submit(ctx, c, msgs)
	if err != nil {
		return nil, err
	}
	out := make([]Send, len(sends))
	for i, sd := range sends {
		out[i] = *sd
		if r, ok := results[sd.ID]; ok {
			out[i].State, out[i].ProviderID, out[i].Error = r.State, r.ProviderID, r.Error
		}
	}
	s.log().Info("test send", "campaign_id", c.ID, "user_id", userID, "numbers", len(sends))
	return out, nil
}

// submit sends the messages (whose CampaignID is 0, so their correlationId
// names no campaign) and records what the answer settles.
func (s *Service) submit(ctx context.Context, c dispatch.Campaign, msgs []dispatch.Message) (map[int64]Result, error) {
	acc, err := s.Sender.Send(ctx, dispatch.Batch{Campaign: c, Messages: msgs})
	results := map[int64]Result{}
	for _, a := range acc {
		results[a.MessageID] = Result{ID: a.MessageID, State: Accepted, ProviderID: a.ProviderID}
	}
	if err != nil {
		state := ""
		switch {
		case errors.Is(err, dispatch.ErrRejected), errors.Is(err, dispatch.ErrUnauthorized), errors.Is(err, dispatch.ErrTryLater):
			// Nothing of the request was taken: a clear answer.
			state = Failed
		}
		s.log().Warn("test send not accepted", "campaign_id", c.ID, "err", err, "settled", state != "")
		if state != "" {
			for _, m := range msgs {
				if _, ok := results[m.ID]; !ok {
					results[m.ID] = Result{ID: m.ID, State: state, Error: err.Error()}
				}
			}
		}
	}
	list := make([]Result, 0, len(results))
	for _, r := range results {
		list = append(list, r)
	}
	if err := s.Store.SettleTestSends(ctx, list, s.now().UTC()); err != nil {
		return nil, fmt.Errorf("testsend: settle test sends: %w", err)
	}
	return results, nil
}

// ReconcileBatch bounds the test sends Reconcile looks at in one go.
const ReconcileBatch = 100

// Reconcile settles test sends left submitting since before olderThan
// (an unclear answer, a crash): those the provider's status search finds
// are accepted, the others sent again; WhatsApp ones, which cannot be
// looked up, are marked unknown.
func (s *Service) Reconcile(ctx context.Context, olderThan time.Time) (int, error) {
	left, err := s.Store.SubmittingTestSends(ctx, olderThan, ReconcileBatch)
	if err != nil || len(left) == 0 {
		return 0, err
	}
	rc, _ := s.Sender.(dispatch.ChannelReconciler)
	var settle []Result
	byCampaign := map[int64][]Send{}
	corrs := []string{}
	for _, sd := range left {
		if rc != nil && !rc.CanReconcile(sd.Channel) {
			settle = append(settle, Result{ID: sd.ID, State: Unknown, Error: "no clear answer from the provider, which cannot be asked about WhatsApp messages: not sent again"})
			continue
		}
		byCampaign[sd.CampaignID] = append(byCampaign[sd.CampaignID], sd)
		corrs = append(corrs, dispatch.CorrelationID(0, sd.ID))
	}
	if len(corrs) > 0 {
		found, err := s.Sender.Find(ctx, corrs)
		if err != nil {
			return 0, fmt.Errorf("testsend: look up test sends: %w", err)
		}
		for cid, sends := range byCampaign {
			var again []dispatch.Message
			for _, sd := range sends {
				if id, ok := found[dispatch.CorrelationID(0, sd.ID)]; ok {
					settle = append(settle, Result{ID: sd.ID, State: Accepted, ProviderID: id})
					continue
				}
				again = append(again, dispatch.Message{ID: sd.ID, Phone: sd.Phone, Text: sd.Text, Segments: sd.Segments})
			}
			if len(again) == 0 {
				continue
			}
			c, err := s.Store.DispatchCampaign(ctx, cid)
			if err != nil {
				return 0, fmt.Errorf("testsend: campaign %d of test sends: %w", cid, err)
			}
			if _, err := s.submit(ctx, c, again); err != nil {
				return 0, err
			}
		}
	}
	if len(settle) > 0 {
		if err := s.Store.SettleTestSends(ctx, settle, s.now().UTC()); err != nil {
			return 0, fmt.Errorf("testsend: settle test sends: %w", err)
		}
	}
	return len(left), nil
}

// Run reconciles, every interval until ctx ends, the test sends left
// submitting for longer than interval.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Reconcile(ctx, s.now().Add(-interval)); err != nil && ctx.Err() == nil {
			s.log().Error("test sends: reconcile", "err", err)
		}
	}
}
