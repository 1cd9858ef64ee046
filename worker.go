package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/message"
	"arauto/internal/wavy"
	"arauto/store"
)

// providerClients hands the dispatcher a Wavy client for the provider
// settings in force, reusing it while they stay the same so its rate
// limiters (1 status query per second) hold across batches.
type providerClients struct {
	cfg   config.Config
	store *store.Store

	mu     sync.Mutex
	key    config.Provider
	client *wavy.Client
}

func (p *providerClients) get(ctx context.Context) (*wavy.Client, error) {
	saved, err := p.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	eff := p.cfg.EffectiveProvider(saved)
	eff.Saved = nil
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil || eff.Mode != p.key.Mode || eff.APIURL != p.key.APIURL || eff.APIGWURL != p.key.APIGWURL ||
		eff.Username != p.key.Username || eff.Token != p.key.Token {
		if eff.Username == "" || eff.Token == "" {
			return nil, fmt.Errorf("no provider credentials configured")
		}
		p.key = eff
		p.client = wavy.New(wavy.Config{APIURL: eff.APIURL, APIGWURL: eff.APIGWURL, Username: eff.Username, Token: eff.Token})
	}
	return p.client, nil
}

// newWorker builds the dispatcher over the store and the Wavy client.
func newWorker(cfg config.Config, st *store.Store, clients *providerClients, log *slog.Logger) *dispatch.Worker {
	sender := wavysender.New(clients.get, wavysender.Config{RequestsPerSecond: cfg.SendRequestsPerSecond})
	return dispatch.New(st, sender, dispatch.Config{
		ReconcileAfter:    cfg.ReconcileAfter,
		RequestsPerSecond: cfg.SendRequestsPerSecond,
		MessagesPerSecond: cfg.SendMessagesPerSecond,
		Concurrency:       cfg.SendConcurrency,
		Compile: func(body string, columns []string) (func([]string) string, error) {
			c, err := message.Compile(body, columns)
			if err != nil {
				return nil, err
			}
			return c.Render, nil
		},
	}, log.With("component", "dispatch"))
}
