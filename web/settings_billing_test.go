package web

import (
	"context"
	"net/url"
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
