package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"arauto/internal/config"
	"arauto/internal/user"
)

// TestWhatsAppSessionSettings: only admins save the customerId whose open
// WhatsApp sessions the provider lists; a wrong value is refused on its
// field; empty clears it.
func TestWhatsAppSessionSettings(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	ctx := context.Background()
	ids := url.Values{"customer_id": {"4711"}}
	runHandlerTests(t, e, []handlerTest{
		{as: "mkt@example.com", method: "POST", path: "/settings/whatsapp", form: ids, want: 403},
	})
	b := e.browser(t)
	b.signIn("admin@example.com")
	if r := b.do("GET", "/settings", nil); !strings.Contains(r.body, "WhatsApp: conversas abertas") {
		t.Fatalf("settings page lacks the WhatsApp sessions card")
	}
	tests := []struct {
		name          string
		form          url.Values
		status        int
		want          string
		saved, saved2 string
	}{
		{"not a number", url.Values{"customer_id": {"abc"}}, 422, "Use só números", "", ""},
		{"zero", url.Values{"customer_id": {"0"}}, 422, "Use só números", "", ""},
		{"bad sub-account", url.Values{"customer_id": {"42"}, "sub_account_id": {"-3"}}, 422, "Use só números", "", ""},
		{"good", url.Values{"customer_id": {" 4711 "}, "sub_account_id": {"0"}}, 303, "", "4711", "0"},
		{"cleared", url.Values{"customer_id": {""}}, 303, "", "", ""},
	}
	for _, tt := range tests {
		r := b.post("/settings/whatsapp", tt.form)
		if r.status != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("%s: got %d, want %d with %q", tt.name, r.status, tt.status, tt.want)
		}
		if tt.status == 303 {
			c, _ := e.store.Setting(ctx, config.SettingWhatsAppCustomerID)
			s, _ := e.store.Setting(ctx, config.SettingWhatsAppSubAccountID)
			if c != tt.saved || s != tt.saved2 {
				t.Errorf("%s: saved %q/%q, want %q/%q", tt.name, c, s, tt.saved, tt.saved2)
			}
		}
		b.do("GET", "/settings", nil)
	}
}
