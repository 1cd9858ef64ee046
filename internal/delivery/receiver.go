package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"arauto/internal/wavy"
)

// SourceSMPP marks events that arrived over a kept-open SMPP connection
// (deliver_sm) rather than by webhook or polling.
const SourceSMPP = "smpp"

// EventAppender stores raw events durably (the store's AppendEvent).
type EventAppender interface {
	AppendEvent(ctx context.Context, e *Event) error
}

// Receiver stores what a kept-open connection hands over — SMPP delivery
// receipts and replies, already converted to the values the webhooks
// carry — as raw events of the same kinds, in the webhooks' JSON form.
// The applier then treats them like any webhook: same states, same
// counters, inbox and opt-outs, so reports do not care which door a
// message used. It satisfies the SMPP client's Inbound: a call returns
// only once the event is stored, so acknowledging the deliver_sm means
// stored, as a webhook's 200 does.
type Receiver struct {
	Store EventAppender
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Statuses stores delivery receipts as one sms-status event.
func (r Receiver) Statuses(ctx context.Context, sts []wavy.SMSStatus) error {
	return r.store(ctx, KindSMSStatus, len(sts), sts)
}

// MOs stores replies as one sms-mo event.
func (r Receiver) MOs(ctx context.Context, mos []wavy.SMSMO) error {
	return r.store(ctx, KindSMSMO, len(mos), mos)
}

func (r Receiver) store(ctx context.Context, kind string, n int, v any) error {
	if n == 0 {
		return nil
	}
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("delivery: encode %s from smpp: %w", kind, err)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	e := &Event{Kind: kind, Source: SourceSMPP, ReceivedAt: now(), Items: n, Body: body}
	if err := r.Store.AppendEvent(ctx, e); err != nil {
		return fmt.Errorf("delivery: store %s from smpp: %w", kind, err)
	}
	return nil
}
