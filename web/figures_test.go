package web

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/recipient"
	"arauto/internal/sms"
	"arauto/internal/wavy"
	"arauto/store"
)

// sixRecipients is the campaign: a message of one segment as
// written that takes two for five of its six recipients once their names
// are filled in (63 UTF-16 units plus the name, billed per 70).
var sixRecipients = []recipient.Recipient{
	{Row: 2, Phone: "5511987654321", Fields: []string{"Maria Aparecida Souza"}},
	{Row: 3, Phone: "5521998765432", Fields: []string{"Bernardo Luiz Alves"}},
	{Row: 4, Phone: "5519997712322", Fields: []string{"Joaquim Pereira Lima"}},
	{Row: 5, Phone: "5531991234567", Fields: []string{"Francisca Oliveira"}},
	{Row: 6, Phone: "5541992345678", Fields: []string{"Sebastião Rodrigues"}},
	{Row: 7, Phone: "5551993456789", Fields: []string{"Ana"}},
}

const sixBody = "Olá {{nome}}, sua fatura de dezembro já está disponível no app."

// smsCompiler renders as the console's dispatcher does, under the billing
// rule saved in the test's settings.
var smsCompiler = dispatch.SMSCompiler(func(context.Context) (sms.Rule, error) { return sms.Default, nil })

// acceptAll is a provider that takes every message.
type acceptAll struct{}

func (acceptAll) Send(_ context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	out := make([]dispatch.Accepted, len(b.Messages))
	for i, m := range b.Messages {
		out[i] = dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("uuid-%d", m.ID)}
	}
	return out, nil
}

func (acceptAll) Find(context.Context, []string) (map[string]string, error) { return nil, nil }

// sixCampaign launches the six-recipient campaign through the pages, sends
// it with the dispatcher to a provider that takes everything, and applies
// its statuses: four delivered, one sent to Oi (no receipt), one refused by
// the carrier.
func sixCampaign(t *testing.T) (*sendEnv, *campaign.Campaign) {
	t.Helper()
	e := newSendEnv(t)
	ctx := context.Background()
	e.list = e.addReadyList(t, "Seis", sixRecipients...)
	c := e.create(t, e.b, "Fatura de dezembro", "")
	e.prepare(t, c, sixBody, nil)
	if r := e.b.do("GET", e.path(c, "/review"), nil); r.status != 200 {
		t.Fatalf("review got %d", r.status)
	}
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	w := dispatch.New(e.store, acceptAll{}, dispatch.Config{Now: e.clock.now, PollInterval: 10 * time.Millisecond, Compile: smsCompiler},
		slog.New(slog.DiscardHandler))
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	for end := time.Now().Add(5 * time.Second); e.reload(t, c).State != campaign.Completed && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done
	if cp := e.reload(t, c); cp.State != campaign.Completed {
		t.Fatalf("campaign state got %s after sending, want completed", cp.State)
	}
	page, err := e.store.CampaignMessages(ctx, c.ID, store.MessageFilter{}, 0, 0, 10)
	if err != nil || len(page.Rows) != 6 {
		t.Fatalf("messages got %d %v, want 6", len(page.Rows), err)
	}
	at := e.clock.now()
	carriers := []string{"VIVO", "CLARO", "TIM", "VIVO", "OI", "CLARO"}
	for i, m := range page.Rows {
		st := wavy.SMSStatus{ID: fmt.Sprintf("s%d", i), CorrelationID: dispatch.CorrelationID(c.ID, m.ID), CarrierName: carriers[i],
			SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: at}
		switch i {
		case 4: // Oi: sent, never a receipt
		case 5:
			st.SentStatusCode, st.SentStatus = 103, "REJECTED_BY_CARRIER"
		default:
			st.DeliveredStatusCode, st.DeliveredStatus, st.DeliveredAt = 4, "DELIVERED_SUCCESS", at.Add(5e9)
		}
		if err := e.store.AppendEvent(ctx, &delivery.Event{Kind: delivery.KindSMSStatus, Items: 1, Body: mustJSONT(t, st)}); err != nil {
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
	return e, e.reload(t, c)
}

// attr reads the text of the element carrying the attribute, tags removed.
func attr(body, attribute string) string {
	re := regexp.MustCompile(regexp.QuoteMeta(attribute) + `[^>]*>(.*?)</(dd|span|td|strong|p|li|small)>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "(absent)"
	}
	return strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
}

// TestOneCampaignSameFiguresEverywhere is the six-recipient
// campaign, whose pages disagreed (dashboard "Segmentos cobrados 5" against
// the pre-flight's 11; the dashboard's 100% delivered against the funnel's
// 66,7%; "Falharam 0" on the campaign page against 1 in the report; "1
// segmento" while five messages take two). Every page and the CSV export
// now show the same figures, each percentage with its denominator.
func TestOneCampaignSameFiguresEverywhere(t *testing.T) {
	e, c := sixCampaign(t)
	ctx := context.Background()
	// R$ 0,045 per billed SMS segment.
	if err := e.store.SaveSettings(ctx, map[string]string{billing.SettingSMSPrice: "450"}); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{
		"dashboard":     e.b.do("GET", "/", nil).body,
		"campaign page": e.b.do("GET", e.path(c, ""), nil).body,
		"report":        e.b.do("GET", e.path(c, "/report"), nil).body,
	}
	want := map[string]string{
		`data-figure="submitted"`:       "6",
		`data-figure="delivered"`:       "4",
		`data-figure-share="delivered"`: "66,7% de 6 enviadas",
		`data-figure="failed"`:          "1",
		`data-figure-share="failed"`:    "16,7% de 6 destinatários",
		`data-figure="billed"`:          "10", // Ana's refused message is not billed
		`data-figure="cost"`:            "R$ 0,45",
	}
	for name, body := range pages {
		for a, w := range want {
			if got := attr(body, a); got != w {
				t.Errorf("%s: %s got %q, want %q", name, a, got, w)
			}
		}
	}
	for _, name := range []string{"campaign page", "report"} {
		if got := attr(pages[name], `data-figure-share="estimated"`); got != "de 11 estimados" {
			t.Errorf("%s: the estimate beside the billed segments got %q, want the pre-flight's 11", name, got)
		}
	}
	if got := attr(pages["campaign page"], `data-figure="estimated"`); got != "11 segmentos estimados na revisão" {
		t.Errorf("campaign page message card got %q, want the 11 segments the review counted", got)
	}
	if got := block(pages["report"], `data-reason="103"`, "</li>"); !strings.Contains(got, "Recusada pela operadora 1 16,7% de 6 destinatários") {
		t.Errorf("report failures got %q, want the carrier's refusal once, over 6 recipients", got)
	}

	// The export: one row per recipient, whose outcomes and billed segments
	// add up to the same figures.
	csv := e.b.do("GET", e.path(c, "/report/export.csv"), nil).body
	rows := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv, "\ufeff")), "\n")
	if len(rows) != 7 {
		t.Fatalf("export got %d lines, want a header and 6 rows:\n%s", len(rows), csv)
	}
	head := strings.Split(strings.TrimSpace(rows[0]), ";")
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("export header %q lacks %q", rows[0], name)
		return -1
	}
	outcome, segs, cost := col("Situação"), col("Segmentos cobrados"), col("Custo (R$)")
	var delivered, failed, billed int
	var cents int
	for _, r := range rows[1:] {
		f := strings.Split(strings.TrimSpace(r), ";")
		switch f[outcome] {
		case "Entregue":
			delivered++
		case "Falhou":
			failed++
		}
		var n int
		fmt.Sscan(f[segs], &n)
		billed += n
		var reais, cs int
		fmt.Sscanf(f[cost], "%d,%d", &reais, &cs)
		cents += reais*100 + cs
	}
	if delivered != 4 || failed != 1 || billed != 10 {
		t.Errorf("export adds up to %d delivered, %d failed, %d billed segments; want 4, 1, 10 as the pages:\n%s", delivered, failed, billed, csv)
	}
	if cents < 44 || cents > 46 {
		t.Errorf("export's costs add up to %d cents, want about 45 (R$ 0,45; each row rounded):\n%s", cents, csv)
	}
}

// block reads the text from the element carrying the attribute to end,
// tags removed and spaces collapsed.
func block(body, attribute, end string) string {
	i := strings.Index(body, attribute)
	if i < 0 {
		return "(absent)"
	}
	rest := body[i:]
	if j := strings.Index(rest, end); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.IndexByte(rest, '>'); j >= 0 {
		rest = rest[j+1:]
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(rest, " ")
	return strings.Join(strings.Fields(html.UnescapeString(text)), " ")
}
