package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/sandbox"
	"arauto/internal/wavy"
	"arauto/store"
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

	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := config.Config{Provider: "wavy", WavyAPIURL: srv.URL, WavyAPIGWURL: srv.URL, WavyUsername: "sandbox", WavyToken: "sandbox"}
	p := &poller{cfg: cfg, store: st, clients: &providerClients{cfg: cfg, store: st}, log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: time.Now}
	p.poll(ctx)
	counts, err := st.EventCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.EventSMSStatus] != 1 {
		t.Errorf("got events %v, want one polled status list", counts)
	}
	// No message rows exist in this store, so the applier keeps the events
	// for later; it must read them without error.
	if _, err := st.ApplyEvents(ctx, 100); err != nil {
		t.Errorf("applying polled events got %v, want no error", err)
	}
}
