package config

import (
	"strconv"
	"strings"
)

// Keys of the provider settings an admin saves on the Settings page. Saved
// values override the environment.
const (
	SettingProvider     = "provider.mode"
	SettingWavyAPIURL   = "wavy.api_url"
	SettingWavyAPIGWURL = "wavy.apigw_url"
	SettingWavyUsername = "wavy.username"
	SettingWavyToken    = "wavy.token"
	SettingPolling      = "wavy.polling"
	// SettingWhatsAppCustomerID and SettingWhatsAppSubAccountID name the
	// account whose open WhatsApp sessions the provider lists (GET
	// /v1/session needs the customerId; the sub-account is optional).
	SettingWhatsAppCustomerID   = "whatsapp.customer_id"
	SettingWhatsAppSubAccountID = "whatsapp.sub_account_id"
)

// SandboxCustomerID is the customerId of the built-in sandbox's account
// (sandbox.CustomerID), used for its open sessions.
const SandboxCustomerID = 42

// SandboxUsername is the built-in sandbox's UserName. Its token is
// generated (Config.SandboxToken), so only the console can call it.
const SandboxUsername = "sandbox"

// Provider is the effective connection to the messaging API: the
// environment overlaid with what an admin saved.
type Provider struct {
	Mode     string // sandbox or wavy
	APIURL   string
	APIGWURL string
	Username string
	Token    string
	// CustomerID and SubAccountID identify the account whose open
	// WhatsApp sessions are listed: 0 when no customerId is saved (the
	// sandbox has its own), SubAccountID "" for every sub-account.
	CustomerID   int64
	SubAccountID string
	// Saved reports which fields came from the database rather than the
	// environment, so the Settings page can say so.
	Saved map[string]bool
}

// EffectiveProvider resolves the connection from the configuration and the saved
// settings. In sandbox mode both base URLs point at the built-in sandbox
// (Config.SandboxURL, a loopback listener of its own), reached over real
// HTTP like the real API, with its generated token.
func (c Config) EffectiveProvider(saved map[string]string) Provider {
	p := Provider{Mode: c.Provider, APIURL: c.WavyAPIURL, APIGWURL: c.WavyAPIGWURL, Username: c.WavyUsername, Token: c.WavyToken, Saved: map[string]bool{}}
	overlay := func(key string, dst *string) {
		if v := strings.TrimSpace(saved[key]); v != "" {
			*dst = v
			p.Saved[key] = true
		}
	}
	overlay(SettingProvider, &p.Mode)
	overlay(SettingWavyAPIURL, &p.APIURL)
	overlay(SettingWavyAPIGWURL, &p.APIGWURL)
	overlay(SettingWavyUsername, &p.Username)
	overlay(SettingWavyToken, &p.Token)
	if id, err := strconv.ParseInt(strings.TrimSpace(saved[SettingWhatsAppCustomerID]), 10, 64); err == nil && id > 0 {
		p.CustomerID = id
		p.SubAccountID = strings.TrimSpace(saved[SettingWhatsAppSubAccountID])
	}
	if p.Mode == ProviderSandbox {
		p.APIURL, p.APIGWURL = c.SandboxURL, c.SandboxURL
		p.Username, p.Token = SandboxUsername, c.SandboxToken
		p.CustomerID, p.SubAccountID = SandboxCustomerID, ""
	}
	return p
}

// CheckAccountID validates a customerId or sub-account id typed on the
// Settings page: empty, or a whole number (above 0 unless zeroOK). It
// returns a translation key, or "" when the value is fine.
func CheckAccountID(v string, zeroOK bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || (n == 0 && !zeroOK) {
		return "settings.whatsapp.not_a_number"
	}
	return ""
}

// TokenHint shows only the last four characters of a token, never more.
func TokenHint(token string) string {
	r := []rune(token)
	if len(r) == 0 {
		return ""
	}
	if len(r) <= 8 {
		return "••••"
	}
	return "••••" + string(r[len(r)-4:])
}

// CheckProviderURL validates a base URL typed on the Settings page.
func CheckProviderURL(raw string) error { return checkHTTPURL(raw) }
