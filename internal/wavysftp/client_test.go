package wavysftp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"arauto/internal/batchfile"
	"arauto/internal/sandbox"
	"arauto/internal/wavy"
	"arauto/internal/wavysftp"
)

// rig is the sandbox (ledger, HTTPS API) with its SFTP door on loopback.
type rig struct {
	sb   *sandbox.Sandbox
	srv  *sandbox.SFTPServer
	api  *httptest.Server
	addr string
}

func newRig(t *testing.T, o sandbox.SFTPOptions) *rig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 7, DelayScale: 0, ReplyRate: -1, RateLimit: -1, StatusQueryRate: -1})
	api := httptest.NewServer(sb)
	r := &rig{sb: sb, api: api}
	r.serve(t, "127.0.0.1:0", o)
	t.Cleanup(func() { r.srv.Close(); api.Close(); sb.Close() })
	return r
}

// serve (re)starts the SFTP door at addr.
func (r *rig) serve(t *testing.T, addr string, o sandbox.SFTPOptions) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // a just-closed port may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if r.srv, err = r.sb.ServeSFTP(ln, o); err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
}

func (r *rig) client(t *testing.T, cfg wavysftp.Config) *wavysftp.Client {
	t.Helper()
	cfg.Addr = r.addr
	if cfg.Username == "" {
		cfg.Username, cfg.Password = "sandbox", "sandbox"
	}
	cfg.PollInterval = 5 * time.Millisecond
	c, err := wavysftp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func smsFile(t *testing.T, rows ...batchfile.SMSRow) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := batchfile.NewSMSWriter(&buf)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestUploadIsProcessedAndFindableByStatusSearch(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{})
	var pinned []string
	c := r.client(t, wavysftp.Config{OnFirstUse: func(fp string) error { pinned = append(pinned, fp); return nil }})
	ctx := ctxFor(t, 10*time.Second)
	name := batchfile.Name{SubAccount: "PROJETO1", Date: time.Now(), Seq: 1}.String()
	data := smsFile(t,
		batchfile.SMSRow{Phone: "5511987650001", Text: "Olá Ana, sua fatura vence amanhã", CorrelationID: "a1-1"},
		batchfile.SMSRow{Phone: "5521987650002", Text: "Olá Bia, sua fatura vence amanhã", CorrelationID: "a1-2"},
	)
	if err := c.Upload(ctx, name, data); err != nil {
		t.Fatalf("upload: %v", err)
	}
	fate, err := c.Wait(ctx, name)
	if err != nil || fate.Place != wavysftp.Succeeded {
		t.Fatalf("fate got %+v %v, want success", fate, err)
	}
	if len(pinned) != 1 || pinned[0] != r.srv.Fingerprint() || c.Fingerprint() != r.srv.Fingerprint() {
		t.Errorf("pinned got %v (client shows %s), want once the server's %s", pinned, c.Fingerprint(), r.srv.Fingerprint())
	}
	if got := r.srv.Files("/"); len(got) != 3 || got[0] != "error" {
		t.Errorf("home holds %v, want only the three directories (no staging leftovers)", got)
	}
	for _, corr := range []string{"a1-1", "a1-2"} {
		if n := r.sb.SentCount(corr); n != 1 {
			t.Errorf("ledger has %s %d times, want once", corr, n)
		}
	}
	msgs := r.sb.Messages()
	if len(msgs) != 2 || msgs[0].SubAccount != "PROJETO1" || msgs[0].Text != "Olá Ana, sua fatura vence amanhã" {
		t.Errorf("ledger got %+v, want the two messages under sub-account PROJETO1", msgs)
	}
	api := wavy.New(wavy.Config{APIURL: r.api.URL, APIGWURL: r.api.URL, Username: "sandbox", Token: "sandbox", RequestsPerSecond: -1, StatusQueriesPerSecond: -1})
	sts, err := api.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: []string{"a1-1", "a1-2", "a1-3"}})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, st := range sts {
		if st.ID != "" {
			found[st.CorrelationID] = true
		}
	}
	if !found["a1-1"] || !found["a1-2"] || found["a1-3"] {
		t.Errorf("status search found %v, want a1-1 and a1-2 only", found)
	}
}

func TestRefusedFileGoesToErrorWithItsReason(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{})
	c := r.client(t, wavysftp.Config{})
	ctx := ctxFor(t, 10*time.Second)
	tests := []struct {
		name, data, detail string
	}{
		{"3486.20250101.1.txt", "numero;texto;correlationId;\n5511987650001;a;b;c;\nEOF\n", "row 1"},
		{"3486.20250101.2.txt", "numero;texto;correlationId;\n5511987650001;ok;;\n", "EOF"},
		{"3486.20250101.3.txt", "phone,text\n5511987650001,oi\n", "unknown layout"},
	}
	for _, tt := range tests {
		if err := c.Upload(ctx, tt.name, []byte(tt.data)); err != nil {
			t.Fatalf("upload %s: %v", tt.name, err)
		}
		fate, err := c.Wait(ctx, tt.name)
		if err != nil || fate.Place != wavysftp.Failed || !strings.Contains(fate.Detail, tt.detail) {
			t.Errorf("%s: fate got %+v %v, want error with a detail mentioning %q", tt.name, fate, err, tt.detail)
		}
	}
	if n := r.sb.Ledger().Accepted; n != 0 {
		t.Errorf("ledger accepted %d messages of refused files, want 0", n)
	}
}

func TestHostKeyIsPinnedOnFirstUseAndVerifiedAfter(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{})
	c := r.client(t, wavysftp.Config{})
	ctx := ctxFor(t, 10*time.Second)
	first, err := c.Check(ctx)
	if err != nil || first != r.srv.Fingerprint() {
		t.Fatalf("check got %s %v, want the server's %s", first, err, r.srv.Fingerprint())
	}
	// The server is replaced at the same address by one with a new key.
	addr := r.addr
	r.srv.Close()
	r.serve(t, addr, sandbox.SFTPOptions{})
	_, err = c.Locate(ctx, "x.txt")
	var mismatch *wavysftp.HostKeyMismatchError
	if !errors.As(err, &mismatch) || mismatch.Pinned != first || mismatch.Presented != r.srv.Fingerprint() {
		t.Fatalf("after the key changed got %v, want a mismatch naming %s and %s", err, first, r.srv.Fingerprint())
	}
	if !strings.Contains(err.Error(), first) || !strings.Contains(err.Error(), r.srv.Fingerprint()) || !wavysftp.Permanent(err) {
		t.Errorf("message %q should name both fingerprints and be permanent", err)
	}
	// A client configured with the pinned key refuses too, before any
	// password is sent; one pinned to the new key gets in.
	if _, err := r.client(t, wavysftp.Config{HostKey: first}).Check(ctx); !errors.As(err, &mismatch) {
		t.Errorf("configured pin got %v, want a mismatch", err)
	}
	if _, err := r.client(t, wavysftp.Config{HostKey: r.srv.Fingerprint()}).Check(ctx); err != nil {
		t.Errorf("the right pin got %v, want a connection", err)
	}
}

func TestWrongPasswordIsPermanent(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{})
	_, err := r.client(t, wavysftp.Config{Username: "sandbox", Password: "wrong"}).Check(ctxFor(t, 10*time.Second))
	if !errors.Is(err, wavysftp.ErrUnauthorized) || !wavysftp.Permanent(err) {
		t.Errorf("got %v, want ErrUnauthorized", err)
	}
}

func TestReconnectsAfterADroppedConnection(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{})
	c := r.client(t, wavysftp.Config{})
	ctx := ctxFor(t, 10*time.Second)
	if _, err := c.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.srv.DropConnections(); n != 1 {
		t.Fatalf("dropped %d connections, want 1", n)
	}
	start := time.Now()
	name := "3486.20250101.7.txt"
	if err := c.Upload(ctx, name, smsFile(t, batchfile.SMSRow{Phone: "5511987650001", Text: "oi", CorrelationID: "r-1"})); err != nil {
		t.Fatalf("upload after the drop: %v", err)
	}
	if fate, err := c.Wait(ctx, name); err != nil || fate.Place != wavysftp.Succeeded {
		t.Fatalf("fate got %+v %v, want success", fate, err)
	}
	t.Logf("reconnect and upload after a dropped connection: %s", time.Since(start))
	if n := r.sb.SentCount("r-1"); n != 1 {
		t.Errorf("ledger has the message %d times, want once", n)
	}
}

func TestPendingFileIsNotReplaced(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{ProcessDelay: time.Hour})
	c := r.client(t, wavysftp.Config{})
	ctx := ctxFor(t, 10*time.Second)
	name := "3486.20250101.9.txt"
	data := smsFile(t, batchfile.SMSRow{Phone: "5511987650001", Text: "oi", CorrelationID: "p-1"})
	if err := c.Upload(ctx, name, data); err != nil {
		t.Fatal(err)
	}
	if err := c.Upload(ctx, name, data); !errors.Is(err, wavysftp.ErrExists) {
		t.Errorf("second upload got %v, want ErrExists", err)
	}
	if p, err := c.Locate(ctx, name); err != nil || p != wavysftp.Pending {
		t.Errorf("locate got %q %v, want upload", p, err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Wait(short, name); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still in upload") {
		t.Errorf("wait got %v, want a deadline saying the file is still in upload", err)
	}
	if got := r.srv.Files("/"); len(got) != 3 {
		t.Errorf("home holds %v, want no staging leftovers", got)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		cfg  wavysftp.Config
		want string
	}{
		{wavysftp.Config{Username: "u"}, "address is required"},
		{wavysftp.Config{Addr: "h"}, "username is required"},
		{wavysftp.Config{Addr: "h", Username: "u", HostKey: "ab:cd"}, "not a SHA256 fingerprint"},
	}
	for _, tt := range tests {
		if _, err := wavysftp.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) got %v, want %q", tt.cfg, err, tt.want)
		}
	}
	if _, err := wavysftp.New(wavysftp.Config{Addr: "ftp-messaging.wavy.global", Username: "u"}); err != nil {
		t.Errorf("a host without port got %v, want the default port", err)
	}
}

// A file is never visible in upload before it is complete: Wavy would
// process (and send) what it found there.
func TestUploadNeverShowsAPartialFile(t *testing.T) {
	r := newRig(t, sandbox.SFTPOptions{ProcessDelay: time.Hour})
	c := r.client(t, wavysftp.Config{})
	ctx := ctxFor(t, 30*time.Second)
	rows := make([]batchfile.SMSRow, 50_000)
	for i := range rows {
		rows[i] = batchfile.SMSRow{Phone: fmt.Sprintf("55119%08d", i), Text: "Olá, temos uma oferta especial para você nesta semana!", CorrelationID: fmt.Sprintf("big-%d", i)}
	}
	data := smsFile(t, rows...)
	name := "3486.20250101.11.txt"
	done := make(chan error, 1)
	go func() { done <- c.Upload(ctx, name, data) }()
	seen, partial := 0, 0
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		for _, f := range r.srv.Files("/upload") {
			if got, ok := r.srv.ReadFile("/upload/" + f); ok {
				seen++
				if len(got) != len(data) {
					partial++
				}
			}
		}
	}
	if partial > 0 || seen == 0 {
		t.Errorf("upload showed a partial file %d times (complete %d), want never partial and seen at the end", partial, seen-partial)
	}
}
