package wavy_test

// Contract tests: the typed client (internal/wavy) against the simulator
// (internal/sandbox), end to end over HTTP. The two packages were written
// independently from shared/seeds; these tests pin down that they agree on
// the wire: paths, headers, field names, time encodings, status codes,
// error classes and webhook payloads.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/sandbox"
	"arauto/internal/wavy"
)

const (
	sbUser  = "arauto@example.com"
	sbToken = "contract-token"
	// saoPaulo is the zone the contract tests schedule in.
	saoPaulo = "America/Sao_Paulo"
)

// sbEnv is one sandbox behind an HTTP server and a client pointed at it.
type sbEnv struct {
	sb     *sandbox.Sandbox
	srv    *httptest.Server
	client *wavy.Client
}

// newSBEnv starts a sandbox (Seed 1, immediate delays, real clock, the
// documented rate limits unless opts says otherwise) and a client for it.
// Zero fields of cfg get the server URL and the sandbox credentials.
func newSBEnv(t *testing.T, opts sandbox.Options, cfg wavy.Config) *sbEnv {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	opts.DelayScale = 0
	opts.Username, opts.Token = sbUser, sbToken
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	if cfg.APIURL == "" {
		cfg.APIURL = srv.URL
	}
	if cfg.APIGWURL == "" {
		cfg.APIGWURL = srv.URL
	}
	if cfg.Username == "" {
		cfg.Username = sbUser
	}
	if cfg.Token == "" {
		cfg.Token = sbToken
	}
	return &sbEnv{sb: sb, srv: srv, client: wavy.New(cfg)}
}

// testCtx bounds one test's API calls.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 12*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// mobile returns the i-th São Paulo mobile number (55 11 9 + 8 digits).
func mobile(i int) string { return fmt.Sprintf("55119%08d", i) }

// farHour is the hour twelve hours away from now in São Paulo.
func farHour(t *testing.T) int {
	t.Helper()
	loc, err := time.LoadLocation(saoPaulo)
	if err != nil {
		t.Fatalf("load %s: %v", saoPaulo, err)
	}
	return (time.Now().In(loc).Hour() + 12) % 24
}

// openWindow is a real time window that is open now: every hour but farHour.
func openWindow(t *testing.T) []int {
	t.Helper()
	far := farHour(t)
	var hours []int
	for h := range 24 {
		if h != far {
			hours = append(hours, h)
		}
	}
	return hours
}

// closedWindow is a time window that opens in about twelve hours.
func closedWindow(t *testing.T) []int {
	t.Helper()
	return []int{farHour(t)}
}

// sentByID indexes the sandbox ledger by provider id.
func sentByID(sb *sandbox.Sandbox) map[string]sandbox.SentMessage {
	msgs := sb.Messages()
	out := make(map[string]sandbox.SentMessage, len(msgs))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out
}

// sentByCorrelation returns the one ledger message with correlationId c.
func sentByCorrelation(t *testing.T, sb *sandbox.Sandbox, c string) sandbox.SentMessage {
	t.Helper()
	var found []sandbox.SentMessage
	for _, m := range sb.Messages() {
		if m.CorrelationID == c {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("ledger has %d messages with correlationId %q, want 1", len(found), c)
	}
	return found[0]
}

// checkStatus compares a status read through the client with the fate the
// sandbox planned for the message, and both codes with the catalogue. It
// reports whether everything matched.
func checkStatus(t *testing.T, got wavy.SMSStatus, want sandbox.SentMessage, campaignID string) bool {
	t.Helper()
	ok := true
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("status of %s (%s): "+format, append([]any{want.ID, want.CorrelationID}, args...)...)
		ok = false
	}
	if got.ID != want.ID || got.CorrelationID != want.CorrelationID || got.Destination != want.Destination {
		fail("id, correlationId, destination = %q, %q, %q, want %q, %q, %q",
			got.ID, got.CorrelationID, got.Destination, want.ID, want.CorrelationID, want.Destination)
	}
	if got.SentStatusCode != want.SentStatusCode || got.SentStatus != want.SentStatus {
		fail("sent status = %d %s, want %d %s", got.SentStatusCode, got.SentStatus, want.SentStatusCode, want.SentStatus)
	}
	if !got.SentAt.Equal(want.SentAt) {
		fail("sent at = %v, want %v", got.SentAt, want.SentAt)
	}
	if got.DeliveredStatusCode != want.DeliveredStatusCode || got.DeliveredStatus != want.DeliveredStatus {
		fail("delivered status = %d %s, want %d %s", got.DeliveredStatusCode, got.DeliveredStatus, want.DeliveredStatusCode, want.DeliveredStatus)
	}
	if want.DeliveredStatusCode != 0 && !got.DeliveredAt.Equal(want.DeliveredAt) {
		fail("delivered at = %v, want %v", got.DeliveredAt, want.DeliveredAt)
	}
	if got.CarrierName != want.Carrier {
		fail("carrier = %q, want %q", got.CarrierName, want.Carrier)
	}
	if got.CampaignID != campaignID {
		fail("campaignId = %q, want %q", got.CampaignID, campaignID)
	}
	if got.ExtraInfo != want.ExtraInfo {
		fail("extraInfo = %q, want %q", got.ExtraInfo, want.ExtraInfo)
	}
	if sc, found := wavy.LookupStatus(got.SentStatusCode); !found || sc.Name != got.SentStatus {
		fail("catalogue entry of sent code %d = %q (found %v), want %q", got.SentStatusCode, sc.Name, found, got.SentStatus)
	}
	if got.DeliveredStatusCode != 0 {
		if sc, found := wavy.LookupStatus(got.DeliveredStatusCode); !found || sc.Name != got.DeliveredStatus {
			fail("catalogue entry of delivered code %d = %q (found %v), want %q", got.DeliveredStatusCode, sc.Name, found, got.DeliveredStatus)
		}
	}
	wantCode := got.SentStatusCode
	if got.DeliveredStatusCode != 0 {
		wantCode = got.DeliveredStatusCode
	}
	if sc, found := got.Status(); !found || sc.Code != wantCode {
		fail("Status() = %+v (found %v), want code %d", sc, found, wantCode)
	}
	return ok
}

// TestSandboxContractStatusCatalogue checks that every status the sandbox
// can emit is in the client's catalogue under the same name.
func TestSandboxContractStatusCatalogue(t *testing.T) {
	t.Parallel()
	n := 0
	for code := range 1000 {
		name := sandbox.StatusName(code)
		if name == "" {
			continue
		}
		n++
		sc, ok := wavy.LookupStatus(code)
		if !ok || sc.Name != name {
			t.Errorf("wavy.LookupStatus(%d) = %q (found %v), want %q", code, sc.Name, ok, name)
		}
	}
	if n == 0 {
		t.Fatal("sandbox.StatusName knows no code")
	}
	if sc, ok := wavy.LookupStatusName("READ_SUCCESS"); !ok || sc.Phase != wavy.PhaseRead {
		t.Errorf("LookupStatusName(READ_SUCCESS) = %+v, %v, want the read phase", sc, ok)
	}
}

// TestSandboxContractSendSMS sends single messages by POST and GET and
// checks what the sandbox recorded, including how times travel.
func TestSandboxContractSendSMS(t *testing.T) {
	t.Parallel()
	env := newSBEnv(t, sandbox.Options{ReplyRate: -1}, wavy.Config{})
	now := time.Now()
	post := func(ctx context.Context, c *wavy.Client, m wavy.SMS) (wavy.SendSMSResponse, error) {
		return c.SendSMS(ctx, m)
	}
	get := func(ctx context.Context, c *wavy.Client, m wavy.SMS) (wavy.SendSMSResponse, error) {
		return c.SendSMSGet(ctx, m)
	}
	// The text exercises query-string encoding: accents, &, %, +, #, ?, = and a newline.
	const text = "Olá, Zé! Promoção 50% & frete grátis: https://x.example/?a=1&b=2 #oferta +bônus\nResponda SAIR p/ sair"
	scheduledAt := now.Add(time.Hour).Truncate(time.Millisecond)
	scheduledDate := now.Add(2 * time.Hour).Truncate(time.Second)
	expiresAt := now.Add(time.Hour).Truncate(time.Millisecond)
	expiresDate := now.Add(90 * time.Minute).Truncate(time.Second)

	cases := []struct {
		name string
		send func(context.Context, *wavy.Client, wavy.SMS) (wavy.SendSMSResponse, error)
		msg  wavy.SMS
		// check looks at timing; nil means "sent right away".
		check func(t *testing.T, got sandbox.SentMessage)
	}{
		{name: "POST", send: post, msg: wavy.SMS{MessageText: text, ExtraInfo: "lote=7;seg=ouro", FlashSMS: true}},
		{name: "GET", send: get, msg: wavy.SMS{MessageText: text, ExtraInfo: "lote=8;seg=prata", FlashSMS: true}},
		{name: "GET with an open time window", send: get,
			msg: wavy.SMS{MessageText: text, TimeWindow: openWindow(t), TimeZone: saoPaulo, ExpiresInMinutes: 30}},
		{name: "POST scheduledAt", send: post, msg: wavy.SMS{MessageText: text, ScheduledAt: scheduledAt},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if !got.SentAt.Equal(scheduledAt) {
					t.Errorf("sent at = %v, want the schedule %v", got.SentAt, scheduledAt)
				}
			}},
		{name: "GET scheduledAt", send: get, msg: wavy.SMS{MessageText: text, ScheduledAt: scheduledAt},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if !got.SentAt.Equal(scheduledAt) {
					t.Errorf("sent at = %v, want the schedule %v", got.SentAt, scheduledAt)
				}
			}},
		{name: "POST scheduledDate in São Paulo", send: post, msg: wavy.SMS{MessageText: text, ScheduledDate: scheduledDate, TimeZone: saoPaulo},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if !got.SentAt.Equal(scheduledDate) {
					t.Errorf("sent at = %v, want the schedule %v", got.SentAt, scheduledDate)
				}
			}},
		{name: "GET scheduledDate without a zone", send: get, msg: wavy.SMS{MessageText: text, ScheduledDate: scheduledDate},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if !got.SentAt.Equal(scheduledDate) {
					t.Errorf("sent at = %v, want the schedule %v", got.SentAt, scheduledDate)
				}
			}},
		{name: "POST delayedInMinutes", send: post, msg: wavy.SMS{MessageText: text, DelayedInMinutes: 45},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if d := got.SentAt.Sub(got.AcceptedAt); d != 45*time.Minute {
					t.Errorf("sent %v after acceptance, want 45m", d)
				}
			}},
		{name: "GET closed window expires at expiresAt", send: get,
			msg: wavy.SMS{MessageText: text, TimeWindow: closedWindow(t), TimeZone: saoPaulo, ExpiresAt: expiresAt},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if got.SentStatus != "EXPIRED" || !got.SentAt.Equal(expiresAt) {
					t.Errorf("sent status %s at %v, want EXPIRED at %v", got.SentStatus, got.SentAt, expiresAt)
				}
			}},
		{name: "POST closed window expires at expiresDate", send: post,
			msg: wavy.SMS{MessageText: text, TimeWindow: closedWindow(t), TimeZone: saoPaulo, ExpiresDate: expiresDate},
			check: func(t *testing.T, got sandbox.SentMessage) {
				if got.SentStatus != "EXPIRED" || !got.SentAt.Equal(expiresDate) {
					t.Errorf("sent status %s at %v, want EXPIRED at %v", got.SentStatus, got.SentAt, expiresDate)
				}
			}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := tc.msg
			m.Destination = mobile(100 + i)
			m.CorrelationID = fmt.Sprintf("single-%02d", i)
			resp, err := tc.send(testCtx(t), env.client, m)
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			if resp.ID == "" || resp.CorrelationID != m.CorrelationID {
				t.Errorf("response = %+v, want an id and correlationId %q", resp, m.CorrelationID)
			}
			if n := env.sb.SentCount(m.CorrelationID); n != 1 {
				t.Fatalf("SentCount(%q) = %d, want 1", m.CorrelationID, n)
			}
			got := sentByCorrelation(t, env.sb, m.CorrelationID)
			if got.ID != resp.ID || got.Channel != "sms" || got.Destination != m.Destination ||
				got.Text != m.MessageText || got.ExtraInfo != m.ExtraInfo || got.Flash != m.FlashSMS {
				t.Errorf("ledger = %+v, want id %s, sms to %s, text %q, extraInfo %q, flash %v",
					got, resp.ID, m.Destination, m.MessageText, m.ExtraInfo, m.FlashSMS)
			}
			if tc.check != nil {
				tc.check(t, got)
			} else if !got.SentAt.Equal(got.AcceptedAt) {
				t.Errorf("sent at %v, want right away at %v", got.SentAt, got.AcceptedAt)
			}
		})
	}
}

// TestSandboxContractBulk sends 1000 messages with defaultValues and root
// fields, then finds every one of them through the status search (by ids
// and by correlationIds, within the 1 request/s limit) and the status list.
func TestSandboxContractBulk(t *testing.T) {
	t.Parallel()
	env := newSBEnv(t, sandbox.Options{}, wavy.Config{})
	ctx := testCtx(t)

	camp, err := env.client.CreateCampaign(ctx, wavy.CampaignInput{Name: "Black Friday", Alias: "bf2024"})
	if err != nil {
		t.Fatalf("create campaign: %v", err)
	}
	campaignID := strconv.FormatInt(camp.ID, 10)

	const n = wavy.MaxBulkMessages
	const defaultText = "Promoção de outono: 20% off em tudo!"
	req := wavy.BulkSMS{
		DefaultValues: wavy.BulkMessage{MessageText: defaultText, ExtraInfo: "segmento=A"},
		CampaignAlias: camp.Alias,
		TimeZone:      saoPaulo,
		TimeWindow:    openWindow(t),
		ExpiresAt:     time.Now().Add(2 * time.Hour),
	}
	corrIDs := make([]string, n)
	for i := range n {
		corrIDs[i] = fmt.Sprintf("bulk-%04d", i)
		m := wavy.BulkMessage{Destination: mobile(i), CorrelationID: corrIDs[i]}
		if i%10 == 0 {
			m.MessageText = fmt.Sprintf("Oi, cliente %d: sua oferta especial chegou", i)
		}
		req.Messages = append(req.Messages, m)
	}
	resp, err := env.client.SendBulkSMS(ctx, req)
	if err != nil {
		t.Fatalf("send bulk: %v", err)
	}
	if len(resp.Messages) != n {
		t.Fatalf("response has %d messages, want %d", len(resp.Messages), n)
	}
	ledger := sentByID(env.sb)
	if len(ledger) != n {
		t.Fatalf("ledger has %d messages, want %d", len(ledger), n)
	}
	ids := make([]string, n)
	for i, r := range resp.Messages {
		ids[i] = r.ID
		m, ok := ledger[r.ID]
		switch {
		case r.CorrelationID != corrIDs[i]:
			t.Fatalf("response messages[%d].correlationId = %q, want %q", i, r.CorrelationID, corrIDs[i])
		case !ok:
			t.Fatalf("response messages[%d].id %q is not in the ledger", i, r.ID)
		}
		wantText := req.Messages[i].MessageText
		if wantText == "" {
			wantText = defaultText
		}
		if m.CorrelationID != corrIDs[i] || m.Destination != mobile(i) || m.Text != wantText || m.ExtraInfo != "segmento=A" ||
			m.CampaignAlias != camp.Alias || m.CampaignID != camp.ID || m.BatchID != resp.ID {
			t.Fatalf("ledger[%d] = %+v, want correlationId %s to %s, text %q, extraInfo segmento=A, campaign %s/%d, batch %s",
				i, m, corrIDs[i], mobile(i), wantText, camp.Alias, camp.ID, resp.ID)
		}
		if m.SentAt.After(time.Now()) {
			t.Fatalf("ledger[%d] is sent at %v, in the future: the open window was not honoured", i, m.SentAt)
		}
	}

	checkAll := func(what string, got []wavy.SMSStatus) {
		t.Helper()
		if len(got) != n {
			t.Errorf("%s returned %d statuses, want %d", what, len(got), n)
		}
		seen := map[string]bool{}
		bad := 0
		for _, st := range got {
			want, ok := ledger[st.ID]
			if !ok {
				t.Errorf("%s returned unknown id %q", what, st.ID)
				continue
			}
			if seen[st.ID] {
				t.Errorf("%s returned id %q twice", what, st.ID)
			}
			seen[st.ID] = true
			if !checkStatus(t, st, want, campaignID) {
				if bad++; bad >= 3 {
					t.Fatalf("%s: giving up after %d mismatches", what, bad)
				}
			}
		}
	}

	start := time.Now()
	byID, err := env.client.SearchSMSStatus(ctx, wavy.StatusQuery{IDs: ids})
	if err != nil {
		t.Fatalf("search by ids: %v", err)
	}
	checkAll("search by ids", byID)
	byCorr, err := env.client.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: corrIDs})
	if err != nil {
		t.Fatalf("search by correlationIds: %v", err)
	}
	checkAll("search by correlationIds", byCorr)
	listed, err := env.client.ListSMSStatus(ctx)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	checkAll("list", listed)
	again, err := env.client.ListSMSStatus(ctx)
	if err != nil {
		t.Fatalf("second list: %v", err)
	}
	if len(again) != 0 {
		t.Errorf("second list returned %d statuses, want 0 (the list consumes what it returns)", len(again))
	}
	if d := time.Since(start); d < 3*time.Second {
		t.Errorf("4 status queries took %v, want at least 3s (1 query/s)", d)
	}
	if got := env.sb.Ledger().RateLimited; got != 0 {
		t.Errorf("sandbox answered %d requests with 429, want 0: the client's limiter must keep to 1 status query/s", got)
	}
}

// TestSandboxContractMO reads replies through the MO list and search.
func TestSandboxContractMO(t *testing.T) {
	t.Parallel()
	env := newSBEnv(t, sandbox.Options{ReplyRate: 1, Outcomes: sandbox.Outcomes{Delivered: 1}}, wavy.Config{})
	ctx := testCtx(t)
	const n = 5
	req := wavy.BulkSMS{DefaultValues: wavy.BulkMessage{MessageText: "Gostou da oferta? Responda!"}, CampaignAlias: "mo-test", SubAccount: "loja-sul"}
	for i := range n {
		req.Messages = append(req.Messages, wavy.BulkMessage{Destination: mobile(500 + i), CorrelationID: fmt.Sprintf("mo-%d", i)})
	}
	resp, err := env.client.SendBulkSMS(ctx, req)
	if err != nil {
		t.Fatalf("send bulk: %v", err)
	}
	sentIDs := map[string]string{} // provider id -> correlationId
	for _, m := range resp.Messages {
		sentIDs[m.ID] = m.CorrelationID
	}
	inbound := env.sb.Inbound()
	if len(inbound) != n {
		t.Fatalf("sandbox has %d MOs, want %d (reply rate 1)", len(inbound), n)
	}
	want := map[string]sandbox.InboundMessage{}
	for _, mo := range inbound {
		want[mo.ID] = mo
	}
	checkMOs := func(what string, l wavy.MOList, wantN int) {
		t.Helper()
		if l.Total != wantN || len(l.Messages) != wantN {
			t.Fatalf("%s: total %d with %d messages, want %d", what, l.Total, len(l.Messages), wantN)
		}
		if l.Start.IsZero() || l.End.IsZero() || !l.Start.Before(l.End) {
			t.Errorf("%s: period %v - %v, want a non-empty one", what, l.Start, l.End)
		}
		for _, got := range l.Messages {
			w, ok := want[got.ID]
			if !ok {
				t.Errorf("%s: unknown MO id %q", what, got.ID)
				continue
			}
			if got.Source != w.Source || got.MessageText != w.Text || !got.ReceivedAt.Equal(w.ReceivedAt) {
				t.Errorf("%s: MO %s = %s %q at %v, want %s %q at %v", what, got.ID, got.Source, got.MessageText, got.ReceivedAt, w.Source, w.Text, w.ReceivedAt)
			}
			if got.MT == nil || got.MT.ID != w.MTID || got.MT.CorrelationID != w.MTCorrelationID || sentIDs[got.MT.ID] != got.MT.CorrelationID {
				t.Errorf("%s: MO %s links to MT %+v, want id %s correlationId %s (a message sent)", what, got.ID, got.MT, w.MTID, w.MTCorrelationID)
			}
			if got.MT != nil && got.MT.Username != sbUser {
				t.Errorf("%s: MO %s MT username = %q, want %q", what, got.ID, got.MT.Username, sbUser)
			}
			if got.ShortCode != sandbox.ShortCode || got.CampaignAlias != "mo-test" || got.SubAccount != "loja-sul" || got.CarrierName == "" {
				t.Errorf("%s: MO %s shortCode %q campaignAlias %q subAccount %q carrier %q, want %s, mo-test, loja-sul and a carrier",
					what, got.ID, got.ShortCode, got.CampaignAlias, got.SubAccount, got.CarrierName, sandbox.ShortCode)
			}
		}
	}

	list, err := env.client.ListMO(ctx, "")
	if err != nil {
		t.Fatalf("list MO: %v", err)
	}
	checkMOs("list", list, n)
	list, err = env.client.ListMO(ctx, "")
	if err != nil {
		t.Fatalf("second list MO: %v", err)
	}
	checkMOs("second list", list, 0)

	now := time.Now()
	cases := []struct {
		name  string
		query wavy.MOSearch
		want  int
	}{
		{"default period", wavy.MOSearch{}, n},
		{"last hour", wavy.MOSearch{Start: now.Add(-time.Hour), End: now.Add(time.Minute)}, n},
		{"sub-account", wavy.MOSearch{Start: now.Add(-time.Hour), End: now.Add(time.Minute), SubAccount: "loja-sul"}, n},
		{"other sub-account", wavy.MOSearch{SubAccount: "loja-norte"}, 0},
		{"before the sends", wavy.MOSearch{Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour)}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := env.client.SearchMO(ctx, tc.query)
			if err != nil {
				t.Fatalf("search MO: %v", err)
			}
			checkMOs("search "+tc.name, got, tc.want)
		})
	}
}

// TestSandboxContractCarrierLookup checks the lookup answer and that the
// carrier it names is the one the sandbox routes messages through.
func TestSandboxContractCarrierLookup(t *testing.T) {
	t.Parallel()
	env := newSBEnv(t, sandbox.Options{}, wavy.Config{})
	ctx := testCtx(t)
	cases := []struct {
		in         string
		wantDest   string
		wantActive bool
	}{
		{"5511987654321", "5511987654321", true},
		{"+55(19)997712322", "5519997712322", true},
		{"+55 21 99876-5432", "5521998765432", true},
		{"551133334444", "551133334444", false}, // landline
		{"123", "123", false},
	}
	var in []string
	for _, tc := range cases {
		in = append(in, tc.in)
	}
	got, err := env.client.LookupCarriers(ctx, in)
	if err != nil {
		t.Fatalf("lookup: %v", err)
	}
	if got.ID == "" || len(got.Destinations) != len(cases) {
		t.Fatalf("lookup = %+v, want an id and %d destinations", got, len(cases))
	}
	known := []string{"VIVO", "CLARO", "OI", "NEXTEL", "TIM", "SERCOMTEL", "ALGAR"}
	for i, tc := range cases {
		d := got.Destinations[i]
		if d.Destination != tc.wantDest || d.BelongsToCarrier != tc.wantActive {
			t.Errorf("destinations[%d] = %+v, want %s active %v", i, d, tc.wantDest, tc.wantActive)
			continue
		}
		if !tc.wantActive {
			if d.Carrier.Name != "UNKNOWN" {
				t.Errorf("destinations[%d] carrier = %+v, want UNKNOWN", i, d.Carrier)
			}
			continue
		}
		if !slices.Contains(known, d.Carrier.Name) || d.Carrier.CountryCode != "BR" {
			t.Errorf("destinations[%d] carrier = %+v, want a Brazilian carrier", i, d.Carrier)
			continue
		}
		corr := fmt.Sprintf("lookup-%d", i)
		if _, err := env.client.SendSMS(ctx, wavy.SMS{Destination: tc.in, MessageText: "oi", CorrelationID: corr}); err != nil {
			t.Fatalf("send to %s: %v", tc.in, err)
		}
		if m := sentByCorrelation(t, env.sb, corr); m.Carrier != d.Carrier.Name || m.Destination != tc.wantDest {
			t.Errorf("message to %s went to %s via %s, want %s via %s", tc.in, m.Destination, m.Carrier, tc.wantDest, d.Carrier.Name)
		}
	}
}

// numbersOf scans mobile numbers with the carrier lookup (through the
// client) and returns the first number of each wanted carrier.
func numbersOf(t *testing.T, ctx context.Context, c *wavy.Client, from int, carriers ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for chunk := range 50 {
		var nums []string
		for i := range 1000 {
			nums = append(nums, mobile(from+chunk*1000+i))
		}
		got, err := c.LookupCarriers(ctx, nums)
		if err != nil {
			t.Fatalf("lookup: %v", err)
		}
		for _, d := range got.Destinations {
			if _, done := out[d.Carrier.Name]; !done && slices.Contains(carriers, d.Carrier.Name) {
				out[d.Carrier.Name] = d.Destination
			}
		}
		if len(out) == len(carriers) {
			return out
		}
	}
	t.Fatalf("found numbers for %v only, want %v", out, carriers)
	return nil
}

// TestSandboxContractWhatsApp sends free-form and template messages with and
// without an open session.
func TestSandboxContractWhatsApp(t *testing.T) {
	t.Parallel()
	text := wavy.WhatsAppMessage{MessageText: "Olá! Seu pedido saiu para entrega 🚚"}
	template := wavy.WhatsAppMessage{Template: &wavy.Template{
		Namespace: "aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee", ElementName: "pedido_enviado",
		Header:         &wavy.TemplateHeader{Image: &wavy.TemplateMedia{URL: "https://cdn.example/pedido.jpg", Type: "JPEG"}},
		BodyParameters: []string{"Maria", "#1234"},
		LanguageCode:   "pt_BR", LanguagePolicy: "fallback", // lower case: the client must send the documented FALLBACK
	}}
	cases := []struct {
		name     string
		open     bool
		msg      wavy.WhatsAppMessage
		wantText string
		wantSent string
	}{
		{"text with an open session", true, text, text.MessageText, "SENT_SUCCESS"},
		{"text without a session", false, text, text.MessageText, "INVALID_SESSION"},
		{"template without a session", false, template, "[template aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee/pedido_enviado]", "SENT_SUCCESS"},
		{"image by url", false, wavy.WhatsAppMessage{Image: &wavy.Media{Type: "png", URL: "https://cdn.example/a.png", Caption: "Nova coleção"}},
			"[image PNG] Nova coleção", "INVALID_SESSION"},
		{"document in base64", true, wavy.WhatsAppMessage{Document: &wavy.Media{Type: "PDF", Data: "JVBERi0xLjQK", Caption: "Boleto"}},
			"[document PDF] Boleto", "SENT_SUCCESS"},
		{"location", true, wavy.WhatsAppMessage{Location: &wavy.Location{GeoPoint: "-22.894180,-47.047960", Name: "Loja Campinas"}},
			"[location -22.894180,-47.047960]", "SENT_SUCCESS"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newSBEnv(t, sandbox.Options{WhatsAppOpenSessions: tc.open, ReplyRate: -1, Outcomes: sandbox.Outcomes{Delivered: 1}}, wavy.Config{})
			req := wavy.WhatsAppRequest{
				Destinations: []wavy.WhatsAppDestination{
					{CorrelationID: fmt.Sprintf("wa-%d-a", i), Destination: mobile(700 + i)},
					{CorrelationID: fmt.Sprintf("wa-%d-b", i), Destination: "+55 (11) 9" + mobile(800 + i)[5:], RecipientType: "individual"},
				},
				Message:          tc.msg,
				DefaultExtraInfo: "origem=contrato",
				CampaignAlias:    "wa-camp",
			}
			resp, err := env.client.SendWhatsApp(testCtx(t), req)
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			if resp.ID == "" || len(resp.Destinations) != len(req.Destinations) {
				t.Fatalf("response = %+v, want an id and %d destinations", resp, len(req.Destinations))
			}
			for j, d := range req.Destinations {
				got := resp.Destinations[j]
				if got.ID == "" || got.CorrelationID != d.CorrelationID {
					t.Errorf("response destinations[%d] = %+v, want an id and correlationId %q", j, got, d.CorrelationID)
				}
				m := sentByCorrelation(t, env.sb, d.CorrelationID)
				if m.ID != got.ID || m.Channel != "whatsapp" || m.BatchID != resp.ID || m.Text != tc.wantText ||
					m.ExtraInfo != req.DefaultExtraInfo || m.CampaignAlias != req.CampaignAlias {
					t.Errorf("ledger = %+v, want id %s whatsapp batch %s text %q extraInfo %q campaign %q",
						m, got.ID, resp.ID, tc.wantText, req.DefaultExtraInfo, req.CampaignAlias)
				}
				if m.SentStatus != tc.wantSent {
					t.Errorf("ledger sent status = %s, want %s", m.SentStatus, tc.wantSent)
				}
				if sc, ok := wavy.LookupStatus(m.SentStatusCode); !ok || sc.Name != m.SentStatus {
					t.Errorf("catalogue entry of %d = %q (found %v), want %q", m.SentStatusCode, sc.Name, ok, m.SentStatus)
				}
			}
		})
	}
}

// TestSandboxContractWhatsAppSession opens a session with a reply to a
// template, reads it from the open-sessions export, and then sends free text
// inside it.
func TestSandboxContractWhatsAppSession(t *testing.T) {
	t.Parallel()
	env := newSBEnv(t, sandbox.Options{ReplyRate: 1, Outcomes: sandbox.Outcomes{Delivered: 1}}, wavy.Config{})
	ctx := testCtx(t)
	tmpl := wavy.WhatsAppMessage{Template: &wavy.Template{Namespace: "ns", ElementName: "boas_vindas", LanguageCode: "pt_BR"}}

	// Find a recipient whose reply is not an opt-out.
	var dest string
	for i := range 20 {
		d := mobile(900 + i)
		if _, err := env.client.SendWhatsApp(ctx, wavy.WhatsAppRequest{
			Destinations: []wavy.WhatsAppDestination{{CorrelationID: fmt.Sprintf("sess-%d", i), Destination: d}}, Message: tmpl,
		}); err != nil {
			t.Fatalf("send template: %v", err)
		}
		in := env.sb.Inbound()
		if len(in) == 0 || in[len(in)-1].Source != d {
			t.Fatalf("no reply from %s (reply rate 1): %+v", d, in)
		}
		if !in[len(in)-1].OptOut {
			dest = d
			break
		}
	}
	if dest == "" {
		t.Fatal("every recipient opted out")
	}

	export, err := env.client.OpenSessions(ctx, wavy.SessionQuery{CustomerID: sandbox.CustomerID})
	if err != nil {
		t.Fatalf("open sessions: %v", err)
	}
	resp, err := http.Get(export.FileURL)
	if err != nil {
		t.Fatalf("get %s: %v", export.FileURL, err)
	}
	csv, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("get %s: HTTP %d, %v", export.FileURL, resp.StatusCode, err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != "source,session_created_at" || !slices.ContainsFunc(lines[1:], func(l string) bool { return strings.HasPrefix(l, dest+",") }) {
		t.Errorf("sessions CSV = %q, want the header and a line for %s", csv, dest)
	}
	sessions, err := env.client.OpenSessionList(ctx, wavy.SessionQuery{CustomerID: sandbox.CustomerID})
	if err != nil {
		t.Fatalf("open session list: %v", err)
	}
	i := slices.IndexFunc(sessions, func(s wavy.OpenSession) bool { return s.Source == dest })
	if i < 0 || time.Since(sessions[i].CreatedAt) > time.Minute || !sessions[i].OpenUntil().After(time.Now()) {
		t.Errorf("open sessions = %+v, want %s opened within the last minute and still open", sessions, dest)
	}
	sub := int64(0)
	if _, err := env.client.OpenSessions(ctx, wavy.SessionQuery{CustomerID: sandbox.CustomerID, SubAccountID: &sub}); err != nil {
		t.Errorf("open sessions of sub-account 0: %v", err)
	}

	if _, err := env.client.SendWhatsApp(ctx, wavy.WhatsAppRequest{
		Destinations: []wavy.WhatsAppDestination{{CorrelationID: "sess-text", Destination: dest}},
		Message:      wavy.WhatsAppMessage{MessageText: "Que bom falar com você!"},
	}); err != nil {
		t.Fatalf("send text: %v", err)
	}
	if m := sentByCorrelation(t, env.sb, "sess-text"); m.SentStatus != "SENT_SUCCESS" {
		t.Errorf("text inside the session: sent status %s, want SENT_SUCCESS", m.SentStatus)
	}
}

// TestSandboxContractCampaigns drives the Campaign API on apigw.
func TestSandboxContractCampaigns(t *testing.T) {
	t.Parallel()
	env := newSBEnv(t, sandbox.Options{}, wavy.Config{})
	ctx := testCtx(t)
	c := env.client

	var natal []wavy.Campaign
	for i, letter := range []string{"a", "b", "c", "d", "e"} {
		in := wavy.CampaignInput{Name: fmt.Sprintf("Natal 2024 %s", strings.ToUpper(letter)), Alias: "natal-" + letter}
		if i == 4 {
			in.Alias = "" // the alias is optional
		}
		got, err := c.CreateCampaign(ctx, in)
		if err != nil {
			t.Fatalf("create %+v: %v", in, err)
		}
		if got.ID <= 0 || got.Name != in.Name || got.Alias != in.Alias {
			t.Fatalf("created %+v, want a positive id, %q, %q", got, in.Name, in.Alias)
		}
		natal = append(natal, got)
	}
	pascoa, err := c.CreateCampaign(ctx, wavy.CampaignInput{Name: "Páscoa", Alias: "pascoa"})
	if err != nil {
		t.Fatalf("create Páscoa: %v", err)
	}

	wantAPIError := func(what string, err error, code int) {
		t.Helper()
		var apiErr *wavy.APIError
		switch {
		case !errors.As(err, &apiErr):
			t.Errorf("%s: error %v (%T), want an *APIError", what, err, err)
		case apiErr.StatusCode != code:
			t.Errorf("%s: HTTP %d, want %d", what, apiErr.StatusCode, code)
		}
		if !errors.Is(err, wavy.ErrRejected) || errors.Is(err, wavy.ErrUnauthorized) || wavy.Classify(err) != wavy.Rejected {
			t.Errorf("%s: %v classifies as %v, want rejected only", what, err, wavy.Classify(err))
		}
	}
	before := env.sb.Ledger().Requests
	_, err = c.CreateCampaign(ctx, wavy.CampaignInput{Name: "Outra", Alias: "natal-a"})
	wantAPIError("duplicate alias", err, http.StatusPreconditionFailed)
	if got := env.sb.Ledger().Requests - before; got != 1 {
		t.Errorf("duplicate create made %d requests, want 1 (writes are not retried)", got)
	}
	if got := len(env.sb.Campaigns()); got != 6 {
		t.Errorf("sandbox has %d campaigns, want 6", got)
	}

	// List "Natal" two per page, following the page headers.
	var listed []wavy.Campaign
	for page := 1; ; page++ {
		l, err := c.ListCampaigns(ctx, "Natal", page, 2)
		if err != nil {
			t.Fatalf("list page %d: %v", page, err)
		}
		want := wavy.Page{Number: page, PerPage: 2, Total: 5, TotalPages: 3}
		if l.Page != want {
			t.Errorf("page %d headers = %+v, want %+v", page, l.Page, want)
		}
		if len(l.Campaigns) == 0 || len(l.Campaigns) > 2 {
			t.Fatalf("page %d has %d campaigns, want 1 or 2", page, len(l.Campaigns))
		}
		listed = append(listed, l.Campaigns...)
		if page >= l.Page.TotalPages || page > 10 {
			break
		}
	}
	if !slices.Equal(listed, natal) {
		t.Errorf("listed %+v, want %+v", listed, natal)
	}
	all, err := c.ListCampaigns(ctx, "", 0, 0)
	if err != nil {
		t.Fatalf("list all: %v", err)
	}
	if len(all.Campaigns) != 6 || all.Page.Total != 6 || all.Campaigns[5] != pascoa {
		t.Errorf("list all = %+v, want the 6 campaigns ending with %+v", all, pascoa)
	}

	target := natal[0]
	got, err := c.GetCampaign(ctx, target.ID)
	if err != nil || got != target {
		t.Fatalf("get %d = %+v, %v, want %+v", target.ID, got, err, target)
	}
	upd := wavy.CampaignInput{Name: "Natal 2024 A (editada)", Alias: "natal-a2"}
	got, err = c.UpdateCampaign(ctx, target.ID, upd)
	want := wavy.Campaign{ID: target.ID, Name: upd.Name, Alias: upd.Alias}
	if err != nil || got != want {
		t.Fatalf("update = %+v, %v, want %+v", got, err, want)
	}
	if got, err := c.GetCampaign(ctx, target.ID); err != nil || got != want {
		t.Errorf("get after update = %+v, %v, want %+v", got, err, want)
	}
	if i := slices.IndexFunc(env.sb.Campaigns(), func(sc sandbox.Campaign) bool { return sc.ID == target.ID }); i < 0 ||
		env.sb.Campaigns()[i].Alias != upd.Alias {
		t.Errorf("sandbox campaigns %+v lack the updated alias %q", env.sb.Campaigns(), upd.Alias)
	}
	_, err = c.UpdateCampaign(ctx, target.ID, wavy.CampaignInput{Name: "x", Alias: "pascoa"})
	wantAPIError("update to a taken alias", err, http.StatusPreconditionFailed)

	if err := c.DeleteCampaign(ctx, target.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.GetCampaign(ctx, target.ID)
	wantAPIError("get after delete", err, http.StatusNotFound)
	wantAPIError("delete again", c.DeleteCampaign(ctx, target.ID), http.StatusNotFound)
	_, err = c.UpdateCampaign(ctx, target.ID, upd)
	wantAPIError("update after delete", err, http.StatusNotFound)
	if l, err := c.ListCampaigns(ctx, "Natal", 1, 10); err != nil || l.Page.Total != 4 || len(l.Campaigns) != 4 {
		t.Errorf("list after delete = %+v, %v, want 4 campaigns", l, err)
	}
}

// TestSandboxContractErrors checks the error class of every kind of failure
// and that only safe requests are repeated.
func TestSandboxContractErrors(t *testing.T) {
	t.Parallel()
	sendSMS := func(ctx context.Context, c *wavy.Client, corr string) error {
		_, err := c.SendSMS(ctx, wavy.SMS{Destination: mobile(1), MessageText: "Oferta relâmpago", CorrelationID: corr})
		return err
	}
	sendGet := func(ctx context.Context, c *wavy.Client, corr string) error {
		_, err := c.SendSMSGet(ctx, wavy.SMS{Destination: mobile(1), MessageText: "Oferta relâmpago", CorrelationID: corr})
		return err
	}
	sendBulk := func(ctx context.Context, c *wavy.Client, corr string) error {
		_, err := c.SendBulkSMS(ctx, wavy.BulkSMS{Messages: []wavy.BulkMessage{{Destination: mobile(2), CorrelationID: corr}},
			DefaultValues: wavy.BulkMessage{MessageText: "Oferta"}})
		return err
	}
	sendWA := func(ctx context.Context, c *wavy.Client, corr string) error {
		_, err := c.SendWhatsApp(ctx, wavy.WhatsAppRequest{Destinations: []wavy.WhatsAppDestination{{CorrelationID: corr, Destination: mobile(3)}},
			Message: wavy.WhatsAppMessage{MessageText: "oi"}})
		return err
	}
	lookup := func(ctx context.Context, c *wavy.Client, _ string) error {
		_, err := c.LookupCarriers(ctx, []string{mobile(4)})
		return err
	}
	listMO := func(ctx context.Context, c *wavy.Client, _ string) error { _, err := c.ListMO(ctx, ""); return err }
	search := func(ctx context.Context, c *wavy.Client, corr string) error {
		_, err := c.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: []string{corr}})
		return err
	}
	createCampaign := func(ctx context.Context, c *wavy.Client, corr string) error {
		_, err := c.CreateCampaign(ctx, wavy.CampaignInput{Name: corr, Alias: corr})
		return err
	}
	listCampaigns := func(ctx context.Context, c *wavy.Client, _ string) error {
		_, err := c.ListCampaigns(ctx, "", 1, 10)
		return err
	}
	fastRetries := wavy.Config{MaxRetries: 2, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond}
	noStatusLimit := fastRetries
	noStatusLimit.StatusQueriesPerSecond = -1

	cases := []struct {
		name    string
		opts    sandbox.Options
		cfg     wavy.Config
		faults  sandbox.Faults
		timeout time.Duration
		call    func(context.Context, *wavy.Client, string) error
		want    []error // errors.Is must hold for each
		class   wavy.Outcome
		// requests is how many HTTP requests the sandbox must have seen.
		requests int64
		// maxSent bounds the sandbox's SentCount of the call's correlationId.
		maxSent int
	}{
		{name: "wrong token on a send", cfg: wavy.Config{Token: "wrong"}, call: sendSMS,
			want: []error{wavy.ErrUnauthorized, wavy.ErrRejected}, class: wavy.Rejected, requests: 1},
		{name: "wrong user on a GET send", cfg: wavy.Config{Username: "intruso"}, call: sendGet,
			want: []error{wavy.ErrUnauthorized, wavy.ErrRejected}, class: wavy.Rejected, requests: 1},
		{name: "wrong token on a safe read", cfg: wavy.Config{Token: "wrong"}, call: listMO,
			want: []error{wavy.ErrUnauthorized, wavy.ErrRejected}, class: wavy.Rejected, requests: 1},
		{name: "wrong token on apigw", cfg: wavy.Config{Token: "wrong"}, call: listCampaigns,
			want: []error{wavy.ErrUnauthorized, wavy.ErrRejected}, class: wavy.Rejected, requests: 1},
		{name: "429 on a send", faults: sandbox.Faults{Status429Rate: 1}, call: sendSMS,
			want: []error{wavy.ErrTryLater}, class: wavy.TryLater, requests: 1},
		{name: "429 on a bulk send", faults: sandbox.Faults{Status429Rate: 1}, call: sendBulk,
			want: []error{wavy.ErrTryLater}, class: wavy.TryLater, requests: 1},
		{name: "503 on a send", faults: sandbox.Faults{Status503Rate: 1}, call: sendSMS,
			want: []error{wavy.ErrTryLater}, class: wavy.TryLater, requests: 1},
		{name: "503 on a WhatsApp send", faults: sandbox.Faults{Status503Rate: 1}, call: sendWA,
			want: []error{wavy.ErrTryLater}, class: wavy.TryLater, requests: 1},
		{name: "500 on a send", faults: sandbox.Faults{ErrorRate: 1}, call: sendSMS,
			want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 1},
		{name: "500 on a GET send", faults: sandbox.Faults{ErrorRate: 1}, call: sendGet,
			want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 1},
		{name: "500 on a bulk send", faults: sandbox.Faults{ErrorRate: 1}, call: sendBulk,
			want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 1},
		{name: "500 on a WhatsApp send", faults: sandbox.Faults{ErrorRate: 1}, call: sendWA,
			want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 1},
		{name: "500 on a campaign create is not retried", cfg: fastRetries, faults: sandbox.Faults{ErrorRate: 1}, call: createCampaign,
			want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 1},
		{name: "latency past the deadline on a send", faults: sandbox.Faults{Latency: time.Second}, timeout: 150 * time.Millisecond,
			call: sendSMS, want: []error{wavy.ErrUnknownOutcome, context.DeadlineExceeded}, class: wavy.Unknown, requests: 1, maxSent: 1},
		{name: "latency past the deadline on a bulk send", faults: sandbox.Faults{Latency: time.Second}, timeout: 150 * time.Millisecond,
			call: sendBulk, want: []error{wavy.ErrUnknownOutcome, context.DeadlineExceeded}, class: wavy.Unknown, requests: 1, maxSent: 1},
		{name: "500 on a lookup is retried", cfg: fastRetries, faults: sandbox.Faults{ErrorRate: 1}, call: lookup,
			want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 3},
		{name: "503 on a MO list is retried", cfg: fastRetries, faults: sandbox.Faults{Status503Rate: 1}, call: listMO,
			want: []error{wavy.ErrTryLater}, class: wavy.TryLater, requests: 3},
		{name: "500 on a status search is retried", opts: sandbox.Options{StatusQueryRate: -1}, cfg: noStatusLimit,
			faults: sandbox.Faults{ErrorRate: 1}, call: search, want: []error{wavy.ErrUnknownOutcome}, class: wavy.Unknown, requests: 3},
		{name: "503 on a campaign list is retried", cfg: fastRetries, faults: sandbox.Faults{Status503Rate: 1}, call: listCampaigns,
			want: []error{wavy.ErrTryLater}, class: wavy.TryLater, requests: 3},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newSBEnv(t, tc.opts, tc.cfg)
			env.sb.SetFaults(tc.faults)
			ctx := testCtx(t)
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			corr := fmt.Sprintf("err-%02d", i)
			err := tc.call(ctx, env.client, corr)
			if err == nil {
				t.Fatal("call succeeded, want an error")
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v does not match %v", err, w)
				}
			}
			if got := wavy.Classify(err); got != tc.class {
				t.Errorf("Classify(%v) = %v, want %v", err, got, tc.class)
			}
			// Let the sandbox finish what it was doing: a request the client
			// gave up on may still be accepted after the deadline, which is
			// why that outcome is unknown.
			env.srv.Close()
			if got := env.sb.Ledger().Requests; got != tc.requests {
				t.Errorf("sandbox saw %d requests, want %d", got, tc.requests)
			}
			if got := env.sb.SentCount(corr); got > tc.maxSent {
				t.Errorf("SentCount(%q) = %d, want at most %d", corr, got, tc.maxSent)
			} else if tc.maxSent > 0 {
				t.Logf("SentCount(%q) once the sandbox settled = %d", corr, got)
			}
			var apiErr *wavy.APIError
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests && apiErr.RetryAfter != time.Second {
				t.Errorf("429 Retry-After = %v, want 1s", apiErr.RetryAfter)
			}
		})
	}
}

// TestSandboxContractAcceptThen500 is the reconciliation the dispatcher
// relies on: a send answered 500 after the messages were accepted is an
// unknown outcome, and the status search by correlationIds finds them.
func TestSandboxContractAcceptThen500(t *testing.T) {
	t.Parallel()
	const n = 50
	corrs := func(prefix string, k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = fmt.Sprintf("%s-%03d", prefix, i)
		}
		return out
	}
	cases := []struct {
		name  string
		corrs []string
		send  func(context.Context, *wavy.Client, []string) error
		sms   bool // statuses can be searched
	}{
		{"bulk", corrs("a500-bulk", n), func(ctx context.Context, c *wavy.Client, cs []string) error {
			req := wavy.BulkSMS{DefaultValues: wavy.BulkMessage{MessageText: "Oferta de aniversário"}, CampaignAlias: "aniversario"}
			for i, corr := range cs {
				req.Messages = append(req.Messages, wavy.BulkMessage{Destination: mobile(2000 + i), CorrelationID: corr})
			}
			_, err := c.SendBulkSMS(ctx, req)
			return err
		}, true},
		{"single", corrs("a500-single", 1), func(ctx context.Context, c *wavy.Client, cs []string) error {
			_, err := c.SendSMS(ctx, wavy.SMS{Destination: mobile(3000), MessageText: "Oferta", CorrelationID: cs[0]})
			return err
		}, true},
		{"whatsapp", corrs("a500-wa", 3), func(ctx context.Context, c *wavy.Client, cs []string) error {
			req := wavy.WhatsAppRequest{Message: wavy.WhatsAppMessage{Template: &wavy.Template{Namespace: "ns", ElementName: "promo"}}}
			for i, corr := range cs {
				req.Destinations = append(req.Destinations, wavy.WhatsAppDestination{CorrelationID: corr, Destination: mobile(4000 + i)})
			}
			_, err := c.SendWhatsApp(ctx, req)
			return err
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newSBEnv(t, sandbox.Options{}, wavy.Config{})
			ctx := testCtx(t)
			env.sb.SetFaults(sandbox.Faults{AcceptThen500Rate: 1})
			err := tc.send(ctx, env.client, tc.corrs)
			if !errors.Is(err, wavy.ErrUnknownOutcome) || wavy.Classify(err) != wavy.Unknown {
				t.Fatalf("send error = %v (%v), want an unknown outcome", err, wavy.Classify(err))
			}
			if got := env.sb.Ledger().Requests; got != 1 {
				t.Errorf("sandbox saw %d requests, want 1 (sends are never retried)", got)
			}
			for _, c := range tc.corrs {
				if got := env.sb.SentCount(c); got != 1 {
					t.Errorf("SentCount(%q) = %d, want 1 (accepted, then answered 500)", c, got)
				}
			}
			if got := env.sb.Ledger().AcceptedThen500; got != int64(len(tc.corrs)) {
				t.Errorf("ledger AcceptedThen500 = %d, want %d", got, len(tc.corrs))
			}
			if !tc.sms {
				return
			}
			env.sb.SetFaults(sandbox.Faults{})
			found, err := env.client.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: tc.corrs})
			if err != nil {
				t.Fatalf("search by correlationIds: %v", err)
			}
			if len(found) != len(tc.corrs) {
				t.Fatalf("search found %d statuses, want %d", len(found), len(tc.corrs))
			}
			ledger := sentByID(env.sb)
			for i, st := range found {
				want, ok := ledger[st.ID]
				if !ok || !want.Answered500 || st.CorrelationID != tc.corrs[i] {
					t.Errorf("found[%d] = %s/%s (in ledger %v, answered 500 %v), want correlationId %s",
						i, st.ID, st.CorrelationID, ok, want.Answered500, tc.corrs[i])
					continue
				}
				checkStatus(t, st, want, "")
			}
		})
	}
}

// TestSandboxContractValidation checks that requests the client's Validate
// refuses are the ones the sandbox answers 400 (sent raw with net/http in the
// client's own encoding), and that the boundary cases pass both.
func TestSandboxContractValidation(t *testing.T) {
	t.Parallel()
	dest := mobile(42)
	emoji := "😀" // two UTF-16 code units
	smsWith := func(f func(*wavy.SMS)) wavy.SMS {
		m := wavy.SMS{Destination: dest, MessageText: "Oferta", CorrelationID: "v-1"}
		f(&m)
		return m
	}
	bulkWith := func(k int, f func(*wavy.BulkSMS)) wavy.BulkSMS {
		b := wavy.BulkSMS{DefaultValues: wavy.BulkMessage{MessageText: "Oferta"}}
		for i := range k {
			b.Messages = append(b.Messages, wavy.BulkMessage{Destination: mobile(i), CorrelationID: fmt.Sprintf("vb-%04d", i)})
		}
		f(&b)
		return b
	}
	waWith := func(m wavy.WhatsAppMessage) wavy.WhatsAppRequest {
		return wavy.WhatsAppRequest{Destinations: []wavy.WhatsAppDestination{{CorrelationID: "vw-1", Destination: dest}}, Message: m}
	}
	tmplWith := func(f func(*wavy.Template)) wavy.WhatsAppRequest {
		tp := wavy.Template{Namespace: "ns", ElementName: "promo"}
		f(&tp)
		return waWith(wavy.WhatsAppMessage{Template: &tp})
	}
	soon := time.Now().Add(time.Hour)

	type request struct {
		method, target string
		body           []byte
	}
	type parityCase struct {
		name   string
		raw    func(t *testing.T) request
		send   func(context.Context, *wavy.Client) error
		reject bool
	}
	postJSON := func(path string, v any) func(t *testing.T) request {
		return func(t *testing.T) request {
			t.Helper()
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("encode %T: %v", v, err)
			}
			return request{http.MethodPost, path, b}
		}
	}
	post := func(name string, m wavy.SMS, reject bool) parityCase {
		return parityCase{"POST " + name, postJSON("/v1/send-sms", m),
			func(ctx context.Context, c *wavy.Client) error { _, err := c.SendSMS(ctx, m); return err }, reject}
	}
	get := func(name string, m wavy.SMS, reject bool) parityCase {
		return parityCase{"GET " + name, func(t *testing.T) request {
			t.Helper()
			q, err := m.Query()
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			return request{http.MethodGet, "/v1/send-sms?" + q.Encode(), nil}
		}, func(ctx context.Context, c *wavy.Client) error { _, err := c.SendSMSGet(ctx, m); return err }, reject}
	}
	bulk := func(name string, b wavy.BulkSMS, reject bool) parityCase {
		return parityCase{"bulk " + name, postJSON("/v1/send-bulk-sms", b),
			func(ctx context.Context, c *wavy.Client) error { _, err := c.SendBulkSMS(ctx, b); return err }, reject}
	}
	wa := func(name string, r wavy.WhatsAppRequest, reject bool) parityCase {
		return parityCase{"whatsapp " + name, postJSON("/v1/whatsapp/send", r),
			func(ctx context.Context, c *wavy.Client) error { _, err := c.SendWhatsApp(ctx, r); return err }, reject}
	}

	cases := []parityCase{
		post("messageText of 1280", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat("a", 1280) }), false),
		post("messageText of 1281", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat("a", 1281) }), true),
		post("messageText of 1280 accented", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat("ã", 1280) }), false),
		post("messageText of 640 emoji", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat(emoji, 640) }), false),
		post("messageText of 641 emoji", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat(emoji, 641) }), true),
		get("messageText of 1281", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat("a", 1281) }), true),
		get("messageText of 1280", smsWith(func(m *wavy.SMS) { m.MessageText = strings.Repeat("a", 1280) }), false),
		post("correlationId of 64", smsWith(func(m *wavy.SMS) { m.CorrelationID = strings.Repeat("c", 64) }), false),
		post("correlationId of 65", smsWith(func(m *wavy.SMS) { m.CorrelationID = strings.Repeat("c", 65) }), true),
		post("correlationId of 33 emoji", smsWith(func(m *wavy.SMS) { m.CorrelationID = strings.Repeat(emoji, 33) }), true),
		get("correlationId of 65", smsWith(func(m *wavy.SMS) { m.CorrelationID = strings.Repeat("c", 65) }), true),
		post("extraInfo of 255", smsWith(func(m *wavy.SMS) { m.ExtraInfo = strings.Repeat("e", 255) }), false),
		post("extraInfo of 256", smsWith(func(m *wavy.SMS) { m.ExtraInfo = strings.Repeat("e", 256) }), true),
		post("expiresAt and expiresInMinutes", smsWith(func(m *wavy.SMS) { m.ExpiresAt, m.ExpiresInMinutes = soon, 30 }), true),
		get("expiresAt and expiresInMinutes", smsWith(func(m *wavy.SMS) { m.ExpiresAt, m.ExpiresInMinutes = soon, 30 }), true),
		post("expiresDate and expiresInMinutes", smsWith(func(m *wavy.SMS) { m.ExpiresDate, m.ExpiresInMinutes = soon, 30 }), true),
		post("expiresAt alone", smsWith(func(m *wavy.SMS) { m.ExpiresAt = soon }), false),
		post("scheduledAt and delayedInMinutes", smsWith(func(m *wavy.SMS) { m.ScheduledAt, m.DelayedInMinutes = soon, 60 }), true),
		post("timeWindow hour 24", smsWith(func(m *wavy.SMS) { m.TimeWindow = []int{8, 24} }), true),
		post("no messageText", smsWith(func(m *wavy.SMS) { m.MessageText = "" }), true),
		post("no destination", smsWith(func(m *wavy.SMS) { m.Destination = "" }), true),
		bulk("of 1000 messages", bulkWith(1000, func(*wavy.BulkSMS) {}), false),
		bulk("of 1001 messages", bulkWith(1001, func(*wavy.BulkSMS) {}), true),
		bulk("of no messages", bulkWith(0, func(*wavy.BulkSMS) {}), true),
		bulk("defaultValues.messageText of 1281", bulkWith(3, func(b *wavy.BulkSMS) { b.DefaultValues.MessageText = strings.Repeat("a", 1281) }), true),
		bulk("message text of 1281", bulkWith(3, func(b *wavy.BulkSMS) { b.Messages[1].MessageText = strings.Repeat("a", 1281) }), true),
		bulk("message correlationId of 65", bulkWith(3, func(b *wavy.BulkSMS) { b.Messages[2].CorrelationID = strings.Repeat("c", 65) }), true),
		bulk("message extraInfo of 256", bulkWith(3, func(b *wavy.BulkSMS) { b.Messages[0].ExtraInfo = strings.Repeat("e", 256) }), true),
		bulk("root expiresAt and expiresInMinutes", bulkWith(3, func(b *wavy.BulkSMS) { b.ExpiresAt, b.ExpiresInMinutes = soon, 30 }), true),
		bulk("root expiresInMinutes and expiresDate", bulkWith(3, func(b *wavy.BulkSMS) { b.ExpiresInMinutes, b.ExpiresDate = 30, soon }), true),
		bulk("without any text", bulkWith(3, func(b *wavy.BulkSMS) { b.DefaultValues.MessageText = "" }), true),
		wa("text", waWith(wavy.WhatsAppMessage{MessageText: "oi"}), false),
		wa("without destinations", wavy.WhatsAppRequest{Message: wavy.WhatsAppMessage{MessageText: "oi"}}, true),
		wa("without content", waWith(wavy.WhatsAppMessage{}), true),
		wa("with two contents", waWith(wavy.WhatsAppMessage{MessageText: "oi", Location: &wavy.Location{GeoPoint: "-22.89,-47.04"}}), true),
		wa("image of a gif", waWith(wavy.WhatsAppMessage{Image: &wavy.Media{Type: "GIF", URL: "https://x.example/a.gif"}}), true),
		wa("image with url and data", waWith(wavy.WhatsAppMessage{Image: &wavy.Media{Type: "PNG", URL: "https://x.example/a.png", Data: "aGk="}}), true),
		wa("image in base64", waWith(wavy.WhatsAppMessage{Image: &wavy.Media{Type: "PNG", Data: "iVBORw0KGgo="}}), false),
		wa("image data not base64", waWith(wavy.WhatsAppMessage{Image: &wavy.Media{Type: "PNG", Data: "not base64!"}}), true),
		wa("location off the map", waWith(wavy.WhatsAppMessage{Location: &wavy.Location{GeoPoint: "-122.89,-47.04"}}), true),
		wa("template", tmplWith(func(*wavy.Template) {}), false),
		wa("template with policy fallback", tmplWith(func(tp *wavy.Template) { tp.LanguagePolicy = "fallback" }), false),
		wa("template with policy SOMETIMES", tmplWith(func(tp *wavy.Template) { tp.LanguagePolicy = "SOMETIMES" }), true),
		wa("template in pt_PT", tmplWith(func(tp *wavy.Template) { tp.LanguageCode = "pt_PT" }), false),
		wa("template in klingon", tmplWith(func(tp *wavy.Template) { tp.LanguageCode = "tlh" }), true),
		wa("template without namespace", tmplWith(func(tp *wavy.Template) { tp.Namespace = "" }), true),
		wa("template header title of 60", tmplWith(func(tp *wavy.Template) { tp.Header = &wavy.TemplateHeader{Title: strings.Repeat("t", 60)} }), false),
		wa("template header title of 31 emoji", tmplWith(func(tp *wavy.Template) { tp.Header = &wavy.TemplateHeader{Title: strings.Repeat(emoji, 31)} }), true),
		wa("template header with two media", tmplWith(func(tp *wavy.Template) {
			tp.Header = &wavy.TemplateHeader{Image: &wavy.TemplateMedia{URL: "https://x.example/a.png", Type: "PNG"},
				Video: &wavy.TemplateMedia{URL: "https://x.example/a.mp4", Type: "MP4"}}
		}), true),
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newSBEnv(t, sandbox.Options{ReplyRate: -1}, wavy.Config{})
			ctx := testCtx(t)

			r := tc.raw(t)
			req, err := http.NewRequestWithContext(ctx, r.method, env.srv.URL+r.target, bytes.NewReader(r.body))
			if err != nil {
				t.Fatalf("build raw request: %v", err)
			}
			req.Header.Set("UserName", sbUser)
			req.Header.Set("AuthenticationToken", sbToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("raw request: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wantCode := http.StatusOK
			if tc.reject {
				wantCode = http.StatusBadRequest
			}
			if resp.StatusCode != wantCode {
				t.Errorf("sandbox answered the raw request %d, want %d; body %.300s", resp.StatusCode, wantCode, body)
			}
			if tc.reject && env.sb.Ledger().Accepted != 0 {
				t.Errorf("sandbox accepted %d messages from a refused request", env.sb.Ledger().Accepted)
			}

			before := env.sb.Ledger().Requests
			err = tc.send(ctx, env.client)
			sent := env.sb.Ledger().Requests - before
			switch {
			case tc.reject && !errors.Is(err, wavy.ErrInvalidRequest):
				t.Errorf("client error = %v, want ErrInvalidRequest", err)
			case tc.reject && sent != 0:
				t.Errorf("client made %d requests for an invalid one, want 0", sent)
			case !tc.reject && err != nil:
				t.Errorf("client error = %v, want success", err)
			case !tc.reject && sent != 1:
				t.Errorf("client made %d requests, want 1", sent)
			}
		})
	}
}

// hookEvents are the webhooks the sandbox posted, parsed by the client's
// parsers.
type hookEvents struct {
	posts     int
	smsStatus []wavy.SMSStatus
	smsMO     []wavy.SMSMO
	waStatus  []wavy.WhatsAppStatus
	waMO      []wavy.WhatsAppMO
}

// hookLog collects hookEvents from the receiver's handler goroutines.
type hookLog struct {
	mu sync.Mutex
	ev hookEvents
}

func (l *hookLog) snapshot() hookEvents {
	l.mu.Lock()
	defer l.mu.Unlock()
	return hookEvents{
		posts: l.ev.posts, smsStatus: slices.Clone(l.ev.smsStatus), smsMO: slices.Clone(l.ev.smsMO),
		waStatus: slices.Clone(l.ev.waStatus), waMO: slices.Clone(l.ev.waMO),
	}
}

// newHookReceiver serves /sms-status, /sms-mo and /whatsapp, failing the
// test on any body the client's parsers refuse.
func newHookReceiver(t *testing.T, log *hookLog) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("webhook %s: read body: %v", r.URL.Path, err)
			return
		}
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("webhook %s: %s with Content-Type %q, want a JSON POST", r.URL.Path, r.Method, r.Header.Get("Content-Type"))
		}
		log.mu.Lock()
		defer log.mu.Unlock()
		log.ev.posts++
		switch r.URL.Path {
		case "/sms-status":
			got, err := wavy.ParseSMSStatus(body)
			if err != nil {
				t.Errorf("ParseSMSStatus(%s): %v", body, err)
			}
			log.ev.smsStatus = append(log.ev.smsStatus, got...)
		case "/sms-mo":
			got, err := wavy.ParseSMSMO(body)
			if err != nil {
				t.Errorf("ParseSMSMO(%s): %v", body, err)
			}
			log.ev.smsMO = append(log.ev.smsMO, got...)
		case "/whatsapp":
			// One URL gets both kinds; MO entries are the ones with a source.
			var peek struct {
				Data []map[string]json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(body, &peek); err != nil || len(peek.Data) == 0 {
				t.Errorf("whatsapp webhook %s: want a non-empty data list (%v)", body, err)
				return
			}
			if _, mo := peek.Data[0]["source"]; mo {
				got, err := wavy.ParseWhatsAppMO(body)
				if err != nil {
					t.Errorf("ParseWhatsAppMO(%s): %v", body, err)
				}
				log.ev.waMO = append(log.ev.waMO, got...)
			} else {
				got, err := wavy.ParseWhatsAppStatus(body)
				if err != nil {
					t.Errorf("ParseWhatsAppStatus(%s): %v", body, err)
				}
				log.ev.waStatus = append(log.ev.waStatus, got...)
			}
		default:
			t.Errorf("webhook to unexpected path %s", r.URL.Path)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSandboxContractWebhooks has the sandbox post every kind of webhook and
// reads each with the client's parsers.
func TestSandboxContractWebhooks(t *testing.T) {
	t.Parallel()
	var log hookLog
	hooks := newHookReceiver(t, &log) // registered first, so it closes after the sandbox
	env := newSBEnv(t, sandbox.Options{
		StatusURL: hooks.URL + "/sms-status", MOURL: hooks.URL + "/sms-mo", WhatsAppURL: hooks.URL + "/whatsapp",
		Outcomes: sandbox.Outcomes{Delivered: 1}, ReplyRate: 1, ReadRate: 1, WhatsAppOpenSessions: true,
	}, wavy.Config{})
	ctx := testCtx(t)

	camp, err := env.client.CreateCampaign(ctx, wavy.CampaignInput{Name: "Webhooks", Alias: "hooks"})
	if err != nil {
		t.Fatalf("create campaign: %v", err)
	}
	campaignID := strconv.FormatInt(camp.ID, 10)
	nums := numbersOf(t, ctx, env.client, 10_000, "VIVO", "OI", "SERCOMTEL")
	smsCases := []struct {
		carrier string
		corr    string
		wantDLR bool
	}{
		{"VIVO", "hook-vivo", true},
		{"OI", "hook-oi", false},               // "as operadoras OI e Sercomtel não possuem esta funcionalidade"
		{"SERCOMTEL", "hook-sercomtel", false}, // idem
	}
	bulk := wavy.BulkSMS{DefaultValues: wavy.BulkMessage{MessageText: "Seu cupom: HOOK10", ExtraInfo: "canal=sms"}, CampaignAlias: camp.Alias}
	for _, tc := range smsCases {
		bulk.Messages = append(bulk.Messages, wavy.BulkMessage{Destination: nums[tc.carrier], CorrelationID: tc.corr})
	}
	if _, err := env.client.SendBulkSMS(ctx, bulk); err != nil {
		t.Fatalf("send bulk: %v", err)
	}
	waDest := mobile(60_000)
	waResp, err := env.client.SendWhatsApp(ctx, wavy.WhatsAppRequest{
		Destinations:     []wavy.WhatsAppDestination{{CorrelationID: "hook-wa", Destination: waDest}},
		Message:          wavy.WhatsAppMessage{MessageText: "Seu pedido chegou!"},
		DefaultExtraInfo: "canal=wa", CampaignAlias: camp.Alias,
	})
	if err != nil {
		t.Fatalf("send whatsapp: %v", err)
	}
	if len(waResp.Destinations) != 1 {
		t.Fatalf("whatsapp response %+v, want one destination", waResp)
	}

	// 3 callbacks + 1 DLR + 3 SMS MOs, and 3 WhatsApp statuses + 1 MO.
	const wantEvents = 11
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := log.snapshot()
		st := env.sb.Ledger()
		if len(got.smsStatus) == 4 && len(got.smsMO) == 3 && len(got.waStatus) == 3 && len(got.waMO) == 1 &&
			st.WebhookEvents == wantEvents && st.WebhookPending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %d SMS statuses, %d SMS MOs, %d WhatsApp statuses, %d WhatsApp MOs; ledger %d events, %d pending, %d failures",
				len(got.smsStatus), len(got.smsMO), len(got.waStatus), len(got.waMO), st.WebhookEvents, st.WebhookPending, st.WebhookFailures)
		}
		time.Sleep(10 * time.Millisecond)
	}
	got := log.snapshot()
	if st := env.sb.Ledger(); st.WebhookFailures != 0 || st.WebhookDropped != 0 {
		t.Errorf("ledger shows %d failed and %d dropped webhooks, want none", st.WebhookFailures, st.WebhookDropped)
	}

	ledger := sentByID(env.sb)
	for _, tc := range smsCases {
		t.Run("sms "+tc.carrier, func(t *testing.T) {
			want := sentByCorrelation(t, env.sb, tc.corr)
			if want.Carrier != tc.carrier || (want.DeliveredStatusCode != 0) != tc.wantDLR {
				t.Fatalf("ledger plans %s with delivered code %d, want carrier %s with DLR %v", want.Carrier, want.DeliveredStatusCode, tc.carrier, tc.wantDLR)
			}
			var callbacks, dlrs []wavy.SMSStatus
			for _, s := range got.smsStatus {
				switch {
				case s.CorrelationID != tc.corr:
				case s.IsDeliveryReport():
					dlrs = append(dlrs, s)
				default:
					callbacks = append(callbacks, s)
				}
			}
			wantDLRs := 0
			if tc.wantDLR {
				wantDLRs = 1
			}
			if len(callbacks) != 1 || len(dlrs) != wantDLRs {
				t.Fatalf("got %d callbacks and %d DLRs, want 1 and %d", len(callbacks), len(dlrs), wantDLRs)
			}
			cb := callbacks[0]
			if cb.SentStatusCode != 2 || cb.SentAt.IsZero() || !cb.DeliveredAt.IsZero() {
				t.Errorf("callback = %+v, want SENT_SUCCESS with a sent time and no delivery", cb)
			}
			checkStatus(t, cb, sandbox.SentMessage{
				ID: want.ID, CorrelationID: want.CorrelationID, Destination: want.Destination, SentStatusCode: want.SentStatusCode,
				SentStatus: want.SentStatus, SentAt: want.SentAt, Carrier: want.Carrier, ExtraInfo: want.ExtraInfo,
			}, campaignID)
			if sc, _ := cb.Status(); sc.Phase != wavy.PhaseSent || !sc.Success {
				t.Errorf("callback Status() = %+v, want a successful sent phase", sc)
			}
			if tc.wantDLR {
				dlr := dlrs[0]
				checkStatus(t, dlr, want, campaignID)
				if dlr.DeliveredStatusCode != 4 || dlr.DeliveredAt.IsZero() || dlr.SentAt.IsZero() {
					t.Errorf("DLR = %+v, want DELIVERED_SUCCESS with sent and delivered times", dlr)
				}
				if sc, _ := dlr.Status(); sc.Phase != wavy.PhaseDelivered || !sc.Success || !sc.Final {
					t.Errorf("DLR Status() = %+v, want a final successful delivered phase", sc)
				}
			}
			var mos []wavy.SMSMO
			for _, mo := range got.smsMO {
				if mo.Source == want.Destination {
					mos = append(mos, mo)
				}
			}
			if len(mos) != 1 {
				t.Fatalf("got %d MOs from %s, want 1", len(mos), want.Destination)
			}
			mo := mos[0]
			if mo.MT == nil || mo.MT.ID != want.ID || mo.MT.CorrelationID != tc.corr {
				t.Errorf("MO links to %+v, want the MT %s/%s", mo.MT, want.ID, tc.corr)
			}
			if mo.ID == "" || mo.MessageText == "" || mo.ReceivedAt.IsZero() || mo.ShortCode != sandbox.ShortCode ||
				mo.CampaignAlias != camp.Alias || mo.CarrierName != tc.carrier {
				t.Errorf("MO = %+v, want id, text, received time, short code %s, campaign %s, carrier %s",
					mo, sandbox.ShortCode, camp.Alias, tc.carrier)
			}
		})
	}

	t.Run("whatsapp", func(t *testing.T) {
		want, ok := ledger[waResp.Destinations[0].ID]
		if !ok || want.CorrelationID != "hook-wa" {
			t.Fatalf("ledger has no WhatsApp message %s/hook-wa", waResp.Destinations[0].ID)
		}
		phases := map[string]wavy.WhatsAppStatus{}
		for _, s := range got.waStatus {
			if s.ID != want.ID || s.CorrelationID != "hook-wa" || s.Destination != waDest {
				t.Errorf("status for %s/%s to %s, want %s/hook-wa to %s", s.ID, s.CorrelationID, s.Destination, want.ID, waDest)
			}
			if s.Origin != sandbox.WhatsAppOrigin || s.ClientInfo.CustomerID != sandbox.CustomerID || s.Type != "MESSAGE" ||
				s.CampaignAlias != camp.Alias || s.CampaignID != campaignID || s.ExtraInfo != "canal=wa" {
				t.Errorf("status = %+v, want origin %s, customer %d, type MESSAGE, campaign %s/%s, extraInfo canal=wa",
					s, sandbox.WhatsAppOrigin, sandbox.CustomerID, camp.Alias, campaignID)
			}
			if !s.Sent || s.SentStatusCode != 2 || !s.SentAt.Equal(want.SentAt) || s.UpdatedAt.IsZero() {
				t.Errorf("status = %+v, want sent (2) at %v and an update time", s, want.SentAt)
			}
			sc, ok := s.Status()
			if !ok {
				t.Errorf("status %+v has no catalogue entry", s)
				continue
			}
			phases[sc.Name] = s
		}
		for _, name := range []string{"SENT_SUCCESS", "DELIVERED_SUCCESS", "READ_SUCCESS"} {
			if _, ok := phases[name]; !ok {
				t.Errorf("no WhatsApp status reads as %s; got %v", name, slices.Sorted(maps.Keys(phases)))
			}
		}
		if d := phases["DELIVERED_SUCCESS"]; !d.Delivered || d.DeliveredStatusCode != 4 || !d.DeliveredAt.Equal(want.DeliveredAt) {
			t.Errorf("delivered status = %+v, want delivered (4) at %v", d, want.DeliveredAt)
		}
		if r := phases["READ_SUCCESS"]; !r.Read || !r.ReadAt.Equal(want.ReadAt) || r.ReadAt.IsZero() {
			t.Errorf("read status = %+v, want read at %v", r, want.ReadAt)
		}
		mo := got.waMO[0]
		if mo.Source != waDest || mo.CorrelationID != "hook-wa" || mo.Origin != sandbox.WhatsAppOrigin || mo.CampaignAlias != camp.Alias {
			t.Errorf("MO = %+v, want from %s answering hook-wa to %s in campaign %s", mo, waDest, sandbox.WhatsAppOrigin, camp.Alias)
		}
		if mo.ID == "" || mo.Message.Kind() != "TEXT" || mo.Message.MessageText == "" || mo.ReceivedAt.IsZero() ||
			!mo.MTSentAt.Equal(want.SentAt) || mo.Session == nil || mo.Session.ID == "" || mo.UserProfile.Name == "" ||
			mo.ClientInfo.CustomerID != sandbox.CustomerID {
			t.Errorf("MO = %+v, want an id, a TEXT message, times, a session, a profile and customer %d", mo, sandbox.CustomerID)
		}
	})
}

// magic is the São Paulo number of the sandbox's magic block ending in last.
func magic(last string) string { return "5511" + sandbox.MagicPrefix + last }

// TestSandboxContractMagicStatuses has the sandbox report the codes it did
// not use to emit and reads them with the client's parsers: SMS 207, 214,
// 215 (an account limit), 201 (idem) and the 401 delivery report;
// WhatsApp 209 and the 105 delivery code.
func TestSandboxContractMagicStatuses(t *testing.T) {
	t.Parallel()
	var log hookLog
	hooks := newHookReceiver(t, &log)
	env := newSBEnv(t, sandbox.Options{StatusURL: hooks.URL + "/sms-status", WhatsAppURL: hooks.URL + "/whatsapp", ReplyRate: -1}, wavy.Config{})
	ctx := testCtx(t)
	smsCodes := map[string]struct{ sent, dlr int }{"0207": {207, 0}, "0214": {214, 0}, "0215": {215, 0}, "0201": {201, 0}, "0401": {2, 401}}
	bulk := wavy.BulkSMS{DefaultValues: wavy.BulkMessage{MessageText: "Oferta"}}
	for last := range smsCodes {
		bulk.Messages = append(bulk.Messages, wavy.BulkMessage{Destination: magic(last), CorrelationID: "m" + last})
	}
	if _, err := env.client.SendBulkSMS(ctx, bulk); err != nil {
		t.Fatalf("send bulk: %v", err)
	}
	tmpl := wavy.WhatsAppMessage{Template: &wavy.Template{Namespace: "ns", ElementName: "promo"}}
	if _, err := env.client.SendWhatsApp(ctx, wavy.WhatsAppRequest{Message: tmpl, Destinations: []wavy.WhatsAppDestination{
		{CorrelationID: "w0209", Destination: magic("0209")}, {CorrelationID: "w0105", Destination: magic("0105")}}}); err != nil {
		t.Fatalf("send whatsapp: %v", err)
	}
	// 5 callbacks + 1 DLR; WhatsApp: 2 sent + 1 delivered.
	waitUntil(t, "the status webhooks", func() bool {
		got := log.snapshot()
		return len(got.smsStatus) == 6 && len(got.waStatus) == 3
	})
	got := log.snapshot()
	seen := map[string][2]int{}
	for _, st := range got.smsStatus {
		v := seen[st.CorrelationID]
		if st.IsDeliveryReport() {
			v[1] = st.DeliveredStatusCode
		} else {
			v[0] = st.SentStatusCode
		}
		seen[st.CorrelationID] = v
		sc, ok := st.Status()
		if !ok {
			t.Errorf("%s: status %d/%d not in the catalogue", st.CorrelationID, st.SentStatusCode, st.DeliveredStatusCode)
		}
		if want := sc.Code == 201 || sc.Code == 215; sc.AccountLimit != want || (sc.Err() != nil) != want {
			t.Errorf("%s: %d AccountLimit %v, want %v", st.CorrelationID, sc.Code, sc.AccountLimit, want)
		}
	}
	for last, want := range smsCodes {
		if v := seen["m"+last]; v != [2]int{want.sent, want.dlr} {
			t.Errorf("SMS to %s: sent %d delivered %d, want %d %d", magic(last), v[0], v[1], want.sent, want.dlr)
		}
	}
	waSeen := map[string]int{}
	for _, st := range got.waStatus {
		sc, ok := st.Status()
		if !ok {
			t.Errorf("%s: WhatsApp status not in the catalogue: %+v", st.CorrelationID, st)
		}
		waSeen[st.CorrelationID] = max(waSeen[st.CorrelationID], sc.Code)
	}
	if waSeen["w0209"] != 209 || waSeen["w0105"] != 105 {
		t.Errorf("WhatsApp codes = %v, want 209 and 105", waSeen)
	}
}

// TestSandboxContractMagicReplies has the sandbox answer with every
// WhatsApp reply type and reads them with ParseWhatsAppMO.
func TestSandboxContractMagicReplies(t *testing.T) {
	t.Parallel()
	var log hookLog
	hooks := newHookReceiver(t, &log)
	env := newSBEnv(t, sandbox.Options{WhatsAppURL: hooks.URL + "/whatsapp", ReplyRate: -1}, wavy.Config{})
	ctx := testCtx(t)
	req := wavy.WhatsAppRequest{Message: wavy.WhatsAppMessage{Template: &wavy.Template{Namespace: "ns", ElementName: "promo"}}}
	for k := 1; k <= 8; k++ {
		last := fmt.Sprintf("100%d", k)
		req.Destinations = append(req.Destinations, wavy.WhatsAppDestination{CorrelationID: "r" + last, Destination: magic(last)})
	}
	resp, err := env.client.SendWhatsApp(ctx, req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	waitUntil(t, "eight replies", func() bool { return len(log.snapshot().waMO) == 8 })
	byCorr := map[string]wavy.WhatsAppMO{}
	for _, mo := range log.snapshot().waMO {
		byCorr[mo.CorrelationID] = mo
	}
	check := func(corr string, ok bool, what string, mo wavy.WhatsAppMO) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %s; got %+v", corr, what, mo)
		}
	}
	mo := byCorr["r1001"]
	check("r1001", mo.Message.Kind() == "TEXT" && mo.Message.MessageText == "Sim" && mo.Session != nil, "a text opening a session", mo)
	mo = byCorr["r1002"]
	check("r1002", mo.Message.Kind() == "BUTTON" && mo.Message.Payload == "sim" && mo.MessageID == resp.Destinations[1].ID, "a button with its payload, answering the message", mo)
	mo = byCorr["r1003"]
	check("r1003", mo.Message.Kind() == "IMAGE" && strings.HasPrefix(mo.Message.MediaURL, "https://") && mo.Message.MimeType == "image/jpeg", "an image", mo)
	mo = byCorr["r1004"]
	check("r1004", mo.Message.Kind() == "AUDIO" && mo.Message.MediaURL != "", "an audio", mo)
	mo = byCorr["r1005"]
	check("r1005", mo.Message.Kind() == "DOCUMENT" && mo.Message.MimeType == "application/pdf", "a document", mo)
	mo = byCorr["r1006"]
	check("r1006", mo.Message.Kind() == "LOCATION" && mo.Message.Location.Name == "MASP" && mo.Message.Location.Address != "", "a location with name and address", mo)
	mo = byCorr["r1007"]
	check("r1007", mo.Message.Kind() == "CONTACTS" && len(mo.Message.Contacts) == 1 && mo.Message.Contacts[0].Name.FormattedName == "Maria Silva" &&
		len(mo.Message.Contacts[0].Phones) == 1, "a contact card", mo)
	mo = byCorr["r1008"]
	check("r1008", mo.Message.Kind() == "TEXT" && mo.Referral != nil && mo.Referral.SourceType == "ad" && mo.Referral.HeadLine != "", "a text from an ad", mo)
}

// waitUntil polls cond for up to 10 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
