package delivery_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/sandbox"
	"arauto/internal/wavy"
	"arauto/store/storetest"
)

// The poller stores what the status and MO lists return as raw events the
// applier understands.
func TestPollerStoresListsAsEvents(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Seed: 5, DelayScale: 0, ReplyRate: 1, StatusQueryRate: -1})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	defer sb.Close()
	ctx := context.Background()
	c := wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: "sandbox", Token: "sandbox", StatusQueriesPerSecond: -1})
	var msgs []wavy.BulkMessage
	for _, d := range []string{"5511987654321", "5521987654321", "5531987654321"} {
		msgs = append(msgs, wavy.BulkMessage{Destination: d, MessageText: "oi", CorrelationID: "a1-" + d[2:4]})
	}
	if _, err := c.SendBulkSMS(ctx, wavy.BulkSMS{Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)

	st := storetest.New(t)
	p := &delivery.Poller{Store: st, Source: func(context.Context) (delivery.Source, error) { return c, nil }}
	p.Poll(ctx)
	counts, err := st.EventCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[delivery.KindSMSStatus] != 1 {
		t.Errorf("got events %v, want one polled status list", counts)
	}
	// No message rows exist in this store, so the applier keeps the events
	// for later; it must read them without error.
	if _, err := delivery.NewApplier(st, delivery.Options{Batch: 100}).Step(ctx); err != nil {
		t.Errorf("applying polled events got %v, want no error", err)
	}
}
