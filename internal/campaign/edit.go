package campaign

import "context"

// SMSMessage is what a draft SMS campaign sends, as its message editor
// saves it.
type SMSMessage struct {
	// Body is the text with {{placeholders}}.
	Body string
	// Flash sends it as Flash SMS.
	Flash bool
	// ExtraInfo goes with every message to Wavy.
	ExtraInfo string
	// ReplaceAccents replaces the accents of the list's field values.
	ReplaceAccents bool
	// TrackClicks replaces its http(s) links by short links per recipient
	// (link tracking).
	TrackClicks bool
	// Options are what it asks of Wavy besides the text.
	Options SendOptions
}

// SaveMessage stores a draft's SMS message, its accent choice and its send
// options in one store call, so a failure leaves the draft as it was. The
// Store refuses a campaign that is not a draft (any more) with its
// conflict error.
func (s *Service) SaveMessage(ctx context.Context, cp *Campaign, m SMSMessage) error {
	return s.Store.SaveCampaignMessage(ctx, cp.ID, m, s.now())
}

// Archive hides a campaign that is over (or was never sent) from the
// default list. Archiving is local: the remote campaign stays on the
// Campaign API, since sent messages carry its alias, and the dispatcher
// has nothing to do. A campaign that cannot be archived is ErrNotAllowed;
// one that moved meanwhile is the Store's conflict.
func (s *Service) Archive(ctx context.Context, cp *Campaign) error {
	if !cp.CanArchive() {
		return ErrNotAllowed
	}
	return s.Store.SetCampaignState(ctx, cp.ID, cp.State, Archived, s.now())
}
