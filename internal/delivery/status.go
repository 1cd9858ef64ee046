package delivery

import (
	"time"

	"arauto/internal/report"
)

// Status is a message's delivery columns as people read them, for its
// detail view, the per-recipient table and the exports.
type Status struct {
	ID, CampaignID          int64
	Phone, State, Carrier   string
	SentCode, DeliveredCode int
	SentAt, DeliveredAt     time.Time
	ReadAt, StatusUpdatedAt time.Time
	UnknownAt               time.Time
	// Segments and SercomtelSegments are what the message is billed, as
	// the dispatcher recorded them when the provider accepted it.
	Segments, SercomtelSegments int
}

// Billed is what the message is billed (report.Billed): its segments once
// the carrier accepted it, the SMS a Sercomtel recipient gets, else 0. The
// fold counts the campaign's report.KeyBilled the same way.
func (m Status) Billed() int64 {
	return report.Billed(m.SentCode != 0 && success(m.SentCode), m.Carrier, m.Segments, m.SercomtelSegments)
}

// Outcome is the message's state as people read it: the dispatcher's
// state (queued, submitting, failed, suppressed, expired, cancelled) until
// the provider accepted it, then the furthest delivery fact: read,
// delivered, not-delivered, expired, failed (refused by the carrier),
// sent-no-receipt (Oi, Sercomtel), sent, unknown-no-receipt (nothing
// within the horizon) or accepted (waiting).
func (m Status) Outcome() string {
	switch {
	case !m.ReadAt.IsZero():
		return "read"
	case m.DeliveredCode != 0 && success(m.DeliveredCode):
		return "delivered"
	case m.DeliveredCode == codeExpired || (m.SentCode == codeExpired):
		return "expired"
	case m.DeliveredCode != 0:
		return "not-delivered"
	case m.SentCode != 0 && !success(m.SentCode):
		return "failed"
	case m.SentCode != 0 && report.NoReceipt(m.Carrier):
		return "sent-no-receipt"
	case m.SentCode != 0:
		return "sent"
	case !m.UnknownAt.IsZero():
		return "unknown-no-receipt"
	}
	return m.State
}

// CarrierAt is when the carrier (or WhatsApp's server) took the message:
// the sent time, only when the sent status was a success. A message the
// provider refused (202, 203, ...) was never delivered to a carrier, so it
// has none, though its refusal has a time.
func (m Status) CarrierAt() time.Time {
	if m.SentCode == 0 || !success(m.SentCode) {
		return time.Time{}
	}
	return m.SentAt
}

// HandsetAt is when the message reached the handset: the delivered time,
// only when the delivered status was a success (not for 104 and the like).
func (m Status) HandsetAt() time.Time {
	if m.DeliveredCode == 0 || !success(m.DeliveredCode) {
		return time.Time{}
	}
	return m.DeliveredAt
}
