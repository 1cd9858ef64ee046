package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"arauto/internal/delivery"
	"arauto/internal/dispatch"
)

// The contact book's pre-aggregated facts (last sent, delivered, replied;
// the carrier) are kept so segments read one column instead of the
// outbox. A send or a delivery only notes its message in
// contact_activity_due inside its own transaction (durable with it, and
// cheap: an append), and FoldContactActivity later folds the noted
// messages into their contacts, one rewrite per contact for both facts.
// Replies and keyword opt-ins are rare and written at once.

// noteActivity notes messages whose contact facts changed, to be folded.
func noteActivity(ctx context.Context, tx *sql.Tx, ids []int64) error {
	err := inChunks(ids, func(args []any) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO contact_activity_due (message_id) VALUES (`+
			strings.Repeat("?), (", len(args)-1)+`?) ON CONFLICT (message_id) DO NOTHING`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("note contact activity: %w", err)
	}
	return nil
}

// touchSent notes, for messages the provider accepted, that their
// numbers were sent something.
func touchSent(ctx context.Context, tx *sql.Tx, acc []dispatch.Accepted) error {
	ids := make([]int64, len(acc))
	for i, a := range acc {
		ids[i] = a.MessageID
	}
	return noteActivity(ctx, tx, ids)
}

// touchContacts records what a batch of delivery events taught about the
// contacts: deliveries (and the carrier that made them) are noted for
// folding; replies, and the consent of a keyword opt-in, are written.
func touchContacts(ctx context.Context, tx *sql.Tx, c delivery.Changes) error {
	var delivered []int64
	for _, m := range c.States {
		if m.DeliveredAt != 0 {
			delivered = append(delivered, m.ID)
		}
	}
	if err := noteActivity(ctx, tx, delivered); err != nil {
		return err
	}
	for _, r := range c.Replies {
		p, err := strconv.ParseInt(r.Phone, 10, 64)
		if err != nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE contacts SET last_replied_at = max(last_replied_at, ?) WHERE phone = ?", toMS(r.ReceivedAt), p); err != nil {
			return fmt.Errorf("contact %s replied: %w", r.Phone, err)
		}
		if r.OptIn != "" {
			if err := optIn(ctx, tx, p, r); err != nil {
				return fmt.Errorf("contact %s opted in: %w", r.Phone, err)
			}
		}
	}
	return nil
}

// contactFacts is what the noted messages of one number say.
type contactFacts struct {
	sent, delivered int64
	carrier         string // of the latest delivery
}

// FoldContactActivity folds up to limit noted messages, the oldest first,
// into their contacts (last sent, last delivered and the carrier of the
// latest delivery; a value never goes back) in one transaction, and says
// how many it folded. It is background work: it takes the writer only
// when no send, report or webhook waits for it, so while a campaign is
// busy the noted sends wait for their deliveries and both are folded in
// one rewrite of the contact. Messages deleted since they were noted, and numbers
// that are no contact, are let go.
func (s *Store) FoldContactActivity(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.txBackground(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT d.message_id, coalesce(m.phone, ''), coalesce(m.submitted_at, 0),
			coalesce(m.delivered_at, 0), coalesce(m.carrier, '')
			FROM contact_activity_due d LEFT JOIN messages m ON m.id = d.message_id ORDER BY d.message_id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		facts := map[int64]*contactFacts{}
		var order []int64 // numbers in message order: contacts were made in list order too
		var last int64
		for rows.Next() {
			var phone, carrier string
			var sent, delivered int64
			if err := rows.Scan(&last, &phone, &sent, &delivered, &carrier); err != nil {
				rows.Close()
				return err
			}
			n++
			p, err := strconv.ParseInt(phone, 10, 64)
			if err != nil {
				continue
			}
			f := facts[p]
			if f == nil {
				f = &contactFacts{}
				facts[p] = f
				order = append(order, p)
			}
			f.sent = max(f.sent, sent)
			if delivered != 0 && delivered >= f.delivered {
				f.delivered = delivered
				if carrier != "" {
					f.carrier = carrier
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		// The carrier follows the latest delivery: an older one folded
		// late leaves it.
		stmt, err := tx.PrepareContext(ctx, `UPDATE contacts SET last_sent_at = max(last_sent_at, ?),
			carrier = CASE WHEN ? <> '' AND ? >= last_delivered_at THEN ? ELSE carrier END,
			last_delivered_at = max(last_delivered_at, ?) WHERE phone = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range order {
			f := facts[p]
			if _, err := stmt.ExecContext(ctx, f.sent, f.carrier, f.delivered, f.carrier, f.delivered, p); err != nil {
				return fmt.Errorf("contact %d: %w", p, err)
			}
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM contact_activity_due WHERE message_id <= ?", last)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: fold contact activity: %w", err)
	}
	return n, nil
}

// ContactActivityDue counts the noted messages not folded yet.
func (s *Store) ContactActivityDue(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM contact_activity_due").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: contact activity due: %w", err)
	}
	return n, nil
}

// optIn records a keyword opt-in reply as a consent source and makes it
// the contact's consent (creating the contact if the number was unknown).
func optIn(ctx context.Context, tx *sql.Tx, phone int64, r delivery.Reply) error {
	at := toMS(r.ReceivedAt)
	res, err := insertRow(ctx, tx, `INSERT INTO contact_sources (kind, basis, keyword, created_at) VALUES ('keyword', 'consent', ?, ?)`,
		truncateRunes(r.OptIn+" · "+r.Text, 200), at)
	if err != nil {
		return err
	}
	id, _ := res.LastInsertId()
	src := "," + strconv.FormatInt(id, 10) + ","
	_, err = tx.ExecContext(ctx, `INSERT INTO contacts (phone, attrs, fold, sources, consent_source, consent_row, last_replied_at, created_at, updated_at)
		VALUES (?, '{}', jsonb('{}'), ?, ?, 0, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET sources = contacts.sources || substr(excluded.sources, 2), consent_source = excluded.consent_source,
			consent_row = 0, updated_at = excluded.updated_at`, phone, src, id, at, at, at)
	return err
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
