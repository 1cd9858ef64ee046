package sandbox

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDeterminism(t *testing.T) {
	run := func(seed int64) []SentMessage {
		t.Helper()
		clock := newFakeClock()
		s := newTestSandbox(t, Options{Seed: seed, Now: clock.Now, DelayScale: 1})
		wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(500, "d")), 200)
		wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", `{"destinations":[{"destination":"5519900001111","correlationId":"w"}],"message":{"template":{"namespace":"n","elementName":"e"}}}`), 200)
		return s.Messages()
	}
	type fate struct {
		corr, carrier  string
		sent, dlr      int
		sentAt, dlrAt  time.Time
		readAt         time.Time
		answered, text string
	}
	fates := func(msgs []SentMessage) []fate {
		out := make([]fate, len(msgs))
		for i, m := range msgs {
			out[i] = fate{m.CorrelationID, m.Carrier, m.SentStatusCode, m.DeliveredStatusCode, m.SentAt, m.DeliveredAt, m.ReadAt, "", m.Text}
		}
		return out
	}
	a, b, c := fates(run(7)), fates(run(7)), fates(run(8))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("same seed gave different outcomes")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Errorf("different seeds gave identical outcomes")
	}
	// Carriers depend on the number alone.
	for i := range a {
		if a[i].carrier != c[i].carrier {
			t.Fatalf("message %d: carrier %s with seed 7, %s with seed 8", i, a[i].carrier, c[i].carrier)
		}
	}
}

func TestOutcomeMix(t *testing.T) {
	s := newTestSandbox(t, Options{Seed: 3, ReplyRate: -1}) // no opt-outs between the batches
	for i := range 10 {
		wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(1000, fmt.Sprint("mix", i))), 200)
	}
	st := s.Ledger()
	delivered := st.DeliveredStatus["DELIVERED_SUCCESS"]
	sent := st.SentStatus["SENT_SUCCESS"]
	if share := float64(sent) / 10000; share < 0.9 || share > 0.97 {
		t.Errorf("SENT_SUCCESS share = %.3f, want about 0.94", share)
	}
	if delivered >= sent || delivered < sent*7/10 {
		t.Errorf("delivered %d of %d sent, want most but not all (OI and Sercomtel report nothing)", delivered, sent)
	}
	for _, name := range []string{"INVALID_DESTINATION_NUMBER", "EXPIRED", "REJECTED_BY_CARRIER"} {
		if st.SentStatus[name] == 0 {
			t.Errorf("no %s among 10000 messages", name)
		}
	}
	if st.DeliveredStatus["NOT_DELIVERED"] == 0 {
		t.Errorf("no NOT_DELIVERED among 10000 messages")
	}
	if st.Carriers["VIVO"] < 2500 || st.Carriers["OI"] < 1000 {
		t.Errorf("carriers = %v, want realistic shares", st.Carriers)
	}
}

func TestFaults(t *testing.T) {
	body := `{"messages":[{"destination":"5511900000000","correlationId":"f1"},{"destination":"5511900000001","correlationId":"f2"}],"defaultValues":{"messageText":"oi"}}`
	tests := []struct {
		name         string
		faults       Faults
		want         int
		wantAccepted int64
	}{
		{"accept then 500", Faults{AcceptThen500Rate: 1}, 500, 2},
		{"500", Faults{ErrorRate: 1}, 500, 0},
		{"503", Faults{Status503Rate: 1}, 503, 0},
		{"429", Faults{Status429Rate: 1}, 429, 0},
		{"latency", Faults{Latency: 20 * time.Millisecond}, 200, 2},
		{"none", Faults{}, 200, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{Faults: tt.faults})
			start := time.Now()
			rec := call(t, s, "POST", "/v1/send-bulk-sms", body)
			wantCode(t, rec, tt.want)
			if tt.faults.Latency > 0 && time.Since(start) < tt.faults.Latency {
				t.Errorf("answered in %v, want at least %v", time.Since(start), tt.faults.Latency)
			}
			st := s.Ledger()
			if st.Accepted != tt.wantAccepted {
				t.Errorf("accepted = %d, want %d", st.Accepted, tt.wantAccepted)
			}
			if tt.faults.AcceptThen500Rate > 0 {
				if st.AcceptedThen500 != 2 || s.SentCount("f1") != 1 || s.SentCount("f2") != 1 {
					t.Errorf("ledger = %+v, want both messages recorded once", st)
				}
				for _, m := range s.Messages() {
					if !m.Answered500 {
						t.Errorf("message %s not marked Answered500", m.CorrelationID)
					}
				}
				var e apiError
				decodeBody(t, rec, &e)
				if e.ErrorCode != 500 {
					t.Errorf("body = %+v, want errorCode 500", e)
				}
			}
			// The messages behind an unknown outcome are still reported.
			if tt.wantAccepted > 0 {
				var got []statusEntry
				decodeBody(t, call(t, s, "POST", "/v1/sms/status/search", `{"correlationIds":["f1","f2"]}`), &got)
				if s.faults.Status429Rate == 0 && len(got) != 2 {
					t.Errorf("status search found %d, want 2", len(got))
				}
			}
		})
	}
}

func TestSetFaultsAtRunTime(t *testing.T) {
	s := newTestSandbox(t, Options{})
	send := `{"destination":"5511900000000","messageText":"oi","correlationId":"x"}`
	wantCode(t, call(t, s, "POST", "/v1/send-sms", send), 200)
	s.SetFaults(Faults{Status503Rate: 1})
	wantCode(t, call(t, s, "POST", "/v1/send-sms", send), 503)
	wantCode(t, call(t, s, "GET", "/api/v1/campaigns", ""), 503) // faults hit every API
	s.SetFaults(Faults{AcceptThen500Rate: 1})
	wantCode(t, call(t, s, "GET", "/api/v1/campaigns", ""), 200) // accept-then-500 only hits sends
	wantCode(t, call(t, s, "POST", "/v1/send-sms", send), 500)
	s.SetFaults(Faults{})
	wantCode(t, call(t, s, "POST", "/v1/send-sms", send), 200)
	if got := s.SentCount("x"); got != 3 {
		t.Errorf("SentCount = %d, want 3 (two 200s and one accept-then-500)", got)
	}
	if st := s.Ledger(); st.Faults != 2 || st.DuplicateCorrelationIDs != 2 {
		t.Errorf("ledger = %+v, want 2 faults and 2 duplicates", st)
	}
}

func TestFaultRates(t *testing.T) {
	s := newTestSandbox(t, Options{Seed: 1, Faults: Faults{ErrorRate: 0.1, Status503Rate: 0.1, Status429Rate: 0.1, AcceptThen500Rate: 0.5}})
	codes := map[int]int{}
	for i := range 1000 {
		codes[call(t, s, "POST", "/v1/send-sms", fmt.Sprintf(`{"destination":"5511900000000","messageText":"oi","correlationId":"r%d"}`, i)).Code]++
	}
	for code, want := range map[int]int{429: 100, 503: 100, 200: 350} {
		if got := codes[code]; got < want*7/10 || got > want*13/10 {
			t.Errorf("%d answers %d: %d, want about %d", code, code, got, want)
		}
	}
	st := s.Ledger()
	injected500 := st.Faults - int64(codes[429]+codes[503])
	if got, want := st.AcceptedThen500, int64(codes[500])-injected500; got != want || got < 200 {
		t.Errorf("AcceptedThen500 = %d, want %d", got, want)
	}
}

func TestSentCountExactlyOnce(t *testing.T) {
	s := newTestSandbox(t, Options{})
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", `{"messages":[{"destination":"5511900000000","correlationId":"a"},{"destination":"5511900000001","correlationId":"b"},{"destination":"5511900000002"}],"defaultValues":{"messageText":"x"}}`), 200)
	wantCode(t, call(t, s, "POST", "/v1/send-sms", `{"destination":"5511900000000","messageText":"x","correlationId":"a"}`), 200)
	wantCode(t, call(t, s, "POST", "/v1/send-sms", `{"destination":"5511900000000","messageText":"x","correlationId":"c","expiresAt":1,"expiresInMinutes":1}`), 400)
	tests := []struct {
		corr string
		want int
	}{
		{"a", 2}, {"b", 1}, {"c", 0}, {"", 0}, {"never", 0},
	}
	for _, tt := range tests {
		if got := s.SentCount(tt.corr); got != tt.want {
			t.Errorf("SentCount(%q) = %d, want %d", tt.corr, got, tt.want)
		}
	}
	if got := s.Ledger().DuplicateCorrelationIDs; got != 1 {
		t.Errorf("DuplicateCorrelationIDs = %d, want 1", got)
	}
	// Search by correlationId returns every send of it, oldest first.
	var got []statusEntry
	decodeBody(t, call(t, s, "POST", "/v1/sms/status/search", `{"correlationIds":["a"]}`), &got)
	msgs := s.Messages()
	if len(got) != 2 || got[0].ID != msgs[0].ID || got[1].ID != msgs[3].ID {
		t.Errorf("search a = %+v, want messages 0 and 3", got)
	}
}

func TestConcurrentSends(t *testing.T) {
	hooks := newHookServer(t, 0, 0)
	s := newTestSandbox(t, Options{Now: time.Now, StatusURL: hooks.URL, MOURL: hooks.URL, ReplyRate: 0.2})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				rec := call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(200, fmt.Sprintf("g%d-%d", g, i)))
				if rec.Code != http.StatusOK {
					t.Errorf("status %d", rec.Code)
				}
				call(t, s, "GET", "/v1/sms/status/list", "")
				call(t, s, "GET", "/v1/sms/receive/list", "")
				_ = s.Ledger()
			}
		}()
	}
	wg.Wait()
	if got := s.Ledger().Accepted; got != 8000 {
		t.Errorf("accepted = %d, want 8000", got)
	}
	for g := range 8 {
		for i := range 5 {
			if got := s.SentCount(fmt.Sprintf("g%d-%d-%d", g, i, 199)); got != 1 {
				t.Fatalf("SentCount = %d, want 1", got)
			}
		}
	}
	ids := map[string]bool{}
	for _, m := range s.Messages() {
		if ids[m.ID] {
			t.Fatalf("duplicate provider id %s", m.ID)
		}
		ids[m.ID] = true
	}
}

func TestIDsUniqueAcrossRestarts(t *testing.T) {
	a := New(Options{})
	time.Sleep(time.Microsecond)
	b := New(Options{})
	defer a.Close()
	defer b.Close()
	if a.messageID(0) == b.messageID(0) {
		t.Errorf("two sandboxes started at different times gave the same first id")
	}
	for _, id := range []string{a.messageID(0), a.messageID(12345)} {
		if id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
			t.Errorf("id %s is not shaped as a version 4 UUID", id)
		}
	}
}

func TestCloseStopsGoroutines(t *testing.T) {
	hooks := newHookServer(t, 1_000_000, http.StatusInternalServerError)
	before := runtime.NumGoroutine()
	s := New(Options{StatusURL: hooks.URL, MOURL: hooks.URL, WhatsAppURL: hooks.URL, DelayScale: 0, RateLimit: -1})
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(1000, "close")), 200)
	waitFor(t, "some failed webhooks", func() bool { return s.Ledger().WebhookFailures > 10 })
	s.Close()
	s.Close() // idempotent
	hooks.CloseClientConnections()
	waitFor(t, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= before })
	// Still answers API calls, without webhooks.
	wantCode(t, call(t, s, "POST", "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi"}`), 200)

	before = runtime.NumGoroutine()
	quiet := New(Options{})
	if got := runtime.NumGoroutine(); got > before {
		t.Errorf("a sandbox without webhooks started %d goroutines", got-before)
	}
	quiet.Close()
}
