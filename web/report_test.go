package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/events"
	"arauto/internal/recipient"
	"arauto/internal/user"
	"arauto/internal/wavy"
)

// reportEnv is a console with a sent campaign of four messages: one
// delivered (VIVO), one sent to OI (no receipt), one refused by the
// carrier (103, CLARO) and one still awaiting its status.
type reportEnv struct {
	*testEnv
	campaign *campaign.Campaign
	msgIDs   []int64
}

func newReportEnv(t *testing.T) *reportEnv {
	t.Helper()
	e := newTestServer(t)
	ctx := context.Background()
	for _, u := range []struct {
		email string
		role  user.Role
	}{{"viewer@example.com", user.Viewer}, {"mkt@example.com", user.Marketer}} {
		e.addUser(t, u.email, u.role)
	}
	l := e.addReadyList(t, "Clientes",
		recipient.Recipient{Row: 2, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}},
		recipient.Recipient{Row: 3, Phone: "5521998765432", Fields: []string{"=HYPERLINK(\"http://x\")", "Niterói"}},
		recipient.Recipient{Row: 4, Phone: "5519997712322", Fields: []string{"@Maxi", "+Campinas"}},
		recipient.Recipient{Row: 5, Phone: "5531991234567", Fields: []string{"-Bia", "BH"}},
	)
	now := e.clock.now()
	c := &campaign.Campaign{RemoteID: 77, Name: "Black Friday", Alias: "bf", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}", State: campaign.Scheduled, ScheduledAt: now.Add(-time.Minute)}
	if err := e.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.store.StartCampaign(ctx, c.ID, now); err != nil {
		t.Fatal(err)
	}
	claimed, err := e.store.Claim(ctx, c.ID, 0, 10, now)
	if err != nil || len(claimed) != 4 {
		t.Fatalf("claim got %d %v, want 4", len(claimed), err)
	}
	re := &reportEnv{testEnv: e, campaign: c}
	var acc []dispatch.Accepted
	for _, m := range claimed {
		re.msgIDs = append(re.msgIDs, m.ID)
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("uuid-%d", m.ID)})
	}
	if err := e.store.Accept(ctx, c.ID, acc, now); err != nil {
		t.Fatal(err)
	}
	sent := now.Add(2 * time.Second)
	corr := func(i int) string { return dispatch.CorrelationID(c.ID, re.msgIDs[i]) }
	for _, st := range []wavy.SMSStatus{
		{ID: "s1", CorrelationID: corr(0), CarrierName: "VIVO", SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: sent,
			DeliveredStatusCode: 4, DeliveredStatus: "DELIVERED_SUCCESS", DeliveredAt: sent.Add(3 * time.Second)},
		{ID: "s2", CorrelationID: corr(1), CarrierName: "OI", SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: sent},
		{ID: "s3", CorrelationID: corr(2), CarrierName: "CLARO", SentStatusCode: 103, SentStatus: "REJECTED_BY_CARRIER", SentAt: sent},
	} {
		body := mustJSONT(t, st)
		if err := e.store.AppendEvent(ctx, &delivery.Event{Kind: delivery.KindSMSStatus, Items: 1, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	for {
		n, err := applyEvents(e.store)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	return re
}

func mustJSONT(t *testing.T, st wavy.SMSStatus) []byte {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func eventsReport() events.Event { return events.Event{Name: "report"} }

func (e *reportEnv) path(suffix string) string {
	return fmt.Sprintf("/campaigns/%d/report%s", e.campaign.ID, suffix)
}

func TestReportPage(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	if r := b.do("GET", e.path(""), nil); r.status != 303 {
		t.Fatalf("report signed out got %d, want 303 to the login", r.status)
	}
	b.signIn("viewer@example.com")
	r := b.do("GET", e.path(""), nil)
	if r.status != 200 {
		t.Fatalf("report got %d, want 200: %s", r.status, excerpt(r.body))
	}
	wantIn(t, "report", r.body,
		`data-stage="recipients"`, `data-figure="recipients">4<`, `data-figure="sent">2<`, `data-figure="delivered">1<`,
		`data-figure="noreceipt">1<`, `data-figure="failed">1<`, `data-figure-share="delivered">25,0% de 4 enviadas<`,
		"Enviadas — sem confirmação de entrega (OI/Sercomtel)", `data-carrier="OI"`, "sem confirmação de entrega",
		`data-code="103"`, "REJECTED_BY_CARRIER", `role="img"`, "<title>", `sse-connect="/campaigns/`,
		`data-outcome="delivered"`, `data-outcome="sent-no-receipt"`, `data-outcome="failed"`, `data-outcome="accepted"`,
		"São Paulo", "/report/export.xlsx")
	if m := regexp.MustCompile(`\breport\.[a-z_]+\.[a-z_]+`).FindString(r.body); m != "" {
		t.Errorf("untranslated key %q", m)
	}
}

// signInEnglish signs in a viewer who chose English.
func (e *reportEnv) signInEnglish(t *testing.T) *browser {
	t.Helper()
	e.addUser(t, "admin@example.com", user.Admin) // changing a user checks an admin remains
	e.addUser(t, "ann@example.com", user.Viewer)
	u, _ := e.store.UserByEmail(context.Background(), "ann@example.com")
	if err := e.store.SetUserLang(context.Background(), u.ID, "en"); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn("ann@example.com")
	return b
}

func TestReportInEnglish(t *testing.T) {
	e := newReportEnv(t)
	b := e.signInEnglish(t)
	r := b.do("GET", e.path(""), nil)
	wantIn(t, "english report", r.body, "Delivery funnel", "Sent — carrier gives no delivery receipt (OI/Sercomtel)", "no delivery receipt",
		"Why messages failed", "Results by carrier")
}

func TestReportFilters(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	tests := []struct {
		query string
		want  []string // outcomes of the rows shown
	}{
		{"", []string{"delivered", "sent-no-receipt", "failed", "accepted"}},
		{"?outcome=delivered", []string{"delivered"}},
		{"?outcome=sent-no-receipt", []string{"sent-no-receipt"}},
		{"?outcome=failed", []string{"failed"}},
		{"?outcome=pending", []string{"accepted"}},
		{"?code=103", []string{"failed"}},
		{"?code=6", nil},
		{fmt.Sprintf("?code=103&after=%d", e.msgIDs[2]), nil},
		{fmt.Sprintf("?code=103&before=%d", e.msgIDs[3]), []string{"failed"}},
		{fmt.Sprintf("?code=103&before=%d", e.msgIDs[2]), nil},
		{"?carrier=oi", []string{"sent-no-receipt"}},
		{"?q=%2B55+21", []string{"sent-no-receipt"}},
		{"?q=5511", []string{"delivered"}},
		{"?q=%2811%29+98765-4321", []string{"delivered"}},
		{"?q=11987654321", []string{"delivered"}},
		{"?q=4321", []string{"delivered"}},
		{"?q=0xx21+99876+5432", []string{"sent-no-receipt"}},
		{"?q=4321&outcome=failed", nil},
		{"?outcome=read", nil},
		{fmt.Sprintf("?after=%d", e.msgIDs[2]), []string{"accepted"}},
		{fmt.Sprintf("?before=%d", e.msgIDs[1]), []string{"delivered"}},
	}
	for _, tt := range tests {
		r := b.do("GET", e.path(tt.query), nil)
		if r.status != 200 {
			t.Errorf("%s got %d, want 200", tt.query, r.status)
			continue
		}
		var got []string
		for _, part := range strings.Split(r.body, `data-outcome="`)[1:] {
			got = append(got, part[:strings.IndexByte(part, '"')])
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s got rows %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestReportBadParams(t *testing.T) {
	e := newReportEnv(t)
	var tests []handlerTest
	for _, q := range []string{"?outcome=bogus", "?code=abc", "?code=-4", "?after=-1", "?before=x", "?q=abc", "?q=" + strings.Repeat("9", 30),
		"?carrier=" + strings.Repeat("A", 80)} {
		for _, suffix := range []string{"", "/export.csv", "/export.xlsx"} {
			tests = append(tests, handlerTest{as: "viewer@example.com", method: "GET", path: e.path(suffix + q), want: 400})
		}
	}
	for _, p := range []string{"/campaigns/999/report", "/campaigns/abc/report", "/campaigns/999/report/export.csv", "/campaigns/999/report/live"} {
		tests = append(tests, handlerTest{as: "viewer@example.com", method: "GET", path: p, want: 404})
	}
	runHandlerTests(t, e.testEnv, tests)
}

func TestReportExportCSV(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	r := b.do("GET", e.path("/export.csv"), nil)
	if r.status != 200 {
		t.Fatalf("csv got %d, want 200", r.status)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if len(recs) != 5 {
		t.Fatalf("csv got %d records, want a header and 4 rows", len(recs))
	}
	wantHead := []string{"Número", "nome", "cidade", "Situação", "Código", "Nome do código", "Significado", "Operadora"}
	for i, w := range wantHead {
		if recs[0][i] != w {
			t.Errorf("header %d got %q, want %q", i, recs[0][i], w)
		}
	}
	if !strings.Contains(recs[0][8], "America/Sao_Paulo") {
		t.Errorf("time header got %q, want the zone named", recs[0][8])
	}
	checks := []struct {
		row, col int
		want     string
	}{
		{1, 0, "5511987654321"},
		{1, 3, "Entregue"},
		{1, 4, "4"},
		{1, 7, "VIVO"},
		{1, 9, "22/11/2026 09:00"}, // sent, in the reader's zone (Brasília time)
		{2, 1, "'=HYPERLINK(\"http://x\")"},
		{2, 3, "Enviada — sem confirmação de entrega"},
		{3, 1, "'@Maxi"},
		{3, 2, "'+Campinas"},
		{3, 4, "103"},
		{3, 5, "REJECTED_BY_CARRIER"},
		{3, 9, ""},                  // refused: never delivered to a carrier, so no time there
		{3, 10, ""},                 // nor to a handset
		{1, 10, "22/11/2026 09:00"}, // delivered to the handset, same zone
		{4, 1, "'-Bia"},
		{4, 3, "Aceita pela Wavy"},
	}
	for _, c := range checks {
		if got := recs[c.row][c.col]; got != c.want {
			t.Errorf("csv [%d][%d] got %q, want %q", c.row, c.col, got, c.want)
		}
	}
	if !strings.HasPrefix(recs[3][6], "Rejeitad") && recs[3][6] == "" {
		t.Errorf("meaning of 103 got %q, want the Portuguese meaning", recs[3][6])
	}
	// A filtered export has only the matching rows.
	r = b.do("GET", e.path("/export.csv?outcome=failed"), nil)
	if n := strings.Count(strings.TrimSpace(r.body), "\n"); n != 1 {
		t.Errorf("filtered csv got %d rows, want 1", n)
	}
}

func TestReportExportXLSX(t *testing.T) {
	e := newReportEnv(t)
	b := e.signInEnglish(t)
	r := b.do("GET", e.path("/export.xlsx"), nil)
	if r.status != 200 {
		t.Fatalf("xlsx got %d, want 200", r.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("xlsx got %d rows, want 5", len(rows))
	}
	for _, c := range []struct {
		row, col int
		want     string
	}{
		{0, 0, "Number"}, {1, 0, "5511987654321"}, {1, 3, "Delivered"}, {2, 1, `'=HYPERLINK("http://x")`},
		{3, 1, "'@Maxi"}, {3, 2, "'+Campinas"}, {4, 1, "'-Bia"}, {3, 4, "103"},
	} {
		if got := rows[c.row][c.col]; got != c.want {
			t.Errorf("xlsx [%d][%d] got %q, want %q", c.row, c.col, got, c.want)
		}
	}
	if !strings.Contains(rows[3][6], "carrier") {
		t.Errorf("meaning in English got %q", rows[3][6])
	}
	for _, row := range rows {
		for _, v := range row {
			if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
				t.Errorf("xlsx cell %q starts with a formula character", v)
			}
		}
	}
}

func TestReportLiveStream(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	r := b.do("GET", e.path("/live"), nil)
	wantIn(t, "live fragment", r.body, `data-figure="delivered">1<`)
	if strings.Contains(r.body, "<html") {
		t.Errorf("the live fragment is a whole page")
	}
	// The stream: open the real server and read the first frame after a
	// "report" event.
	old := liveMinGap
	liveMinGap = 10 * time.Millisecond
	defer func() { liveMinGap = old }()
	req := httptest.NewRequest("GET", e.path("/events"), nil)
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(cs, "; "))
	go func() {
		time.Sleep(100 * time.Millisecond)
		e.srv.hub.Publish(fmt.Sprintf("campaign:%d", e.campaign.ID), eventsReport())
		time.Sleep(50 * time.Millisecond)
		close(e.srv.closing)
	}()
	resp, err := e.srv.App().Test(req, 3000)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	if !strings.HasPrefix(out.String(), ": open") {
		t.Errorf("stream got %q, want it to open with a comment", out.String())
	}
}

func TestDashboardRecent(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	r := b.do("GET", "/", nil)
	wantIn(t, "dashboard", r.body, "Últimos 30 dias", `data-dash-row="`, "Black Friday", `data-figure="submitted">4<`, `data-dash-row="sms"`,
		e.path(""), `data-figure="billed">2<`)
	if strings.Contains(r.body, `class="checklist"`) {
		t.Errorf("dashboard with campaigns still shows the checklist")
	}
	empty := newTestServer(t)
	empty.addUser(t, "v@example.com", user.Viewer)
	b2 := empty.browser(t)
	b2.signIn("v@example.com")
	if r := b2.do("GET", "/", nil); !strings.Contains(r.body, `class="checklist"`) {
		t.Errorf("dashboard without campaigns got no checklist")
	}
}
