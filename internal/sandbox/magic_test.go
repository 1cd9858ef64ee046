package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// magicNumber is the São Paulo number of the magic block ending in last.
func magicNumber(last string) string { return "5511" + MagicPrefix + last }

// TestMagicStatusCodes sends to every magic code of both channels and
// checks the planned statuses, whatever the outcome weights say.
func TestMagicStatusCodes(t *testing.T) {
	for _, ch := range []uint8{chSMS, chWhatsApp} {
		for code, delivered := range magicCodes[ch] {
			t.Run(fmt.Sprintf("%s %d", channelName(ch), code), func(t *testing.T) {
				s := newTestSandbox(t, Options{Outcomes: Outcomes{InternalError: 1}, WhatsAppOpenSessions: true, ReplyRate: 1})
				dest := magicNumber(fmt.Sprintf("0%03d", code))
				send(t, s, ch, dest)
				m := s.Messages()[0]
				wantSent, wantDLR := int(code), 0
				switch {
				case code == codeSentSuccess:
					wantSent = codeSentSuccess
				case delivered:
					wantSent, wantDLR = codeSentSuccess, int(code)
				}
				if m.SentStatusCode != wantSent || m.DeliveredStatusCode != wantDLR {
					t.Errorf("%s: sent %d delivered %d, want %d and %d", dest, m.SentStatusCode, m.DeliveredStatusCode, wantSent, wantDLR)
				}
				if m.SentStatus == "" || (wantDLR != 0 && m.DeliveredStatus == "") {
					t.Errorf("%s: status names %q %q, want both named", dest, m.SentStatus, m.DeliveredStatus)
				}
				if n := len(s.Inbound()); n != 0 {
					t.Errorf("%s: %d replies, want none for a forced status", dest, n)
				}
			})
		}
	}
	// The codes the issue asked the sandbox to emit are all reachable.
	for _, want := range []struct {
		ch   uint8
		code uint16
	}{{chSMS, 207}, {chSMS, 214}, {chSMS, 215}, {chSMS, 401}, {chSMS, 201}, {chWhatsApp, 105}, {chWhatsApp, 209}} {
		if _, ok := magicCodes[want.ch][want.code]; !ok || StatusName(int(want.code)) == "" {
			t.Errorf("%s code %d is not reachable by a magic number", channelName(want.ch), want.code)
		}
	}
}

// TestMagicOutsideTheBlock checks that other numbers keep their draw.
func TestMagicOutsideTheBlock(t *testing.T) {
	for _, dest := range []string{"5511900000201", magicNumber("0999"), magicNumber("1009"), magicNumber("2201"), "5511977770201x"} {
		if mg := magicFor(dest, chSMS); mg.present {
			t.Errorf("magicFor(%s) = %+v, want nothing", dest, mg)
		}
	}
	if mg := magicFor(magicNumber("0209"), chSMS); mg.present {
		t.Errorf("WhatsApp-only code 209 is magic on SMS: %+v", mg)
	}
}

// TestMagicReplies asks every reply kind of WhatsApp and checks the
// webhook payloads, as the seeds' MO examples shape them.
func TestMagicReplies(t *testing.T) {
	hooks := newHookServer(t, 0, http.StatusOK)
	s := newTestSandbox(t, Options{WhatsAppURL: hooks.URL, ReplyRate: -1, Outcomes: Outcomes{InternalError: 1}})
	wants := []struct {
		last, kind, fragment string
	}{
		{"1001", "TEXT", `"type":"TEXT","messageText":"Sim"`},
		{"1002", "BUTTON", `"type":"BUTTON","messageText":"Sim","payload":"sim"`},
		{"1003", "IMAGE", `"type":"IMAGE","mediaUrl":"https://media.sandbox.invalid/`},
		{"1004", "AUDIO", `"mimeType":"audio/ogg; codecs=opus"`},
		{"1005", "DOCUMENT", `"mimeType":"application/pdf","caption":"comprovante.pdf"`},
		{"1006", "LOCATION", `"message":{"location":{"geoPoint":"-23.561414,-46.655881","name":"MASP","address":`},
		{"1007", "CONTACTS", `"message":{"contacts":[{"emails":[{"email":"maria@example.com","type":"WORK"}],"name":{"first_name":"Maria"`},
		{"1008", "REFERRAL", `"referral":{"headLine":"Ofertas de fim de ano"`},
	}
	for _, w := range wants {
		send(t, s, chWhatsApp, magicNumber(w.last))
	}
	waitFor(t, "eight replies", func() bool { return len(s.Inbound()) == len(wants) })
	in := s.Inbound()
	for _, w := range wants {
		i := slices.IndexFunc(in, func(m InboundMessage) bool { return m.Source == magicNumber(w.last) })
		if i < 0 || in[i].Kind != w.kind || in[i].OptOut {
			t.Errorf("%s: inbound %+v, want a %s reply", w.last, in, w.kind)
		}
	}
	waitFor(t, "the MO webhooks", func() bool {
		body := hooksAll(hooks)
		for _, w := range wants {
			if !strings.Contains(body, w.fragment) {
				return false
			}
		}
		return true
	})
	if body := hooksAll(hooks); !strings.Contains(body, `"messageId":"`+s.Messages()[1].ID+`"`) {
		t.Errorf("the button reply does not name the message it answers (messageId)")
	}
	for _, m := range s.Messages() {
		if m.SentStatusCode != codeSentSuccess || m.DeliveredStatusCode != codeDeliveredSuccess || m.ReadAt.IsZero() {
			t.Errorf("%s: %d/%d read %v, want delivered and read before the reply", m.Destination, m.SentStatusCode, m.DeliveredStatusCode, m.ReadAt)
		}
	}
}

// TestNoCreditAfter runs the credit out after three SMS, then gives it back.
func TestNoCreditAfter(t *testing.T) {
	s := newTestSandbox(t, Options{NoCreditAfter: 3, Outcomes: Outcomes{Delivered: 1}, ReplyRate: -1})
	for i := range 5 {
		send(t, s, chSMS, fmt.Sprintf("551198888%04d", i))
	}
	send(t, s, chWhatsApp, "5511988889999") // WhatsApp does not spend SMS credit
	var codes []int
	for _, m := range s.Messages() {
		codes = append(codes, m.SentStatusCode)
		if m.SentStatusCode == codeNoCredit && m.DeliveredStatusCode != 0 {
			t.Errorf("%s: a delivery report after NO_CREDIT", m.Destination)
		}
	}
	if want := []int{2, 2, 2, 201, 201, 2}; !slices.Equal(codes, want) {
		t.Errorf("sent codes = %v, want %v", codes, want)
	}
	if c := s.Credit(); c.NoCreditAfter != 3 || c.Used != 3 {
		t.Errorf("Credit() = %+v, want 3 used of 3", c)
	}

	// Topping up over HTTP, as a test driving `arauto sandbox` would.
	rec := call(t, s, http.MethodPut, CreditPath, `{"noCreditAfter":0}`)
	wantCode(t, rec, http.StatusOK)
	var c Credit
	decodeBody(t, rec, &c)
	if c != (Credit{}) {
		t.Errorf("PUT credit = %+v, want unlimited", c)
	}
	send(t, s, chSMS, "5511988887000")
	if m := s.Messages(); m[len(m)-1].SentStatusCode != codeSentSuccess {
		t.Errorf("after topping up: sent %d, want 2", m[len(m)-1].SentStatusCode)
	}
	wantCode(t, call(t, s, http.MethodPut, CreditPath, `{"noCreditAfter":-1}`), http.StatusBadRequest)
	wantCode(t, call(t, s, http.MethodPut, CreditPath, `{}`), http.StatusBadRequest)
	wantCode(t, callAs(t, s, http.MethodGet, CreditPath, "", "intruso", "x"), http.StatusUnauthorized)
	rec = call(t, s, http.MethodGet, CreditPath, "")
	wantCode(t, rec, http.StatusOK)
}

// TestExpiresDateInTimeZone checks that expiresDate is read in the
// request's timeZone (and in the account's zone, São Paulo, without one).
func TestExpiresDateInTimeZone(t *testing.T) {
	// 19:00 in São Paulo, 22:00 UTC.
	now := time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		fields      string
		wantExpired bool
	}{
		{"end of the day in São Paulo", `"expiresDate":"2026-12-06T23:59:59","timeZone":"America/Sao_Paulo"`, false},
		{"20:00 in São Paulo is still ahead", `"expiresDate":"2026-12-06T20:00:00","timeZone":"America/Sao_Paulo"`, false},
		{"20:00 UTC is past", `"expiresDate":"2026-12-06T20:00:00","timeZone":"UTC"`, true},
		{"no zone: the account's, São Paulo", `"expiresDate":"2026-12-06T20:00:00"`, false},
		{"18:00 in São Paulo is past", `"expiresDate":"2026-12-06T18:00:00","timeZone":"America/Sao_Paulo"`, true},
		{"an offset wins over the zone", `"expiresDate":"2026-12-06T20:00:00Z","timeZone":"America/Sao_Paulo"`, true},
	}
	for _, tt := range tests {
		for _, bulk := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s bulk %v", tt.name, bulk), func(t *testing.T) {
				s := newTestSandbox(t, Options{Now: func() time.Time { return now }, Outcomes: Outcomes{Delivered: 1}, ReplyRate: -1, DelayScale: 1})
				body := `{"destination":"5511988887777","messageText":"oi",` + tt.fields + `}`
				path := "/v1/send-sms"
				if bulk {
					body = `{"messages":[{"destination":"5511988887777"}],"defaultValues":{"messageText":"oi"},` + tt.fields + `}`
					path = "/v1/send-bulk-sms"
				}
				wantCode(t, call(t, s, http.MethodPost, path, body), http.StatusOK)
				m := s.Messages()[0]
				if got := m.SentStatusCode == codeExpired; got != tt.wantExpired {
					t.Errorf("sent status %s, want expired %v", m.SentStatus, tt.wantExpired)
				}
			})
		}
	}
}

// send sends one message to dest on a channel (a template on WhatsApp).
func send(t *testing.T, s *Sandbox, ch uint8, dest string) {
	t.Helper()
	if ch == chWhatsApp {
		wantCode(t, call(t, s, http.MethodPost, "/v1/whatsapp/send",
			`{"destinations":[{"destination":"`+dest+`","correlationId":"c-`+dest+`"}],"message":{"template":{"namespace":"ns","elementName":"promo"}}}`), http.StatusOK)
		return
	}
	wantCode(t, call(t, s, http.MethodPost, "/v1/send-sms", `{"destination":"`+dest+`","messageText":"oi","correlationId":"c-`+dest+`"}`), http.StatusOK)
}

// hooksAll is every webhook body received so far, joined.
func hooksAll(h *hookServer) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, bodies := range h.bodies {
		for _, body := range bodies {
			b.WriteString(body)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
