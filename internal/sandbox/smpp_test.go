package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"arauto/internal/smpp"
)

// smppConn is a bare SMPP client for testing the server PDU by PDU.
type smppConn struct {
	t   *testing.T
	c   net.Conn
	br  *bufio.Reader
	seq uint32
}

// startSMPP serves SMPP for sb on a loopback port and returns its address.
func startSMPP(t *testing.T, sb *Sandbox) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sb.ServeSMPP(ln) }()
	t.Cleanup(func() {
		sb.Close()
		if err := <-done; err != nil {
			t.Errorf("ServeSMPP returned %v, want nil after Close", err)
		}
	})
	return ln.Addr().String()
}

func dialSMPP(t *testing.T, addr string) *smppConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &smppConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (sc *smppConn) send(status smpp.Status, body smpp.Body) uint32 {
	sc.t.Helper()
	sc.seq++
	b, err := smpp.Marshal(smpp.PDU{Status: status, Seq: sc.seq, Body: body})
	if err != nil {
		sc.t.Fatal(err)
	}
	if _, err := sc.c.Write(b); err != nil {
		sc.t.Fatal(err)
	}
	return sc.seq
}

func (sc *smppConn) sendRaw(b []byte) {
	sc.t.Helper()
	if _, err := sc.c.Write(b); err != nil {
		sc.t.Fatal(err)
	}
}

// read returns the next PDU within 5 s.
func (sc *smppConn) read() (smpp.PDU, error) {
	_ = sc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return smpp.Read(sc.br)
}

func (sc *smppConn) must() smpp.PDU {
	sc.t.Helper()
	p, err := sc.read()
	if err != nil {
		sc.t.Fatalf("read: %v", err)
	}
	return p
}

// closed reports whether the server closed the connection.
func (sc *smppConn) closed() bool {
	_, err := sc.read()
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || strings.Contains(fmt.Sprint(err), "reset")
}

func (sc *smppConn) bind(kind smpp.BindKind, user, pass, systemType string) smpp.PDU {
	sc.t.Helper()
	sc.send(0, &smpp.Bind{Kind: kind, SystemID: user, Password: pass, SystemType: systemType, InterfaceVersion: 0x34, AddrTON: 1, AddrNPI: 1})
	return sc.must()
}

func boundConn(t *testing.T, addr string, kind smpp.BindKind) *smppConn {
	t.Helper()
	sc := dialSMPP(t, addr)
	if p := sc.bind(kind, DefaultUsername, DefaultToken, SMPPSystemType); p.Status != smpp.StatusOK {
		t.Fatalf("bind got %s, want ESME_ROK", p.Status)
	}
	return sc
}

func submit(dest, text, corr string) *smpp.SubmitSM {
	enc, err := smpp.EncodeText(text, 1, smpp.TextOptions{})
	if err != nil {
		panic(err)
	}
	m := &smpp.SubmitSM{Message: smpp.Message{
		Source: smpp.Address{TON: 1, NPI: 1, Addr: DefaultUsername}, Dest: smpp.Address{TON: 1, NPI: 1, Addr: dest},
		ESMClass: enc.ESMClass, RegisteredDelivery: 1, DataCoding: enc.DataCoding, ShortMessage: enc.Parts[0],
	}}
	if corr != "" {
		m.TLVs = smpp.TLVs{smpp.CStringTLV(smpp.TagCorrelationID, corr)}
	}
	return m
}

// reportingNumber returns a Brazilian mobile whose carrier sends delivery
// reports (not OI or Sercomtel).
func reportingNumber(from int) string {
	for i := from; ; i++ {
		n := fmt.Sprintf("55119%08d", i)
		if !noDeliveryReport(carrierFor(n)) {
			return n
		}
	}
}

func TestSMPPBindChecksTheAccount(t *testing.T) {
	sb := newTestSandbox(t, Options{})
	addr := startSMPP(t, sb)
	tests := []struct {
		name                   string
		user, pass, systemType string
		want                   smpp.Status
	}{
		{"good", DefaultUsername, DefaultToken, SMPPSystemType, smpp.StatusOK},
		{"unknown system_id", "other", DefaultToken, SMPPSystemType, smpp.StatusInvalidSystemID},
		{"wrong password", DefaultUsername, "nope", SMPPSystemType, smpp.StatusInvalidPassword},
		{"wrong system_type", DefaultUsername, DefaultToken, "SMPP", smpp.StatusInvalidSystemType},
	}
	for _, tc := range tests {
		for _, kind := range []smpp.BindKind{smpp.BindTransceiver, smpp.BindTransmitter, smpp.BindReceiver} {
			sc := dialSMPP(t, addr)
			p := sc.bind(kind, tc.user, tc.pass, tc.systemType)
			if p.Status != tc.want || p.ID() != kind.Request().Response() {
				t.Errorf("%s %s: got %s %s, want %s", tc.name, kind, p.ID(), p.Status, tc.want)
			}
			if tc.want != smpp.StatusOK && !sc.closed() {
				t.Errorf("%s %s: connection left open after a refused bind", tc.name, kind)
			}
		}
	}
	if st := sb.SMPPStats(); st.Unauthorized != 9 || st.Binds != 3 || st.Bound != 3 {
		t.Errorf("stats got %d unauthorized, %d binds, %d bound; want 9, 3, 3", st.Unauthorized, st.Binds, st.Bound)
	}
	// Anything but a bind first is refused and the connection closed.
	sc := dialSMPP(t, addr)
	sc.send(0, submit("5511900000001", "oi", ""))
	if p := sc.must(); p.ID() != smpp.GenericNackID || p.Status != smpp.StatusInvalidBindStatus {
		t.Errorf("submit before bind got %s %s, want generic_nack ESME_RINVBNDSTS", p.ID(), p.Status)
	}
	if !sc.closed() {
		t.Errorf("connection left open after a PDU before bind")
	}
}

func TestSMPPSubmitEntersTheLedgerAndTheStatusSearch(t *testing.T) {
	sb := newTestSandbox(t, Options{Outcomes: Outcomes{Delivered: 1}, ReplyRate: -1})
	addr := startSMPP(t, sb)
	sc := boundConn(t, addr, smpp.BindTransmitter)
	dest := reportingNumber(0)
	m := submit(dest, "Promoção de hoje", "a1-1")
	m.DataCoding |= 0x10 // flash
	sc.send(0, m)
	p := sc.must()
	r, ok := p.Body.(*smpp.SubmitSMResp)
	if !ok || p.Status != smpp.StatusOK || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(r.MessageID) {
		t.Fatalf("submit got %s %s %+v, want ESME_ROK with a UUID", p.ID(), p.Status, p.Body)
	}
	msgs := sb.Messages()
	if len(msgs) != 1 {
		t.Fatalf("ledger has %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.ID != r.MessageID || got.CorrelationID != "a1-1" || got.Destination != dest || got.Text != "Promoção de hoje" ||
		!got.Flash || got.Channel != "sms" || got.SentStatusCode != codeSentSuccess || got.DeliveredStatusCode != codeDeliveredSuccess {
		t.Errorf("ledger got %+v", got)
	}
	if sb.SentCount("a1-1") != 1 {
		t.Errorf("SentCount got %d, want 1", sb.SentCount("a1-1"))
	}
	rec := call(t, sb, http.MethodPost, "/v1/sms/status/search", `{"correlationIds":["a1-1"]}`)
	var found []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &found); err != nil || len(found) != 1 || found[0]["id"] != r.MessageID {
		t.Fatalf("status search got %d %s, want the SMPP message", rec.Code, rec.Body.String())
	}
}

func TestSMPPSubmitValidation(t *testing.T) {
	sb := newTestSandbox(t, Options{})
	addr := startSMPP(t, sb)
	sc := boundConn(t, addr, smpp.BindTransmitter)
	past := smpp.FormatAbsolute(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name   string
		modify func(m *smpp.SubmitSM)
		want   smpp.Status
	}{
		{"no destination", func(m *smpp.SubmitSM) { m.Dest.Addr = "" }, smpp.StatusInvalidDestAddr},
		{"letters in the destination", func(m *smpp.SubmitSM) { m.Dest.Addr = "55119abc" }, smpp.StatusInvalidDestAddr},
		{"binary data_coding", func(m *smpp.SubmitSM) { m.DataCoding = 0x04 }, smpp.StatusInvalidDataCoding},
		{"receipt esm_class", func(m *smpp.SubmitSM) { m.ESMClass = smpp.ESMDeliveryReceipt }, smpp.StatusInvalidESMClass},
		{"UCS-2 of odd length", func(m *smpp.SubmitSM) { m.DataCoding = smpp.CodingUCS2; m.ShortMessage = []byte{0, 'a', 0} }, smpp.StatusInvalidMsgLen},
		{"empty text", func(m *smpp.SubmitSM) { m.ShortMessage = nil }, smpp.StatusInvalidMsgLen},
		{"bad UDH", func(m *smpp.SubmitSM) { m.ESMClass = smpp.ESMUDHI; m.ShortMessage = []byte{9, 0} }, smpp.StatusInvalidMsgLen},
		{"correlationId over 64", func(m *smpp.SubmitSM) {
			m.TLVs = smpp.TLVs{{Tag: smpp.TagCorrelationID, Value: []byte(strings.Repeat("c", 65))}}
		}, smpp.StatusInvalidTLVValue},
		{"validity in the past", func(m *smpp.SubmitSM) { m.ValidityPeriod = past }, smpp.StatusInvalidExpiry},
		{"a good one", func(m *smpp.SubmitSM) {}, smpp.StatusOK},
	}
	for _, tc := range tests {
		m := submit("5511900000002", "Oi", "")
		tc.modify(m)
		sc.send(0, m)
		if p := sc.must(); p.Status != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, p.Status, tc.want)
		}
	}
	if n := len(sb.Messages()); n != 1 {
		t.Errorf("ledger has %d messages, want only the good one", n)
	}
	// Garbage keeps the session: an unknown command gets a generic_nack.
	sc.sendRaw([]byte{0, 0, 0, 16, 0, 0, 0, 0x77, 0, 0, 0, 0, 0, 0, 0, 99})
	if p := sc.must(); p.ID() != smpp.GenericNackID || p.Status != smpp.StatusInvalidCmdID || p.Seq != 99 {
		t.Errorf("unknown command got %s %s seq %d, want generic_nack ESME_RINVCMDID seq 99", p.ID(), p.Status, p.Seq)
	}
	sc.send(0, &smpp.EnquireLink{})
	if p := sc.must(); p.ID() != smpp.EnquireLinkRespID {
		t.Errorf("enquire_link got %s", p.ID())
	}
	sc.send(0, &smpp.Bind{Kind: smpp.BindTransceiver, SystemID: DefaultUsername, Password: DefaultToken, SystemType: SMPPSystemType})
	if p := sc.must(); p.Status != smpp.StatusAlreadyBound {
		t.Errorf("second bind got %s, want ESME_RALYBND", p.Status)
	}
	sc.send(0, &smpp.Unbind{})
	if p := sc.must(); p.ID() != smpp.UnbindRespID || !sc.closed() {
		t.Errorf("unbind got %s and the connection open", p.ID())
	}
}

// Receipts follow the seeds' table: ACCEPTD/000 with TLVs 2 SENT_SUCCESS,
// then DELIVRD/000 (4 DELIVERED_SUCCESS) or UNDELIV/104; refusals are
// REJECTD with err = code.
func TestSMPPReceiptsFollowTheSeedsTable(t *testing.T) {
	type level struct {
		stat, err                  string
		sent, sentName, dlr, dlrNm string
	}
	tests := []struct {
		name     string
		outcomes Outcomes
		dest     string
		want     []level
	}{
		{"delivered", Outcomes{Delivered: 1}, reportingNumber(10), []level{
			{"ACCEPTD", "000", "2", "SENT_SUCCESS", "", ""}, {"DELIVRD", "000", "2", "SENT_SUCCESS", "4", "DELIVERED_SUCCESS"}}},
		{"not delivered", Outcomes{NotDelivered: 1}, reportingNumber(20), []level{
			{"ACCEPTD", "000", "2", "SENT_SUCCESS", "", ""}, {"UNDELIV", "104", "2", "SENT_SUCCESS", "104", "NOT_DELIVERED"}}},
		{"invalid number", Outcomes{Delivered: 1}, "5500", []level{{"REJECTD", "202", "202", "INVALID_DESTINATION_NUMBER", "", ""}}},
		{"expired", Outcomes{Expired: 1}, reportingNumber(30), []level{{"EXPIRED", "101", "101", "EXPIRED", "", ""}}},
		{"rejected by the carrier", Outcomes{RejectedByCarrier: 1}, reportingNumber(40), []level{{"REJECTD", "103", "103", "REJECTED_BY_CARRIER", "", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, Options{Outcomes: tc.outcomes, ReplyRate: -1})
			addr := startSMPP(t, sb)
			sc := boundConn(t, addr, smpp.BindTransceiver)
			sc.send(0, submit(tc.dest, "Olá, oferta especial!", "corr-1"))
			var id string
			var got []smpp.PDU
			for len(got) < len(tc.want) {
				p := sc.must()
				switch b := p.Body.(type) {
				case *smpp.SubmitSMResp:
					id = b.MessageID
				case *smpp.DeliverSM:
					got = append(got, p)
					sc.seq++
					b2, _ := smpp.Marshal(smpp.PDU{Seq: p.Seq, Body: &smpp.DeliverSMResp{}})
					sc.sendRaw(b2)
				}
			}
			for i, w := range tc.want {
				d := got[i].Body.(*smpp.DeliverSM)
				text, _ := smpp.DecodeText(d.DataCoding, d.ShortMessage)
				r, err := smpp.ParseReceipt(text)
				if err != nil {
					t.Fatalf("receipt %d %q: %v", i, text, err)
				}
				rid, _ := d.TLVs.String(smpp.TagReceiptedMessageID)
				sc1, _ := d.TLVs.String(smpp.TagSentStatusCode)
				sn1, _ := d.TLVs.String(smpp.TagSentStatus)
				dc1, _ := d.TLVs.String(smpp.TagDeliveredStatusCode)
				dn1, _ := d.TLVs.String(smpp.TagDeliveredStatus)
				state, _ := d.TLVs.Uint(smpp.TagMessageState)
				if !d.IsReceipt() || r.ID != id || rid != id || r.Stat != w.stat || r.Err != w.err || sc1 != w.sent || sn1 != w.sentName ||
					dc1 != w.dlr || dn1 != w.dlrNm || uint8(state) != smpp.StateOf(w.stat) || d.Source.Addr != tc.dest || d.Dest.Addr != DefaultUsername {
					t.Errorf("receipt %d got %q TLVs %s/%s %s/%s state %d from %s to %s, want %+v for id %s",
						i, text, sc1, sn1, dc1, dn1, state, d.Source.Addr, d.Dest.Addr, w, id)
				}
				if !strings.HasSuffix(text, "text:Ol?, oferta especial") {
					t.Errorf("receipt text field got %q, want the first 20 characters with non-GSM ones as ?", text)
				}
			}
			waitFor(t, "the acknowledgements", func() bool { return sb.SMPPStats().Receipts == int64(len(tc.want)) })
		})
	}
}

// A transmitter gets no deliver_sm: receipts wait for a receiver, then go
// to it, first level first; a receipt the client refuses comes again.
func TestSMPPReceiptsGoToTheBindThatReceives(t *testing.T) {
	// A real clock: the retry is due 10 ms after the refusal.
	sb := newTestSandbox(t, Options{Outcomes: Outcomes{Delivered: 1}, ReplyRate: -1, Now: time.Now})
	addr := startSMPP(t, sb)
	tx := boundConn(t, addr, smpp.BindTransmitter)
	tx.send(0, submit(reportingNumber(50), "Oi", "c-1"))
	if p := tx.must(); p.Status != smpp.StatusOK {
		t.Fatalf("submit got %s", p.Status)
	}
	waitFor(t, "two receipts pending", func() bool { return sb.SMPPStats().Pending == 2 })
	rx := boundConn(t, addr, smpp.BindReceiver)
	var stats []string
	for len(stats) < 3 {
		p := rx.must()
		d, ok := p.Body.(*smpp.DeliverSM)
		if !ok {
			t.Fatalf("receiver got %s", p.ID())
		}
		text, _ := smpp.DecodeText(d.DataCoding, d.ShortMessage)
		r, _ := smpp.ParseReceipt(text)
		stats = append(stats, r.Stat)
		st := smpp.StatusOK
		if len(stats) == 1 {
			st = smpp.StatusTempAppError
		}
		b, _ := smpp.Marshal(smpp.PDU{Status: st, Seq: p.Seq, Body: &smpp.DeliverSMResp{}})
		rx.sendRaw(b)
	}
	if stats[0] != "ACCEPTD" || !(stats[1] == "DELIVRD" && stats[2] == "ACCEPTD" || stats[1] == "ACCEPTD" && stats[2] == "DELIVRD") {
		t.Errorf("receipts came as %v, want ACCEPTD (refused), then DELIVRD and the ACCEPTD again", stats)
	}
	waitFor(t, "nothing pending", func() bool { st := sb.SMPPStats(); return st.Pending == 0 && st.Receipts == 2 })
	_ = tx.c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if p, err := smpp.Read(tx.br); err == nil {
		t.Errorf("the transmitter got %s, want nothing", p.ID())
	}
}

func TestSMPPRepliesComeBackOnlyToTheSystemID(t *testing.T) {
	sb := newTestSandbox(t, Options{Outcomes: Outcomes{Delivered: 1}, ReplyRate: 1})
	addr := startSMPP(t, sb)
	sc := boundConn(t, addr, smpp.BindTransceiver)
	other := submit(reportingNumber(60), "Sem resposta", "c-other")
	other.Source.Addr = "LOJA"
	sc.send(0, other)
	sc.send(0, submit(reportingNumber(70), "Responda SAIR", "c-own"))
	var mos []*smpp.DeliverSM
	deadline := time.Now().Add(5 * time.Second)
	for len(mos) < 1 && time.Now().Before(deadline) {
		p := sc.must()
		if d, ok := p.Body.(*smpp.DeliverSM); ok {
			if !d.IsReceipt() {
				mos = append(mos, d)
			}
			b, _ := smpp.Marshal(smpp.PDU{Seq: p.Seq, Body: &smpp.DeliverSMResp{}})
			sc.sendRaw(b)
		}
	}
	if len(mos) != 1 {
		t.Fatalf("got %d MOs, want 1", len(mos))
	}
	mo := mos[0]
	text, _ := smpp.DecodeText(mo.DataCoding, mo.ShortMessage)
	id, _ := mo.TLVs.String(smpp.TagReceiptedMessageID)
	in := sb.Inbound()
	if len(in) != 1 || mo.Source.Addr != reportingNumber(70) || mo.Dest.Addr != DefaultUsername || text != in[0].Text || id != in[0].ID {
		t.Errorf("MO got from %s to %s %q id %s; inbound %+v", mo.Source.Addr, mo.Dest.Addr, text, id, in)
	}
	waitFor(t, "the MO acknowledged", func() bool { return sb.SMPPStats().MOs == 1 })
}

func TestSMPPThrottlesPastTheRate(t *testing.T) {
	sb := newTestSandbox(t, Options{SMPPRate: 20})
	addr := startSMPP(t, sb)
	sc := boundConn(t, addr, smpp.BindTransmitter)
	ok, throttled := 0, 0
	for i := 0; i < 40; i++ {
		sc.send(0, submit(reportingNumber(100+i), "Oi", fmt.Sprintf("t-%d", i)))
		switch p := sc.must(); p.Status {
		case smpp.StatusOK:
			ok++
		case smpp.StatusThrottled:
			throttled++
		default:
			t.Fatalf("got %s", p.Status)
		}
	}
	// A burst of one window (10) passes, then the rate (20/s) limits.
	if ok < SMPPWindow || ok > SMPPWindow+5 || throttled != 40-ok {
		t.Errorf("got %d accepted and %d throttled of 40 sent at once, want about the window accepted", ok, throttled)
	}
	if n := len(sb.Messages()); n != ok {
		t.Errorf("ledger has %d, want only the %d accepted", n, ok)
	}
}

func TestSMPPFaults(t *testing.T) {
	t.Run("window full while responses are slow", func(t *testing.T) {
		sb := newTestSandbox(t, Options{Faults: Faults{SMPPRespDelay: 300 * time.Millisecond}})
		addr := startSMPP(t, sb)
		sc := boundConn(t, addr, smpp.BindTransmitter)
		start := time.Now()
		for i := 0; i < SMPPWindow+2; i++ {
			sc.send(0, submit(reportingNumber(200+i), "Oi", ""))
		}
		counts := map[smpp.Status]int{}
		for i := 0; i < SMPPWindow+2; i++ {
			counts[sc.must().Status]++
		}
		if counts[smpp.StatusOK] != SMPPWindow || counts[smpp.StatusMsgQueueFull] != 2 {
			t.Errorf("got %v, want %d ESME_ROK and 2 ESME_RMSGQFUL", counts, SMPPWindow)
		}
		if el := time.Since(start); el < 300*time.Millisecond {
			t.Errorf("responses came after %s, want the injected 300ms", el)
		}
		if st := sb.SMPPStats(); st.MaxOutstanding != SMPPWindow+2 || st.WindowFull != 2 {
			t.Errorf("stats got max outstanding %d, window full %d", st.MaxOutstanding, st.WindowFull)
		}
	})
	t.Run("injected throttling", func(t *testing.T) {
		sb := newTestSandbox(t, Options{SMPPRate: -1, Faults: Faults{SMPPThrottleRate: 1}})
		addr := startSMPP(t, sb)
		sc := boundConn(t, addr, smpp.BindTransmitter)
		sc.send(0, submit(reportingNumber(300), "Oi", ""))
		if p := sc.must(); p.Status != smpp.StatusThrottled || len(sb.Messages()) != 0 {
			t.Errorf("got %s with %d in the ledger, want ESME_RTHROTTLED and nothing", p.Status, len(sb.Messages()))
		}
	})
	t.Run("drop mid-window", func(t *testing.T) {
		sb := newTestSandbox(t, Options{Faults: Faults{SMPPDropRate: 1}})
		addr := startSMPP(t, sb)
		sc := boundConn(t, addr, smpp.BindTransmitter)
		var window []byte // five submit_sm in one write: all in flight when the server drops
		for i := 0; i < 5; i++ {
			b, err := smpp.Append(window, smpp.PDU{Seq: uint32(10 + i), Body: submit(reportingNumber(400+i), "Oi", fmt.Sprintf("d-%d", i))})
			if err != nil {
				t.Fatal(err)
			}
			window = b
		}
		sc.sendRaw(window)
		if !sc.closed() {
			t.Fatal("connection still open, want it dropped without answers")
		}
		// The first was recorded before the drop; the ones behind it never read.
		if sb.SentCount("d-0") != 1 || len(sb.Messages()) != 1 || sb.SMPPStats().Drops != 1 {
			t.Errorf("ledger got %d messages (d-0 sent %d times), drops %d; want only d-0", len(sb.Messages()), sb.SentCount("d-0"), sb.SMPPStats().Drops)
		}
	})
	t.Run("DropSMPPBinds", func(t *testing.T) {
		sb := newTestSandbox(t, Options{})
		addr := startSMPP(t, sb)
		a, b := boundConn(t, addr, smpp.BindTransceiver), boundConn(t, addr, smpp.BindTransceiver)
		if n := sb.DropSMPPBinds(1); n != 1 {
			t.Fatalf("dropped %d", n)
		}
		closedA, closedB := a.closed(), false
		if !closedA {
			closedB = b.closed()
		}
		if !closedA && !closedB || sb.SMPPStats().Bound != 1 {
			t.Errorf("after dropping one, bound %d", sb.SMPPStats().Bound)
		}
	})
}

func TestSMPPIdleBindsAreClosed(t *testing.T) {
	sb := newTestSandbox(t, Options{SMPPIdleTimeout: 150 * time.Millisecond})
	addr := startSMPP(t, sb)
	sc := boundConn(t, addr, smpp.BindTransceiver)
	time.Sleep(80 * time.Millisecond)
	sc.send(0, &smpp.EnquireLink{})
	if p := sc.must(); p.ID() != smpp.EnquireLinkRespID {
		t.Fatalf("got %s", p.ID())
	}
	start := time.Now()
	if !sc.closed() || time.Since(start) > 2*time.Second {
		t.Errorf("an idle bind stayed open")
	}
}

func TestRunServesSMPP(t *testing.T) {
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		done <- Run(ctx, []string{"--addr", "127.0.0.1:0", "--smpp-addr", "127.0.0.1:0", "--delay-scale", "0"}, &stdout, &stderr)
	}()
	re := regexp.MustCompile(`SMPP listening on (127\.0\.0\.1:\d+)`)
	var addr string
	waitFor(t, "the SMPP listening line", func() bool {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
			return true
		}
		return false
	})
	sc := boundConn(t, addr, smpp.BindTransceiver)
	sc.send(0, submit("5511900000000", "oi", ""))
	if p := sc.must(); p.Status != smpp.StatusOK {
		t.Errorf("submit got %s", p.Status)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run got %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
}
