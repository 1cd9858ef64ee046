package campaign

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/recipient"
)

// CanDuplicate reports whether the campaign can be copied into a new
// draft: when it says how it is sent (campaigns imported from the account
// do not, so there is nothing to copy).
func (c *Campaign) CanDuplicate() bool { return c.Channel != "" }

// CanReuseAudience reports whether a list of the recipients who did not
// respond can be made from the campaign: once it is over and sent
// something, while its list exists.
func (c *Campaign) CanReuseAudience() bool {
	return c.State.Over() && c.Started() && c.ListID != 0
}

// DuplicateStart is the start a copy of a campaign keeps: now for a
// send-now schedule, the source's start when it is still ahead, and none
// (the person chooses again) when it has passed or there was none.
func DuplicateStart(sendNow bool, sourceStart, now time.Time) time.Time {
	switch {
	case sendNow:
		return now
	case sourceStart.After(now):
		return sourceStart
	}
	return time.Time{}
}

// Duplicate registers a new campaign named name with the Campaign API (as
// Create does, alias included), then stores it as a draft carrying src's
// channel, list, message, schedule and send options. A start that has
// passed is dropped (DuplicateStart). Errors are Create's.
func (s *Service) Duplicate(ctx context.Context, src *Campaign, name, alias string) (*Campaign, error) {
	if !src.CanDuplicate() {
		return nil, ErrNotAllowed
	}
	var start time.Time
	if !src.ScheduledAt.IsZero() {
		sc, err := s.Store.CampaignSchedule(ctx, src.ID)
		if err != nil {
			return nil, fmt.Errorf("campaign: schedule of %d to duplicate: %w", src.ID, err)
		}
		start = DuplicateStart(sc.SendNow, src.ScheduledAt, s.now())
	}
	return s.register(ctx, name, alias, src.Channel, func(ctx context.Context, cp *Campaign) error {
		return s.Store.CopyCampaign(ctx, cp, src.ID, start)
	})
}

// CopyName is the name a copy of a campaign is offered: prefix (the
// translated "Copy of") and the source's name, cut to MaxNameLen.
func CopyName(prefix, name string) string {
	n := NormalizeName(prefix + " " + name)
	if utf8.RuneCountInString(n) > MaxNameLen {
		n = strings.TrimSpace(string([]rune(n)[:MaxNameLen]))
	}
	return n
}

// ReuseNonResponders makes a new ready list, named name and owned by
// user by, of the recipients of cp whose message the provider took and
// who did not reply, with their fields, to send them a new campaign.
// Suppressed numbers come along marked as such (sending skips them).
func (s *Service) ReuseNonResponders(ctx context.Context, cp *Campaign, name string, by int64) (*recipient.List, error) {
	if !cp.CanReuseAudience() {
		return nil, ErrNotAllowed
	}
	l := &recipient.List{Name: name, CreatedBy: by}
	if err := s.Store.CreateListOfNonResponders(ctx, l, cp.ID); err != nil {
		return nil, fmt.Errorf("campaign: list of non-responders of %d: %w", cp.ID, err)
	}
	s.log().Info("list of non-responders made", "campaign_id", cp.ID, "list_id", l.ID, "recipients", l.Rows, "by", by)
	return l, nil
}
