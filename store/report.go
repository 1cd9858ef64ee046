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
	"pending":            "m.sent_code = 0 AND m.delivered_code = 0 AND m.read_at = 0 AND m.unknown_at = 0 AND m.state IN ('queued', 'submitting', 'accepted', 'held')",
	"suppressed":         "m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'suppressed'",
	"cancelled":          "m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'cancelled'",
	"capped":             "m.sent_code = 0 AND m.delivered_code = 0 AND m.state = 'capped'",
}

// OutcomeFilters are the outcome filters of the per-recipient table, in
// the order they are offered.
var OutcomeFilters = []string{"delivered", "read", "sent-no-receipt", "sent", "pending", "failed", "expired", "unknown-no-receipt", "suppressed", "capped", "cancelled"}

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
	// Number keeps the numbers a search for a number finds: ending with
	// its digits, or starting with them for an area prefix.
	Number recipient.NumberSearch
	// WithFallback fills each row's Fallback (a WhatsApp campaign's SMS
	// fallback), one query per span read.
	WithFallback bool
}

// MessageRow is one recipient's result.
type MessageRow struct {
	MessageStatus
	Row    int64
	Fields []string
	// SubmittedAt is when the provider accepted the message.
	SubmittedAt time.Time
	Error       string
	// Fallback is the SMS the recipient got instead, when asked for
	// (MessageFilter.WithFallback) and sent.
	Fallback *FallbackResult
	// ClickedAt is the first click on one of its tracked links (zero:
	// none); Clicks counts the clicks, previews left out.
	ClickedAt time.Time
	Clicks    int64
	// Variant is the A/B test variant whose text it got: 1 = A in the
	// test share, -1 = A for the remainder sent with the winner; 0 without
	// a test (or held, waiting for the winner).
	Variant int
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
	switch n := f.Number; {
	case n.Digits == "":
	case n.AreaPrefix:
		// A prefix range on the text column, so "5511" finds every
		// number of São Paulo.
		w.WriteString(" AND m.phone >= ? AND m.phone < ?")
		args = append(args, n.Digits, n.Digits+":")
	default:
		w.WriteString(" AND substr(m.phone, length(m.phone) - ? + 1) = ?")
		args = append(args, len(n.Digits), n.Digits)
	}
	return w.String(), args
}

// messagesQuery is the query of a campaign's messages matching f with ids
// in [lo, hi], in id order (DESC when desc), at most limit, with the
// recipient's fields; args are its arguments. Whatever the filter, it
// reads few rows beyond those it returns:
//   - a number (four digits or more) is looked up in the campaign's list
//     by its last four digits, then in the outbox by row;
//   - the pending outcome reads the index of messages without a status;
//   - a failure code reads the indexes of failures by code;
//   - anything else walks the outbox by id, where matches are dense.
func messagesQuery(f MessageFilter, campaignID, listID, lo, hi int64, desc bool, limit int) (string, []any) {
	order := " ORDER BY m.id"
	if desc {
		order += " DESC"
	}
	where, args := f.where(nil)
	if f.Number.Suffix() && listID != 0 {
		q := "SELECT " + messageRowColumns + `, r.fields FROM recipient_numbers n
			CROSS JOIN recipients r ON r.list_id = n.list_id AND r.row = n.row
			CROSS JOIN messages m INDEXED BY messages_campaign_row ON m.campaign_id = ? AND m.row = n.row
			WHERE n.list_id = ? AND n.last4 = ? AND m.id BETWEEN ? AND ?` + where + order + " LIMIT ?"
		return q, append(append([]any{campaignID, listID, f.Number.Digits[len(f.Number.Digits)-4:], lo, hi}, args...), limit)
	}
	// The outbox by primary key (the index by campaign and row would
	// read the whole campaign to honour the id range).
	from := "messages m NOT INDEXED"
	switch {
	case f.Outcome == "pending":
		from = "messages m INDEXED BY messages_pending"
		where += " AND m.sent_code = 0 AND m.delivered_code = 0 AND m.unknown_at = 0"
	case f.Code != 0 && f.Code != successSent && f.Code != successDelivered:
		// The ids with that code, from the indexes of failures by code, in
		// id order; the outbox is then read by primary key.
		where += ` AND m.id IN (SELECT id FROM messages INDEXED BY messages_sent_failure
				WHERE sent_code = ? AND sent_code NOT IN (0, 2) AND id BETWEEN ? AND ?
			UNION ALL SELECT id FROM messages INDEXED BY messages_delivered_failure
				WHERE delivered_code = ? AND delivered_code NOT IN (0, 4) AND id BETWEEN ? AND ?)`
		args = append(args, f.Code, lo, hi, f.Code, lo, hi)
	}
	q := "SELECT " + messageRowColumns + ", coalesce(r.fields, '') FROM " + from + " LEFT JOIN recipients r ON r.list_id = ? AND r.row = m.row" +
		" WHERE m.id BETWEEN ? AND ? AND m.campaign_id = ?" + where + order + " LIMIT ?"
	return q, append(append([]any{listID, lo, hi, campaignID}, args...), limit)
}

// The status codes of success, which most messages carry: filtering by
// them walks the outbox.
const (
	successSent      = 2
	successDelivered = 4
)

const messageRowColumns = `m.id, m.campaign_id, m.row, m.phone, m.state, m.carrier, m.sent_code, m.delivered_code,
	m.sent_at, m.delivered_at, m.read_at, m.status_updated_at, m.unknown_at, m.submitted_at, m.error, m.segments, m.sercomtel_segments,
	m.clicked_at, m.clicks, m.variant`

func scanMessageRow(rows *sql.Rows, extra ...any) (MessageRow, error) {
	var m MessageRow
	var sent, deliv, read, upd, unk, sub, clicked int64
	dst := append([]any{&m.ID, &m.CampaignID, &m.Row, &m.Phone, &m.State, &m.Carrier, &m.SentCode, &m.DeliveredCode,
		&sent, &deliv, &read, &upd, &unk, &sub, &m.Error, &m.Segments, &m.SercomtelSegments, &clicked, &m.Clicks, &m.Variant}, extra...)
	if err := rows.Scan(dst...); err != nil {
		return m, err
	}
	m.SentAt, m.DeliveredAt, m.ReadAt, m.StatusUpdatedAt, m.UnknownAt = fromMS(sent), fromMS(deliv), fromMS(read), fromMS(upd), fromMS(unk)
	m.SubmittedAt, m.ClickedAt = fromMS(sub), fromMS(clicked)
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
	if before > 0 {
		hi = min(before-1, last)
	} else if after > 0 {
		lo = max(after+1, first)
	}
	q, args := messagesQuery(f, id, listID, lo, hi, before > 0, limit+1)
	rows, err := s.r.QueryContext(ctx, q, args...)
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

// exportSpan is how many consecutive message ids one query of
// EachCampaignMessage reads, so no read transaction stays open for the
// whole export; exportReaders spans are read at once, ahead of the
// writer, and at most exportAhead are held in memory.
const (
	exportSpan    = 4096
	exportReaders = 2
	exportAhead   = 6
)

// EachCampaignMessage calls fn with every message of the campaign
// matching f, in outbox order, with the recipient's list fields. Spans of
// ids are read by two goroutines ahead of fn (reading a row through the
// driver costs more than writing it out), in order, a few at a time, so
// memory stays flat whatever the size. An error from fn stops the walk.
func (s *Store) EachCampaignMessage(ctx context.Context, id int64, f MessageFilter, fn func(MessageRow) error) error {
	listID, first, last, err := s.campaignRange(ctx, id)
	if err != nil || last == 0 {
		return err
	}
	type result struct {
		rows []MessageRow
		err  error
	}
	spans := int((last-first)/exportSpan + 1)
	out := make([]chan result, spans)
	for i := range out {
		out[i] = make(chan result, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ahead := make(chan struct{}, exportAhead)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range spans {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range exportReaders {
		go func() {
			for i := range next {
				lo := first + int64(i)*exportSpan
				rows, err := s.readSpan(ctx, f, id, listID, lo, min(lo+exportSpan-1, last))
				out[i] <- result{rows, err}
			}
		}()
	}
	for i := range spans {
		var r result
		select {
		case r = <-out[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return fmt.Errorf("store: export campaign %d: %w", id, r.err)
		}
		for _, m := range r.rows {
			if err := fn(m); err != nil {
				return err
			}
		}
		<-ahead
	}
	return nil
}

// readSpan reads the messages matching f with ids in [lo, hi].
func (s *Store) readSpan(ctx context.Context, f MessageFilter, id, listID, lo, hi int64) ([]MessageRow, error) {
	if listID != 0 && f == (MessageFilter{}) {
		if out, ok, err := s.readWholeSpan(ctx, id, listID, lo, hi); ok || err != nil {
			return out, err
		}
	}
	q, args := messagesQuery(f, id, listID, lo, hi, false, int(hi-lo+1))
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]MessageRow, 0, min(hi-lo+1, exportSpan))
	for rows.Next() {
		var fields string
		m, err := scanMessageRow(rows, &fields)
		if err != nil {
			return nil, err
		}
		if fields != "" {
			m.Fields = strings.Split(fields, recipient.FieldSeparator)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil || !f.WithFallback || len(out) == 0 {
		return out, err
	}
	return out, s.attachFallbacks(ctx, out)
}

// readWholeSpan reads every message of the campaign with ids in [lo, hi]
// and their recipients' fields as two range scans merged here: ids follow
// the list's rows (StartCampaign), so the span's recipients are one short
// range of the list read in order, instead of one lookup per message,
// which was half of what an unfiltered export cost the database. ok is
// false when the span's rows are not in order and dense (no campaign is
// made so today); the caller then joins row by row.
func (s *Store) readWholeSpan(ctx context.Context, id, listID, lo, hi int64) (out []MessageRow, ok bool, err error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+messageRowColumns+" FROM messages m NOT INDEXED WHERE m.id BETWEEN ? AND ? AND m.campaign_id = ? ORDER BY m.id",
		lo, hi, id)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out = make([]MessageRow, 0, min(hi-lo+1, exportSpan))
	for rows.Next() {
		m, err := scanMessageRow(rows)
		if err != nil {
			return nil, false, err
		}
		if len(out) > 0 && m.Row <= out[len(out)-1].Row {
			return nil, false, nil
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, true, nil
	}
	first, last := out[0].Row, out[len(out)-1].Row
	if last-first > int64(len(out))*4+1024 {
		return nil, false, nil
	}
	rrows, err := s.r.QueryContext(ctx, "SELECT row, fields FROM recipients WHERE list_id = ? AND row BETWEEN ? AND ? ORDER BY row", listID, first, last)
	if err != nil {
		return nil, false, err
	}
	defer rrows.Close()
	i := 0
	for rrows.Next() {
		var row int64
		var fields string
		if err := rrows.Scan(&row, &fields); err != nil {
			return nil, false, err
		}
		for i < len(out) && out[i].Row < row {
			i++
		}
		if i == len(out) {
			break
		}
		if out[i].Row == row && fields != "" {
			out[i].Fields = strings.Split(fields, recipient.FieldSeparator)
		}
	}
	return out, true, rrows.Err()
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
		FROM campaigns WHERE started_at >= ? AND api_stream = 0 ORDER BY started_at DESC LIMIT ?`, toMS(since), limit)
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
		WHERE c.started_at >= ? AND c.api_stream = 0 AND (instr(cc.state, ':') = 0 OR (cc.state >= 'r:' AND cc.state < 'r;')
			OR (cc.state >= 'code:' AND cc.state < 'code;') OR (cc.state >= 'refused:' AND cc.state < 'refused;')
			OR (cc.state >= 'cap:' AND cc.state < 'cap;') OR (cc.state >= 'fb:' AND cc.state < 'fb;'))`, toMS(since))
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
	rows.Close()
	// The SMS fallback companions' counters (hidden campaigns), under
	// report.FallbackPrefix of the WhatsApp campaign they serve, as
	// FigureCounters reads them.
	rows, err = s.r.QueryContext(ctx, `SELECT f.fallback_of, cc.state, cc.n FROM campaigns c
		JOIN campaigns f ON f.fallback_of = c.id JOIN campaign_counts cc ON cc.campaign_id = f.id
		WHERE c.started_at >= ? AND c.api_stream = 0 AND (instr(cc.state, ':') = 0 OR (cc.state >= 'r:' AND cc.state < 'r;'))`, toMS(since))
	if err != nil {
		return nil, fmt.Errorf("store: recent campaigns' fallback counters: %w", err)
	}
	for rows.Next() {
		var id, n int64
		var k string
		if err := rows.Scan(&id, &k, &n); err != nil {
			return nil, fmt.Errorf("store: recent campaigns' fallback counters: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].Counts[report.FallbackPrefix+k] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent campaigns' fallback counters: %w", err)
	}
	return out, nil
}
