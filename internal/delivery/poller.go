package delivery

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"arauto/internal/config"
	"arauto/internal/wavy"
)

// PollInterval spaces the polls. Status list shares the documented limit
// of one status query per second with the dispatcher's status searches,
// so the poller stays well below it.
const PollInterval = 10 * time.Second

// Source is the provider's lists of statuses and replies not handed out
// before (the fallback for accounts without webhooks). *wavy.Client is one.
type Source interface {
	ListSMSStatus(ctx context.Context) ([]wavy.SMSStatus, error)
	ListMO(ctx context.Context, subAccount string) (wavy.MOList, error)
}

// PollStore is where the poller keeps what it pulls.
type PollStore interface {
	// Settings returns the saved settings (the switch is
	// config.SettingPolling).
	Settings(ctx context.Context) (map[string]string, error)
	// AppendEvent stores one raw event durably.
	AppendEvent(ctx context.Context, e *Event) error
}

// Poller pulls /v1/sms/status/list and /v1/sms/receive/list while the
// Settings switch is on, and stores what comes back as raw events exactly
// like webhooks, so the applier turns them into statuses, replies and
// opt-outs. Those lists hand each item out once; an item is stored before
// the next poll.
type Poller struct {
	// Store keeps the events; Source returns the provider client in force.
	Store  PollStore
	Source func(ctx context.Context) (Source, error)
	Log    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run polls every PollInterval until ctx ends.
func (p *Poller) Run(ctx context.Context) {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		saved, err := p.Store.Settings(ctx)
		if err != nil || saved[config.SettingPolling] != "1" {
			continue
		}
		p.Poll(ctx)
	}
}

// Poll pulls both lists once and stores what they hold.
func (p *Poller) Poll(ctx context.Context) {
	src, err := p.Source(ctx)
	if err != nil {
		p.log().Warn("poll: no client", "err", err)
		return
	}
	sts, err := src.ListSMSStatus(ctx)
	if err != nil {
		p.log().Warn("poll: status list", "err", err)
	} else if len(sts) > 0 {
		p.keep(ctx, KindSMSStatus, len(sts), sts)
	}
	mos, err := src.ListMO(ctx, "")
	if err != nil {
		p.log().Warn("poll: MO list", "err", err)
	} else if len(mos.Messages) > 0 {
		p.keep(ctx, KindSMSMO, len(mos.Messages), mos.Messages)
	}
}

func (p *Poller) log() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}

// keep writes one polled list as a raw event in the webhook's own form.
func (p *Poller) keep(ctx context.Context, kind string, n int, items any) {
	body, err := json.Marshal(items)
	if err != nil {
		p.log().Error("poll: encode", "kind", kind, "err", err)
		return
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	if err := p.Store.AppendEvent(ctx, &Event{Kind: kind, Source: SourcePoll, ReceivedAt: now(), Items: n, Body: body}); err != nil {
		p.log().Error("poll: store", "kind", kind, "err", err)
		return
	}
	p.log().Info("poll: stored", "kind", kind, "items", n)
}
