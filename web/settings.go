package web

import (
	"arauto/internal/breaker"
	"arauto/internal/clicks"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/config"
	"arauto/internal/optout"
	"arauto/internal/wavy"
	"arauto/views"
)

// provider returns the effective provider connection.
func (s *Server) provider(ctx context.Context) (config.Provider, error) {
	saved, err := s.store.Settings(ctx)
	if err != nil {
		return config.Provider{}, err
	}
	return s.cfg.EffectiveProvider(saved), nil
}

// webhookURLs are the three addresses to paste into the Wavy portal.
func (s *Server) webhookURLs() map[string]string {
	base := s.cfg.PublicURL + "/webhooks/wavy/" + s.webhookSecret + "/"
	return map[string]string{"sms-status": base + "sms-status", "sms-mo": base + "sms-mo", "whatsapp": base + "whatsapp"}
}

func (s *Server) settingsData(c *fiber.Ctx, f views.Form, test *views.ConnectionTest) (views.SettingsData, error) {
	saved, err := s.store.Settings(c.UserContext())
	if err != nil {
		return views.SettingsData{}, err
	}
	p := s.cfg.EffectiveProvider(saved)
	// The URL fields show the Wavy addresses even in sandbox mode, so
	// switching to Wavy starts from what was configured.
	wavyView := s.cfg.EffectiveProvider(withMode(saved, config.ProviderWavy))
	transport, err := s.transportData(c.UserContext(), saved)
	if err != nil {
		return views.SettingsData{}, err
	}
	return views.SettingsData{
		Mode: p.Mode, EnvMode: s.cfg.Provider,
		APIURL: wavyView.APIURL, APIGWURL: wavyView.APIGWURL, Username: wavyView.Username,
		TokenHint: config.TokenHint(wavyView.Token), WebhookURL: s.webhookURLs(), Test: test, Form: f,
		OptOutKeywords: config.FormatOptOutKeywords(config.OptOutKeywords(saved)),
		OptOutDefaults: config.FormatOptOutKeywords(config.DefaultOptOutKeywords()),
		Polling:        saved[config.SettingPolling] == "1",
		Audience:       audienceSettings(saved),
		Transport:      transport,
		Billing:        billingForm(saved),
		Breaker:        views.BreakerForm{Settings: breaker.Load(saved)},
		WhatsApp:       whatsAppSettings(saved, p.Mode, views.Form{}),
		Clicks:         views.ClicksForm{ExpiryDays: clicks.ExpiryDays(saved)},
	}, nil
}

// maxOptOutKeyword bounds one keyword: a reply longer than a few words is
// not an opt-out.
const maxOptOutKeyword = 40

// saveOptOut stores the opt-out keywords the applier matches replies
// against; blank restores the defaults.
func (s *Server) saveOptOut(c *fiber.Ctx) error {
	raw := c.FormValue("keywords")
	f := views.Form{Values: map[string]string{"keywords": raw}, Errors: views.FieldErrors{}}
	ks := config.ParseOptOutKeywords(raw)
	switch {
	case len(raw) > 4000 || len(ks) > 100:
		f.Errors["keywords"] = tr(c, "settings.optout.too_many")
	case len(ks) == 0:
		f.Errors["keywords"] = tr(c, "settings.optout.empty")
	default:
		for _, k := range ks {
			if utf8.RuneCountInString(k) > maxOptOutKeyword || optout.Normalize(k) == "" {
				f.Errors["keywords"] = tr(c, "settings.optout.bad_word", k)
				break
			}
		}
	}
	if len(f.Errors) > 0 {
		d, err := s.settingsData(c, views.Form{}, nil)
		if err != nil {
			return err
		}
		d.OptOutForm = f
		return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
	}
	if err := s.store.SaveSettings(c.UserContext(), map[string]string{config.SettingOptOutKeywords: config.FormatOptOutKeywords(ks)}); err != nil {
		return err
	}
	s.log.Info("opt-out keywords saved", "count", len(ks), "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "opt-out keywords")
	flash(c, "success", "settings.optout.saved")
	return seeOther(c, "/settings#optout")
}

// savePolling turns status polling on or off.
func (s *Server) savePolling(c *fiber.Ctx) error {
	on := c.FormValue("polling") == "1"
	v := "0"
	if on {
		v = "1"
	}
	if err := s.store.SaveSettings(c.UserContext(), map[string]string{config.SettingPolling: v}); err != nil {
		return err
	}
	s.log.Info("polling switched", "on", on, "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "polling")
	if on {
		flash(c, "success", "settings.polling.on_saved")
	} else {
		flash(c, "success", "settings.polling.off_saved")
	}
	return seeOther(c, "/settings#polling")
}

func withMode(saved map[string]string, mode string) map[string]string {
	m := map[string]string{}
	for k, v := range saved {
		m[k] = v
	}
	m[config.SettingProvider] = mode
	return m
}

func (s *Server) settingsPage(c *fiber.Ctx) error {
	d, err := s.settingsData(c, views.Form{}, nil)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.SettingsPage(d))
}

// saveProvider stores the provider settings. An empty token keeps the one
// saved before: the page never shows it back.
func (s *Server) saveProvider(c *fiber.Ctx) error {
	f := formOf(c, "mode", "api_url", "apigw_url", "username")
	mode := f.Value("mode")
	if mode != config.ProviderSandbox && mode != config.ProviderWavy {
		f.Errors["mode"] = tr(c, "settings.problem.mode")
		f.Message = f.Errors["mode"]
	}
	for _, name := range []string{"api_url", "apigw_url"} {
		if v := f.Value(name); v != "" {
			if err := config.CheckProviderURL(v); err != nil {
				f.Errors[name] = tr(c, "settings.problem.url")
			}
		}
	}
	token := strings.TrimSpace(c.FormValue("token"))
	if mode == config.ProviderWavy {
		saved, err := s.store.Settings(c.UserContext())
		if err != nil {
			return err
		}
		// The Wavy connection as it stands, even while the sandbox is on.
		p := s.cfg.EffectiveProvider(withMode(saved, config.ProviderWavy))
		if f.Value("username") == "" {
			f.Errors["username"] = tr(c, "settings.problem.username")
		}
		switch {
		case token == "" && p.Token == "":
			f.Errors["token"] = tr(c, "settings.problem.token")
			f.Message = f.Errors["token"]
		case token == "" && s.hostsChange(p, f.Value("api_url"), f.Value("apigw_url")):
			// The saved token is only ever sent to the hosts it was
			// entered for: an admin session must not be able to send it
			// anywhere else.
			f.Errors["token"] = tr(c, "settings.problem.token_new_host")
			f.Message = f.Errors["token"]
		}
	}
	if len(f.Errors) > 0 {
		d, err := s.settingsData(c, f, nil)
		if err != nil {
			return err
		}
		return s.render(c, fiber.StatusUnprocessableEntity, views.SettingsPage(d))
	}
	kv := map[string]string{
		config.SettingProvider:     mode,
		config.SettingWavyAPIURL:   strings.TrimRight(f.Value("api_url"), "/"),
		config.SettingWavyAPIGWURL: strings.TrimRight(f.Value("apigw_url"), "/"),
		config.SettingWavyUsername: f.Value("username"),
	}
	if token != "" {
		kv[config.SettingWavyToken] = token
	}
	if err := s.store.SaveSettings(c.UserContext(), kv); err != nil {
		return err
	}
	s.log.Info("provider settings saved", "mode", mode, "by", currentUser(c).ID, "token_changed", token != "")
	// The entry names what changed, never the values of secrets.
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "provider", "mode", mode, "credential_replaced", strconv.FormatBool(token != ""))
	flash(c, "success", "settings.saved")
	return seeOther(c, "/settings")
}

// hostsChange reports whether saving these base URLs ("" is the default
// from the environment) would point the Wavy connection at another host
// than p's.
func (s *Server) hostsChange(p config.Provider, apiURL, apigwURL string) bool {
	host := func(raw, def string) string {
		if raw = strings.TrimRight(raw, "/"); raw == "" {
			raw = def
		}
		u, err := url.Parse(raw)
		if err != nil {
			return raw
		}
		return strings.ToLower(u.Scheme + "://" + u.Host)
	}
	return host(apiURL, s.cfg.WavyAPIURL) != host(p.APIURL, "") || host(apigwURL, s.cfg.WavyAPIGWURL) != host(p.APIGWURL, "")
}

// testConnection makes one harmless authenticated call (the first page of
// the Campaign API) with the saved settings and says in plain words whether
// the credentials work.
func (s *Server) testConnection(c *fiber.Ctx) error {
	p, err := s.provider(c.UserContext())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 10*time.Second)
	defer cancel()
	client := wavy.New(wavy.Config{APIURL: p.APIURL, APIGWURL: p.APIGWURL, Username: p.Username, Token: p.Token,
		HTTPClient: &http.Client{Timeout: 10 * time.Second}, MaxRetries: -1})
	_, err = client.ListCampaigns(ctx, "", 1, 1)
	test := &views.ConnectionTest{OK: err == nil, Message: s.describeProviderError(c, p, err)}
	s.log.Info("provider connection tested", "mode", p.Mode, "ok", test.OK, "err", err)
	if c.Get("HX-Request") != "" {
		return s.render(c, fiber.StatusOK, views.ConnectionTestResult(test))
	}
	d, err := s.settingsData(c, views.Form{}, test)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.SettingsPage(d))
}

// describeProviderError turns a provider error into a sentence a marketer
// can act on.
func (s *Server) describeProviderError(c *fiber.Ctx, p config.Provider, err error) string {
	var apiErr *wavy.APIError
	host := p.APIGWURL
	if u, perr := url.Parse(p.APIGWURL); perr == nil {
		host = u.Host
	}
	switch {
	case err == nil:
		if p.Mode == config.ProviderSandbox {
			return tr(c, "settings.test_ok_sandbox")
		}
		return tr(c, "settings.test_ok", p.Username)
	case p.Username == "" || p.Token == "":
		return tr(c, "settings.test_no_credentials")
	case errors.Is(err, wavy.ErrUnauthorized):
		code := 401
		if errors.As(err, &apiErr) {
			code = apiErr.StatusCode
		}
		return tr(c, "settings.test_unauthorized", code)
	case errors.Is(err, wavy.ErrTryLater):
		if errors.As(err, &apiErr) && apiErr.StatusCode != 0 {
			return tr(c, "settings.test_busy", apiErr.StatusCode)
		}
		return tr(c, "settings.test_unreachable", host)
	case errors.Is(err, wavy.ErrBadResponse):
		return tr(c, "settings.test_not_wavy", host)
	case errors.Is(err, wavy.ErrRejected):
		if errors.As(err, &apiErr) {
			return tr(c, "settings.test_rejected", apiErr.StatusCode, apiErr.Message)
		}
		return tr(c, "settings.test_rejected", 400, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return tr(c, "settings.test_timeout", host)
	default:
		return tr(c, "settings.test_unreachable", host)
	}
}
