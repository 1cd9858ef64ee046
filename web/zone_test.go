package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"arauto/internal/config"
	"arauto/internal/user"
)

// The organisation's zone and a person's own zone change every time on
// every page, and the page names the zone once.
func TestTimeZones(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	admin, mkt := e.browser(t), e.browser(t)
	admin.signIn("admin@example.com") // at 2026-11-22 12:00 UTC by the test clock
	mkt.signIn("mkt@example.com")

	// lastLogin is the admin's last sign-in as the users page shows it.
	lastLogin := func(b *browser) string {
		t.Helper()
		r := b.do("GET", "/users", nil)
		i := strings.Index(r.body, `data-email="admin@example.com"`)
		if i < 0 {
			t.Fatalf("users page lacks the admin row")
		}
		row := r.body[i:]
		row = row[:strings.Index(row, "</tr>")]
		for _, want := range []string{"22/11/2026 09:00", "22/11/2026 21:00", "22/11/2026 12:00"} {
			if strings.Contains(row, want) {
				return want
			}
		}
		t.Fatalf("admin row shows no expected time: %s", row)
		return ""
	}
	tests := []struct {
		name, path, zone string
		who              *browser
		wantTime         string // the admin's 12:00 UTC sign-in, as the admin sees it
		wantNote         string
	}{
		{"default is Brasília time", "", "", nil, "22/11/2026 09:00", "Datas e horas em Horário de Brasília (UTC-3)."},
		{"organisation in Tokyo", "/settings/timezone", "Asia/Tokyo", admin, "22/11/2026 21:00", "Datas e horas em Asia/Tokyo (UTC+9)."},
		{"the admin's own zone wins", "/account/timezone", "Europe/Lisbon", admin, "22/11/2026 12:00", "Datas e horas em Europe/Lisbon (UTC+0)."},
		{"back to the organisation's", "/account/timezone", "", admin, "22/11/2026 21:00", "Datas e horas em Asia/Tokyo (UTC+9)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.who != nil {
				tt.who.do("GET", "/account", nil)
				r := tt.who.post(tt.path, url.Values{"zone": {tt.zone}})
				if r.status != 303 {
					t.Fatalf("POST %s got %d, want 303", tt.path, r.status)
				}
			}
			if got := lastLogin(admin); got != tt.wantTime {
				t.Errorf("last sign-in shown as %s, want %s", got, tt.wantTime)
			}
			r := admin.do("GET", "/users", nil)
			if n := strings.Count(r.body, "Datas e horas em"); n != 1 || !strings.Contains(r.body, tt.wantNote) {
				t.Errorf("page names the zone %d times, want once as %q", n, tt.wantNote)
			}
		})
	}

	// The marketer follows the organisation and cannot change it; a zone
	// that does not exist is refused (and changes nothing, below); the
	// Settings page shows the saved choice selected.
	runHandlerTests(t, e, []handlerTest{
		{name: "marketer sees the organisation's zone", as: "mkt@example.com", method: "GET", path: "/account", want: 200,
			wantIn: []string{"Datas e horas em Asia/Tokyo (UTC+9)."}},
		{name: "marketer may not change it", as: "mkt@example.com", method: "POST", path: "/settings/timezone",
			form: url.Values{"zone": {"UTC"}}, want: 403},
		{name: "a zone that does not exist", as: "admin@example.com", method: "POST", path: "/settings/timezone",
			form: url.Values{"zone": {"Mars/Olympus"}}, want: 303},
		{name: "the problem is shown", as: "admin@example.com", method: "GET", path: "/settings", want: 200,
			wantIn: []string{"Escolha um fuso horário da lista.", `<option value="Asia/Tokyo" selected>`}},
	})
	if saved, _ := e.store.Settings(context.Background()); saved[config.SettingTimeZone] != "Asia/Tokyo" {
		t.Errorf("bad zone changed the saved zone to %q", saved[config.SettingTimeZone])
	}
}
