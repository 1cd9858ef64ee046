package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Provider names accepted in ARAUTO_PROVIDER.
const (
	ProviderSandbox = "sandbox"
	ProviderWavy    = "wavy"
)

// Config is everything Arauto needs to start. Zero values are never used:
// Load fills every field with its default first.
type Config struct {
	Addr           string // ARAUTO_ADDR, host:port to listen on
	DataDir        string // ARAUTO_DATA, holds the SQLite database and this instance's own files
	DatabaseURL    string // ARAUTO_DATABASE_URL, postgres://... selects PostgreSQL instead; may hold a password: never logged
	SharedDir      string // ARAUTO_SHARED_DIR (default DataDir): uploads and the generated session key; one volume for all instances
	Provider       string // ARAUTO_PROVIDER, sandbox or wavy
	WavyAPIURL     string // ARAUTO_WAVY_API_URL, api-messaging base URL
	WavyAPIGWURL   string // ARAUTO_WAVY_APIGW_URL, apigw (Campaign API) base URL
	WavyUsername   string // ARAUTO_WAVY_USERNAME
	WavyToken      string // ARAUTO_WAVY_TOKEN
	PublicURL      string // ARAUTO_PUBLIC_URL, how browsers and Wavy reach us
	AdminEmail     string // ARAUTO_ADMIN_EMAIL, headless bootstrap of the first admin
	AdminPassword  string // ARAUTO_ADMIN_PASSWORD
	SessionKey     []byte // ARAUTO_SESSION_KEY (base64, >= 32 bytes); empty means generate and keep in SharedDir
	MaxUploadBytes int64  // ARAUTO_MAX_UPLOAD_MB, upload size limit
	PhoneRegion    string // ARAUTO_PHONE_REGION, default region for national numbers
	LogLevel       string // ARAUTO_LOG_LEVEL, debug|info|warn|error
	LogFormat      string // ARAUTO_LOG_FORMAT, text|json
	// SandboxDelayScale scales the sandbox's delays between send, callback
	// and delivery report (1 realistic, 0 immediate).
	SandboxDelayScale float64 // ARAUTO_SANDBOX_DELAY_SCALE
	SandboxSeed       int64   // ARAUTO_SANDBOX_SEED
	// SandboxNoCreditAfter makes the built-in sandbox's account run out of
	// credit after that many SMS (0: never), to try the console's pause on
	// NO_CREDIT; the sandbox's credit endpoint gives it back.
	SandboxNoCreditAfter int64 // ARAUTO_SANDBOX_NO_CREDIT_AFTER
	// SandboxWhatsAppOpenSessions makes the built-in sandbox treat every
	// WhatsApp recipient as inside a 24-hour session, as `arauto sandbox
	// --whatsapp-open-sessions` does: free-form answers to replies the
	// sandbox never saw (imported, or from before a restart) then go out.
	SandboxWhatsAppOpenSessions bool // ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS
	// SandboxClockOffset moves the console's clock (schedules, sending
	// windows, each recipient's local time, caps) by this much, to try
	// them without waiting for the hour. Only with the sandbox provider.
	SandboxClockOffset time.Duration // ARAUTO_SANDBOX_CLOCK_OFFSET
	// ReconcileAfter is how long a send without a clear answer waits
	// before the provider is asked whether it has the messages.
	ReconcileAfter time.Duration // ARAUTO_RECONCILE_AFTER
	// Sending capacity of the provider account.
	SendRequestsPerSecond float64 // ARAUTO_SEND_REQUESTS_PER_SECOND
	SendMessagesPerSecond float64 // ARAUTO_SEND_MESSAGES_PER_SECOND
	SendConcurrency       int     // ARAUTO_SEND_CONCURRENCY
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// names the client (ARAUTO_TRUSTED_PROXIES); a request from anywhere
	// else is judged by its own address.
	TrustedProxies []netip.Prefix
	// PublicURLSet tells whether ARAUTO_PUBLIC_URL was given; when not, main
	// derives the public URL from the address actually listened on.
	PublicURLSet bool
	// SandboxURL and SandboxToken reach the built-in sandbox: main serves
	// it on a loopback listener of its own, never on the console's address,
	// with a token generated once into the data directory.
	SandboxURL   string
	SandboxToken string
	// SandboxDoors reach the built-in sandbox's SMPP and SFTP servers.
	SandboxDoors SandboxDoors
}

// Error names the environment variable whose value stopped start-up.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Var describes one configuration variable, for the README table and for
// tests that keep the two in step.
type Var struct {
	Name, Default, Help string
}

// maxClockOffset bounds ARAUTO_SANDBOX_CLOCK_OFFSET.
const maxClockOffset = 366 * 24 * time.Hour

// Now is the console's clock: the time, moved by SandboxClockOffset.
func (c Config) Now() time.Time { return time.Now().Add(c.SandboxClockOffset) }

// Vars lists every variable Load reads, in the order the README shows them.
var Vars = []Var{
	{"ARAUTO_ADDR", "127.0.0.1:8080", "address the console listens on"},
	{"ARAUTO_DATA", "./data", "directory for the SQLite database and the session key"},
	{"ARAUTO_DATABASE_URL", "", "postgres://user:password@host/db selects PostgreSQL instead of SQLite in ARAUTO_DATA (several instances may share it); never logged"},
	{"ARAUTO_PROVIDER", "sandbox", "sandbox (built-in simulator) or wavy"},
	{"ARAUTO_WAVY_API_URL", "https://api-messaging.wavy.global", "Wavy/Sinch messaging API base URL"},
	{"ARAUTO_WAVY_APIGW_URL", "https://apigw.wavy.global", "Wavy Campaign API (apigw) base URL"},
	{"ARAUTO_WAVY_USERNAME", "", "Wavy UserName header"},
	{"ARAUTO_WAVY_TOKEN", "", "Wavy AuthenticationToken header (never shown back)"},
	{"ARAUTO_PUBLIC_URL", "http://{ARAUTO_ADDR}", "public base URL; https makes session cookies Secure and turns on HSTS"},
	{"ARAUTO_TRUSTED_PROXIES", "", "comma-separated addresses or CIDR ranges of the reverse proxies in front of Arauto (e.g. 127.0.0.1,10.0.0.0/8); only their X-Forwarded-For is believed, for sign-in throttling and logs"},
	{"ARAUTO_ADMIN_EMAIL", "", "with ARAUTO_ADMIN_PASSWORD, creates the first admin without the setup page"},
	{"ARAUTO_ADMIN_PASSWORD", "", "password of that admin (at least 10 characters)"},
	{"ARAUTO_SHARED_DIR", "{ARAUTO_DATA}", "directory every console instance must see (one shared volume when several run): uploads being imported and the generated session key"},
	{"ARAUTO_SESSION_KEY", "", "base64 key of at least 32 bytes for session cookies; generated once into ARAUTO_SHARED_DIR when empty (give every instance the same one)"},
	{"ARAUTO_MAX_UPLOAD_MB", "250", "largest accepted upload, in megabytes (a 1,000,000-row CSV with a dozen columns is about 160 MB); uploads go to disk as they arrive, never whole in memory"},
	{"ARAUTO_PHONE_REGION", "BR", "region for phone numbers written without a country code"},
	{"ARAUTO_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"ARAUTO_LOG_FORMAT", "text", "text or json"},
	{"ARAUTO_SANDBOX_DELAY_SCALE", "1", "sandbox delays between send, status callback and delivery report: 1 realistic, 0 immediate"},
	{"ARAUTO_SANDBOX_SEED", "1", "seed of the sandbox's outcomes, so a run can be repeated"},
	{"ARAUTO_SANDBOX_NO_CREDIT_AFTER", "0", "the built-in sandbox's account runs out of credit after this many SMS and answers the rest with NO_CREDIT (201), to try the pause on an exhausted account; 0 never (give credit back with PUT /_sandbox/credit on the sandbox's own address)"},
	{"ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS", "false", "the built-in sandbox treats every WhatsApp recipient as inside a 24-hour session, so free-form answers go out even to replies it never received itself; false answers them with INVALID_SESSION (210) as Wavy does"},
	{"ARAUTO_SANDBOX_CLOCK_OFFSET", "0s", "with the sandbox provider only: moves the console's clock by this duration (e.g. 2h or -30m, at most a year either way), to try schedules, sending windows and each recipient's local time without waiting; refused with wavy"},
	{"ARAUTO_SEND_REQUESTS_PER_SECOND", "100", "send requests per second (Wavy allows 700 per IP; each carries up to 1000 messages)"},
	{"ARAUTO_SEND_MESSAGES_PER_SECOND", "100000", "messages per second across all campaigns"},
	{"ARAUTO_SEND_CONCURRENCY", "4", "send requests in flight at once"},
	{"ARAUTO_RECONCILE_AFTER", "30s", "how long a send without a clear answer waits before Arauto asks Wavy whether it has the messages"},
}

// Load reads the configuration through getenv and validates it. It creates
// the data directory when missing and checks it is writable.
func Load(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Vars {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	c := Config{
		Addr:          get("ARAUTO_ADDR"),
		DataDir:       get("ARAUTO_DATA"),
		DatabaseURL:   strings.TrimSpace(get("ARAUTO_DATABASE_URL")),
		Provider:      strings.ToLower(get("ARAUTO_PROVIDER")),
		WavyAPIURL:    strings.TrimRight(get("ARAUTO_WAVY_API_URL"), "/"),
		WavyAPIGWURL:  strings.TrimRight(get("ARAUTO_WAVY_APIGW_URL"), "/"),
		WavyUsername:  get("ARAUTO_WAVY_USERNAME"),
		WavyToken:     get("ARAUTO_WAVY_TOKEN"),
		AdminEmail:    get("ARAUTO_ADMIN_EMAIL"),
		AdminPassword: getenv("ARAUTO_ADMIN_PASSWORD"),
		PhoneRegion:   strings.ToUpper(get("ARAUTO_PHONE_REGION")),
		LogLevel:      strings.ToLower(get("ARAUTO_LOG_LEVEL")),
		LogFormat:     strings.ToLower(get("ARAUTO_LOG_FORMAT")),
	}

	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return c, &Error{"ARAUTO_ADDR", fmt.Sprintf("%q is not host:port (%v)", c.Addr, err)}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return c, &Error{"ARAUTO_ADDR", fmt.Sprintf("%q has no valid port", c.Addr)}
	}
	if c.Provider != ProviderSandbox && c.Provider != ProviderWavy {
		return c, &Error{"ARAUTO_PROVIDER", fmt.Sprintf("%q is not a provider; use sandbox or wavy", c.Provider)}
	}
	for name, raw := range map[string]string{"ARAUTO_WAVY_API_URL": c.WavyAPIURL, "ARAUTO_WAVY_APIGW_URL": c.WavyAPIGWURL} {
		if err := checkHTTPURL(raw); err != nil {
			return c, &Error{name, err.Error()}
		}
	}
	// Missing Wavy credentials are not an error: an admin may enter them on
	// the Settings page, which overrides the environment.

	c.PublicURL = strings.TrimRight(getenv("ARAUTO_PUBLIC_URL"), "/")
	c.PublicURLSet = c.PublicURL != ""
	if c.PublicURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.PublicURL = "http://" + net.JoinHostPort(host, port)
	} else if err := checkHTTPURL(c.PublicURL); err != nil {
		return c, &Error{"ARAUTO_PUBLIC_URL", err.Error()}
	}

	if c.TrustedProxies, err = parseProxies(getenv("ARAUTO_TRUSTED_PROXIES")); err != nil {
		return c, &Error{"ARAUTO_TRUSTED_PROXIES", err.Error()}
	}

	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, &Error{"ARAUTO_ADMIN_EMAIL", "set ARAUTO_ADMIN_EMAIL and ARAUTO_ADMIN_PASSWORD together"}
	}
	if c.AdminEmail != "" && (!strings.Contains(c.AdminEmail, "@") || len(c.AdminEmail) > 254) {
		return c, &Error{"ARAUTO_ADMIN_EMAIL", fmt.Sprintf("%q is not an e-mail address", c.AdminEmail)}
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 10 {
		return c, &Error{"ARAUTO_ADMIN_PASSWORD", "must have at least 10 characters"}
	}

	if raw := getenv("ARAUTO_SESSION_KEY"); raw != "" {
		key, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			key, err = base64.RawURLEncoding.DecodeString(raw)
		}
		if err != nil || len(key) < 32 {
			return c, &Error{"ARAUTO_SESSION_KEY", "must be base64 of at least 32 bytes"}
		}
		c.SessionKey = key
	}

	mb, err := strconv.ParseInt(get("ARAUTO_MAX_UPLOAD_MB"), 10, 64)
	if err != nil || mb < 1 || mb > 4096 {
		return c, &Error{"ARAUTO_MAX_UPLOAD_MB", "must be a whole number of megabytes between 1 and 4096"}
	}
	c.MaxUploadBytes = mb << 20

	if len(c.PhoneRegion) != 2 {
		return c, &Error{"ARAUTO_PHONE_REGION", fmt.Sprintf("%q is not a two-letter region code such as BR", c.PhoneRegion)}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, &Error{"ARAUTO_LOG_LEVEL", fmt.Sprintf("%q is not debug, info, warn or error", c.LogLevel)}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, &Error{"ARAUTO_LOG_FORMAT", fmt.Sprintf("%q is not text or json", c.LogFormat)}
	}

	scale, err := strconv.ParseFloat(get("ARAUTO_SANDBOX_DELAY_SCALE"), 64)
	if err != nil || scale < 0 || scale > 100 {
		return c, &Error{"ARAUTO_SANDBOX_DELAY_SCALE", "must be a number from 0 to 100"}
	}
	c.SandboxDelayScale = scale
	if c.SandboxSeed, err = strconv.ParseInt(get("ARAUTO_SANDBOX_SEED"), 10, 64); err != nil {
		return c, &Error{"ARAUTO_SANDBOX_SEED", "must be a whole number"}
	}
	if c.SandboxNoCreditAfter, err = strconv.ParseInt(get("ARAUTO_SANDBOX_NO_CREDIT_AFTER"), 10, 64); err != nil || c.SandboxNoCreditAfter < 0 {
		return c, &Error{"ARAUTO_SANDBOX_NO_CREDIT_AFTER", "must be a whole number, 0 or more"}
	}
	if c.SandboxWhatsAppOpenSessions, err = strconv.ParseBool(get("ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS")); err != nil {
		return c, &Error{"ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS", "must be true or false"}
	}

	if c.SandboxClockOffset, err = time.ParseDuration(get("ARAUTO_SANDBOX_CLOCK_OFFSET")); err != nil ||
		c.SandboxClockOffset > maxClockOffset || c.SandboxClockOffset < -maxClockOffset {
		return c, &Error{"ARAUTO_SANDBOX_CLOCK_OFFSET", "must be a duration of at most a year either way, such as 2h or -30m"}
	}
	if c.SandboxClockOffset != 0 && c.Provider != ProviderSandbox {
		return c, &Error{"ARAUTO_SANDBOX_CLOCK_OFFSET", "moves the clock only with ARAUTO_PROVIDER=sandbox: a real account is sent to on the real time"}
	}

	if c.ReconcileAfter, err = time.ParseDuration(get("ARAUTO_RECONCILE_AFTER")); err != nil || c.ReconcileAfter < 100*time.Millisecond || c.ReconcileAfter > time.Hour {
		return c, &Error{"ARAUTO_RECONCILE_AFTER", "must be a duration from 100ms to 1h, such as 30s"}
	}

	if c.SendRequestsPerSecond, err = strconv.ParseFloat(get("ARAUTO_SEND_REQUESTS_PER_SECOND"), 64); err != nil || c.SendRequestsPerSecond <= 0 || c.SendRequestsPerSecond > 700 {
		return c, &Error{"ARAUTO_SEND_REQUESTS_PER_SECOND", "must be a number above 0 and at most 700 (Wavy's limit per IP)"}
	}
	if c.SendMessagesPerSecond, err = strconv.ParseFloat(get("ARAUTO_SEND_MESSAGES_PER_SECOND"), 64); err != nil || c.SendMessagesPerSecond < 1 {
		return c, &Error{"ARAUTO_SEND_MESSAGES_PER_SECOND", "must be a number of at least 1"}
	}
	if c.SendConcurrency, err = strconv.Atoi(get("ARAUTO_SEND_CONCURRENCY")); err != nil || c.SendConcurrency < 1 || c.SendConcurrency > 64 {
		return c, &Error{"ARAUTO_SEND_CONCURRENCY", "must be a whole number from 1 to 64"}
	}

	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return c, &Error{"ARAUTO_DATABASE_URL", err.Error()}
	}
	if err := checkWritableDir(c.DataDir); err != nil {
		return c, &Error{"ARAUTO_DATA", err.Error()}
	}
	c.SharedDir = strings.TrimSpace(getenv("ARAUTO_SHARED_DIR"))
	if c.SharedDir == "" {
		c.SharedDir = c.DataDir
	} else if err := checkWritableDir(c.SharedDir); err != nil {
		return c, &Error{"ARAUTO_SHARED_DIR", err.Error()}
	}
	return c, nil
}

// SecureCookies reports whether cookies must carry the Secure flag: only when
// the console is reached over https, or browsers would drop them.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// parseProxies reads a comma-separated list of addresses and CIDR ranges.
func parseProxies(raw string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(raw, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range such as 10.0.0.0/8", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

// checkWritableDir creates the data directory when missing, readable by
// its owner only (it holds the database, the session key and uploads).
// checkDatabaseURL accepts an empty URL (SQLite) or a PostgreSQL one. The
// message never repeats the URL, which may hold a password.
func checkDatabaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("is not a URL (want postgres://user:password@host:5432/database)")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("must start with postgres:// (only PostgreSQL is supported; leave it empty for SQLite)")
	}
	return nil
}

func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, errors.Unwrap(err))
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("%s is not writable", dir)
	}
	name := probe.Name()
	probe.Close()
	os.Remove(filepath.Clean(name))
	return nil
}
