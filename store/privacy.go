package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/contact"
	"arauto/internal/recipient"
)

// settingPepper is the key of the erased numbers' hashes. It lives in the
// database, not beside the session key: losing it would let erased numbers
// be messaged again.
const settingPepper = "privacy.pepper"

// pepper returns the installation's pepper, made on first use.
func (s *Store) pepper(ctx context.Context) ([]byte, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingPepper).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("store: make pepper: %w", err)
		}
		if _, err := s.w.ExecContext(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", settingPepper, hex.EncodeToString(b), toMS(time.Now())); err != nil {
			return nil, fmt.Errorf("store: save pepper: %w", err)
		}
		err = s.w.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingPepper).Scan(&v)
	}
	if err != nil {
		return nil, fmt.Errorf("store: pepper: %w", err)
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) < 16 {
		return nil, fmt.Errorf("store: pepper is damaged")
	}
	return b, nil
}

// ErasedNumbers returns the hashes of the numbers erased on request.
func (s *Store) ErasedNumbers(ctx context.Context) (*contact.Erased, error) {
	p, err := s.pepper(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT hash FROM erased_numbers")
	if err != nil {
		return nil, fmt.Errorf("store: erased numbers: %w", err)
	}
	defer rows.Close()
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("store: erased numbers: %w", err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: erased numbers: %w", err)
	}
	return contact.NewErased(p, hashes), nil
}

// Pepper returns the installation's key of number hashes, made on first
// use.
func (s *Store) Pepper(ctx context.Context) ([]byte, error) { return s.pepper(ctx) }

// ContactEvents returns the latest messages sent to a number (accepted by
// the provider, with their outcome) and its replies, oldest first.
func (s *Store) ContactEvents(ctx context.Context, phone string, limit int) ([]contact.Event, error) {
	entries, err := s.Conversation(ctx, digits(phone), limit)
	if err != nil {
		return nil, err
	}
	out := make([]contact.Event, 0, len(entries))
	for _, e := range entries {
		switch {
		case e.Out != nil:
			o := e.Out
			st := MessageStatus{State: o.State, Carrier: o.Carrier, SentCode: o.SentCode, DeliveredCode: o.DeliveredCode,
				SentAt: o.SentAt, DeliveredAt: o.DeliveredAt, ReadAt: o.ReadAt}
			out = append(out, contact.Event{At: e.At, Kind: "sent", CampaignID: o.CampaignID, CampaignName: o.CampaignName, Channel: o.Channel,
				State: st.Outcome(), Template: o.Template, Columns: o.Columns, Fields: o.Fields})
			if !o.ClickedAt.IsZero() {
				// The first click on its links, right after the message
				// (the history is in the order messages were sent).
				out = append(out, contact.Event{At: o.ClickedAt, Kind: "click", CampaignID: o.CampaignID, CampaignName: o.CampaignName,
					Channel: o.Channel, Clicks: o.Clicks})
			}
		case e.In != nil:
			kind := "reply"
			if e.In.OptOut {
				kind = "opt_out"
			}
			out = append(out, contact.Event{At: e.At, Kind: kind, CampaignID: e.In.CampaignID, CampaignName: e.In.CampaignName,
				Channel: e.In.Channel, Text: e.In.Text})
		}
	}
	return out, nil
}

// Dossier gathers what the store knows about a number: the contact, its
// sources and field history, its rows in every list, every message sent
// to it and every reply, its suppression entry and the earlier requests
// about it (by subject). Lists and messages are not indexed by number
// for anything but accepted messages, so this reads them whole: a
// request of the kind is rare.
func (s *Store) Dossier(ctx context.Context, phone, subject string) (contact.Dossier, error) {
	phone = digits(phone)
	d := contact.Dossier{Phone: phone}
	c, err := s.Contact(ctx, phone)
	switch {
	case err == nil:
		d.Contact = c
		if d.Sources, err = s.ContactSources(ctx, c.Sources); err != nil {
			return d, err
		}
		if d.Changes, err = s.AttrHistory(ctx, phone); err != nil {
			return d, err
		}
	case !errors.Is(err, ErrNotFound):
		return d, err
	}
	fail := func(what string, err error) (contact.Dossier, error) {
		return d, fmt.Errorf("store: dossier of a number: %s: %w", what, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.list_id, l.name, l.file_name, l.columns, r.row, r.fields
		FROM recipients r JOIN lists l ON l.id = r.list_id WHERE r.phone = ? ORDER BY r.list_id`, phone)
	if err != nil {
		return fail("lists", err)
	}
	for rows.Next() {
		var lr contact.ListRow
		var columns, fields string
		if err := rows.Scan(&lr.ListID, &lr.ListName, &lr.FileName, &columns, &lr.Row, &fields); err != nil {
			rows.Close()
			return fail("lists", err)
		}
		lr.Fields = map[string]string{}
		cols, vals := strings.Split(columns, "\x1f"), strings.Split(fields, "\x1f")
		for i, col := range cols {
			if i < len(vals) && col != "" {
				lr.Fields[col] = vals[i]
			}
		}
		d.Lists = append(d.Lists, lr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("lists", err)
	}
	rows, err = s.r.QueryContext(ctx, `SELECT m.campaign_id, c.name, c.channel, coalesce(c.message, ''), coalesce(l.columns, ''), coalesce(r.fields, ''),
			m.state, m.carrier, m.sent_code, m.delivered_code, m.submitted_at, m.sent_at, m.delivered_at, m.read_at, m.claimed_at
		FROM messages m JOIN campaigns c ON c.id = m.campaign_id
		LEFT JOIN lists l ON l.id = c.list_id
		LEFT JOIN recipients r ON r.list_id = c.list_id AND r.row = m.row
		WHERE m.phone = ? ORDER BY m.id`, phone)
	if err != nil {
		return fail("messages", err)
	}
	for rows.Next() {
		var e contact.Event
		var columns, fields string
		var st MessageStatus
		var submitted, sent, deliv, read, claimed int64
		if err := rows.Scan(&e.CampaignID, &e.CampaignName, &e.Channel, &e.Template, &columns, &fields, &st.State, &st.Carrier,
			&st.SentCode, &st.DeliveredCode, &submitted, &sent, &deliv, &read, &claimed); err != nil {
			rows.Close()
			return fail("messages", err)
		}
		st.SentAt, st.DeliveredAt, st.ReadAt = fromMS(sent), fromMS(deliv), fromMS(read)
		e.Kind, e.State, e.At = "sent", st.Outcome(), fromMS(max(submitted, claimed))
		if columns != "" {
			e.Columns = strings.Split(columns, "\x1f")
		}
		if fields != "" {
			e.Fields = strings.Split(fields, "\x1f")
		}
		d.Messages = append(d.Messages, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("messages", err)
	}
	rows, err = s.r.QueryContext(ctx, "SELECT "+inboundColumns+` FROM inbound i LEFT JOIN campaigns c ON c.id = i.campaign_id
		WHERE i.phone = ? ORDER BY i.received_at`, phone)
	if err != nil {
		return fail("replies", err)
	}
	for rows.Next() {
		in, err := scanInbound(rows)
		if err != nil {
			rows.Close()
			return fail("replies", err)
		}
		kind := "reply"
		if in.OptOut {
			kind = "opt_out"
		}
		d.Replies = append(d.Replies, contact.Event{At: in.ReceivedAt, Kind: kind, CampaignID: in.CampaignID, CampaignName: in.CampaignName,
			Channel: in.Channel, Text: in.Text})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("replies", err)
	}
	switch sp, err := s.SuppressionByPhone(ctx, phone); {
	case err == nil:
		d.Suppression = &contact.Suppression{Reason: sp.Reason, Note: sp.Note, At: sp.CreatedAt}
	case !errors.Is(err, ErrNotFound):
		return d, err
	}
	if d.Requests, err = s.PrivacyRequests(ctx, subject, 100); err != nil {
		return d, err
	}
	return d, nil
}

// EraseNumber removes a number everywhere in one transaction and keeps
// only subject, its hash, on the erased list: the contact and its field
// history, its rows in every list (and in the lists' kept previews and
// rejected rows), its replies, the raw events that name it (their body is
// replaced), its suppression entry; the messages sent to it keep their
// place in the reports without the number, and those still queued are
// suppressed.
func (s *Store) EraseNumber(ctx context.Context, phone, subject string, at time.Time) (contact.Erasure, error) {
	phone = digits(phone)
	var e contact.Erasure
	p, err := strconv.ParseInt(phone, 10, 64)
	if err != nil || len(phone) < 8 {
		return e, fmt.Errorf("store: erase %q: not a number", phone)
	}
	national := phone
	if strings.HasPrefix(phone, "55") && len(phone) >= 12 {
		national = phone[4:] // without country code and DDD, as people type it
	}
	affected := func(res sql.Result) int {
		n, _ := res.RowsAffected()
		return int(n)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := eraseContactWords(ctx, tx, p); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM contacts WHERE phone = ?", p)
		if err != nil {
			return err
		}
		e.Contacts = affected(res)
		if _, err := tx.ExecContext(ctx, "DELETE FROM contact_attr_history WHERE phone = ?", p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lists SET valid = valid - (SELECT count(*) FROM recipients r WHERE r.list_id = lists.id AND r.phone = ?)
			WHERE id IN (SELECT list_id FROM recipients WHERE phone = ?)`, phone, phone); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recipient_numbers WHERE last4 = substr(?1, length(?1) - 3)
			AND (list_id, row) IN (SELECT list_id, row FROM recipients WHERE phone = ?1)`, phone); err != nil {
			return err
		}
		if res, err = tx.ExecContext(ctx, "DELETE FROM recipients WHERE phone = ?", phone); err != nil {
			return err
		}
		e.ListRows = affected(res)
		// Queued messages will not go; the counters follow.
		qrows, err := tx.QueryContext(ctx, "UPDATE messages SET state = 'suppressed' WHERE phone = ? AND state = 'queued' RETURNING campaign_id", phone)
		if err != nil {
			return err
		}
		queued := map[int64]int64{}
		for qrows.Next() {
			var c int64
			if err := qrows.Scan(&c); err != nil {
				qrows.Close()
				return err
			}
			queued[c]++
		}
		qrows.Close()
		for c, n := range queued {
			if err := bump(ctx, tx, c, "queued", "suppressed", n); err != nil {
				return err
			}
		}
		if res, err = tx.ExecContext(ctx, "UPDATE messages SET phone = '', error = '' WHERE phone = ?", phone); err != nil {
			return err
		}
		e.Messages = affected(res)
		if res, err = tx.ExecContext(ctx, "DELETE FROM inbound WHERE phone = ?", phone); err != nil {
			return err
		}
		e.Replies = affected(res)
		// What the inbox and the test sends keep of the number: the
		// conversation's state, answers typed to it, test numbers and
		// test sends.
		for _, table := range []string{"conversations", "answers", "test_seeds", "test_sends"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE phone = ?", phone); err != nil {
				return fmt.Errorf("erase from %s: %w", table, err)
			}
		}
		if res, err = tx.ExecContext(ctx, `UPDATE events SET body = ?, note = 'erased on request',
			applied_at = CASE WHEN applied_at = 0 THEN ? ELSE applied_at END WHERE instr(body, ?) > 0`, []byte(`{"erased":true}`), toMS(at), phone); err != nil {
			return err
		}
		e.Events = affected(res)
		n, err := eraseChunks(ctx, tx, phone)
		if err != nil {
			return err
		}
		e.Events += n
		if e.Rejected, err = eraseRejected(ctx, tx, national); err != nil {
			return err
		}
		if err := erasePreviews(ctx, tx, national); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM suppressions WHERE phone = ?", phone); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO erased_numbers (hash, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING", subject, toMS(at))
		return err
	})
	if err != nil {
		return e, fmt.Errorf("store: erase a number: %w", err)
	}
	s.erased.Store(2)
	return e, nil
}

// holdsNumber reports whether a cell as typed is the number whose national
// part is national ("(11) 98765-4321", "5511987654321", "11 98765 4321").
func holdsNumber(cell, national string) bool {
	d := digits(cell)
	return len(national) >= 8 && strings.HasSuffix(d, national)
}

// eraseRejected deletes the rejected rows that were the number (a
// duplicate of it, mostly), matched on the digits of the cell as typed.
func eraseRejected(ctx context.Context, tx *sql.Tx, national string) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT list_id, row, value FROM rejected_rows")
	if err != nil {
		return 0, err
	}
	type key struct{ list, row int64 }
	var hit []key
	for rows.Next() {
		var k key
		var v string
		if err := rows.Scan(&k.list, &k.row, &v); err != nil {
			rows.Close()
			return 0, err
		}
		if holdsNumber(v, national) {
			hit = append(hit, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, k := range hit {
		if _, err := tx.ExecContext(ctx, "DELETE FROM rejected_rows WHERE list_id = ? AND row = ?", k.list, k.row); err != nil {
			return 0, err
		}
	}
	return len(hit), nil
}

// erasePreviews blanks the number in the first rows kept from uploads.
func erasePreviews(ctx context.Context, tx *sql.Tx, national string) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, preview FROM lists WHERE preview <> ''")
	if err != nil {
		return err
	}
	type change struct {
		id      int64
		preview string
	}
	var changes []change
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return err
		}
		var p recipient.Preview
		if json.Unmarshal([]byte(raw), &p) != nil {
			continue
		}
		hit := false
		for i := range p.Rows {
			for j := range p.Rows[i] {
				if holdsNumber(p.Rows[i][j], national) {
					p.Rows[i][j], hit = "•••", true
				}
			}
		}
		if hit {
			b, err := json.Marshal(p)
			if err != nil {
				rows.Close()
				return err
			}
			changes = append(changes, change{id, string(b)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, "UPDATE lists SET preview = ? WHERE id = ?", c.preview, c.id); err != nil {
			return err
		}
	}
	return nil
}

// RecordPrivacy appends a data subject request to the audit log.
func (s *Store) RecordPrivacy(ctx context.Context, e contact.AuditEntry) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO audit_privacy (at, actor_id, actor_email, action, subject, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		toMS(e.At), e.ActorID, e.ActorEmail, string(e.Action), e.Subject, e.Outcome, e.Detail)
	if err != nil {
		return fmt.Errorf("store: record privacy request: %w", err)
	}
	return nil
}

// PrivacyRequests returns the latest requests, newest first: all of them,
// or those about one subject.
func (s *Store) PrivacyRequests(ctx context.Context, subject string, limit int) ([]contact.AuditEntry, error) {
	q, args := "SELECT at, actor_id, actor_email, action, subject, outcome, detail FROM audit_privacy", []any{}
	if subject != "" {
		q, args = q+" WHERE subject = ?", append(args, subject)
	}
	rows, err := s.r.QueryContext(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: privacy requests: %w", err)
	}
	defer rows.Close()
	var out []contact.AuditEntry
	for rows.Next() {
		var e contact.AuditEntry
		var at int64
		var action string
		if err := rows.Scan(&at, &e.ActorID, &e.ActorEmail, &action, &e.Subject, &e.Outcome, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: privacy requests: %w", err)
		}
		e.At, e.Action = fromMS(at), contact.Action(action)
		out = append(out, e)
	}
	return out, rows.Err()
}

// erasedBody replaces the body of a raw event that named an erased number.
var erasedBody = []byte(`{"erased":true}`)

// eraseChunks replaces, in the compressed chunks of raw events, the body
// of every event that names the number, and returns how many it replaced.
// Every chunk is read (a number has no index into them): an erasure is
// rare, and its cost grows with the raw events retention keeps.
func eraseChunks(ctx context.Context, tx *sql.Tx, phone string) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+chunkColumns+" FROM event_chunks WHERE codec = 'zstd' ORDER BY first_id")
	if err != nil {
		return 0, fmt.Errorf("erase from event chunks: %w", err)
	}
	_, dec := codecs()
	needle := []byte(phone)
	var hits []chunkRow
	for rows.Next() {
		c, err := scanChunk(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("erase from event chunks: %w", err)
		}
		raw, err := dec.DecodeAll(c.body, nil)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("erase from event chunk %d: %w", c.firstID, err)
		}
		if bytes.Contains(raw, needle) {
			hits = append(hits, c)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, fmt.Errorf("erase from event chunks: %w", err)
	}
	enc, _ := codecs()
	replaced := 0
	for _, c := range hits {
		evs, err := c.events(0, nil)
		if err != nil {
			return 0, err
		}
		var meta, raw []byte
		for _, e := range evs {
			body := e.Body
			if bytes.Contains(body, needle) {
				body = erasedBody
				replaced++
			}
			meta = binary.AppendUvarint(meta, uint64(max(toMS(e.ReceivedAt), 0)))
			meta = binary.AppendUvarint(meta, uint64(max(e.Items, 0)))
			meta = binary.AppendUvarint(meta, uint64(len(body)))
			raw = append(raw, body...)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE event_chunks SET meta = ?, body = ? WHERE first_id = ?",
			meta, enc.EncodeAll(raw, nil), c.firstID); err != nil {
			return 0, fmt.Errorf("erase from event chunk %d: %w", c.firstID, err)
		}
	}
	return replaced, nil
}
