package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"arauto/internal/abtest"
	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/user"
)

// TestABTestEditor: a marketer writes variant B with the composer and the
// test's settings; an unknown placeholder is refused naming it and the
// variant, each bad setting on its own field; the saved test shows on the
// campaign page; a viewer cannot change it and a WhatsApp campaign has
// none.
func TestABTestEditor(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := e.launchable(t, "Teste AB")
	wantIn(t, "editor", e.b.do("GET", e.path(c, "/abtest"), nil).body, `id="abtest-form"`, `name="share"`, `value="20"`, "Adicionar variante B")
	wantIn(t, "variant editor", e.b.do("GET", e.path(c, "/abtest/variant/2"), nil).body, `name="variant_b"`, `id="composer-meter"`)
	if r := e.b.do("GET", e.path(c, "/abtest/variant/3"), nil); r.status != 404 {
		t.Errorf("variant C before B got %d, want 404", r.status)
	}
	r := e.b.post(e.path(c, "/abtest/variant/2"), url.Values{"variant_b": {"Oi {{nome}}, use {{cupom}}"}})
	if r.status != 422 {
		t.Fatalf("unknown placeholder got %d, want 422", r.status)
	}
	wantIn(t, "unknown placeholder", html.UnescapeString(r.body), "{{cupom}}", "A variante B não foi salva", `aria-invalid="true"`)
	if r := e.b.post(e.path(c, "/abtest/variant/2"), url.Values{"variant_b": {"Olá {{nome}}, oferta B"}}); r.status != 303 {
		t.Fatalf("save variant B got %d: %s", r.status, excerpt(r.body))
	}
	tests := []struct {
		name  string
		v     url.Values
		wants []string
	}{
		{"share too big", url.Values{"share": {"70"}, "criterion": {"delivery"}, "wait_hours": {"4"}}, []string{`id="ab-share-error"`, "entre 5 e 50"}},
		{"share not a number", url.Values{"share": {"vinte"}, "criterion": {"delivery"}, "wait_hours": {"4"}}, []string{`id="ab-share-error"`}},
		{"wait too long", url.Values{"share": {"20"}, "criterion": {"reply"}, "wait_hours": {"100"}}, []string{`id="ab-wait-error"`, "entre 1 e 72"}},
		{"clicks without tracking", url.Values{"share": {"20"}, "criterion": {"click"}, "wait_hours": {"4"}}, []string{`id="ab-criterion-error"`, "rastreamento de links"}},
		{"unknown criterion", url.Values{"share": {"20"}, "criterion": {"sorte"}, "manual": {"1"}}, []string{`id="ab-criterion-error"`}},
	}
	for _, tt := range tests {
		r := e.b.post(e.path(c, "/abtest"), tt.v)
		if r.status != 422 {
			t.Errorf("%s: status got %d, want 422", tt.name, r.status)
		}
		wantIn(t, tt.name, html.UnescapeString(r.body), tt.wants...)
	}
	if r := e.b.post(e.path(c, "/abtest"), url.Values{"share": {"30"}, "criterion": {"reply"}, "manual": {"1"}}); r.status != 303 {
		t.Fatalf("save settings got %d: %s", r.status, excerpt(r.body))
	}
	got := e.reload(t, c).ABTest
	if got.Share != 30 || got.Criterion != "reply" || !got.Manual || len(got.Others) != 1 || got.Others[0] != "Olá {{nome}}, oferta B" {
		t.Fatalf("stored %+v, want B, 30%%, reply, by hand", got)
	}
	wantIn(t, "campaign page", html.UnescapeString(e.b.do("GET", e.path(c, ""), nil).body), `data-section="abtest"`, "2 variantes, 30% da lista no teste")

	e.addUser(t, "viewer-ab@example.com", user.Viewer)
	v := e.browser(t)
	v.signIn("viewer-ab@example.com")
	v.do("GET", e.path(c, ""), nil)
	if r := v.post(e.path(c, "/abtest"), url.Values{"remove": {"1"}}); r.status != 403 {
		t.Errorf("a viewer removing the test got %d, want 403", r.status)
	}
	wa := &campaign.Campaign{RemoteID: 913, Name: "Zap AB", Alias: "zap-ab", Channel: campaign.WhatsApp, ListID: e.list.ID}
	if err := e.store.CreateCampaign(ctx, wa); err != nil {
		t.Fatal(err)
	}
	if r := e.b.do("GET", e.path(wa, "/abtest"), nil); r.status != 404 {
		t.Errorf("a WhatsApp campaign's test page got %d, want 404", r.status)
	}
}

// TestABTestPreflightRefusesABadVariant: a variant too long once
// personalised, or with a placeholder the list lacks, blocks the launch,
// named.
func TestABTestPreflightRefusesABadVariant(t *testing.T) {
	long := strings.Repeat("a", 1272) + "{{nome}}" // 1280 written; 1283 for Maximiliano
	links := strings.Repeat("https://loja.example.com/a ", 9)
	tests := []struct {
		name, text, want string
		track            bool
	}{
		{"too long for a recipient", long, "passariam de 1280 caracteres depois de preenchidas e seriam recusadas: 1.", false},
		{"unknown placeholder", "Oi {{cupom}}", "{{cupom}}", false},
		{"too many tracked links together", links, "mais de 16 links rastreados", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSendEnv(t)
			c := e.launchable(t, "AB ruim")
			others := []string{"Oi {{nome}}!", tt.text}
			if tt.track {
				others[0] = links
				if err := e.store.SetCampaignClickTracking(context.Background(), c.ID, true, e.clock.now()); err != nil {
					t.Fatal(err)
				}
			}
			set := abtest.Settings{Others: others, Share: 20, Criterion: "delivery", Manual: true}
			if err := e.store.SetCampaignABTest(context.Background(), c.ID, set, e.clock.now()); err != nil {
				t.Fatal(err)
			}
			r := e.b.do("GET", e.path(c, "/review"), nil)
			want := []string{`data-check="abtest" data-status="fail"`, tt.want}
			if !tt.track {
				want = append(want, "Variante C:")
			}
			wantIn(t, "review", html.UnescapeString(r.body), want...)
			if r := e.b.post(e.path(c, "/launch"), nil); r.status != 422 {
				t.Errorf("launch got %d, want 422", r.status)
			}
			if got := e.reload(t, c); got.State != campaign.Draft {
				t.Errorf("refused launch left the campaign %s", got.State)
			}
		})
	}
}

// TestChooseWinnerByHand: on a running test's report a marketer chooses a
// variant (confirmed, CSRF-checked, audited); the remainder is released
// once; a second choice changes nothing; a viewer cannot choose.
func TestChooseWinnerByHand(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := e.launchable(t, "AB à mão")
	set := abtest.Settings{Others: []string{"Olá {{nome}}, B"}, Share: 50, Criterion: "delivery", Manual: true}
	if err := e.store.SetCampaignABTest(ctx, c.ID, set, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	report := html.UnescapeString(e.b.do("GET", e.path(c, "/report"), nil).body)
	wantIn(t, "report", report, `id="ab-figures"`, `data-ab-row="A"`, `data-ab-row="B"`, "O vencedor será escolhido à mão", "Escolher B agora",
		"1 destinatário aguarda o vencedor.")
	e.addUser(t, "viewer-ab2@example.com", user.Viewer)
	v := e.browser(t)
	v.signIn("viewer-ab2@example.com")
	if r := v.do("GET", e.path(c, "/report"), nil); strings.Contains(r.body, "Escolher B agora") {
		t.Errorf("a viewer's report offers the choice")
	}
	if r := v.post(e.path(c, "/abtest/choose"), url.Values{"variant": {"2"}}); r.status != 403 {
		t.Errorf("a viewer choosing got %d, want 403", r.status)
	}
	if r := e.b.post(e.path(c, "/abtest/choose"), url.Values{"variant": {"9"}}); r.status != 400 {
		t.Errorf("a variant the test lacks got %d, want 400", r.status)
	}
	if r := e.b.post(e.path(c, "/abtest/choose"), url.Values{"variant": {"2"}}); r.status != 303 {
		t.Fatalf("choose got %d: %s", r.status, excerpt(r.body))
	}
	st, err := e.store.CampaignABTest(ctx, c.ID)
	if err != nil || st.Winner != 2 || st.Reason != "hand" || st.DecidedBy == "" {
		t.Fatalf("after the choice %+v %v, want B by hand by the marketer", st, err)
	}
	counts, _ := e.store.CampaignCounts(ctx, c.ID)
	if counts["held"] != 0 || counts["queued"] != 3 {
		t.Errorf("counts after the choice %v, want all 3 queued", counts)
	}
	r := e.b.follow(e.b.post(e.path(c, "/abtest/choose"), url.Values{"variant": {"1"}}))
	wantIn(t, "second choice", html.UnescapeString(r.body), "já foi escolhido", "A variante B foi escolhida à mão por")
	if st, _ := e.store.CampaignABTest(ctx, c.ID); st.Winner != 2 {
		t.Errorf("a second choice changed the winner to %d", st.Winner)
	}
	// The export says which variant each recipient got: the test share its
	// own, the rest the winner's, marked as the remainder.
	csv := e.b.do("GET", e.path(c, "/report/export.csv"), nil).body
	wantIn(t, "export", csv, "Variante A/B")
	if n := strings.Count(csv, ";B (restante)"); n != 1 {
		t.Errorf("export has %d remainder rows with B, want 1:\n%s", n, csv)
	}
	if n := strings.Count(csv, ";A\r\n") + strings.Count(csv, ";B\r\n") + strings.Count(csv, ";A\n") + strings.Count(csv, ";B\n"); n != 2 {
		t.Errorf("export has %d test rows, want 2:\n%s", n, csv)
	}
	entries, err := e.store.AuditEntries(ctx, audit.Filter{Action: audit.CampaignWinnerChosen})
	if err != nil || len(entries) != 1 {
		t.Errorf("audit has %d winner choices, want 1", len(entries))
	}
}

// TestAPIShowsTheABTest: the campaign resource carries the variants and,
// once chosen, the winner (checked against the OpenAPI document).
func TestAPIShowsTheABTest(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	c := &campaign.Campaign{RemoteID: 921, Name: "AB API", Alias: "ab-api", Channel: campaign.SMS, Message: "Oi A"}
	if err := e.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	plain := &campaign.Campaign{RemoteID: 922, Name: "Sem AB", Alias: "sem-ab", Channel: campaign.SMS, Message: "Oi"}
	if err := e.store.CreateCampaign(ctx, plain); err != nil {
		t.Fatal(err)
	}
	set := abtest.Settings{Others: []string{"Oi B", "Oi C"}, Share: 25, Criterion: "reply", Wait: 6 * time.Hour}
	if err := e.store.SetCampaignABTest(ctx, c.ID, set, time.Now()); err != nil {
		t.Fatal(err)
	}
	a := e.call(t, secret, "GET", fmt.Sprintf("%s/campaigns/%d", apiPrefix, c.ID), nil)
	if a.status != 200 {
		t.Fatalf("get got %d: %s", a.status, a.body)
	}
	got := fmt.Sprint(a.json(t)["ab_test"])
	want := "map[criterion:reply manual:false share:25 variants:[map[message:Oi A name:A] map[message:Oi B name:B] map[message:Oi C name:C]] wait_hours:6 winner:<nil>]"
	if got != want {
		t.Errorf("ab_test got %s, want %s", got, want)
	}
	if a := e.call(t, secret, "GET", fmt.Sprintf("%s/campaigns/%d", apiPrefix, plain.ID), nil); a.status != 200 || a.json(t)["ab_test"] != nil {
		t.Errorf("a campaign without a test got %d with ab_test %v, want none", a.status, a.json(t)["ab_test"])
	}
}
