// Package provider builds the one Wavy client the console uses, from the
// effective provider settings (the environment overlaid with what an
// admin saved), and keeps it until those settings change. The web
// handlers, the dispatcher and the poller all take their client from
// here, so its rate limiters (500 requests and 1 status query per second)
// hold across all of them.
package provider

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"arauto/internal/config"
	"arauto/internal/session"
	"arauto/internal/wavy"
)

// Settings is where the saved settings come from.
type Settings interface {
	Settings(ctx context.Context) (map[string]string, error)
}

// ErrNoCredentials is returned when the settings in force have no
// username or token. It is a kind of wavy.ErrUnauthorized, as the client
// itself reports missing credentials.
var ErrNoCredentials = fmt.Errorf("provider: no credentials configured: %w: %w", wavy.ErrUnauthorized, wavy.ErrRejected)

// Clients hands out the client for the provider settings in force. It is
// safe for concurrent use.
type Clients struct {
	cfg      config.Config
	settings Settings

	mu     sync.Mutex
	key    config.Provider
	client *wavy.Client
}

// New returns the clients of the configuration overlaid with settings.
func New(cfg config.Config, settings Settings) *Clients {
	return &Clients{cfg: cfg, settings: settings}
}

// Effective returns the provider connection in force.
func (p *Clients) Effective(ctx context.Context) (config.Provider, error) {
	saved, err := p.settings.Settings(ctx)
	if err != nil {
		return config.Provider{}, fmt.Errorf("provider: read settings: %w", err)
	}
	return p.cfg.EffectiveProvider(saved), nil
}

// Client returns the client for the settings in force: the same one while
// they stay the same, a new one once they change.
func (p *Clients) Client(ctx context.Context) (*wavy.Client, error) {
	eff, err := p.Effective(ctx)
	if err != nil {
		return nil, err
	}
	eff.Saved = nil
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil || eff.Mode != p.key.Mode || eff.APIURL != p.key.APIURL || eff.APIGWURL != p.key.APIGWURL ||
		eff.Username != p.key.Username || eff.Token != p.key.Token {
		if eff.Username == "" || eff.Token == "" {
			return nil, ErrNoCredentials
		}
		p.key = eff
		p.client = wavy.New(wavy.Config{APIURL: eff.APIURL, APIGWURL: eff.APIGWURL, Username: eff.Username, Token: eff.Token})
	}
	return p.client, nil
}

// Sessions is the source of the provider's open WhatsApp sessions for
// internal/session: the client and the query of the settings in force,
// session.ErrNoCustomer when no customerId is configured.
func (p *Clients) Sessions(ctx context.Context) (session.Lister, wavy.SessionQuery, error) {
	eff, err := p.Effective(ctx)
	if err != nil {
		return nil, wavy.SessionQuery{}, err
	}
	if eff.CustomerID <= 0 {
		return nil, wavy.SessionQuery{}, session.ErrNoCustomer
	}
	q := wavy.SessionQuery{CustomerID: eff.CustomerID}
	if sub, err := strconv.ParseInt(eff.SubAccountID, 10, 64); err == nil && sub >= 0 {
		q.SubAccountID = &sub
	}
	c, err := p.Client(ctx)
	if err != nil {
		return nil, q, err
	}
	return c, q, nil
}
