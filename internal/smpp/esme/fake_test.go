package esme

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/smpp"
	"arauto/internal/wavy"
)

// fakeSMSC is a scripted SMSC: it accepts any bind and hands every later
// PDU to handle, which answers (or not) through the conn.
type fakeSMSC struct {
	t       *testing.T
	ln      net.Listener
	handle  func(c *fakeConn, p smpp.PDU)
	binds   atomic.Int64
	unbinds atomic.Int64

	mu    sync.Mutex
	conns []*fakeConn
}

type fakeConn struct {
	net.Conn
	wmu sync.Mutex
}

func (c *fakeConn) send(t *testing.T, p smpp.PDU) {
	b, err := smpp.Marshal(p)
	if err != nil {
		t.Error(err)
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, _ = c.Write(b)
}

func newFakeSMSC(t *testing.T, handle func(c *fakeConn, p smpp.PDU)) *fakeSMSC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMSC{t: t, ln: ln, handle: handle}
	go f.accept()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
	})
	return f
}

func (f *fakeSMSC) accept() {
	for {
		nc, err := f.ln.Accept()
		if err != nil {
			return
		}
		c := &fakeConn{Conn: nc}
		f.mu.Lock()
		f.conns = append(f.conns, c)
		f.mu.Unlock()
		go func() {
			defer c.Close()
			for {
				p, err := smpp.Read(c)
				if err != nil {
					return
				}
				if b, ok := p.Body.(*smpp.Bind); ok {
					f.binds.Add(1)
					c.send(f.t, smpp.PDU{Seq: p.Seq, Body: &smpp.BindResp{Kind: b.Kind, SystemID: "fake"}})
					continue
				}
				if p.ID() == smpp.UnbindID {
					f.unbinds.Add(1)
					c.send(f.t, smpp.PDU{Seq: p.Seq, Body: &smpp.UnbindResp{}})
					continue
				}
				f.handle(c, p)
			}
		}()
	}
}

// dropAll closes every connection, as a network failure would.
func (f *fakeSMSC) dropAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

func (f *fakeSMSC) config(binds int) Config {
	_, port, _ := net.SplitHostPort(f.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return Config{Host: "127.0.0.1", Port: p, SystemID: "arauto", Password: "secret", Binds: binds, Rate: -1,
		ResponseTimeout: 300 * time.Millisecond, ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond}
}

func startClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.WaitBound(ctx, cfg.Binds); err != nil {
		t.Fatalf("WaitBound: %v", err)
	}
	return c
}

func submitOne(t *testing.T, c *Client, m Message) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.Submit(ctx, []Message{m})[0]
}

func msg(corr string) Message {
	return Message{Destination: "5511999990000", Text: "Oi", CorrelationID: corr}
}

// Every answer an SMSC can give a submit_sm lands in its outcome class.
func TestSubmitOutcomeClasses(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(c *fakeConn, p smpp.PDU)
		outcome Outcome
		status  smpp.Status
	}{
		{"accepted", func(c *fakeConn, p smpp.PDU) {
			c.send(t, smpp.PDU{Seq: p.Seq, Body: &smpp.SubmitSMResp{MessageID: "id-1"}})
		}, Accepted, 0},
		{"permanent refusal", func(c *fakeConn, p smpp.PDU) {
			c.send(t, smpp.PDU{Status: smpp.StatusInvalidDestAddr, Seq: p.Seq, Body: &smpp.SubmitSMResp{}})
		}, Rejected, smpp.StatusInvalidDestAddr},
		{"generic_nack", func(c *fakeConn, p smpp.PDU) {
			c.send(t, smpp.PDU{Status: smpp.StatusInvalidCmdLen, Seq: p.Seq, Body: &smpp.GenericNack{}})
		}, Rejected, smpp.StatusInvalidCmdLen},
		{"temporary refusal", func(c *fakeConn, p smpp.PDU) {
			c.send(t, smpp.PDU{Status: smpp.StatusSystemError, Seq: p.Seq, Body: &smpp.SubmitSMResp{}})
		}, TryLater, smpp.StatusSystemError},
		{"OK without a message_id", func(c *fakeConn, p smpp.PDU) {
			c.send(t, smpp.PDU{Seq: p.Seq, Body: &smpp.SubmitSMResp{}})
		}, Unknown, 0},
		{"no answer", func(c *fakeConn, p smpp.PDU) {}, Unknown, 0},
		{"connection dropped after the submit", func(c *fakeConn, p smpp.PDU) { c.Close() }, Unknown, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
				if p.ID() == smpp.SubmitSMID {
					tc.answer(c, p)
				}
			})
			c := startClient(t, f.config(1))
			r := submitOne(t, c, msg("a1-1"))
			if r.Outcome != tc.outcome || r.Status != tc.status {
				t.Errorf("got %s %s (%v), want %s %s", r.Outcome, r.Status, r.Err, tc.outcome, tc.status)
			}
			if tc.outcome == Accepted && (len(r.IDs) != 1 || r.IDs[0] != "id-1" || r.Err != nil) {
				t.Errorf("accepted got ids %v err %v", r.IDs, r.Err)
			}
		})
	}
}

func TestSubmitRefusesWhatItCannotSend(t *testing.T) {
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID() == smpp.SubmitSMID {
			t.Errorf("the SMSC got %s", p.ID())
		}
	})
	c := startClient(t, f.config(1))
	long := make([]rune, 1281)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name string
		m    Message
	}{
		{"no destination", Message{Text: "x"}},
		{"letters in the destination", Message{Destination: "55abc", Text: "x"}},
		{"21 digits", Message{Destination: "123456789012345678901", Text: "x"}},
		{"empty text", Message{Destination: "5511999990000"}},
		{"1281 characters", Message{Destination: "5511999990000", Text: string(long)}},
		{"correlationId of 65", Message{Destination: "5511999990000", Text: "x", CorrelationID: string(long[:65])}},
		{"expired", Message{Destination: "5511999990000", Text: "x", ExpiresAt: time.Now().Add(-time.Minute)}},
	}
	for _, tc := range tests {
		if r := submitOne(t, c, tc.m); r.Outcome != Rejected || r.Err == nil {
			t.Errorf("%s: got %s %v, want Rejected with a reason", tc.name, r.Outcome, r.Err)
		}
	}
}

// The window: at most Window submit_sm await an answer on a bind.
func TestWindowBoundsWhatIsInFlight(t *testing.T) {
	var mu sync.Mutex
	var held []smpp.PDU
	var conn *fakeConn
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID() == smpp.SubmitSMID {
			mu.Lock()
			held, conn = append(held, p), c
			mu.Unlock()
		}
	})
	cfg := f.config(1)
	cfg.Window = 3
	cfg.ResponseTimeout = 5 * time.Second
	c := startClient(t, cfg)
	done := make(chan []Result, 1)
	msgs := make([]Message, 7)
	for i := range msgs {
		msgs[i] = msg("w" + strconv.Itoa(i))
	}
	go func() { done <- c.Submit(context.Background(), msgs) }()
	answered := 0
	for answered < len(msgs) {
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		if n := len(held) - answered; n > 3 {
			t.Fatalf("%d submit_sm in flight, window is 3", n)
		}
		pending := held[answered:]
		mu.Unlock()
		for _, p := range pending {
			conn.send(t, smpp.PDU{Seq: p.Seq, Body: &smpp.SubmitSMResp{MessageID: "id-" + strconv.Itoa(int(p.Seq))}})
			answered++
		}
	}
	for i, r := range <-done {
		if r.Outcome != Accepted {
			t.Errorf("message %d got %s", i, r.Outcome)
		}
	}
}

// ESME_RTHROTTLED pauses the bind and the part goes again; the SMSC ends
// with it once.
func TestThrottledPartsAreSentAgainAfterAPause(t *testing.T) {
	var count atomic.Int64
	var times []time.Time
	var mu sync.Mutex
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID() != smpp.SubmitSMID {
			return
		}
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if count.Add(1) <= 2 {
			c.send(t, smpp.PDU{Status: smpp.StatusThrottled, Seq: p.Seq, Body: &smpp.SubmitSMResp{}})
			return
		}
		c.send(t, smpp.PDU{Seq: p.Seq, Body: &smpp.SubmitSMResp{MessageID: "ok"}})
	})
	c := startClient(t, f.config(1))
	r := submitOne(t, c, msg("t1"))
	if r.Outcome != Accepted || count.Load() != 3 {
		t.Fatalf("got %s after %d submits, want Accepted after 3", r.Outcome, count.Load())
	}
	// 250 ms then 500 ms of back-off.
	if d := times[1].Sub(times[0]); d < throttleMin-20*time.Millisecond {
		t.Errorf("first retry after %s, want at least %s", d, throttleMin)
	}
	if d := times[2].Sub(times[1]); d < 2*throttleMin-20*time.Millisecond {
		t.Errorf("second retry after %s, want at least %s", d, 2*throttleMin)
	}
	if st := c.Stats(); st.Throttled != 2 || st.Accepted != 1 {
		t.Errorf("stats got %+v", st)
	}
}

// Parts not yet written when the connection drops are written on the
// next session; the message ends accepted with every part.
func TestMessageContinuesOnAnotherSession(t *testing.T) {
	var n atomic.Int64
	var f *fakeSMSC
	f = newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID() != smpp.SubmitSMID {
			return
		}
		c.send(t, smpp.PDU{Seq: p.Seq, Body: &smpp.SubmitSMResp{MessageID: "p" + strconv.Itoa(int(n.Add(1)))}})
		if n.Load() == 1 {
			go f.dropAll() // after answering the first part
		}
	})
	cfg := f.config(1)
	cfg.Rate = 20 // slow enough for the drop to land between parts
	c := startClient(t, cfg)
	long := Message{Destination: "5511999990000", CorrelationID: "long", Text: string(make([]byte, 0)) + repeat("a", 400)}
	r := submitOne(t, c, long)
	if r.Outcome != Accepted || len(r.IDs) != 3 {
		t.Fatalf("got %s with ids %v (%v), want Accepted with 3", r.Outcome, r.IDs, r.Err)
	}
	if f.binds.Load() < 2 {
		t.Errorf("binds got %d, want a reconnection", f.binds.Load())
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

// sink is an Inbound that records what it gets and can fail.
type sink struct {
	mu       sync.Mutex
	statuses []wavy.SMSStatus
	mos      []wavy.SMSMO
	fail     int
}

func (s *sink) Statuses(_ context.Context, sts []wavy.SMSStatus) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return errors.New("store unavailable")
	}
	s.statuses = append(s.statuses, sts...)
	return nil
}

func (s *sink) MOs(_ context.Context, mos []wavy.SMSMO) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return errors.New("store unavailable")
	}
	s.mos = append(s.mos, mos...)
	return nil
}

// What the SMSC sends: receipts and MOs reach Inbound and are answered
// after it took them; a failing sink gets ESME_RX_T_APPN; an unreadable
// receipt ESME_RX_P_APPN; requests of the SMSC are answered.
func TestDeliverSMAnswers(t *testing.T) {
	resps := make(chan smpp.PDU, 16)
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID().IsResponse() {
			resps <- p
		}
	})
	in := &sink{fail: 1}
	cfg := f.config(1)
	cfg.Inbound = in
	c := startClient(t, cfg)
	_ = c
	f.mu.Lock()
	conn := f.conns[0]
	f.mu.Unlock()
	rc := func(text string) smpp.Body {
		return &smpp.DeliverSM{Message: smpp.Message{Source: smpp.Address{Addr: "5511999990000"}, Dest: smpp.Address{Addr: "arauto"},
			ESMClass: smpp.ESMDeliveryReceipt, ShortMessage: []byte(text)}}
	}
	mo := func(esm uint8, coding uint8, sm []byte) smpp.Body {
		return &smpp.DeliverSM{Message: smpp.Message{Source: smpp.Address{Addr: "5511999990000"}, Dest: smpp.Address{Addr: "arauto"},
			ESMClass: esm, DataCoding: coding, ShortMessage: sm}}
	}
	good := "id:x1 sub:001 dlvrd:001 submit date:2605011200 done date:2605011201 stat:DELIVRD err:000 text:"
	steps := []struct {
		name string
		body smpp.Body
		want smpp.Status
		resp smpp.CommandID
	}{
		{"receipt while the sink fails", rc(good), smpp.StatusTempAppError, smpp.DeliverSMRespID},
		{"the same receipt again", rc(good), smpp.StatusOK, smpp.DeliverSMRespID},
		{"unreadable receipt", rc("garbage"), smpp.StatusPermAppError, smpp.DeliverSMRespID},
		{"intermediate receipt", rc("id:x2 stat:ENROUTE err:000"), smpp.StatusOK, smpp.DeliverSMRespID},
		{"MO in UCS-2", mo(0, smpp.CodingUCS2, []byte{0, 'N', 0, 0xE3, 0, 'o'}), smpp.StatusOK, smpp.DeliverSMRespID},
		{"first half of a long MO", mo(smpp.ESMUDHI, 0, []byte{5, 0, 3, 9, 2, 1, 'S', 'A'}), smpp.StatusOK, smpp.DeliverSMRespID},
		{"second half", mo(smpp.ESMUDHI, 0, []byte{5, 0, 3, 9, 2, 2, 'I', 'R'}), smpp.StatusOK, smpp.DeliverSMRespID},
		{"MO with a broken UDH", mo(smpp.ESMUDHI, 0, []byte{9, 0}), smpp.StatusPermAppError, smpp.DeliverSMRespID},
		{"MO in binary", mo(0, 0x04, []byte{1}), smpp.StatusPermAppError, smpp.DeliverSMRespID},
		{"enquire_link from the SMSC", &smpp.EnquireLink{}, smpp.StatusOK, smpp.EnquireLinkRespID},
	}
	for i, s := range steps {
		conn.send(t, smpp.PDU{Seq: uint32(100 + i), Body: s.body})
		select {
		case p := <-resps:
			if p.ID() != s.resp || p.Status != s.want || p.Seq != uint32(100+i) {
				t.Errorf("%s: got %s %s seq %d, want %s %s", s.name, p.ID(), p.Status, p.Seq, s.resp, s.want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("%s: no answer", s.name)
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.statuses) != 1 || in.statuses[0].ID != "x1" || in.statuses[0].DeliveredStatusCode != 4 {
		t.Errorf("statuses got %+v", in.statuses)
	}
	if len(in.mos) != 2 || in.mos[0].MessageText != "Não" || in.mos[1].MessageText != "SAIR" {
		t.Errorf("MOs got %+v", in.mos)
	}
}

// Without an Inbound, deliver_sm are refused with a temporary error, so
// the SMSC keeps them; the SMSC's unbind is answered and the bind comes back.
func TestNoInboundAndUnbindFromTheSMSC(t *testing.T) {
	resps := make(chan smpp.PDU, 4)
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID().IsResponse() {
			resps <- p
		}
	})
	c := startClient(t, f.config(1))
	f.mu.Lock()
	conn := f.conns[0]
	f.mu.Unlock()
	conn.send(t, smpp.PDU{Seq: 7, Body: &smpp.DeliverSM{Message: smpp.Message{ESMClass: smpp.ESMDeliveryReceipt, ShortMessage: []byte("id:1 stat:DELIVRD")}}})
	if p := <-resps; p.Status != smpp.StatusTempAppError {
		t.Errorf("deliver_sm without Inbound got %s, want ESME_RX_T_APPN", p.Status)
	}
	conn.send(t, smpp.PDU{Seq: 8, Body: &smpp.Unbind{}})
	if p := <-resps; p.ID() != smpp.UnbindRespID {
		t.Errorf("unbind got %s", p.ID())
	}
	deadline := time.Now().Add(3 * time.Second)
	for f.binds.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if f.binds.Load() < 2 {
		t.Fatal("no new bind after the SMSC unbound")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := c.WaitBound(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

// An SMSC that drops every bind at once is not hammered: after the
// first quick loss the reconnects back off.
func TestQuickLossesBackOff(t *testing.T) {
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {})
	cfg := f.config(1)
	cfg.ReconnectMin, cfg.ReconnectMax = 50*time.Millisecond, time.Second
	stop := make(chan struct{})
	defer close(stop)
	go func() { // drop whatever binds
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				f.dropAll()
			}
		}
	}()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(time.Second)
	// Immediate, then 50, 100, 200, 400 ms (halved at worst by jitter):
	// about 6 in a second; without back-off it would be hundreds.
	n := f.binds.Load()
	t.Logf("%d binds in a second", n)
	if n < 2 || n > 12 {
		t.Errorf("%d binds in a second against an SMSC that drops them all, want a handful", n)
	}
}

// A silent SMSC fails enquire_link and the session is replaced.
func TestEnquireLinkDetectsADeadPeer(t *testing.T) {
	var answer atomic.Bool
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {
		if p.ID() == smpp.EnquireLinkID && answer.Load() {
			c.send(t, smpp.PDU{Seq: p.Seq, Body: &smpp.EnquireLinkResp{}})
		}
	})
	answer.Store(true)
	cfg := f.config(1)
	cfg.EnquireLink = 50 * time.Millisecond
	cfg.ResponseTimeout = 100 * time.Millisecond
	c := startClient(t, cfg)
	time.Sleep(300 * time.Millisecond)
	if c.Stats().Drops != 0 {
		t.Fatalf("drops got %d while the SMSC answers enquire_link", c.Stats().Drops)
	}
	answer.Store(false)
	deadline := time.Now().Add(3 * time.Second)
	for c.Stats().Drops == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if c.Stats().Drops == 0 {
		t.Fatal("the session survived an SMSC that stopped answering enquire_link")
	}
}

// Close ends queued messages as Unsent and unbinds politely.
func TestCloseUnbinds(t *testing.T) {
	f := newFakeSMSC(t, func(c *fakeConn, p smpp.PDU) {})
	c := startClient(t, f.config(2))
	done := make(chan []Result, 1)
	go func() { done <- c.Submit(context.Background(), []Message{msg("c1"), msg("c2"), msg("c3")}) }()
	time.Sleep(100 * time.Millisecond)
	c.Close()
	res := <-done
	for i, r := range res {
		if r.Outcome != Unknown && r.Outcome != Unsent {
			t.Errorf("message %d got %s, want unknown (written) or unsent", i, r.Outcome)
		}
	}
	if n := f.unbinds.Load(); n != 2 {
		t.Errorf("got %d unbinds, want 2", n)
	}
}

func TestConfigDefaultsAndValidation(t *testing.T) {
	c, err := Config{Host: "h", SystemID: "arauto", Password: "pw", TLS: true}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != TLSPort || c.Binds != 4 || c.Window != 10 || c.Rate != 80 || c.SystemType != "MovileSMSC" ||
		c.EnquireLink != 30*time.Second || c.Validity != 24*time.Hour || c.SourceAddr != "arauto" || c.CorrelationTag != smpp.TagCorrelationID {
		t.Errorf("defaults got %+v", c)
	}
	if c, _ := (Config{Host: "h", SystemID: "a"}).withDefaults(); c.Port != VPNPort {
		t.Errorf("plain TCP port got %d, want %d", c.Port, VPNPort)
	}
	for _, bad := range []Config{
		{SystemID: "a"},
		{Host: "h"},
		{Host: "h", SystemID: "a-system-id-of-16"},
		{Host: "h", SystemID: "a", Password: "123456789"},
		{Host: "h", SystemID: "a", Port: 70000},
		{Host: "h", SystemID: "a", Validity: 200 * 24 * time.Hour},
		{Host: "h", SystemID: "a", SourceAddr: "123456789012345678901"},
	} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v) got no error", bad)
		}
	}
	cl, err := New(Config{Host: "127.0.0.1", Port: 1, SystemID: "a", ReconnectMin: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if cl.Capacity() != 320 {
		t.Errorf("Capacity got %v, want 4 binds x 80 = 320", cl.Capacity())
	}
	if n := cl.Parts(repeat("a", 161), false); n != 2 {
		t.Errorf("Parts got %d, want 2", n)
	}
}
