package store

import (
	"context"
	"fmt"
)

// SendingCampaigns counts the campaigns sending now and the messages on
// their way (claimed, not yet answered), which the doors to Wavy must not
// change under: a message must be settled through the door that took it.
func (s *Store) SendingCampaigns(ctx context.Context) (campaigns, inFlight int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM campaigns WHERE state = 'running'),
		(SELECT count(*) FROM messages INDEXED BY messages_submitting WHERE state = 'submitting')`).Scan(&campaigns, &inFlight)
	if err != nil {
		return 0, 0, fmt.Errorf("store: campaigns sending: %w", err)
	}
	return campaigns, inFlight, nil
}
