package session_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/recipient"
	"arauto/internal/sandbox"
	"arauto/internal/session"
	"arauto/internal/wavy"
	"arauto/store/storetest"
)

// TestSessionsTheConsoleNeverHeardOf: two recipients answered a WhatsApp
// message, but their replies never reached this console (no webhook). The
// stored replies know nothing; the provider's list of open sessions, read
// through the real client from the simulator, opens them.
func TestSessionsTheConsoleNeverHeardOf(t *testing.T) {
	ctx := context.Background()
	if config.SandboxCustomerID != sandbox.CustomerID {
		t.Fatalf("the console asks the built-in sandbox for customer %d, it answers for %d", config.SandboxCustomerID, sandbox.CustomerID)
	}
	sb := sandbox.New(sandbox.Options{Seed: 1, DelayScale: 0, ReplyRate: -1, RateLimit: -1, StatusQueryRate: -1})
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	client := wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: sandbox.DefaultUsername, Token: sandbox.DefaultToken})

	// Numbers of the simulator's magic block that answer with a text.
	answer := []string{"5511977771001", "5521977771001"}
	quiet := []string{"5511900000001", "5511900000002"}
	st := storetest.New(t)
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var rs []recipient.Recipient
	for i, p := range append(append([]string{}, answer...), quiet...) {
		rs = append(rs, recipient.Recipient{Row: i + 2, Phone: p})
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: len(rs), Valid: len(rs)}); err != nil {
		t.Fatal(err)
	}
	req := wavy.WhatsAppRequest{Message: wavy.WhatsAppMessage{Template: &wavy.Template{Namespace: "ns", ElementName: "oi",
		LanguageCode: "pt_BR", LanguagePolicy: "DETERMINISTIC"}}}
	for _, p := range rs {
		req.Destinations = append(req.Destinations, wavy.WhatsAppDestination{Destination: p.Phone})
	}
	if _, err := client.SendWhatsApp(ctx, req); err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	replies := &session.Tracker{Replies: st}
	if c, err := replies.Count(ctx, l.ID, now); err != nil || c.N != 0 {
		t.Fatalf("stored replies alone count %+v, %v; want 0 (none reached the console)", c, err)
	}
	tr := &session.Tracker{Replies: st, Source: func(context.Context) (session.Lister, wavy.SessionQuery, error) {
		return client, wavy.SessionQuery{CustomerID: sandbox.CustomerID}, nil
	}}
	deadline := time.Now().Add(5 * time.Second)
	var open map[string]bool
	for {
		var err error
		tr.Refresh = time.Nanosecond // ask again while the replies are generated
		if open, err = tr.OpenSessions(ctx, append(append([]string{}, answer...), quiet...), time.Now()); err != nil {
			t.Fatal(err)
		}
		if len(open) == len(answer) || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range answer {
		if !open[p] {
			t.Errorf("%s answered but has no open session: %v", p, open)
		}
	}
	for _, p := range quiet {
		if open[p] {
			t.Errorf("%s never answered but has an open session", p)
		}
	}
	c, err := tr.Count(ctx, l.ID, time.Now())
	if err != nil || c.N != len(answer) || !c.Provider {
		t.Errorf("count got %+v, %v; want %d from the provider's list", c, err, len(answer))
	}
}
