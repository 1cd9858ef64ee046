package campaign

import (
	"context"
	"fmt"
	"time"

	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
)

// DraftStore is how a draft's parts are written: its list, SMS message,
// WhatsApp message and schedule. The SQLite store is one.
type DraftStore interface {
	SetCampaignList(ctx context.Context, id, listID int64, at time.Time) error
	SetCampaignMessage(ctx context.Context, id int64, body string, flash bool, extraInfo string, at time.Time) error
	SetCampaignWhatsApp(ctx context.Context, id int64, w message.WhatsApp, extraInfo string, at time.Time) error
	SaveCampaignSchedule(ctx context.Context, id int64, sc schedule.Schedule, startAt time.Time) error
}

// Duplicate makes a new draft like src: registered with the Campaign API
// under name and alias (as Create), with the same list (when still
// ready), message and schedule. A send-now schedule stays send-now; a
// start already past is left for the person to choose again.
func (s *Service) Duplicate(ctx context.Context, drafts DraftStore, src *Campaign, name, alias string) (*Campaign, error) {
	if src.Channel == "" {
		return nil, ErrNotAllowed
	}
	cp, err := s.Create(ctx, name, alias, src.Channel)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if l, gone, err := s.List(ctx, src); err != nil {
		return cp, err
	} else if !gone && l != nil && l.State == recipient.ListReady {
		if err := drafts.SetCampaignList(ctx, cp.ID, l.ID, now); err != nil {
			return cp, fmt.Errorf("campaign: duplicate %d: %w", src.ID, err)
		}
		cp.ListID = l.ID
	}
	switch src.Channel {
	case WhatsApp:
		if w, err := s.Store.CampaignWhatsApp(ctx, src.ID); err == nil && w.Kind != "" {
			if err := drafts.SetCampaignWhatsApp(ctx, cp.ID, w, src.ExtraInfo, now); err != nil {
				return cp, fmt.Errorf("campaign: duplicate %d: %w", src.ID, err)
			}
		}
	default:
		if src.Message != "" {
			if err := drafts.SetCampaignMessage(ctx, cp.ID, src.Message, src.Flash, src.ExtraInfo, now); err != nil {
				return cp, fmt.Errorf("campaign: duplicate %d: %w", src.ID, err)
			}
			cp.Message, cp.Flash, cp.ExtraInfo = src.Message, src.Flash, src.ExtraInfo
		}
	}
	if !src.ScheduledAt.IsZero() {
		sc, err := s.Store.CampaignSchedule(ctx, src.ID)
		if err != nil {
			return cp, err
		}
		if sc.Validate(now) == nil {
			start, err := sc.Start(now)
			if err == nil {
				if err := drafts.SaveCampaignSchedule(ctx, cp.ID, sc, start); err != nil {
					return cp, fmt.Errorf("campaign: duplicate %d: %w", src.ID, err)
				}
				cp.ScheduledAt = start
			}
		}
	}
	return cp, nil
}
