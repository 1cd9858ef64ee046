package smppsender

import (
	"arauto/internal/schedule"
	"context"
	"errors"
	"fmt"
	"time"

	"arauto/internal/dispatch"
	"arauto/internal/message"
	"arauto/internal/smpp/esme"
)

// DefaultBindWait is how long Send waits for a bind before it answers
// try later.
const DefaultBindWait = 5 * time.Second

// Sender sends dispatch batches over SMPP.
type Sender struct {
	// Client returns the SMPP client for the settings in force.
	Client func(ctx context.Context) (*esme.Client, error)
	// Lookup finds messages by correlationId with the HTTPS status search
	// (wavysender.Sender.Find does). Without it, Find fails and
	// CanReconcile is false: messages whose outcome is unknown are marked
	// so and never resent.
	Lookup func(ctx context.Context, correlationIDs []string) (map[string]string, error)
	// BindWait bounds the wait for a bind (default DefaultBindWait).
	BindWait time.Duration
	// Now is the clock for relative expiries (default time.Now).
	Now func() time.Time
}

// Send submits the batch, one submit_sm per part of each message, and
// sorts the outcomes into the dispatcher's classes.
func (s Sender) Send(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	if b.Campaign.Channel == message.ChannelWhatsApp {
		return nil, fmt.Errorf("smppsender: %w: SMPP carries SMS only", dispatch.ErrRejected)
	}
	c, err := s.Client(ctx)
	if err != nil {
		return nil, fmt.Errorf("smppsender: %w: %w", dispatch.ErrTryLater, err)
	}
	wait := s.BindWait
	if wait <= 0 {
		wait = DefaultBindWait
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	err = c.WaitBound(wctx, 1)
	cancel()
	switch {
	case errors.Is(err, esme.ErrUnauthorized):
		return nil, fmt.Errorf("smppsender: %w: %w", dispatch.ErrUnauthorized, err)
	case err != nil:
		return nil, fmt.Errorf("smppsender: %w: %w", dispatch.ErrTryLater, err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	expires := expiry(b.Campaign.Schedule, now())
	msgs := make([]esme.Message, len(b.Messages))
	for i, m := range b.Messages {
		msgs[i] = esme.Message{Destination: m.Phone, Text: m.Text, CorrelationID: dispatch.CorrelationID(m.CampaignID, m.ID),
			Flash: b.Campaign.Flash, ExpiresAt: expires}
	}
	return classify(b.Messages, c.Submit(ctx, msgs))
}

// expiry turns the campaign's expiry into an absolute time (zero: none); an
// expiry at the end of a day ends that day in the campaign's zone.
func expiry(sc schedule.Schedule, now time.Time) time.Time {
	e := sc.Expiry
	switch {
	case !e.At.IsZero():
		return e.At
	case e.InMinutes > 0:
		return now.Add(time.Duration(e.InMinutes) * time.Minute)
	case !e.Date.IsZero():
		loc, err := schedule.LoadZone(sc.Zone)
		if err != nil {
			loc = time.UTC
		}
		return e.DateEnd(loc)
	}
	return time.Time{}
}

// classify maps per-message outcomes onto the dispatcher's contract:
// accepted messages are returned; unsent ones (never written) go back to
// the queue through a StoppedError; one error class covers the rest. An
// unknown outcome anywhere makes it the unknown class (the dispatcher
// then reconciles, so a refused message among them is looked up, not
// found and sent again: it will be refused again on its own); otherwise
// a temporary refusal makes it try-later, and only permanent refusals
// alone make it rejected.
func classify(msgs []dispatch.Message, res []esme.Result) ([]dispatch.Accepted, error) {
	var acc []dispatch.Accepted
	var unsent []int64
	var rejected, later, unknown int
	var first error
	for i, r := range res {
		switch r.Outcome {
		case esme.Accepted:
			acc = append(acc, dispatch.Accepted{MessageID: msgs[i].ID, ProviderID: r.IDs[0], Links: r.IDs})
			continue
		case esme.Unsent:
			unsent = append(unsent, msgs[i].ID)
			continue
		case esme.Rejected:
			rejected++
		case esme.TryLater:
			later++
		default:
			unknown++
		}
		if first == nil {
			first = r.Err
		}
	}
	rest := rejected + later + unknown
	if rest == 0 && len(unsent) == 0 {
		return acc, nil
	}
	if rest == 0 {
		err := fmt.Errorf("smppsender: %w: %d of %d messages not sent in time", dispatch.ErrTryLater, len(unsent), len(msgs))
		if len(acc) == 0 {
			return nil, err
		}
		return acc, &dispatch.StoppedError{Unsent: unsent, Err: err}
	}
	var err error
	switch {
	case unknown > 0:
		err = fmt.Errorf("smppsender: outcome unknown for %d of %d messages: %w", unknown, len(msgs), first)
	case later > 0:
		err = fmt.Errorf("smppsender: %w: %d of %d messages refused for now: %w", dispatch.ErrTryLater, later, len(msgs), first)
	default:
		err = fmt.Errorf("smppsender: %w: %d of %d messages: %w", dispatch.ErrRejected, rejected, len(msgs), first)
	}
	if len(unsent) > 0 {
		return acc, &dispatch.StoppedError{Unsent: unsent, Err: err}
	}
	return acc, err
}

// LinksProviderIDs reports true: SMPP receipts name each part by its
// own message id, never the correlationId, so every part's id is linked
// to its message (dispatch.Linker).
func (s Sender) LinksProviderIDs() bool { return true }

// ErrNoLookup is Find's error when no status search is configured.
var ErrNoLookup = errors.New("smppsender: no status search to reconcile with")

// Find looks messages up by correlationId with the HTTPS status search.
func (s Sender) Find(ctx context.Context, correlationIDs []string) (map[string]string, error) {
	if s.Lookup == nil {
		return nil, ErrNoLookup
	}
	return s.Lookup(ctx, correlationIDs)
}

// CanReconcile reports whether unknown outcomes can be verified: SMS with
// a status search configured. WhatsApp never goes over SMPP.
func (s Sender) CanReconcile(channel string) bool {
	return channel != message.ChannelWhatsApp && s.Lookup != nil
}
