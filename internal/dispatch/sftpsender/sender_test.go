package sftpsender_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/batchfile"
	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/sftpsender"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/sandbox"
	"arauto/internal/sms"
	"arauto/internal/wavy"
	"arauto/internal/wavysftp"
	"arauto/store"
	"arauto/store/storetest"
)

const sub = "PROJETO1"

// rig is a real outbox (SQLite), the sandbox with its SFTP door, and a
// real SFTP client, so the ledger tells how often each message went.
type rig struct {
	t      testing.TB
	st     *store.Store
	sb     *sandbox.Sandbox
	srv    *sandbox.SFTPServer
	api    *wavy.Client
	files  *wavysftp.Client
	campID int64
	n      int
	suppr  map[string]bool
	odd    map[int]string // row -> a name the file layout cannot carry
}

type rigOptions struct {
	recipients   int
	processDelay time.Duration
	statusURL    string
	odd          map[int]string
	noStore      bool
}

func newRig(t testing.TB, o rigOptions) *rig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 5, DelayScale: 0, ReplyRate: -1, RateLimit: -1, StatusQueryRate: -1, StatusURL: o.statusURL})
	api := httptest.NewServer(sb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sb.ServeSFTP(ln, sandbox.SFTPOptions{ProcessDelay: o.processDelay})
	if err != nil {
		t.Fatal(err)
	}
	files, err := wavysftp.New(wavysftp.Config{Addr: ln.Addr().String(), Username: "sandbox", Password: "sandbox", PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { files.Close(); srv.Close(); api.Close(); sb.Close() })
	r := &rig{t: t, sb: sb, srv: srv, files: files, n: o.recipients, suppr: map[string]bool{}, odd: o.odd,
		api: wavy.New(wavy.Config{APIURL: api.URL, APIGWURL: api.URL, Username: "sandbox", Token: "sandbox", RequestsPerSecond: -1, StatusQueriesPerSecond: -1})}
	if !o.noStore {
		r.st = storetest.New(t)
		r.seed()
	}
	return r
}

// phone is recipient i's number: shuffled over real DDDs.
func phone(i int) string {
	ddds := []int{11, 21, 31, 41, 51, 61, 71, 81, 91, 19, 27, 48}
	return fmt.Sprintf("55%d9%08d", ddds[i%len(ddds)], (i*7919)%100_000_000)
}

func (r *rig) name(i int) string {
	if s, ok := r.odd[i]; ok {
		return s
	}
	return fmt.Sprintf("Cliente %d", i)
}

func (r *rig) seed() {
	ctx := context.Background()
	l := &recipient.List{Name: "sftp", FileName: "x.csv"}
	if err := r.st.CreateList(ctx, l); err != nil {
		r.t.Fatal(err)
	}
	batch := make([]recipient.Recipient, 0, 5000)
	for i := 0; i < r.n; i++ {
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: phone(i), Fields: []string{r.name(i)}})
		if len(batch) == cap(batch) || i == r.n-1 {
			if err := r.st.AddRecipients(ctx, l.ID, batch); err != nil {
				r.t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := r.st.FinishListImport(ctx, l.ID, recipient.Report{Rows: r.n, Valid: r.n, Columns: []string{"nome"}}); err != nil {
		r.t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 77, Name: "Arquivo", Alias: "arquivo", Channel: campaign.SMS, ListID: l.ID,
		Message: "Olá {{nome}}, temos ofertas!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := r.st.CreateCampaign(ctx, c); err != nil {
		r.t.Fatal(err)
	}
	r.campID = c.ID
}

// compile is the dispatcher's SMS rendering, under the default billing
// rule.
var compile = dispatch.SMSCompiler(func(context.Context) (sms.Rule, error) { return sms.Default, nil })

func (r *rig) sender(search bool) *sftpsender.Sender {
	r.t.Helper()
	cfg := sftpsender.Config{SubAccount: sub, Files: func(context.Context) (sftpsender.Files, error) { return r.files, nil }}
	if search {
		cfg.Search = func(ctx context.Context, ids []string) (map[string]string, error) {
			sts, err := r.api.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: ids})
			found := map[string]string{}
			for _, st := range sts {
				found[st.CorrelationID] = st.ID
			}
			return found, err
		}
	}
	s, err := sftpsender.New(cfg)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *rig) worker(cfg dispatch.Config) *dispatch.Worker {
	cfg.Compile = compile
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 10 * time.Millisecond
	}
	if cfg.ReconcileAfter == 0 {
		cfg.ReconcileAfter = 100 * time.Millisecond
	}
	cfg.RetryBackoff = 5 * time.Millisecond
	return dispatch.New(r.st, r.sender(true), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func (r *rig) runUntilDone(w *dispatch.Worker, limit time.Duration) time.Duration {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); w.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	start := time.Now()
	for time.Since(start) < limit {
		c, err := r.st.CampaignByID(context.Background(), r.campID)
		if err != nil {
			r.t.Fatal(err)
		}
		if c.State == campaign.Completed {
			return time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	r.t.Fatalf("campaign not completed in %s; counts %v", limit, counts)
	return 0
}

// checkExactlyOnce asserts every sendable recipient reached the sandbox
// once, the others never, and the outbox agrees.
func (r *rig) checkExactlyOnce(first int64) {
	r.t.Helper()
	ctx := context.Background()
	counts, err := r.st.CampaignCounts(ctx, r.campID)
	if err != nil {
		r.t.Fatal(err)
	}
	want := int64(r.n - len(r.suppr) - len(r.odd))
	if counts["accepted"] != want || counts["queued"] != 0 || counts["submitting"] != 0 ||
		counts["suppressed"] != int64(len(r.suppr)) || counts["failed"] != int64(len(r.odd)) {
		r.t.Errorf("counts got %v, want %d accepted, %d suppressed, %d failed", counts, want, len(r.suppr), len(r.odd))
	}
	twice, never := 0, 0
	for i := 0; i < r.n; i++ {
		got := r.sb.SentCount(dispatch.CorrelationID(r.campID, first+int64(i)))
		w := 1
		if r.suppr[phone(i)] || r.odd[i] != "" {
			w = 0
		}
		switch {
		case got > w:
			twice++
		case got < w:
			never++
		}
	}
	if twice > 0 || never > 0 {
		r.t.Errorf("sandbox ledger: %d messages sent more than once, %d never sent (of %d)", twice, never, r.n)
	}
	for _, m := range r.sb.Messages() {
		if !strings.HasPrefix(m.Text, "Olá Cliente ") || m.SubAccount != sub {
			r.t.Fatalf("sandbox got text %q sub-account %q, want the rendered text under %s", m.Text, m.SubAccount, sub)
		}
	}
}

func TestCampaignGoesAsFilesExactlyOnce(t *testing.T) {
	r := newRig(t, rigOptions{recipients: 3000, odd: map[int]string{17: "Ana; Maria", 2500: "Bia\nSouza"}})
	ctx := context.Background()
	for _, i := range []int{3, 99, 2999} {
		r.suppr[phone(i)] = true
		if _, err := r.st.AddSuppressions(ctx, []string{phone(i)}, "opt-out", ""); err != nil {
			t.Fatal(err)
		}
	}
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 500}), 30*time.Second)
	r.checkExactlyOnce(1)
	ok, refused := r.srv.Files("/success"), r.srv.Files("/error")
	if len(ok) != 6 || len(refused) != 0 {
		t.Errorf("files got %d in success %v and %v in error, want 6 in success", len(ok), ok, refused)
	}
	for _, n := range ok {
		if fn, err := batchfile.ParseName(n); err != nil || fn.SubAccount != sub {
			t.Errorf("file name %q does not follow the layout: %v", n, err)
		}
	}
}

// A crash leaves three claimed batches "submitting": one was uploaded and
// processed, one never left, one waits in upload. The new worker settles
// them from the files before sending anything: each message once.
func TestCrashMidBatchIsReconciledFromTheFiles(t *testing.T) {
	r := newRig(t, rigOptions{recipients: 900, processDelay: 300 * time.Millisecond})
	ctx := context.Background()
	now := time.Now()
	if err := r.st.StartCampaign(ctx, r.campID, now); err != nil {
		t.Fatal(err)
	}
	c, err := r.st.CampaignByID(ctx, r.campID)
	if err != nil {
		t.Fatal(err)
	}
	r0, _ := compile(ctx, dispatch.Campaign{Message: c.Message, Columns: []string{"nome"}})
	render := func(fields []string) string { return r0(dispatch.Message{Fields: fields}).Text }
	dc := dispatch.Campaign{ID: r.campID, Channel: "sms"}
	day := time.Now().In(time.FixedZone("BRT", -3*3600))
	for b := 0; b < 3; b++ {
		msgs, err := r.st.Claim(ctx, r.campID, int64(b*200), 200, now.Add(-time.Minute))
		if err != nil || len(msgs) != 200 {
			t.Fatalf("claim got %d %v, want 200", len(msgs), err)
		}
		for i := range msgs {
			msgs[i].Text = render(msgs[i].Fields)
		}
		if b == 1 {
			continue // claimed, never uploaded
		}
		f, err := sftpsender.Build(dc, msgs, sub, day)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.files.Upload(ctx, f.Name, f.Data); err != nil {
			t.Fatal(err)
		}
		if b == 0 {
			if fate, err := r.files.Wait(ctx, f.Name); err != nil || fate.Place != wavysftp.Succeeded {
				t.Fatalf("fate got %+v %v", fate, err)
			}
		}
	}
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 200}), 30*time.Second)
	r.checkExactlyOnce(1)
}

// Wavy slower than the send timeout: the outcome is unknown, the file is
// found waiting in upload and then in success; nothing goes twice.
func TestSlowProcessingIsNotResent(t *testing.T) {
	r := newRig(t, rigOptions{recipients: 600, processDelay: 250 * time.Millisecond})
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 200, SendTimeout: 50 * time.Millisecond}), 30*time.Second)
	r.checkExactlyOnce(1)
	if n := len(r.srv.Files("/success")); n != 3 {
		t.Errorf("files in success got %d, want 3 (one per batch, none twice)", n)
	}
}

func TestRefusedFileFailsItsMessagesWithWavysReason(t *testing.T) {
	r := newRig(t, rigOptions{recipients: 300})
	r.srv.SetRefuse("subconta bloqueada")
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 100}), 30*time.Second)
	counts, err := r.st.CampaignCounts(context.Background(), r.campID)
	if err != nil {
		t.Fatal(err)
	}
	if counts["failed"] != 300 || r.sb.Ledger().Accepted != 0 {
		t.Errorf("counts got %v with %d in the ledger, want 300 failed and none sent", counts, r.sb.Ledger().Accepted)
	}
	if n := len(r.srv.Files("/error")); n != 6 {
		t.Errorf("error holds %d entries, want 3 files and their 3 notes", n)
	}
}

func smsBatch(n int) dispatch.Batch {
	b := dispatch.Batch{Campaign: dispatch.Campaign{ID: 9, Channel: "sms"}}
	for i := 0; i < n; i++ {
		b.Messages = append(b.Messages, dispatch.Message{ID: int64(100 + i), CampaignID: 9, Phone: phone(i), Text: fmt.Sprintf("Olá Cliente %d, temos ofertas!", i)})
	}
	return b
}

func TestSendReportsRowsTheLayoutCannotCarry(t *testing.T) {
	r := newRig(t, rigOptions{noStore: true})
	b := smsBatch(4)
	b.Messages[1].Text = "linha 1\nlinha 2"
	b.Messages[3].Suppressed = true
	acc, err := r.sender(false).Send(context.Background(), b)
	if len(acc) != 2 || acc[0].MessageID != 100 || acc[1].MessageID != 102 {
		t.Errorf("accepted got %+v, want messages 100 and 102", acc)
	}
	if !errors.Is(err, dispatch.ErrRejected) || !strings.Contains(err.Error(), "row 2, field texto") {
		t.Errorf("error got %v, want a rejection naming row 2, field texto", err)
	}
	if n := r.sb.Ledger().Accepted; n != 2 {
		t.Errorf("ledger got %d, want 2", n)
	}
}

func TestDownloadIsTheUploadedFile(t *testing.T) {
	r := newRig(t, rigOptions{noStore: true})
	b := smsBatch(50)
	s := r.sender(false)
	if _, err := s.Send(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ok := r.srv.Files("/success")
	if len(ok) != 1 {
		t.Fatalf("success got %v, want one file", ok)
	}
	fn, _ := batchfile.ParseName(ok[0])
	f, err := sftpsender.Build(b.Campaign, b.Messages, sub, fn.Date)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := r.srv.ReadFile("/success/" + ok[0])
	if f.Name != ok[0] || string(f.Data) != string(got) {
		t.Errorf("download got %s (%d bytes), want the uploaded %s (%d bytes) byte for byte", f.Name, len(f.Data), ok[0], len(got))
	}
	// Sending the same batch again finds the file and uploads nothing.
	acc, err := s.Send(context.Background(), b)
	if err != nil || len(acc) != 50 || r.sb.Ledger().Accepted != 50 {
		t.Errorf("resend got %d accepted %v, ledger %d, want 50 accepted from the file already there and 50 in the ledger", len(acc), err, r.sb.Ledger().Accepted)
	}
}

func TestWhatsAppTemplateAsFile(t *testing.T) {
	r := newRig(t, rigOptions{noStore: true})
	tpl := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{
		Namespace: "whatsapp:hsm:ecommerce:movile", ElementName: "boas_vindas", LanguageCode: "pt_BR",
		HeaderKind: "image", HeaderMedia: &message.WhatsAppMedia{URL: "https://example.test/logo.png", Type: "png"},
		BodyParameters: []string{"{{nome}}", "Loja Centro"}}}
	b := dispatch.Batch{Campaign: dispatch.Campaign{ID: 4, Channel: "whatsapp", WhatsApp: tpl.JSON(), Columns: []string{"nome"}}}
	for i := 0; i < 3; i++ {
		b.Messages = append(b.Messages, dispatch.Message{ID: int64(10 + i), CampaignID: 4, Phone: phone(i), Fields: []string{fmt.Sprintf("Cliente %d", i)}})
	}
	acc, err := r.sender(false).Send(context.Background(), b)
	if err != nil || len(acc) != 3 {
		t.Fatalf("send got %d accepted, %v; want 3", len(acc), err)
	}
	msgs := r.sb.Messages()
	if len(msgs) != 3 || msgs[0].Channel != "whatsapp" || msgs[0].CorrelationID != dispatch.CorrelationID(4, 10) {
		t.Errorf("ledger got %+v, want 3 WhatsApp messages with their correlationIds", msgs)
	}
	name := r.srv.Files("/success")[0]
	data, _ := r.srv.ReadFile("/success/" + name)
	want := ";;;TEMPLATE;boas_vindas;whatsapp:hsm:ecommerce:movile;pt_BR;DETERMINISTIC;p1|p2\nIMAGE;URL;https://example.test/logo.png;PNG\nphone;p1;p2;correlationId\n" +
		phone(0) + ";Cliente 0;Loja Centro;a4-a\n"
	if !strings.HasPrefix(string(data), want) {
		t.Errorf("file got %q, want it to start %q", data, want)
	}
	b.Campaign.WhatsApp = message.WhatsApp{Kind: message.WhatsAppText, Text: "oi"}.JSON()
	if _, err := r.sender(false).Send(context.Background(), b); !errors.Is(err, dispatch.ErrRejected) || !errors.Is(err, sftpsender.ErrNotForFiles) {
		t.Errorf("free-form text got %v, want a rejection: files carry templates only", err)
	}
}

func TestWrongPasswordPausesTheCampaign(t *testing.T) {
	r := newRig(t, rigOptions{noStore: true})
	bad, err := wavysftp.New(wavysftp.Config{Addr: r.srv.Addr().String(), Username: "sandbox", Password: "nope"})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := sftpsender.New(sftpsender.Config{SubAccount: sub, Files: func(context.Context) (sftpsender.Files, error) { return bad, nil }})
	if _, err := s.Send(context.Background(), smsBatch(2)); !errors.Is(err, dispatch.ErrUnauthorized) {
		t.Errorf("send got %v, want ErrUnauthorized", err)
	}
}

// BenchmarkSFTPCampaign100k delivers a 100,000-recipient SMS campaign as
// files: outbox claims, files written and uploaded, processed by the
// sandbox, and every planned status webhook posted and answered. The
// "https" run sends the same campaign through wavysender in the same
// process, for a side-by-side ratio.
func BenchmarkSFTPCampaign100k(b *testing.B) {
	for _, door := range []string{"sftp", "https"} {
		b.Run(door, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchCampaign(b, door, 100_000)
			}
		})
	}
}

func benchCampaign(b *testing.B, door string, n int) {
	b.StopTimer()
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer hook.Close()
	r := newRig(b, rigOptions{recipients: n, statusURL: hook.URL})
	w := r.worker(dispatch.Config{})
	if door == "https" {
		api := r.api
		w = dispatch.New(r.st, wavysender.New(func(context.Context) (*wavy.Client, error) { return api, nil }, wavysender.Config{}),
			dispatch.Config{Compile: compile, PollInterval: 10 * time.Millisecond}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	b.StartTimer()
	start := time.Now()
	sent := r.runUntilDone(w, 5*time.Minute)
	for {
		l := r.sb.Ledger()
		planned := int64(0)
		for _, v := range l.SentStatus {
			planned += v
		}
		for _, v := range l.DeliveredStatus {
			planned += v
		}
		if l.Accepted == int64(n) && l.WebhookPending == 0 && l.WebhookEvents+l.WebhookDropped >= planned {
			break
		}
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("statuses not all posted: %+v", l)
		}
		time.Sleep(5 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	l := r.sb.Ledger()
	if l.Accepted != int64(n) || l.DuplicateCorrelationIDs != 0 {
		b.Fatalf("ledger got %d accepted, %d duplicates; want %d once each", l.Accepted, l.DuplicateCorrelationIDs, n)
	}
	b.ReportMetric(sent.Seconds(), "s_to_complete")
	b.ReportMetric(el.Seconds(), "s_to_all_statuses")
	b.ReportMetric(float64(len(r.srv.Files("/success"))), "files")
	b.ReportMetric(float64(l.WebhookEvents), "status_events")
	b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
}

func corrs(b dispatch.Batch, from, to int) []string {
	var out []string
	for _, m := range b.Messages[from:to] {
		out = append(out, dispatch.CorrelationID(m.CampaignID, m.ID))
	}
	return out
}

// Find answers from the files: waiting in upload is "ask later", success
// is "sent", absent is "never sent", and an id whose file's first rows
// were settled in an earlier round is still found.
func TestFindReadsTheFiles(t *testing.T) {
	// The server holds the file long enough for the first Find to see it
	// waiting even on a loaded machine.
	r := newRig(t, rigOptions{noStore: true, processDelay: 1500 * time.Millisecond})
	ctx := context.Background()
	s := r.sender(false)
	b := smsBatch(300)
	f, err := sftpsender.Build(b.Campaign, b.Messages[:200], sub, time.Now().In(time.FixedZone("BRT", -3*3600)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.files.Upload(ctx, f.Name, f.Data); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Find(ctx, corrs(b, 0, 300)); err == nil || !strings.Contains(err.Error(), "still waits in upload") {
		t.Fatalf("find while the file waits got %v, want an error saying so", err)
	}
	if _, err := r.files.Wait(ctx, f.Name); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to int
		want     int
	}{
		{"whole file and never uploaded", 0, 300, 200},
		{"the file's last rows alone", 150, 250, 50},
		{"never uploaded alone", 200, 300, 0},
	}
	for _, tt := range tests {
		found, err := s.Find(ctx, corrs(b, tt.from, tt.to))
		if err != nil || len(found) != tt.want {
			t.Errorf("%s: found %d %v, want %d", tt.name, len(found), err, tt.want)
		}
	}
}

func TestFlashCampaignsAreNotSentAsFiles(t *testing.T) {
	r := newRig(t, rigOptions{noStore: true})
	b := smsBatch(2)
	b.Campaign.Flash = true
	if _, err := r.sender(false).Send(context.Background(), b); !errors.Is(err, dispatch.ErrRejected) || !strings.Contains(err.Error(), "flash") {
		t.Errorf("flash send got %v, want a rejection naming flash", err)
	}
	if n := r.sb.Ledger().Accepted; n != 0 {
		t.Errorf("ledger got %d, want nothing sent", n)
	}
}
