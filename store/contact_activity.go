package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/dispatch"
)

// The contact book's pre-aggregated facts (last sent, delivered, replied;
// the carrier) are kept in step by the writes that learn them, inside
// their transactions, so segments read one column instead of the outbox.

// touchSent records, for messages the provider accepted, when their numbers
// were last sent something.
func touchSent(ctx context.Context, tx *sql.Tx, acc []dispatch.Accepted, now time.Time) error {
	ids := make([]int64, len(acc))
	for i, a := range acc {
		ids[i] = a.MessageID
	}
	err := inChunks(ids, func(args []any) error {
		_, err := tx.ExecContext(ctx, `UPDATE contacts SET last_sent_at = max(last_sent_at, ?)
			WHERE phone IN (SELECT CAST(phone AS BIGINT) FROM messages WHERE id IN (`+placeholders(len(args))+`))`, append([]any{toMS(now)}, args...)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("contacts last sent: %w", err)
	}
	return nil
}

// touchContacts records what a batch of delivery events taught about the
// contacts: deliveries (and the carrier that made them), replies, and the
// consent of a keyword opt-in.
func touchContacts(ctx context.Context, tx *sql.Tx, c delivery.Changes) error {
	delivered, err := tx.PrepareContext(ctx, `UPDATE contacts SET last_delivered_at = max(last_delivered_at, ?),
		carrier = CASE WHEN ? <> '' THEN ? ELSE carrier END WHERE phone = ?`)
	if err != nil {
		return fmt.Errorf("contacts delivered: %w", err)
	}
	defer delivered.Close()
	for _, m := range c.States {
		if m.DeliveredAt == 0 {
			continue
		}
		p, err := strconv.ParseInt(m.Phone, 10, 64)
		if err != nil {
			continue
		}
		if _, err := delivered.ExecContext(ctx, m.DeliveredAt, m.Carrier, m.Carrier, p); err != nil {
			return fmt.Errorf("contact %s delivered: %w", m.Phone, err)
		}
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
