package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/recipient"
	"arauto/internal/report"
)

// Outcome groups the per-recipient table filters by. Each is a predicate
// over the delivery columns that agrees with MessageStatus.Outcome.
var outcomeFilters = map[string]string{
	"read":            "m.read_at <> 0",
	"delivered":       "m.read_at = 0 AND m.delivered_code = 4",
	"sent-no-receipt": "m.read_at = 0 AND m.delivered_code = 0 AND m.sent_code = 2 AND m.carrier IN ('OI', 'SERCOMTEL')",
	"sent":            "m.read_at = 0 AND m.delivered_code = 0 AND m.sent_code = 2 AND m.carrier NOT IN ('OI', 'SERCOMTEL')",
	"failed": `m.read_at = 0 AND ((m.delivered_code NOT IN (0, 4, 101) AND m.sent_code <> 101)
		OR (m.delivered_code = 0 AND m.sent_code NOT IN (0, 2, 101))
		OR (m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'failed'))`,
	"expired":            "m.read_at = 0 AND m.delivered_code <> 4 AND (m.delivered_code = 101 OR m.sent_code = 101 OR (m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'expired'))",
	"unknown-no-receipt": "m.sent_code = 0 AND m.delivered_code = 0 AND m.read_at = 0 AND m.unknown_at <> 0",
	"pending":            "m.sent_code = 0 AND m.delivered_code = 0 AND m.read_at = 0 AND m.unknown_at = 0 AND m.state IN ('queued', 'submitting', 'accepted')",
	"suppressed":         "m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'suppressed'",
	"cancelled":          "m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'cancelled'",
}

// OutcomeFilters are the outcome filters of the per-recipient table, in
// the order they are offered.
var OutcomeFilters = []string{"delivered", "read", "sent-no-receipt", "sent", "pending", "failed", "expired", "unknown-no-receipt", "suppressed", "cancelled"}

// ValidOutcomeFilter reports whether f is one of OutcomeFilters.
func ValidOutcomeFilter(f string) bool { _, ok := outcomeFilters[f]; return ok }

// MessageFilter selects a campaign's messages for the per-recipient
// table and the exports. Zero values select everything.
type MessageFilter struct {
	// Outcome is one of OutcomeFilters.
	Outcome string
	// Code keeps messages with this sent or delivered status code.
	Code int
	// Carrier keeps messages of this carrier, named as counted
	// (report.CarrierName: upper case).
	Carrier string
	// Phone keeps numbers starting with these digits (E.164 without '+').
	Phone string
}

// MessageRow is one recipient's result.
type MessageRow struct {
	MessageStatus
	Row    int64
	Fields []string
	// SubmittedAt is when the provider accepted the message.
	SubmittedAt time.Time
	Error       string
}

// MessagePage is one page of a campaign's messages, in outbox order.
type MessagePage struct {
	Rows []MessageRow
	// Prev and Next are the keys of the neighbouring pages; 0 when there
	// is none.
	HasPrev, HasNext bool
	First, Last      int64
}

// campaignRange returns the campaign's list and the id range of its
// outbox (consecutive ids, so a page is a primary-key range scan).
func (s *Store) campaignRange(ctx context.Context, id int64) (listID, first, last int64, err error) {
	var l sql.NullInt64
	err = s.r.QueryRowContext(ctx, "SELECT list_id, first_message_id, last_message_id FROM campaigns WHERE id = ?", id).Scan(&l, &first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, 0, fmt.Errorf("store: messages of campaign %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("store: messages of campaign %d: %w", id, err)
	}
	return l.Int64, first, last, nil
}

func (f MessageFilter) where(args []any) (string, []any) {
	var w strings.Builder
	if p, ok := outcomeFilters[f.Outcome]; ok {
		w.WriteString(" AND (" + p + ")")
	}
	if f.Code != 0 {
		w.WriteString(" AND (m.sent_code = ? OR m.delivered_code = ?)")
		args = append(args, f.Code, f.Code)
	}
	if f.Carrier != "" {
		w.WriteString(" AND m.carrier = ?")
		args = append(args, f.Carrier)
	}
	if f.Phone != "" {
		// A prefix range on the text column, so "5511" finds every
		// number of São Paulo.
		w.WriteString(" AND m.phone >= ? AND m.phone < ?")
		args = append(args, f.Phone, f.Phone+":")
	}
	return w.String(), args
}

const messageRowColumns = `m.id, m.campaign_id, m.row, m.phone, m.state, m.carrier, m.sent_code, m.delivered_code,
	m.sent_at, m.delivered_at, m.read_at, m.status_updated_at, m.unknown_at, m.submitted_at, m.error`

func scanMessageRow(rows *sql.Rows, extra ...any) (MessageRow, error) {
	var m MessageRow
	var sent, deliv, read, upd, unk, sub int64
	dst := append([]any{&m.ID, &m.CampaignID, &m.Row, &m.Phone, &m.State, &m.Carrier, &m.SentCode, &m.DeliveredCode,
		&sent, &deliv, &read, &upd, &unk, &sub, &m.Error}, extra...)
	if err := rows.Scan(dst...); err != nil {
		return m, err
	}
	m.SentAt, m.DeliveredAt, m.ReadAt, m.StatusUpdatedAt, m.UnknownAt = fromMS(sent), fromMS(deliv), fromMS(read), fromMS(upd), fromMS(unk)
	m.SubmittedAt = fromMS(sub)
	return m, nil
}

// CampaignMessages returns up to limit of a campaign's messages matching
// f, in outbox order, after the message id after (or, when before is
// set, the page that ends just before it). Keyset pagination over the
// primary key keeps every page as fast as the first, whatever the size.
func (s *Store) CampaignMessages(ctx context.Context, id int64, f MessageFilter, after, before int64, limit int) (MessagePage, error) {
	var page MessagePage
	listID, first, last, err := s.campaignRange(ctx, id)
	if err != nil || last == 0 {
		return page, err
	}
	lo, hi := first, last
	order := "ASC"
	if before > 0 {
		hi, order = min(before-1, last), "DESC"
	} else if after > 0 {
		lo = max(after+1, first)
	}
	where, args := f.where([]any{lo, hi, id})
	q := "SELECT " + messageRowColumns + ", coalesce(r.fields, '') FROM messages m LEFT JOIN recipients r ON r.list_id = ? AND r.row = m.row" +
		" WHERE m.id BETWEEN ? AND ? AND m.campaign_id = ?" + where + " ORDER BY m.id " + order + " LIMIT ?"
	rows, err := s.r.QueryContext(ctx, q, append(append([]any{listID}, args...), limit+1)...)
	if err != nil {
		return page, fmt.Errorf("store: messages of campaign %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var fields string
		m, err := scanMessageRow(rows, &fields)
		if err != nil {
			return page, fmt.Errorf("store: messages of campaign %d: %w", id, err)
		}
		if fields != "" {
			m.Fields = strings.Split(fields, recipient.FieldSeparator)
		}
		page.Rows = append(page.Rows, m)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("store: messages of campaign %d: %w", id, err)
	}
	more := len(page.Rows) > limit
	if more {
		page.Rows = page.Rows[:limit]
	}
	if before > 0 {
		for i, j := 0, len(page.Rows)-1; i < j; i, j = i+1, j-1 {
			page.Rows[i], page.Rows[j] = page.Rows[j], page.Rows[i]
		}
		page.HasPrev, page.HasNext = more, true
	} else {
		page.HasPrev, page.HasNext = after > 0, more
	}
	if len(page.Rows) > 0 {
		page.First, page.Last = page.Rows[0].ID, page.Rows[len(page.Rows)-1].ID
	} else {
		page.HasPrev, page.HasNext = after > 0 || before > 0, false
	}
	return page, nil
}

// exportBatch is how many messages EachCampaignMessage reads per query,
// so that no read transaction stays open for the whole export.
const exportBatch = 5000

// EachCampaignMessage calls fn with every message of the campaign
// matching f, in outbox order, with the recipient's list fields. It reads
// in batches by primary key, so memory stays flat whatever the size.
func (s *Store) EachCampaignMessage(ctx context.Context, id int64, f MessageFilter, fn func(MessageRow) error) error {
	listID, first, last, err := s.campaignRange(ctx, id)
	if err != nil || last == 0 {
		return err
	}
	after := first - 1
	for after < last {
		where, args := f.where([]any{after + 1, last, id})
		rows, err := s.r.QueryContext(ctx, "SELECT "+messageRowColumns+", coalesce(r.fields, '') FROM messages m LEFT JOIN recipients r ON r.list_id = ? AND r.row = m.row"+
			" WHERE m.id BETWEEN ? AND ? AND m.campaign_id = ?"+where+" ORDER BY m.id LIMIT ?", append(append([]any{listID}, args...), exportBatch)...)
		if err != nil {
			return fmt.Errorf("store: export campaign %d: %w", id, err)
		}
		n := 0
		var m MessageRow
		for rows.Next() {
			var fields string
			if m, err = scanMessageRow(rows, &fields); err != nil {
				rows.Close()
				return fmt.Errorf("store: export campaign %d: %w", id, err)
			}
			if fields != "" {
				m.Fields = strings.Split(fields, recipient.FieldSeparator)
			}
			n++
			if err := fn(m); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("store: export campaign %d: %w", id, err)
		}
		if n < exportBatch {
			return nil
		}
		after = m.ID
	}
	return nil
}

// CampaignSummary is one campaign's totals for the dashboard.
type CampaignSummary struct {
	ID        int64
	Name      string
	Channel   string
	State     string
	StartedAt time.Time
	// Recipients, Submitted (accepted by the provider), Sent (by the
	// carrier), Delivered, Failed (incl. expired), NoReceipt.
	Recipients, Submitted, Sent, Delivered, Failed, NoReceipt int64
	// Segments is the SMS segments billed (messages the carrier took).
	Segments int64
}

// DeliveredRate is Delivered as a percentage of the sent messages that
// can get a receipt.
func (c CampaignSummary) DeliveredRate() float64 { return pctOf(c.Delivered, c.Sent-c.NoReceipt) }

// FailedRate is Failed as a percentage of the submitted messages.
func (c CampaignSummary) FailedRate() float64 {
	return pctOf(c.Failed, max(c.Submitted, c.Sent+c.Failed))
}

func pctOf(n, of int64) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) * 100 / float64(of)
}

// RecentCampaigns sums the counters of the campaigns started since since,
// newest first. Counts come from campaign_counts (no message is read);
// billed segments are summed over each campaign's carrier-accepted
// messages, a primary-key range scan.
func (s *Store) RecentCampaigns(ctx context.Context, since time.Time, limit int) ([]CampaignSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.name, coalesce(c.channel, ''), c.state, c.started_at, c.first_message_id, c.last_message_id,
		coalesce(sum(CASE WHEN cc.state NOT LIKE '%:%' THEN cc.n END), 0),
		coalesce(sum(CASE WHEN cc.state = 'accepted' THEN cc.n END), 0),
		coalesce(sum(CASE WHEN cc.state = ? THEN cc.n END), 0),
		coalesce(sum(CASE WHEN cc.state = ? THEN cc.n END), 0),
		coalesce(sum(CASE WHEN cc.state IN (?, ?, 'failed', 'expired') THEN cc.n END), 0),
		coalesce(sum(CASE WHEN cc.state = ? THEN cc.n END), 0)
		FROM campaigns c LEFT JOIN campaign_counts cc ON cc.campaign_id = c.id
		WHERE c.started_at >= ? AND c.api_stream = 0 GROUP BY c.id ORDER BY c.started_at DESC LIMIT ?`,
		report.KeySent, report.KeyDelivered, report.KeyFailed, report.KeyExpired, report.KeyNoReceipt, toMS(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent campaigns: %w", err)
	}
	var out []CampaignSummary
	var ranges [][2]int64
	for rows.Next() {
		var c CampaignSummary
		var started, first, last int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Channel, &c.State, &started, &first, &last,
			&c.Recipients, &c.Submitted, &c.Sent, &c.Delivered, &c.Failed, &c.NoReceipt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: recent campaigns: %w", err)
		}
		c.StartedAt = fromMS(started)
		out = append(out, c)
		ranges = append(ranges, [2]int64{first, last})
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, fmt.Errorf("store: recent campaigns: %w", err)
	}
	for i := range out {
		if ranges[i][1] == 0 {
			continue
		}
		if err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(max(segments, 1)), 0) FROM messages WHERE id BETWEEN ? AND ? AND sent_code = 2`,
			ranges[i][0], ranges[i][1]).Scan(&out[i].Segments); err != nil {
			return nil, fmt.Errorf("store: segments of campaign %d: %w", out[i].ID, err)
		}
	}
	return out, nil
}
