package web

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/user"
)

var secretRE = regexp.MustCompile(`id="new-secret"[^>]*value="([^"]+)"`)

// TestTokenSecretIsShownOnceAndNeverKept: the page shows the secret on
// the answer to the form, and nowhere after; the cookie, the log and the
// database never hold it.
func TestTokenSecretIsShownOnceAndNeverKept(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	b := e.browser(t)
	b.signIn("admin@example.com")
	b.do("GET", "/automation/tokens", nil)
	r := b.post("/automation/tokens", url.Values{"name": {"CRM da loja"}, "role": {"marketer"}, "rate": {"120"}})
	m := secretRE.FindStringSubmatch(r.body)
	if r.status != 201 || m == nil || !apitoken.LooksLikeSecret(m[1]) {
		t.Fatalf("got %d without a secret, want 201 showing it", r.status)
	}
	secret := m[1]
	again := b.do("GET", "/automation/tokens", nil)
	if strings.Contains(again.body, secret) || !strings.Contains(again.body, "CRM da loja") {
		t.Error("the secret is shown again, or the token is not listed")
	}
	for k, v := range b.cookies {
		if strings.Contains(v, secret) {
			t.Errorf("cookie %s holds the secret", k)
		}
	}
	if strings.Contains(e.logs.String(), secret) {
		t.Error("the log holds the secret")
	}
	tok, err := e.store.TokenByHash(context.Background(), apitoken.Hash(secret))
	if err != nil || tok.RatePerMinute != 120 || tok.Role != user.Marketer || tok.Hint != secret[len(secret)-4:] {
		t.Fatalf("got %+v, %v; want the token stored by its hash", tok, err)
	}
	bad := b.post("/automation/tokens", url.Values{"name": {""}, "role": {"marketer"}, "expires": {"2020-01-01"}})
	if bad.status != 422 || !strings.Contains(bad.body, "Dê um nome ao token") || !strings.Contains(bad.body, "Escolha uma data a partir de hoje") {
		t.Errorf("got %d, want 422 naming the name and the past date", bad.status)
	}
	b.do("GET", "/automation/tokens", nil)
	if r := b.post("/automation/tokens/"+strconv.FormatInt(tok.ID, 10)+"/revoke", nil); r.status != 303 {
		t.Fatalf("revoke: got %d", r.status)
	}
	if tok, _ = e.store.TokenByID(context.Background(), tok.ID); tok.RevokedAt.IsZero() {
		t.Error("the token was not revoked")
	}
	es, _ := e.store.AuditEntries(context.Background(), audit.Filter{})
	var actions []string
	for _, en := range es {
		actions = append(actions, string(en.Action))
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "token.created") || !strings.Contains(got, "token.revoked") || !strings.Contains(got, "auth.sign_in") {
		t.Errorf("got audit %s, want the sign-in, the creation and the revocation", got)
	}
}

func TestAutomationPagesAreForAdmins(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	var tests []handlerTest
	for _, p := range []string{"/automation/tokens", "/automation/webhooks", "/audit", "/audit/export.csv"} {
		tests = append(tests, handlerTest{as: "mkt@example.com", method: "GET", path: p, want: 403})
	}
	tests = append(tests, handlerTest{name: "the API documentation lists the operations", as: "mkt@example.com", method: "GET", path: "/api-docs",
		want: 200, wantIn: []string{"/api/v1/messages"}})
	runHandlerTests(t, e, tests)
}

func TestWebhookReceiverForm(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	b := e.browser(t)
	b.signIn("admin@example.com")
	b.do("GET", "/automation/webhooks", nil)
	bad := b.post("/automation/webhooks", url.Values{"url": {"ftp://crm"}})
	if bad.status != 422 || !strings.Contains(bad.body, "https://") || !strings.Contains(bad.body, "ao menos um evento") {
		t.Fatalf("got %d, want 422 naming the address and the events", bad.status)
	}
	r := b.post("/automation/webhooks", url.Values{"url": {"https://crm.example.com/hook"}, "events": {"message.delivered", "campaign.state_changed"}})
	m := secretRE.FindStringSubmatch(r.body)
	if r.status != 201 || m == nil || !strings.HasPrefix(m[1], "whsec_") {
		t.Fatalf("got %d, want 201 showing the signing secret once", r.status)
	}
	eps, err := e.store.ActiveEndpoints(context.Background())
	if err != nil || len(eps) != 1 || eps[0].Secret != m[1] || len(eps[0].Events) != 2 {
		t.Fatalf("got %+v, %v", eps, err)
	}
}

// TestAuditExportIsFormulaSafe: a name that would be a formula in a
// spreadsheet is exported as text.
func TestAuditExportIsFormulaSafe(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	ctx := context.Background()
	en := audit.Entry{At: e.clock.now(), Actor: audit.Actor{Kind: audit.ActorToken, Name: "=HYPERLINK(\"http://x\")"}, Action: audit.ListUploaded, TargetKind: "list", TargetID: "7", TargetName: "+cmd|' /C calc'!A0"}
	if err := e.store.AppendAudit(ctx, &en); err != nil {
		t.Fatal(err)
	}
	runHandlerTests(t, e, []handlerTest{
		{name: "filtered page", as: "admin@example.com", method: "GET", path: "/audit?action=list.uploaded", want: 200,
			wantIn: []string{"Enviou lista"}, wantOut: []string{`data-action="auth.sign_in"`}},
		{name: "formula-like cells are exported as text", as: "admin@example.com", method: "GET", path: "/audit/export.csv?action=list.uploaded",
			want: 200, wantIn: []string{"'=HYPERLINK", "'+cmd"}, wantOut: []string{";=HYPERLINK", ";+cmd"}},
	})
}
