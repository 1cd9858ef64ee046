package config

import "strings"

// Keys of the provider settings an admin saves on the Settings page. Saved
// values override the environment.
const (
	SettingProvider     = "provider.mode"
	SettingWavyAPIURL   = "wavy.api_url"
	SettingWavyAPIGWURL = "wavy.apigw_url"
	SettingWavyUsername = "wavy.username"
	SettingWavyToken    = "wavy.token"
	SettingPolling      = "wavy.polling"
)

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
	if p.Mode == ProviderSandbox {
		p.APIURL, p.APIGWURL = c.SandboxURL, c.SandboxURL
		p.Username, p.Token = SandboxUsername, c.SandboxToken
	}
	return p
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
