package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"arauto/internal/config"
	"arauto/store"
)

// pollInterval spaces the polls. Status list shares the documented limit of
// one status query per second with the dispatcher's status searches, so the
// poller stays well below it.
const pollInterval = 10 * time.Second

// poller is the fallback for accounts without webhooks: when the Settings
// switch is on, it pulls /v1/sms/status/list and /v1/sms/receive/list and
// stores what comes back as raw events, exactly like webhooks, so the
// applier turns them into statuses, replies and opt-outs. Those lists hand
// each item out once; an item is stored before the next poll.
type poller struct {
	cfg     config.Config
	store   *store.Store
	clients *providerClients
	log     *slog.Logger
	now     func() time.Time
}

func (p *poller) run(ctx context.Context) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		saved, err := p.store.Settings(ctx)
		if err != nil || saved[config.SettingPolling] != "1" {
			continue
		}
		p.poll(ctx)
	}
}

func (p *poller) poll(ctx context.Context) {
	client, err := p.clients.get(ctx)
	if err != nil {
		p.log.Warn("poll: no client", "err", err)
		return
	}
	sts, err := client.ListSMSStatus(ctx)
	if err != nil {
		p.log.Warn("poll: status list", "err", err)
	} else if len(sts) > 0 {
		p.store1(ctx, store.EventSMSStatus, len(sts), sts)
	}
	mos, err := client.ListMO(ctx, "")
	if err != nil {
		p.log.Warn("poll: MO list", "err", err)
	} else if len(mos.Messages) > 0 {
		p.store1(ctx, store.EventSMSMO, len(mos.Messages), mos.Messages)
	}
}

// store1 writes one polled list as a raw event in the webhook's own form.
func (p *poller) store1(ctx context.Context, kind string, n int, items any) {
	body, err := json.Marshal(items)
	if err != nil {
		p.log.Error("poll: encode", "kind", kind, "err", err)
		return
	}
	if err := p.store.AppendEvent(ctx, &store.RawEvent{Kind: kind, Source: "poll", ReceivedAt: p.now(), Items: n, Body: body}); err != nil {
		p.log.Error("poll: store", "kind", kind, "err", err)
		return
	}
	p.log.Info("poll: stored", "kind", kind, "items", n)
}
