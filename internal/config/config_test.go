package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"ARAUTO_DATA": dir}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Provider != "sandbox" || c.PublicURL != "http://127.0.0.1:8080" {
		t.Errorf("got addr %q provider %q public %q, want the defaults", c.Addr, c.Provider, c.PublicURL)
	}
	if c.WavyAPIURL != "https://api-messaging.wavy.global" || c.WavyAPIGWURL != "https://apigw.wavy.global" {
		t.Errorf("got urls %q %q, want the Wavy defaults", c.WavyAPIURL, c.WavyAPIGWURL)
	}
	if c.MaxUploadBytes != 250<<20 || c.PhoneRegion != "BR" {
		t.Errorf("got upload %d region %q, want 250 MB and BR", c.MaxUploadBytes, c.PhoneRegion)
	}
	if c.SecureCookies() {
		t.Errorf("got secure cookies on http, want off")
	}
	if c.SandboxNoCreditAfter != 0 {
		t.Errorf("got sandbox credit for %d SMS, want unlimited", c.SandboxNoCreditAfter)
	}
	c, err = Load(env(map[string]string{"ARAUTO_DATA": dir, "ARAUTO_SANDBOX_NO_CREDIT_AFTER": "250"}))
	if err != nil || c.SandboxNoCreditAfter != 250 {
		t.Errorf("got credit %d, %v; want 250", c.SandboxNoCreditAfter, err)
	}
	c, err = Load(env(map[string]string{"ARAUTO_DATA": dir, "ARAUTO_SANDBOX_CLOCK_OFFSET": "-90m"}))
	if err != nil || c.SandboxClockOffset != -90*time.Minute {
		t.Fatalf("got clock offset %v, %v; want -1h30m", c.SandboxClockOffset, err)
	}
	if d := time.Until(c.Now()); d > -89*time.Minute || d < -91*time.Minute {
		t.Errorf("the moved clock reads %v from now, want -1h30m", d)
	}
}

func TestLoadBadValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"addr without port", map[string]string{"ARAUTO_ADDR": "localhost"}, "ARAUTO_ADDR"},
		{"addr bad port", map[string]string{"ARAUTO_ADDR": "127.0.0.1:http99"}, "ARAUTO_ADDR"},
		{"unknown provider", map[string]string{"ARAUTO_PROVIDER": "twilio"}, "ARAUTO_PROVIDER"},
		{"data dir is a file", map[string]string{"ARAUTO_DATA": filepath.Join(file, "sub")}, "ARAUTO_DATA"},
		{"api url", map[string]string{"ARAUTO_WAVY_API_URL": "ftp://x"}, "ARAUTO_WAVY_API_URL"},
		{"apigw url", map[string]string{"ARAUTO_WAVY_APIGW_URL": "not a url"}, "ARAUTO_WAVY_APIGW_URL"},
		{"public url", map[string]string{"ARAUTO_PUBLIC_URL": "example.com"}, "ARAUTO_PUBLIC_URL"},
		{"admin email alone", map[string]string{"ARAUTO_ADMIN_EMAIL": "a@b.c"}, "ARAUTO_ADMIN_EMAIL"},
		{"short admin password", map[string]string{"ARAUTO_ADMIN_EMAIL": "a@b.c", "ARAUTO_ADMIN_PASSWORD": "short"}, "ARAUTO_ADMIN_PASSWORD"},
		{"session key not base64", map[string]string{"ARAUTO_SESSION_KEY": "%%%"}, "ARAUTO_SESSION_KEY"},
		{"session key short", map[string]string{"ARAUTO_SESSION_KEY": "c2hvcnQ="}, "ARAUTO_SESSION_KEY"},
		{"upload size", map[string]string{"ARAUTO_MAX_UPLOAD_MB": "lots"}, "ARAUTO_MAX_UPLOAD_MB"},
		{"region", map[string]string{"ARAUTO_PHONE_REGION": "BRA"}, "ARAUTO_PHONE_REGION"},
		{"log level", map[string]string{"ARAUTO_LOG_LEVEL": "loud"}, "ARAUTO_LOG_LEVEL"},
		{"send rps over Wavy's limit", map[string]string{"ARAUTO_SEND_REQUESTS_PER_SECOND": "1000"}, "ARAUTO_SEND_REQUESTS_PER_SECOND"},
		{"send mps", map[string]string{"ARAUTO_SEND_MESSAGES_PER_SECOND": "0"}, "ARAUTO_SEND_MESSAGES_PER_SECOND"},
		{"send concurrency", map[string]string{"ARAUTO_SEND_CONCURRENCY": "many"}, "ARAUTO_SEND_CONCURRENCY"},
		{"reconcile after", map[string]string{"ARAUTO_RECONCILE_AFTER": "soon"}, "ARAUTO_RECONCILE_AFTER"},
		{"sandbox delay", map[string]string{"ARAUTO_SANDBOX_DELAY_SCALE": "-1"}, "ARAUTO_SANDBOX_DELAY_SCALE"},
		{"sandbox credit negative", map[string]string{"ARAUTO_SANDBOX_NO_CREDIT_AFTER": "-5"}, "ARAUTO_SANDBOX_NO_CREDIT_AFTER"},
		{"sandbox credit not a number", map[string]string{"ARAUTO_SANDBOX_NO_CREDIT_AFTER": "lots"}, "ARAUTO_SANDBOX_NO_CREDIT_AFTER"},
		{"sandbox open sessions not a yes or no", map[string]string{"ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS": "sometimes"}, "ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS"},
		{"clock offset not a duration", map[string]string{"ARAUTO_SANDBOX_CLOCK_OFFSET": "2"}, "ARAUTO_SANDBOX_CLOCK_OFFSET"},
		{"clock offset over a year", map[string]string{"ARAUTO_SANDBOX_CLOCK_OFFSET": "-9000h"}, "ARAUTO_SANDBOX_CLOCK_OFFSET"},
		{"clock moved on a real account", map[string]string{"ARAUTO_SANDBOX_CLOCK_OFFSET": "2h", "ARAUTO_PROVIDER": "wavy",
			"ARAUTO_WAVY_USERNAME": "u", "ARAUTO_WAVY_TOKEN": "t"}, "ARAUTO_SANDBOX_CLOCK_OFFSET"},
		{"trusted proxy not an address", map[string]string{"ARAUTO_TRUSTED_PROXIES": "127.0.0.1, proxy.local"}, "ARAUTO_TRUSTED_PROXIES"},
		{"trusted proxy bad range", map[string]string{"ARAUTO_TRUSTED_PROXIES": "10.0.0.0/33"}, "ARAUTO_TRUSTED_PROXIES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.env["ARAUTO_DATA"]; !ok {
				tt.env["ARAUTO_DATA"] = dir
			}
			_, err := Load(env(tt.env))
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("got error %v, want *config.Error", err)
			}
			if cerr.Var != tt.want {
				t.Errorf("got variable %s, want %s (%v)", cerr.Var, tt.want, err)
			}
		})
	}
}

func TestPublicURLAndSecureCookies(t *testing.T) {
	c, err := Load(env(map[string]string{"ARAUTO_DATA": t.TempDir(), "ARAUTO_PUBLIC_URL": "https://sms.example.com/", "ARAUTO_ADDR": "0.0.0.0:9000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://sms.example.com" || !c.SecureCookies() {
		t.Errorf("got %q secure=%v, want https://sms.example.com and secure", c.PublicURL, c.SecureCookies())
	}
	c, err = Load(env(map[string]string{"ARAUTO_DATA": t.TempDir(), "ARAUTO_ADDR": "0.0.0.0:9000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "http://127.0.0.1:9000" {
		t.Errorf("got %q, want http://127.0.0.1:9000", c.PublicURL)
	}
}

// The README's configuration table must list every variable Load reads.
func TestReadmeListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}

func TestProviderOverlay(t *testing.T) {
	c, err := Load(env(map[string]string{"ARAUTO_DATA": t.TempDir(), "ARAUTO_PROVIDER": "wavy", "ARAUTO_WAVY_USERNAME": "env-user", "ARAUTO_WAVY_TOKEN": "env-token-1234"}))
	if err != nil {
		t.Fatal(err)
	}
	p := c.EffectiveProvider(map[string]string{SettingWavyToken: "saved-token-9876"})
	if p.Mode != "wavy" || p.Username != "env-user" || p.Token != "saved-token-9876" || !p.Saved[SettingWavyToken] || p.Saved[SettingWavyUsername] {
		t.Errorf("got %+v, want env user with the saved token", p)
	}
	c.SandboxURL, c.SandboxToken = "http://127.0.0.1:41234", "generated-token"
	p = c.EffectiveProvider(map[string]string{SettingProvider: "sandbox", SettingWavyToken: "saved-token-9876"})
	if p.APIURL != c.SandboxURL || p.APIGWURL != c.SandboxURL || p.Username != SandboxUsername || p.Token != "generated-token" {
		t.Errorf("sandbox mode got %+v, want the built-in sandbox's own listener and token", p)
	}
	// The customerId of the open WhatsApp sessions: saved, or the sandbox's own.
	p = c.EffectiveProvider(map[string]string{SettingProvider: "wavy", SettingWhatsAppCustomerID: " 4711 ", SettingWhatsAppSubAccountID: "3"})
	if p.CustomerID != 4711 || p.SubAccountID != "3" {
		t.Errorf("customer got %d/%q, want 4711/3", p.CustomerID, p.SubAccountID)
	}
	if p = c.EffectiveProvider(map[string]string{SettingProvider: "wavy", SettingWhatsAppCustomerID: "x"}); p.CustomerID != 0 {
		t.Errorf("customer got %d from an unreadable setting, want none", p.CustomerID)
	}
	if p = c.EffectiveProvider(map[string]string{SettingProvider: "sandbox", SettingWhatsAppCustomerID: "4711"}); p.CustomerID != SandboxCustomerID {
		t.Errorf("sandbox customer got %d, want the sandbox's %d", p.CustomerID, SandboxCustomerID)
	}
	for v, want := range map[string]string{"": "", "42": "", "0": "settings.whatsapp.not_a_number", "-1": "settings.whatsapp.not_a_number", "4x": "settings.whatsapp.not_a_number"} {
		if got := CheckAccountID(v, false); got != want {
			t.Errorf("CheckAccountID(%q) = %q, want %q", v, got, want)
		}
	}
	if got := CheckAccountID("0", true); got != "" {
		t.Errorf("sub-account 0 refused: %q", got)
	}
	for tok, want := range map[string]string{"": "", "short": "••••", "abcdefghij1234": "••••1234"} {
		if got := TokenHint(tok); got != want {
			t.Errorf("TokenHint(%q) got %q, want %q", tok, got, want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"ARAUTO_DATA": t.TempDir(), "ARAUTO_TRUSTED_PROXIES": " 127.0.0.1, 10.1.2.3/8,::1 ,"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if want := "127.0.0.1/32 10.0.0.0/8 ::1/128"; strings.Join(got, " ") != want {
		t.Errorf("got trusted proxies %q, want %q", strings.Join(got, " "), want)
	}
	c, err = Load(env(map[string]string{"ARAUTO_DATA": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 0 {
		t.Errorf("got trusted proxies %v by default, want none", c.TrustedProxies)
	}
}

func TestDataDirIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "novo", "data")
	if _, err := Load(env(map[string]string{"ARAUTO_DATA": dir})); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o700 {
		t.Errorf("created data directory has mode %o, want 700", mode)
	}
}

func TestDatabaseURLSelectsPostgreSQL(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		url     string
		wantErr bool
	}{
		{"", false},
		{"postgres://arauto:s3cret-pw@db:5432/arauto?sslmode=disable", false},
		{"postgresql://arauto@/arauto?host=/run/postgresql", false},
		{"mysql://arauto:s3cret-pw@db/arauto", true},
		{"s3cret-pw", true},
	}
	for _, tt := range tests {
		c, err := Load(env(map[string]string{"ARAUTO_DATA": dir, "ARAUTO_DATABASE_URL": tt.url}))
		if (err != nil) != tt.wantErr {
			t.Errorf("ARAUTO_DATABASE_URL=%q got error %v, want error %v", tt.url, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "ARAUTO_DATABASE_URL") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("got error %q, want one naming ARAUTO_DATABASE_URL without repeating the URL", err)
			}
			continue
		}
		if c.DatabaseURL != tt.url {
			t.Errorf("got database URL %q, want %q", c.DatabaseURL, tt.url)
		}
	}
}

func TestSharedDir(t *testing.T) {
	data, shared := t.TempDir(), filepath.Join(t.TempDir(), "shared")
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"defaults to the data directory", map[string]string{"ARAUTO_DATA": data}, data},
		{"a directory of its own, created", map[string]string{"ARAUTO_DATA": data, "ARAUTO_SHARED_DIR": shared}, shared},
	}
	for _, tt := range tests {
		c, err := Load(env(tt.vars))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c.SharedDir != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, c.SharedDir, tt.want)
		}
		if fi, err := os.Stat(c.SharedDir); err != nil || !fi.IsDir() {
			t.Errorf("%s: got %v for the shared directory, want it to exist", tt.name, err)
		}
	}
}
