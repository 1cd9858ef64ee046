package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"arauto/internal/audit"
	"arauto/internal/outhook"
	"arauto/internal/transactional"
	"arauto/store"
	"arauto/store/storetest"
)

func TestAuditLogIsAppendOnly(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	e := audit.Entry{At: time.Now(), Actor: audit.Actor{Kind: audit.ActorUser, Name: "ana@example.com"}, Action: audit.CampaignLaunched}
	if err := st.AppendAudit(ctx, &e); err != nil {
		t.Fatal(err)
	}
	if err := st.ExecForTest(ctx, "UPDATE audit_log SET actor_name = 'someone else'"); err == nil {
		t.Error("an audit entry was changed")
	}
	if err := st.ExecForTest(ctx, "DELETE FROM audit_log"); err == nil {
		t.Error("an audit entry was deleted")
	}
	got, err := st.AuditEntries(ctx, audit.Filter{Actor: "ANA"})
	if err != nil || len(got) != 1 || got[0].Actor.Name != "ana@example.com" {
		t.Fatalf("got %+v, %v; want the one entry, unchanged, found by actor in any case", got, err)
	}
}

// TestTransactionalMessageAndItsKeyAreOneWrite: the message, its kept
// answer and its audit entry are written together; a second write with
// the key writes nothing.
func TestTransactionalMessageAndItsKeyAreOneWrite(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	svc := &transactional.Service{Store: st, Region: "BR"}
	keep := &transactional.Keep{TokenID: 1, Key: "k1", Fingerprint: "fp", Status: 202, ContentType: "application/json",
		Body: func(s transactional.Sent) []byte { return []byte(`{"id":"` + s.ID + `"}`) }}
	req := transactional.Request{Channel: transactional.SMS, To: "11981234567", Text: "Pedido confirmado", CorrelationID: "p-1"}
	entry := &audit.Entry{Action: audit.MessageSent, Actor: audit.Actor{Kind: audit.ActorToken, Name: "loja"}, At: time.Now()}
	sent, problems, err := svc.Send(ctx, req, 1, keep, entry)
	if err != nil || len(problems) > 0 {
		t.Fatalf("send: %v %v", err, problems)
	}
	if _, _, err := svc.Send(ctx, req, 1, keep, entry); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second send with the key: got %v, want ErrConflict", err)
	}
	rec, err := st.IdempotencyRecord(ctx, 1, "k1")
	if err != nil || string(rec.Answer.Body) != `{"id":"`+sent.ID+`"}` {
		t.Fatalf("kept answer: got %q, %v", rec.Answer.Body, err)
	}
	stored, _, err := st.TransactionalTotals(ctx)
	if err != nil || stored != 1 {
		t.Fatalf("got %d messages stored, %v; want 1", stored, err)
	}
	m, err := st.TransactionalMessageByID(ctx, sent.ID)
	if err != nil || m.CorrelationID != "p-1" || m.Status.State != "queued" {
		t.Fatalf("got %+v, %v", m, err)
	}
	es, _ := st.AuditEntries(ctx, audit.Filter{Action: audit.MessageSent})
	if len(es) != 1 || es[0].TargetID != "5511981234567" {
		t.Fatalf("got audit %+v, want one entry naming the number", es)
	}
}

// TestMessageStatusFactsOnlyWithAReceiver: a delivery report recorded on a
// message becomes a fact in the same write only while a receiver is
// active; the worker turns it into message.delivered with the caller's
// correlation id.
func TestMessageStatusFactsOnlyWithAReceiver(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	svc := &transactional.Service{Store: st, Region: "BR"}
	sent, _, err := svc.Send(ctx, transactional.Request{Channel: transactional.SMS, To: "11981234567", Text: "oi", CorrelationID: "p-9"}, 0, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(code int) {
		t.Helper()
		if err := st.ExecForTest(ctx, "UPDATE messages SET sent_code = 2, delivered_code = ?, state = 'accepted' WHERE id = ?", code, sent.MessageID); err != nil {
			t.Fatal(err)
		}
	}
	deliver(4)
	if fs, _ := st.OutgoingFacts(ctx, 10); len(fs) != 0 {
		t.Fatalf("got %d facts with no receiver, want 0", len(fs))
	}
	ep := &outhook.Endpoint{URL: "http://127.0.0.1:9/", Events: []string{outhook.MessageDelivered}, Active: true, Secret: "s"}
	if err := st.CreateEndpoint(ctx, ep, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.ExecForTest(ctx, "UPDATE messages SET sent_code = 0, delivered_code = 0 WHERE id = ?", sent.MessageID); err != nil {
		t.Fatal(err)
	}
	deliver(4)
	w := outhook.NewWorker(st, outhook.Options{})
	if _, err := w.FanOut(ctx); err != nil {
		t.Fatal(err)
	}
	ds, err := st.DeliveryLog(ctx, ep.ID, "pending", 0, 10)
	if err != nil || len(ds) != 1 || ds[0].EventType != outhook.MessageDelivered {
		t.Fatalf("got %+v, %v; want one message.delivered", ds, err)
	}
	if want := `"correlation_id":"p-9"`; !contains(string(ds[0].Body), want) {
		t.Errorf("got body %s, want it to carry %s", ds[0].Body, want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestPruneKeepsPendingDeliveries(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	ep := &outhook.Endpoint{URL: "http://127.0.0.1:9/", Events: outhook.Types, Active: true, Secret: "s"}
	if err := st.CreateEndpoint(ctx, ep, 0); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-8 * 24 * time.Hour)
	ds := []outhook.Delivery{
		{EndpointID: ep.ID, EventID: "evt_1", EventType: outhook.MessageRead, OrderKey: "message:1", Body: []byte("{}"), NextAt: old, CreatedAt: old},
		{EndpointID: ep.ID, EventID: "evt_2", EventType: outhook.MessageRead, OrderKey: "message:2", Body: []byte("{}"), NextAt: old, CreatedAt: old},
	}
	if err := st.FanOut(ctx, 0, ds); err != nil {
		t.Fatal(err)
	}
	log, _ := st.DeliveryLog(ctx, ep.ID, "", 0, 10)
	if err := st.RecordAttempts(ctx, []outhook.Attempt{{DeliveryID: log[0].ID, At: old, Status: 200, Delivered: true}}); err != nil {
		t.Fatal(err)
	}
	n, err := st.PruneDeliveries(ctx, time.Now().Add(-7*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the delivered one only", n, err)
	}
	if left, _ := st.DeliveryLog(ctx, ep.ID, "pending", 0, 10); len(left) != 1 {
		t.Fatalf("got %d pending left, want 1", len(left))
	}
}
