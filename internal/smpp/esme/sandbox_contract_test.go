package esme_test

// Contract tests: the SMPP client (internal/smpp/esme) against the
// sandbox's SMPP server (internal/sandbox), over real sockets. They share
// only the wire codec; these tests pin down that they agree on binds,
// submit_sm, receipts, MOs and every error class, and that what comes in
// over SMPP has the values the HTTPS door gives for the same message.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/sandbox"
	"arauto/internal/smpp"
	"arauto/internal/smpp/esme"
	"arauto/internal/wavy"
)

const (
	sbUser = "arauto"
	sbPass = "s3cret"
)

// env is one sandbox serving HTTPS (for the status search) and SMPP, and
// an SMPP client bound to it.
type env struct {
	sb     *sandbox.Sandbox
	addr   string // SMPP listener
	https  *wavy.Client
	client *esme.Client
	in     *recorder
}

// newEnv starts the sandbox (immediate delays, seed 1, real clock) with
// opts and a client with cfg; zero fields of cfg point at the sandbox.
func newEnv(t testing.TB, opts sandbox.Options, cfg esme.Config) *env {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	opts.Username, opts.Token = sbUser, sbPass
	opts.RateLimit, opts.StatusQueryRate = -1, -1
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- sb.ServeSMPP(ln) }()
	e := &env{sb: sb, addr: ln.Addr().String(), in: &recorder{},
		https: wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: sbUser, Token: sbPass, RequestsPerSecond: -1, StatusQueriesPerSecond: -1})}
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
		<-served
	})
	if cfg.Host == "" {
		host, port, _ := net.SplitHostPort(e.addr)
		cfg.Host = host
		cfg.Port, _ = strconv.Atoi(port)
	}
	if cfg.SystemID == "" {
		cfg.SystemID, cfg.Password = sbUser, sbPass
	}
	if cfg.Inbound == nil {
		cfg.Inbound = e.in
	}
	if cfg.ReconnectMin == 0 {
		cfg.ReconnectMin, cfg.ReconnectMax = 20*time.Millisecond, 200*time.Millisecond
	}
	if cfg.ResponseTimeout == 0 {
		cfg.ResponseTimeout = 2 * time.Second
	}
	c, err := esme.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	e.client = c
	return e
}

// bound waits until n sending binds are up.
func (e *env) bound(t testing.TB, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.client.WaitBound(ctx, n); err != nil {
		t.Fatalf("WaitBound(%d): %v", n, err)
	}
}

func (e *env) submit(t testing.TB, msgs []esme.Message) []esme.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.client.Submit(ctx, msgs)
}

// recorder is the Inbound of the tests.
type recorder struct {
	mu       sync.Mutex
	statuses []wavy.SMSStatus
	mos      []wavy.SMSMO
}

func (r *recorder) Statuses(_ context.Context, sts []wavy.SMSStatus) error {
	r.mu.Lock()
	r.statuses = append(r.statuses, sts...)
	r.mu.Unlock()
	return nil
}

func (r *recorder) MOs(_ context.Context, mos []wavy.SMSMO) error {
	r.mu.Lock()
	r.mos = append(r.mos, mos...)
	r.mu.Unlock()
	return nil
}

func (r *recorder) snapshot() ([]wavy.SMSStatus, []wavy.SMSMO) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]wavy.SMSStatus(nil), r.statuses...), append([]wavy.SMSMO(nil), r.mos...)
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mobile(i int) string { return fmt.Sprintf("55119%08d", i) }

func messages(n int, prefix, text string) []esme.Message {
	out := make([]esme.Message, n)
	for i := range out {
		out[i] = esme.Message{Destination: mobile(i), Text: text, CorrelationID: fmt.Sprintf("%s-%d", prefix, i)}
	}
	return out
}

func TestSMPPContractBinds(t *testing.T) {
	tests := []struct {
		name             string
		cfg              esme.Config
		sending, receive int
		serverBound      int
	}{
		{"four transceivers", esme.Config{}, 4, 4, 4},
		{"transmitters and receivers", esme.Config{Mode: esme.TransmitterReceiver, Binds: 2, ReceiverBinds: 3}, 2, 3, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sandbox.Options{}, tc.cfg)
			e.bound(t, tc.sending)
			waitFor(t, "the receivers", func() bool { _, r := e.client.Bound(); return r == tc.receive })
			if s, r := e.client.Bound(); s != tc.sending || r != tc.receive || e.sb.SMPPStats().Bound != tc.serverBound {
				t.Errorf("bound got %d sending %d receiving, server %d; want %d %d %d", s, r, e.sb.SMPPStats().Bound, tc.sending, tc.receive, tc.serverBound)
			}
			// Close unbinds every session (unbind, unbind_resp) before returning.
			e.client.Close()
			if s, r := e.client.Bound(); s != 0 || r != 0 || e.client.Stats().Drops != 0 {
				t.Errorf("after Close: bound %d %d, drops %d", s, r, e.client.Stats().Drops)
			}
			waitFor(t, "the server to see the unbinds", func() bool { return e.sb.SMPPStats().Bound == 0 })
		})
	}
}

func TestSMPPContractBindRefused(t *testing.T) {
	tests := []struct {
		name string
		cfg  esme.Config
		want smpp.Status
	}{
		{"wrong password", esme.Config{SystemID: sbUser, Password: "nope"}, smpp.StatusInvalidPassword},
		{"unknown system_id", esme.Config{SystemID: "outro", Password: sbPass}, smpp.StatusInvalidSystemID},
		{"wrong system_type", esme.Config{SystemID: sbUser, Password: sbPass, SystemType: "SMPP"}, smpp.StatusInvalidSystemType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Binds = 1
			e := newEnv(t, sandbox.Options{}, tc.cfg)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := e.client.WaitBound(ctx, 1)
			if !errors.Is(err, esme.ErrUnauthorized) || !errors.Is(err, tc.want) {
				t.Errorf("WaitBound got %v, want ErrUnauthorized with %s", err, tc.want)
			}
		})
	}
}

// Submitted messages enter the sandbox's ledger as sent, answer with the
// ledger's UUID, and are found by the HTTPS status search by correlationId.
func TestSMPPContractSubmit(t *testing.T) {
	e := newEnv(t, sandbox.Options{ReplyRate: -1}, esme.Config{})
	e.bound(t, 4)
	texts := []string{"Oferta de hoje: 20% off", "Promoção válida até amanhã", "Chaves {x} [y]", "Oi 😀"}
	msgs := make([]esme.Message, 40)
	for i := range msgs {
		msgs[i] = esme.Message{Destination: mobile(i), Text: texts[i%len(texts)], CorrelationID: fmt.Sprintf("sub-%d", i), Flash: i%5 == 0}
	}
	res := e.submit(t, msgs)
	byID := map[string]sandbox.SentMessage{}
	for _, m := range e.sb.Messages() {
		byID[m.ID] = m
	}
	var corr []string
	for i, r := range res {
		if r.Outcome != esme.Accepted || len(r.IDs) != 1 || r.Err != nil {
			t.Fatalf("message %d got %s %v %v", i, r.Outcome, r.IDs, r.Err)
		}
		m, ok := byID[r.IDs[0]]
		if !ok {
			t.Fatalf("message %d: id %s not in the ledger", i, r.IDs[0])
		}
		if m.CorrelationID != msgs[i].CorrelationID || m.Destination != msgs[i].Destination || m.Text != msgs[i].Text || m.Flash != msgs[i].Flash || m.Channel != "sms" {
			t.Errorf("message %d: ledger got %+v, want %+v", i, m, msgs[i])
		}
		corr = append(corr, msgs[i].CorrelationID)
	}
	found, err := e.https.SearchSMSStatus(context.Background(), wavy.StatusQuery{CorrelationIDs: corr})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != len(msgs) {
		t.Errorf("status search found %d of %d", len(found), len(msgs))
	}
	for _, st := range found {
		if byID[st.ID].CorrelationID != st.CorrelationID {
			t.Errorf("status search: id %s has correlationId %q, ledger %q", st.ID, st.CorrelationID, byID[st.ID].CorrelationID)
		}
	}
}

// A long text travels as UDH parts, each a message at the SMSC with the
// same correlationId; the parts give the text back.
func TestSMPPContractConcatenation(t *testing.T) {
	for _, ref16 := range []bool{false, true} {
		t.Run(fmt.Sprintf("16-bit reference %v", ref16), func(t *testing.T) {
			e := newEnv(t, sandbox.Options{ReplyRate: -1}, esme.Config{Ref16: ref16, Binds: 2})
			e.bound(t, 2)
			gsm := strings.Repeat("Oferta imperdivel para voce. ", 12) // 348 septets: 3 parts
			ucs := strings.Repeat("Promoção ", 20)                     // 180 units: 3 parts
			res := e.submit(t, []esme.Message{
				{Destination: mobile(1), Text: gsm, CorrelationID: "long-gsm"},
				{Destination: mobile(2), Text: ucs, CorrelationID: "long-ucs"},
			})
			for i, want := range []struct {
				corr, text string
				parts      int
			}{{"long-gsm", gsm, 3}, {"long-ucs", ucs, 3}} {
				if res[i].Outcome != esme.Accepted || len(res[i].IDs) != want.parts {
					t.Fatalf("%s got %s with %d ids, want %d", want.corr, res[i].Outcome, len(res[i].IDs), want.parts)
				}
				var joined strings.Builder
				for _, id := range res[i].IDs {
					for _, m := range e.sb.Messages() {
						if m.ID == id {
							joined.WriteString(m.Text)
						}
					}
				}
				if joined.String() != want.text || e.sb.SentCount(want.corr) != want.parts {
					t.Errorf("%s: parts give %q (%d with the correlationId), want the text in %d", want.corr, joined.String(), e.sb.SentCount(want.corr), want.parts)
				}
			}
		})
	}
}

// Receipts arrive as the same statuses the HTTPS status search reports
// for the same messages: ids, destinations, codes, names and times.
func TestSMPPContractReceiptsMatchTheHTTPSStatus(t *testing.T) {
	e := newEnv(t, sandbox.Options{ReplyRate: -1, Outcomes: sandbox.Outcomes{Delivered: 5, NotDelivered: 2, InvalidDestination: 1, Expired: 1, RejectedByCarrier: 1}},
		esme.Config{Binds: 2})
	e.bound(t, 2)
	msgs := messages(60, "rc", "Seu pedido saiu para entrega")
	msgs = append(msgs, esme.Message{Destination: "5500", Text: "numero invalido", CorrelationID: "rc-bad"})
	res := e.submit(t, msgs)
	want := 0
	for _, m := range e.sb.Messages() {
		want++
		if m.DeliveredStatusCode != 0 {
			want++
		}
	}
	waitFor(t, "every receipt", func() bool { sts, _ := e.in.snapshot(); return len(sts) == want })
	sts, _ := e.in.snapshot()
	var ids []string
	for _, r := range res {
		ids = append(ids, r.IDs...)
	}
	https, err := e.https.SearchSMSStatus(context.Background(), wavy.StatusQuery{IDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]wavy.SMSStatus{}
	for _, h := range https {
		byID[h.ID] = h
	}
	codes := map[int]int{}
	for _, st := range sts {
		h, ok := byID[st.ID]
		if !ok {
			t.Fatalf("receipt for unknown id %s", st.ID)
		}
		if st.Destination != h.Destination || st.SentStatusCode != h.SentStatusCode || st.SentStatus != h.SentStatus {
			t.Errorf("receipt %+v, https %+v", st, h)
		}
		if st.IsDeliveryReport() {
			codes[st.DeliveredStatusCode]++
			if st.DeliveredStatusCode != h.DeliveredStatusCode || st.DeliveredStatus != h.DeliveredStatus ||
				!st.DeliveredAt.Equal(h.DeliveredAt.Truncate(time.Second)) {
				t.Errorf("DLR %+v, https %+v", st, h)
			}
		} else {
			codes[st.SentStatusCode]++
			if !st.SentAt.Equal(h.SentAt.Truncate(time.Second)) {
				t.Errorf("callback sent at %v, https %v", st.SentAt, h.SentAt)
			}
		}
		// Reports read statuses through the catalogue: every receipt has its entry.
		if _, ok := st.Status(); !ok {
			t.Errorf("receipt %+v has no catalogue entry", st)
		}
	}
	for _, code := range []int{2, 4, 104, 202, 101, 103} {
		if codes[code] == 0 {
			t.Errorf("no receipt with code %d among %v", code, codes)
		}
	}
	if e.sb.SMPPStats().Receipts != int64(want) {
		t.Errorf("sandbox counted %d acknowledged receipts, want %d", e.sb.SMPPStats().Receipts, want)
	}
}

// Replies come back as MOs with the sandbox's values.
func TestSMPPContractMOs(t *testing.T) {
	e := newEnv(t, sandbox.Options{ReplyRate: 1, Outcomes: sandbox.Outcomes{Delivered: 1}}, esme.Config{Binds: 2})
	e.bound(t, 2)
	e.submit(t, messages(30, "mo", "Responda SIM ou SAIR"))
	var in []sandbox.InboundMessage
	waitFor(t, "the replies", func() bool {
		in = e.sb.Inbound()
		_, mos := e.in.snapshot()
		return len(in) > 0 && len(mos) == len(in)
	})
	_, mos := e.in.snapshot()
	byID := map[string]sandbox.InboundMessage{}
	for _, m := range in {
		byID[m.ID] = m
	}
	optOuts := 0
	for _, mo := range mos {
		want, ok := byID[mo.ID]
		if !ok || mo.Source != want.Source || mo.MessageText != want.Text || mo.ShortCode != sbUser {
			t.Errorf("MO %+v, sandbox %+v", mo, want)
		}
		if want.OptOut {
			optOuts++
		}
	}
	if optOuts == 0 {
		t.Errorf("no opt-out among %d replies", len(mos))
	}
}

// Error classes: an expiry the SMSC finds past is refused for good;
// throttling by the SMSC is absorbed; a full window is retried; an
// answer that never comes is unknown, and the SMSC has the message.
func TestSMPPContractErrorClasses(t *testing.T) {
	t.Run("rejected: validity already past at the SMSC", func(t *testing.T) {
		skewed := func() time.Time { return time.Now().Add(-2 * time.Hour) } // the client's clock is behind
		e := newEnv(t, sandbox.Options{}, esme.Config{Binds: 1, Now: skewed})
		e.bound(t, 1)
		r := e.submit(t, []esme.Message{{Destination: mobile(1), Text: "x", CorrelationID: "exp", ExpiresAt: time.Now().Add(-time.Hour)}})[0]
		if r.Outcome != esme.Rejected || r.Status != smpp.StatusInvalidExpiry || e.sb.SentCount("exp") != 0 {
			t.Errorf("got %s %s, sent %d; want Rejected ESME_RINVEXPIRY, nothing sent", r.Outcome, r.Status, e.sb.SentCount("exp"))
		}
	})
	t.Run("throttled by the SMSC, then accepted once each", func(t *testing.T) {
		e := newEnv(t, sandbox.Options{SMPPRate: 50, ReplyRate: -1}, esme.Config{Binds: 2, Rate: -1})
		e.bound(t, 2)
		res := e.submit(t, messages(150, "thr", "x"))
		for i, r := range res {
			if r.Outcome != esme.Accepted {
				t.Fatalf("message %d got %s %v", i, r.Outcome, r.Err)
			}
			if n := e.sb.SentCount(fmt.Sprintf("thr-%d", i)); n != 1 {
				t.Fatalf("message %d sent %d times", i, n)
			}
		}
		if e.client.Stats().Throttled == 0 || e.sb.SMPPStats().Throttled == 0 {
			t.Errorf("no throttling seen: client %+v server %+v", e.client.Stats(), e.sb.SMPPStats())
		}
	})
	t.Run("injected ESME_RTHROTTLED", func(t *testing.T) {
		e := newEnv(t, sandbox.Options{ReplyRate: -1, Faults: sandbox.Faults{SMPPThrottleRate: 0.3}}, esme.Config{Binds: 2})
		e.bound(t, 2)
		for i, r := range e.submit(t, messages(40, "ithr", "x")) {
			if r.Outcome != esme.Accepted || e.sb.SentCount(fmt.Sprintf("ithr-%d", i)) != 1 {
				t.Fatalf("message %d got %s, sent %d", i, r.Outcome, e.sb.SentCount(fmt.Sprintf("ithr-%d", i)))
			}
		}
	})
	t.Run("slow responses stay inside the window", func(t *testing.T) {
		e := newEnv(t, sandbox.Options{ReplyRate: -1, Faults: sandbox.Faults{SMPPRespDelay: 100 * time.Millisecond}}, esme.Config{Binds: 1, Rate: -1})
		e.bound(t, 1)
		start := time.Now()
		for i, r := range e.submit(t, messages(50, "slow", "x")) {
			if r.Outcome != esme.Accepted {
				t.Fatalf("message %d got %s", i, r.Outcome)
			}
		}
		// 50 messages, 10 in flight, 100 ms each: at least 5 rounds.
		if el := time.Since(start); el < 500*time.Millisecond {
			t.Errorf("took %s, want at least 500ms", el)
		}
		if st := e.sb.SMPPStats(); st.MaxOutstanding > 10 || st.WindowFull != 0 {
			t.Errorf("server saw %d outstanding and %d window-full answers, want at most 10 and none", st.MaxOutstanding, st.WindowFull)
		}
	})
	t.Run("no answer in time: unknown, and the SMSC has it", func(t *testing.T) {
		e := newEnv(t, sandbox.Options{ReplyRate: -1, Faults: sandbox.Faults{SMPPRespDelay: 400 * time.Millisecond}},
			esme.Config{Binds: 1, ResponseTimeout: 100 * time.Millisecond})
		e.bound(t, 1)
		r := e.submit(t, []esme.Message{{Destination: mobile(1), Text: "x", CorrelationID: "late"}})[0]
		if r.Outcome != esme.Unknown || e.sb.SentCount("late") != 1 {
			t.Errorf("got %s, sent %d; want Unknown with the message at the SMSC", r.Outcome, e.sb.SentCount("late"))
		}
	})
	t.Run("drop mid-window: unknown outcomes, no message twice", func(t *testing.T) {
		e := newEnv(t, sandbox.Options{ReplyRate: -1, Faults: sandbox.Faults{SMPPDropRate: 0.05}}, esme.Config{Binds: 2, Rate: -1})
		e.bound(t, 2)
		res := e.submit(t, messages(300, "drop", "x"))
		count := map[esme.Outcome]int{}
		for i, r := range res {
			count[r.Outcome]++
			n := e.sb.SentCount(fmt.Sprintf("drop-%d", i))
			switch {
			case r.Outcome == esme.Accepted && n != 1:
				t.Errorf("accepted message %d is %d times at the SMSC", i, n)
			case r.Outcome == esme.Unknown && n > 1:
				t.Errorf("unknown message %d is %d times at the SMSC", i, n)
			case r.Outcome != esme.Accepted && r.Outcome != esme.Unknown:
				t.Errorf("message %d got %s", i, r.Outcome)
			}
		}
		if count[esme.Unknown] == 0 || e.client.Stats().Drops == 0 || e.sb.SMPPStats().Drops == 0 {
			t.Errorf("outcomes %v, client drops %d, server drops %d: the fault did not bite", count, e.client.Stats().Drops, e.sb.SMPPStats().Drops)
		}
	})
}

// TLS (Wavy's option 1): the client verifies the server's certificate.
func TestSMPPContractTLS(t *testing.T) {
	cert, pool := selfSigned(t, "smpp.test")
	sb := sandbox.New(sandbox.Options{Username: sbUser, Token: sbPass, ReplyRate: -1})
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- sb.ServeSMPP(ln) }()
	t.Cleanup(func() { sb.Close(); <-served })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	resolve := func(context.Context, string) ([]string, error) { return []string{"127.0.0.1"}, nil }
	good, err := esme.New(esme.Config{Host: "smpp.test", Port: p, TLS: true, TLSConfig: &tls.Config{RootCAs: pool}, Resolve: resolve,
		SystemID: sbUser, Password: sbPass, Binds: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := good.WaitBound(ctx, 1); err != nil {
		t.Fatalf("TLS bind: %v", err)
	}
	if r := good.Submit(ctx, []esme.Message{{Destination: mobile(1), Text: "tls", CorrelationID: "tls"}})[0]; r.Outcome != esme.Accepted {
		t.Errorf("submit over TLS got %s %v", r.Outcome, r.Err)
	}
	untrusted, err := esme.New(esme.Config{Host: "smpp.test", Port: p, TLS: true, Resolve: resolve, SystemID: sbUser, Password: sbPass, Binds: 1,
		ReconnectMin: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer untrusted.Close()
	waitFor(t, "the untrusted bind to fail", func() bool { return untrusted.LastError() != nil })
	if err := untrusted.LastError(); !strings.Contains(err.Error(), "certificate") {
		t.Errorf("bind with an unknown CA got %v, want a certificate error", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if err := untrusted.WaitBound(ctx2, 1); !errors.Is(err, esme.ErrNotBound) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("WaitBound with an unknown CA got %v, want ErrNotBound with the certificate error", err)
	}
}

func selfSigned(t *testing.T, host string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// Binds spread over every address the host resolves to.
func TestSMPPContractBindsSpreadOverAddresses(t *testing.T) {
	sb := sandbox.New(sandbox.Options{Username: sbUser, Token: sbPass})
	a, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(a.Addr().String())
	b, err := net.Listen("tcp", "127.0.0.2:"+port)
	if err != nil {
		t.Skipf("no second loopback address here: %v", err)
	}
	done := make(chan error, 2)
	go func() { done <- sb.ServeSMPP(a) }()
	go func() { done <- sb.ServeSMPP(b) }()
	t.Cleanup(func() { sb.Close(); <-done; <-done })
	p, _ := strconv.Atoi(port)
	c, err := esme.New(esme.Config{Host: "smpp.test", Port: p, SystemID: sbUser, Password: sbPass,
		Resolve: func(context.Context, string) ([]string, error) { return []string{"127.0.0.2", "127.0.0.1"}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.WaitBound(ctx, 4); err != nil {
		t.Fatal(err)
	}
	by := sb.SMPPStats().ByAddr
	if by["127.0.0.1:"+port] != 2 || by["127.0.0.2:"+port] != 2 {
		t.Errorf("binds by address got %v, want 2 and 2", by)
	}
}

// The keep-alive keeps binds up past the server's idle timeout.
func TestSMPPContractEnquireLinkKeepsBindsUp(t *testing.T) {
	e := newEnv(t, sandbox.Options{SMPPIdleTimeout: 300 * time.Millisecond}, esme.Config{Binds: 2, EnquireLink: 100 * time.Millisecond})
	e.bound(t, 2)
	time.Sleep(time.Second)
	if d := e.client.Stats().Drops; d != 0 {
		t.Errorf("%d drops with enquire_link every 100ms and a 300ms idle timeout", d)
	}
	lazy := newEnv(t, sandbox.Options{SMPPIdleTimeout: 300 * time.Millisecond}, esme.Config{Binds: 1, EnquireLink: 5 * time.Second})
	lazy.bound(t, 1)
	waitFor(t, "the idle bind to be dropped", func() bool { return lazy.client.Stats().Drops > 0 })
}

// TestSMPPReconnectAfterADroppedBind measures how long a dropped bind
// takes to come back (the figure the issue asks for).
func TestSMPPReconnectAfterADroppedBind(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, esme.Config{ReconnectMin: esme.DefaultReconnectMin, ReconnectMax: esme.DefaultReconnectMax})
	e.bound(t, 4)
	d := reconnectTime(t, e)
	t.Logf("a dropped bind was back in %s", d)
	if d > time.Second {
		t.Errorf("reconnect took %s, want a dropped bind replaced at once (well under a second)", d)
	}
}

// reconnectTime drops one bind and returns the time until four are bound again.
func reconnectTime(t testing.TB, e *env) time.Duration {
	t.Helper()
	start := time.Now()
	if n := e.sb.DropSMPPBinds(1); n != 1 {
		t.Fatalf("dropped %d binds", n)
	}
	waitFor(t, "the bind to drop", func() bool { s, _ := e.client.Bound(); return s < 4 || e.client.Stats().Drops > 0 })
	e.bound(t, 4)
	return time.Since(start)
}
