package campaign

import (
	"context"
	"fmt"

	"arauto/internal/recipient"
)

// CanReuseNonClickers reports whether a list of the recipients who did not
// click can be made from the campaign: as for non-responders, and only
// when it tracked its links.
func (c *Campaign) CanReuseNonClickers() bool { return c.TrackClicks && c.CanReuseAudience() }

// ReuseNonClickers makes a new ready list, named name and owned by user
// by, of the recipients of cp whose message the provider took and who
// clicked none of its links (previews of link bots are not clicks), with
// their fields, to send them a new campaign.
func (s *Service) ReuseNonClickers(ctx context.Context, cp *Campaign, name string, by int64) (*recipient.List, error) {
	if !cp.CanReuseNonClickers() || s.Links == nil {
		return nil, ErrNotAllowed
	}
	l := &recipient.List{Name: name, CreatedBy: by}
	if err := s.Links.CreateListOfNonClickers(ctx, l, cp.ID); err != nil {
		return nil, fmt.Errorf("campaign: list of non-clickers of %d: %w", cp.ID, err)
	}
	s.log().Info("list of non-clickers made", "campaign_id", cp.ID, "list_id", l.ID, "recipients", l.Rows, "by", by)
	return l, nil
}
