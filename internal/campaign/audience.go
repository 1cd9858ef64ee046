package campaign

import (
	"context"
	"errors"
	"fmt"
	"time"

	"arauto/internal/recipient"
	"arauto/internal/segment"
)

// AudienceStore is the contact book's side of a campaign's audience: a
// segment chosen instead of a list, frozen into a list at launch, and the
// frequency cap's count. A Service without one offers lists only and caps
// nothing at launch.
type AudienceStore interface {
	SegmentByID(ctx context.Context, id int64) (*segment.Segment, error)
	CountSegment(ctx context.Context, f segment.Filter, now time.Time) (int64, error)
	// ContactFields are the fields contacts have: a segment audience's
	// columns.
	ContactFields(ctx context.Context) ([]string, error)
	// EachSegmentRecipient streams the contacts a filter selects as
	// recipients: number, fields in the order of columns, carrier, and
	// whether they are suppressed.
	EachSegmentRecipient(ctx context.Context, f segment.Filter, columns []string, now time.Time, fn func(r *recipient.Recipient) error) error
	// LaunchSegment freezes the segment's contacts into a list, makes it
	// the campaign's and schedules the draft, in one go.
	LaunchSegment(ctx context.Context, campaignID int64, sg *segment.Segment, columns []string, startAt time.Time, estimatedSegments int64, at time.Time) (int64, error)
	// ThawSegment removes the frozen list of a campaign back in draft.
	ThawSegment(ctx context.Context, campaignID int64) error
	// CappedRecipients counts the recipients of a list (or, with listID 0,
	// of a filter) that had max or more messages on channel since.
	CappedRecipients(ctx context.Context, listID int64, f *segment.Filter, channel string, since time.Time, max int, now time.Time) (int, error)
}

// KindSegment is the recipient.List.Kind of a segment audience.
const KindSegment = "segment"

// segmentAudience returns a draft's segment audience as a list not yet
// frozen (ID 0): the segment's name, the contact fields as columns and
// how many contacts it selects now. gone is set when the segment was
// deleted.
func (s *Service) segmentAudience(ctx context.Context, cp *Campaign) (l *recipient.List, sg *segment.Segment, gone bool, err error) {
	return s.segmentList(ctx, cp.SegmentID)
}

// SegmentAudience returns a segment as the audience a composer previews:
// a list not yet frozen (ID 0, Kind segment) named after it, with the
// contact fields as columns and the count of the contacts it selects now.
// gone is set when the segment does not exist (or there is no contact
// book).
func (s *Service) SegmentAudience(ctx context.Context, segmentID int64) (l *recipient.List, gone bool, err error) {
	l, _, gone, err = s.segmentList(ctx, segmentID)
	return l, gone, err
}

func (s *Service) segmentList(ctx context.Context, segmentID int64) (l *recipient.List, sg *segment.Segment, gone bool, err error) {
	if s.Audience == nil {
		return nil, nil, true, nil
	}
	sg, err = s.Audience.SegmentByID(ctx, segmentID)
	switch {
	case s.NotFound != nil && errors.Is(err, s.NotFound):
		return nil, nil, true, nil
	case err != nil:
		return nil, nil, false, err
	}
	columns, err := s.Audience.ContactFields(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	n, err := s.Audience.CountSegment(ctx, sg.Filter, s.now())
	if err != nil {
		return nil, nil, false, err
	}
	return &recipient.List{Name: sg.Name, State: recipient.ListReady, Kind: KindSegment, SegmentID: sg.ID, Columns: columns,
		Rows: int(n), Valid: int(n)}, sg, false, nil
}

// EachRecipient streams an audience's recipients as the dispatcher will
// meet them, suppressed ones included (flagged): a list's rows in order,
// or, for a segment not yet frozen (SegmentAudience, List), the contacts
// it selects now with their fields in the order of the list's columns.
// The recipient passed to fn may be reused.
func (s *Service) EachRecipient(ctx context.Context, l *recipient.List, fn func(r *recipient.Recipient) error) error {
	if l.ID != 0 || l.SegmentID == 0 {
		return s.Store.EachRecipient(ctx, l.ID, fn)
	}
	if s.Audience == nil {
		return fmt.Errorf("campaign: recipients of segment %d: no contact book", l.SegmentID)
	}
	sg, err := s.Audience.SegmentByID(ctx, l.SegmentID)
	if err != nil {
		return fmt.Errorf("campaign: recipients of segment %d: %w", l.SegmentID, err)
	}
	return s.Audience.EachSegmentRecipient(ctx, sg.Filter, l.Columns, s.now(), fn)
}

// frequencyCap counts, for the pre-flight, the recipients the cap in force
// would keep from the campaign now.
func (s *Service) frequencyCap(ctx context.Context, f *Facts) error {
	if s.FrequencyCap == nil || s.Audience == nil || f.List == nil || f.Campaign.Channel == "" {
		return nil
	}
	rule, err := s.FrequencyCap(ctx, string(f.Campaign.Channel))
	if err != nil || !rule.Active() {
		return err
	}
	var filter *segment.Filter
	if f.Segment != nil {
		filter = &f.Segment.Filter
	}
	n, err := s.Audience.CappedRecipients(ctx, f.List.ID, filter, rule.Channel, rule.Since(f.Now), rule.Max, f.Now)
	if err != nil {
		return err
	}
	f.Cap, f.Capped = rule, n
	return nil
}

// checkCap is the pre-flight's line about the frequency cap.
func checkCap(r *Review, f Facts) {
	if !f.Cap.Active() || f.List == nil {
		return
	}
	sendable := f.List.Valid
	if f.Walk != nil {
		sendable = f.Walk.Recipients - f.Walk.Suppressed
	}
	switch {
	case f.Capped == 0:
		r.add("frequency", CheckOK, text("campaigns.review.cap_none", f.Cap))
	case f.Capped >= sendable:
		r.add("frequency", CheckFail, text("campaigns.review.cap_all", Count(f.Capped), f.Cap))
	default:
		r.add("frequency", CheckWarn, text("campaigns.review.cap_some", Count(f.Capped), f.Cap))
	}
}
