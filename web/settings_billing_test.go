package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"arauto/internal/billing"
	"arauto/internal/sms"
	"arauto/internal/user"
)

// TestBillingSettings: an admin chooses the rule, the accents switch and
// the prices; a price that is not one is refused with the field named and
// nothing saved; only admins may.
func TestBillingSettings(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	admin, mkt := e.browser(t), e.browser(t)
	admin.signIn("admin@example.com")
	mkt.signIn("mkt@example.com")
	ctx := context.Background()
	saved := func() billing.Settings {
		t.Helper()
		m, err := e.store.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return billing.Load(m)
	}

	page := admin.do("GET", "/settings", nil)
	wantIn(t, "settings page", page.body, "Cobrança e preços", `value="wavy" checked`, "Preço por SMS cobrado", "Quebras de linha contam como 1 caractere")

	r := admin.post("/settings/billing", url.Values{"rule": {"gsm"}, "accents": {"1"}, "sms_price": {"0,045"}, "whatsapp_price": {"R$ 0,35"}})
	if r.status != 303 || r.location != "/settings#billing" {
		t.Fatalf("save got %d %q, want 303 to /settings#billing", r.status, r.location)
	}
	want := billing.Settings{Rule: sms.GSM, Accents: true, SMSPrice: 450, WhatsAppPrice: 3500}
	if got := saved(); got != want {
		t.Errorf("saved got %+v, want %+v", got, want)
	}
	page = admin.do("GET", "/settings", nil)
	wantIn(t, "settings after saving", page.body, "Regra de contagem e preços salvos.", `value="gsm" checked`, `value="0,045"`, `value="0,35"`)

	r = admin.post("/settings/billing", url.Values{"rule": {"wavy"}, "sms_price": {"seis centavos"}, "whatsapp_price": {"0,40"}})
	if r.status != 422 {
		t.Fatalf("bad price got %d, want 422", r.status)
	}
	wantIn(t, "refused price", r.body, "“seis centavos” não é um preço", "Corrija os preços marcados: nada foi salvo.", `value="seis centavos"`)
	if got := saved(); got != want {
		t.Errorf("a refused form changed the settings to %+v", got)
	}

	// Blank prices go back to counts only.
	admin.do("GET", "/settings", nil)
	admin.post("/settings/billing", url.Values{"rule": {"wavy"}})
	if got := saved(); got != (billing.Settings{Rule: sms.Wavy}) {
		t.Errorf("blank form saved %+v, want the defaults", got)
	}

	if r := mkt.post("/settings/billing", url.Values{"rule": {"gsm"}}); r.status != 403 {
		t.Errorf("a marketer saving billing got %d, want 403", r.status)
	}
}

// TestBillingRuleInForceCounts: the rule saved in Settings is the one the
// composer counts by: "José" stays in the 160 table under GSM 03.38 and
// bills the message per 70 under Wavy's table.
func TestBillingRuleInForceCounts(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	admin, mkt := e.browser(t), e.browser(t)
	admin.signIn("admin@example.com")
	mkt.signIn("mkt@example.com")
	admin.do("GET", "/settings", nil)
	mkt.do("GET", "/templates/new", nil)
	body := "Oi José, " + strings.Repeat("x", 80)
	segments := regexp.MustCompile(`data-stat="segments"[^>]*>\s*(\d+)\s*<`)
	encoding := regexp.MustCompile(`data-stat="encoding"[^>]*>\s*([^<]+?)\s*<`)
	for _, tt := range []struct{ rule, segments, encoding string }{
		{"wavy", "2", "UCS-2"},
		{"gsm", "1", "GSM-7"},
		{"wavy", "2", "UCS-2"},
	} {
		if r := admin.post("/settings/billing", url.Values{"rule": {tt.rule}}); r.status != 303 {
			t.Fatalf("saving rule %s got %d", tt.rule, r.status)
		}
		r := mkt.post("/compose/count", url.Values{"body": {body}})
		if r.status != 200 {
			t.Fatalf("count got %d", r.status)
		}
		s, enc := segments.FindStringSubmatch(r.body), encoding.FindStringSubmatch(r.body)
		if s == nil || enc == nil || s[1] != tt.segments || enc[1] != tt.encoding {
			t.Errorf("rule %s: counter got segments %v, encoding %v; want %s, %s", tt.rule, s, enc, tt.segments, tt.encoding)
		}
	}
}
