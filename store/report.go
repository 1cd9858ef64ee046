package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/recipient"
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
	m.sent_at, m.delivered_at, m.read_at, m.status_updated_at, m.unknown_at, m.submitted_at, m.error, m.segments, m.sercomtel_segments`

func scanMessageRow(rows *sql.Rows, extra ...any) (MessageRow, error) {
	var m MessageRow
	var sent, deliv, read, upd, unk, sub int64
	dst := append([]any{&m.ID, &m.CampaignID, &m.Row, &m.Phone, &m.State, &m.Carrier, &m.SentCode, &m.DeliveredCode,
		&sent, &deliv, &read, &upd, &unk, &sub, &m.Error, &m.Segments, &m.SercomtelSegments}, extra...)
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

// CampaignSummary is one campaign as the dashboard adds it up: its
// figure counters (as FigureCounters reads them), for report.Summarize.
type CampaignSummary struct {
	ID                int64
	Name              string
	Channel           string
	State             string
	StartedAt         time.Time
	EstimatedSegments int64
	Counts            map[string]int64
}

// RecentCampaigns returns the campaigns started since since, newest first,
// each with its figure counters. Counts come from campaign_counts in one
// query (no message is read).
func (s *Store) RecentCampaigns(ctx context.Context, since time.Time, limit int) ([]CampaignSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, coalesce(channel, ''), state, started_at, estimated_segments
		FROM campaigns WHERE started_at >= ? ORDER BY started_at DESC LIMIT ?`, toMS(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent campaigns: %w", err)
	}
	var out []CampaignSummary
	byID := map[int64]int{}
	for rows.Next() {
		var c CampaignSummary
		var started int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Channel, &c.State, &started, &c.EstimatedSegments); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: recent campaigns: %w", err)
		}
		c.StartedAt, c.Counts = fromMS(started), map[string]int64{}
		byID[c.ID] = len(out)
		out = append(out, c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = s.r.QueryContext(ctx, `SELECT cc.campaign_id, cc.state, cc.n FROM campaigns c JOIN campaign_counts cc ON cc.campaign_id = c.id
		WHERE c.started_at >= ? AND (instr(cc.state, ':') = 0 OR (cc.state >= 'r:' AND cc.state < 'r;')
			OR (cc.state >= 'code:' AND cc.state < 'code;') OR (cc.state >= 'refused:' AND cc.state < 'refused;'))`, toMS(since))
	if err != nil {
		return nil, fmt.Errorf("store: recent campaigns' counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		var k string
		if err := rows.Scan(&id, &k, &n); err != nil {
			return nil, fmt.Errorf("store: recent campaigns' counters: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].Counts[k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent campaigns' counters: %w", err)
	}
	return out, nil
}
