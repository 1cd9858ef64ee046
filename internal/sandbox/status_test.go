package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStatusSearch(t *testing.T) {
	clock := newFakeClock()
	s := newTestSandbox(t, Options{Now: clock.Now, DelayScale: 1, Outcomes: Outcomes{Delivered: 1}})
	vivo := findNumber(t, carrierVivo, 0)
	rec := call(t, s, "POST", "/v1/send-bulk-sms", fmt.Sprintf(
		`{"messages":[{"destination":"%s","correlationId":"c1"},{"destination":"%s","correlationId":"c2"}],"defaultValues":{"messageText":"oi","extraInfo":"e"}}`, vivo, vivo))
	wantCode(t, rec, 200)
	var sent bulkResponse
	decodeBody(t, rec, &sent)

	search := func(body string) []statusEntry {
		t.Helper()
		rec := call(t, s, "POST", "/v1/sms/status/search", body)
		wantCode(t, rec, 200)
		var got []statusEntry
		decodeBody(t, rec, &got)
		return got
	}
	// Accepted but not yet reported: the entry is there, without statuses.
	got := search(fmt.Sprintf(`{"ids":[%q],"correlationIds":["c2","unknown"]}`, strings.ToUpper(sent.Messages[0].ID)))
	if len(got) != 2 {
		t.Fatalf("got %d entries, want 2: %+v", len(got), got)
	}
	if got[0].ID != sent.Messages[0].ID || got[1].CorrelationID != "c2" {
		t.Errorf("entries = %+v, want c1 then c2", got)
	}
	if got[0].SentStatusCode != 0 || got[0].DeliveredStatusCode != 0 {
		t.Errorf("entry before the callback = %+v, want no status yet", got[0])
	}
	if got[0].CarrierName != "VIVO" || got[0].CarrierID != 1 || got[0].Destination != vivo || got[0].ExtraInfo != "e" {
		t.Errorf("entry = %+v, want VIVO (1), %s, extraInfo e", got[0], vivo)
	}

	clock.Advance(time.Hour)
	got = search(`{"correlationIds":["c1"]}`)
	if len(got) != 1 {
		t.Fatalf("got %d entries, want 1", len(got))
	}
	e := got[0]
	if e.SentStatusCode != 2 || e.SentStatus != "SENT_SUCCESS" || e.DeliveredStatusCode != 4 || e.DeliveredStatus != "DELIVERED_SUCCESS" {
		t.Errorf("entry = %+v, want SENT_SUCCESS then DELIVERED_SUCCESS", e)
	}
	if e.SentStatusAt == 0 || e.SentStatusDate != formatDate(e.SentStatusAt) || e.DeliveredDate != formatDate(e.DeliveredAt) || e.DeliveredAt < e.SentStatusAt {
		t.Errorf("entry times = %+v, want consistent epoch and dates", e)
	}

	// Status is kept 3 days.
	clock.Advance(72 * time.Hour)
	if got := search(`{"correlationIds":["c1"]}`); len(got) != 0 {
		t.Errorf("after 3 days got %+v, want nothing", got)
	}
}

func TestStatusSearchValidation(t *testing.T) {
	tests := []struct {
		name, body string
		want       int
	}{
		{"empty", `{}`, 400},
		{"empty lists", `{"ids":[],"correlationIds":[]}`, 400},
		{"too many", `{"ids":[` + strings.TrimSuffix(strings.Repeat(`"x",`, 1001), ",") + `]}`, 400},
		{"not json", `ids=1`, 400},
		{"garbage id", `{"ids":["not-a-uuid"]}`, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			wantCode(t, call(t, s, "POST", "/v1/sms/status/search", tt.body), tt.want)
		})
	}
}

func TestStatusList(t *testing.T) {
	clock := newFakeClock()
	s := newTestSandbox(t, Options{Now: clock.Now, DelayScale: 1, Outcomes: Outcomes{Delivered: 1}})
	vivo, oi := findNumber(t, carrierVivo, 0), findNumber(t, carrierOi, 0)
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", fmt.Sprintf(
		`{"messages":[{"destination":"%s","correlationId":"v"},{"destination":"%s","correlationId":"o"},{"destination":"123","correlationId":"bad"}],"defaultValues":{"messageText":"oi"}}`, vivo, oi)), 200)
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", `{"destinations":[{"destination":"5519900001111"}],"message":{"template":{"namespace":"n","elementName":"e"}}}`), 200)

	list := func() []statusEntry {
		t.Helper()
		rec := call(t, s, "GET", "/v1/sms/status/list", "")
		wantCode(t, rec, 200)
		var got []statusEntry
		decodeBody(t, rec, &got)
		return got
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("before any status: %+v, want none", got)
	}
	clock.Advance(time.Hour)
	got := list()
	if len(got) != 3 {
		t.Fatalf("got %d entries, want 3 SMS (WhatsApp excluded): %+v", len(got), got)
	}
	byCorr := map[string]statusEntry{}
	for _, e := range got {
		byCorr[e.CorrelationID] = e
	}
	if e := byCorr["v"]; e.SentStatusCode != 2 || e.DeliveredStatusCode != 4 {
		t.Errorf("VIVO entry = %+v, want 2 then 4", e)
	}
	if e := byCorr["o"]; e.SentStatusCode != 2 || e.DeliveredStatusCode != 0 || e.CarrierName != "OI" {
		t.Errorf("OI entry = %+v, want SENT_SUCCESS and no delivered status", e)
	}
	if e := byCorr["bad"]; e.SentStatusCode != codeInvalidDestination || e.CarrierName != "UNKNOWN" {
		t.Errorf("invalid entry = %+v, want 202 and UNKNOWN carrier", e)
	}
	if got := list(); len(got) != 0 {
		t.Errorf("second list = %+v, want nothing new", got)
	}
}

func TestStatusListReportsEachLevelOnce(t *testing.T) {
	clock := newFakeClock()
	s := newTestSandbox(t, Options{Now: clock.Now, DelayScale: 1, Outcomes: Outcomes{Delivered: 1}})
	vivo := findNumber(t, carrierVivo, 0)
	wantCode(t, call(t, s, "POST", "/v1/send-sms", fmt.Sprintf(`{"destination":"%s","messageText":"oi"}`, vivo)), 200)
	m := s.Messages()[0]
	clock.Advance(m.SentAt.Sub(clock.Now()))
	var got []statusEntry
	decodeBody(t, call(t, s, "GET", "/v1/sms/status/list", ""), &got)
	if len(got) != 1 || got[0].SentStatusCode != 2 || got[0].DeliveredStatusCode != 0 {
		t.Fatalf("at the callback: %+v, want the sent status only", got)
	}
	clock.Advance(m.DeliveredAt.Sub(clock.Now()))
	got = nil
	decodeBody(t, call(t, s, "GET", "/v1/sms/status/list", ""), &got)
	if len(got) != 1 || got[0].DeliveredStatusCode != 4 {
		t.Fatalf("at the DLR: %+v, want the delivered status", got)
	}
	got = nil
	decodeBody(t, call(t, s, "GET", "/v1/sms/status/list", ""), &got)
	if len(got) != 0 {
		t.Errorf("afterwards: %+v, want nothing", got)
	}
}

func TestStatusListPagesAt1000(t *testing.T) {
	s := newTestSandbox(t, Options{})
	for i := range 2 {
		wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(1000, fmt.Sprint("p", i))), 200)
	}
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(5, "last")), 200)
	var total int
	for _, want := range []int{1000, 1000, 5, 0} {
		var got []statusEntry
		decodeBody(t, call(t, s, "GET", "/v1/sms/status/list", ""), &got)
		if len(got) != want {
			t.Fatalf("page has %d entries, want %d", len(got), want)
		}
		total += len(got)
	}
	if total != 2005 {
		t.Errorf("listed %d, want 2005", total)
	}
}

func TestNoDeliveryReportForOIAndSercomtel(t *testing.T) {
	tests := []struct {
		carrier uint8
		wantDLR bool
	}{
		{carrierVivo, true}, {carrierClaro, true}, {carrierTim, true}, {carrierNextel, true}, {carrierAlgar, true},
		{carrierOi, false}, {carrierSercomtel, false},
	}
	for _, tt := range tests {
		name := carriers[tt.carrier].name
		t.Run(name, func(t *testing.T) {
			for _, mix := range []Outcomes{{Delivered: 1}, {NotDelivered: 1}} {
				s := newTestSandbox(t, Options{Outcomes: mix})
				n := findNumber(t, tt.carrier, 0)
				wantCode(t, call(t, s, http.MethodPost, "/v1/send-sms", fmt.Sprintf(`{"destination":"%s","messageText":"oi"}`, n)), 200)
				m := s.Messages()[0]
				if m.Carrier != name || m.SentStatusCode != codeSentSuccess {
					t.Fatalf("message = %+v, want %s and SENT_SUCCESS", m, name)
				}
				if got := m.DeliveredStatusCode != 0; got != tt.wantDLR {
					t.Errorf("%+v: has DLR = %v, want %v", mix, got, tt.wantDLR)
				}
			}
		})
	}
}

func TestCarrierShares(t *testing.T) {
	counts := map[uint8]int{}
	const n = 200_000
	for i := range n {
		counts[carrierFor(fmt.Sprintf("55%02d9%08d", 11+i%89, i*7919%100_000_000))]++
	}
	for c := carrierVivo; c <= carrierAlgar; c++ {
		got := float64(counts[c]) / n * 10000
		want := float64(carriers[c].share)
		if got < want*0.8-10 || got > want*1.2+10 {
			t.Errorf("%s share = %.0f bp, want about %.0f", carriers[c].name, got, want)
		}
	}
}
