package delivery

import (
	"context"
	"testing"
	"time"

	"arauto/internal/wavy"
)

type appended []Event

func (a *appended) AppendEvent(_ context.Context, e *Event) error {
	e.ID = int64(len(*a) + 1)
	*a = append(*a, *e)
	return nil
}

// TestReceiverStoresWhatTheApplierReads hands the Receiver what the SMPP
// client converts deliver_sm into, and reads the stored events back as
// the applier does: the same statuses and replies, of the webhooks' kinds.
func TestReceiverStoresWhatTheApplierReads(t *testing.T) {
	var store appended
	r := Receiver{Store: &store, Now: func() time.Time { return t0 }}
	st := wavy.SMSStatus{ID: "9f1c", Destination: "5511999990000", SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
		DeliveredStatusCode: 104, DeliveredStatus: "NOT_DELIVERED", DeliveredAt: t0.Add(-time.Minute)}
	mo := wavy.SMSMO{ID: "mo-1", Source: "5511999990000", ShortCode: "acme", MessageText: "SAIR", ReceivedAt: t0}
	if err := r.Statuses(context.Background(), []wavy.SMSStatus{st}); err != nil {
		t.Fatal(err)
	}
	if err := r.MOs(context.Background(), []wavy.SMSMO{mo}); err != nil {
		t.Fatal(err)
	}
	if err := r.MOs(context.Background(), nil); err != nil || len(store) != 2 {
		t.Fatalf("got %d events (%v), want two: nothing is stored for nothing", len(store), err)
	}
	for _, e := range store {
		if e.Source != SourceSMPP || !e.ReceivedAt.Equal(t0) || e.Items != 1 {
			t.Errorf("event got source %q, received %s, %d items; want smpp, %s, 1", e.Source, e.ReceivedAt, e.Items, t0)
		}
	}
	p := parse(store[0], kw)
	if p.err != nil || len(p.statuses) != 1 || p.statuses[0].providerID != "9f1c" || p.statuses[0].fact.delivCode != 104 || p.statuses[0].fact.sentCode != 2 {
		t.Errorf("status event read back as %+v (%v), want the receipt's id and codes", p.statuses, p.err)
	}
	p = parse(store[1], kw)
	if p.err != nil || len(p.replies) != 1 || p.replies[0].in.ProviderID != "mo-1" || p.replies[0].keyword == "" {
		t.Errorf("reply event read back as %+v (%v), want the MO, an opt-out", p.replies, p.err)
	}
}
