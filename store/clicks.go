package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"arauto/internal/clicks"
	"arauto/internal/recipient"
)

// SetCampaignClickTracking sets whether a draft campaign tracks the
// clicks on its links.
func (s *Store) SetCampaignClickTracking(ctx context.Context, id int64, track bool, at time.Time) error {
	return s.draftUpdate(ctx, id, "set click tracking", "track_clicks = ?, updated_at = ?", track, toMS(at))
}

// SaveTrackedLinks keeps a campaign's tracked links (its URLs as written,
// by index), replacing those saved before; the range of its message ids
// follows when its outbox is made. No links removes the row.
func (s *Store) SaveTrackedLinks(ctx context.Context, campaignID int64, urls []string, at time.Time) error {
	if len(urls) == 0 {
		if _, err := s.w.ExecContext(ctx, "DELETE FROM tracked_links WHERE campaign_id = ?", campaignID); err != nil {
			return fmt.Errorf("store: tracked links of campaign %d: %w", campaignID, err)
		}
		return nil
	}
	b, err := json.Marshal(urls)
	if err != nil {
		return fmt.Errorf("store: tracked links of campaign %d: %w", campaignID, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO tracked_links (campaign_id, urls, first_message_id, last_message_id, started_at, created_at)
		SELECT ?, ?, first_message_id, last_message_id, started_at, ? FROM campaigns WHERE id = ?
		ON CONFLICT (campaign_id) DO UPDATE SET urls = excluded.urls`, campaignID, string(b), toMS(at), campaignID)
	if err != nil {
		return fmt.Errorf("store: tracked links of campaign %d: %w", campaignID, err)
	}
	return nil
}

// TrackedLinks returns a campaign's tracked links by index (none when it
// tracks nothing).
func (s *Store) TrackedLinks(ctx context.Context, campaignID int64) ([]string, error) {
	var raw string
	err := s.r.QueryRowContext(ctx, "SELECT urls FROM tracked_links WHERE campaign_id = ?", campaignID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: tracked links of campaign %d: %w", campaignID, err)
	}
	var urls []string
	if err := json.Unmarshal([]byte(raw), &urls); err != nil {
		return nil, fmt.Errorf("store: tracked links of campaign %d: %w", campaignID, err)
	}
	return urls, nil
}

// LinkSets returns every campaign's tracked links whose outbox exists,
// deleted campaigns' included (clicks.LinkStore).
func (s *Store) LinkSets(ctx context.Context) ([]clicks.LinkSet, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT campaign_id, urls, first_message_id, last_message_id, started_at
		FROM tracked_links WHERE last_message_id > 0`)
	if err != nil {
		return nil, fmt.Errorf("store: link sets: %w", err)
	}
	defer rows.Close()
	var out []clicks.LinkSet
	for rows.Next() {
		var l clicks.LinkSet
		var raw string
		var started int64
		if err := rows.Scan(&l.CampaignID, &raw, &l.First, &l.Last, &started); err != nil {
			return nil, fmt.Errorf("store: link sets: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &l.URLs); err != nil {
			return nil, fmt.Errorf("store: link set of campaign %d: %w", l.CampaignID, err)
		}
		l.StartedAt = fromMS(started)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: link sets: %w", err)
	}
	return out, nil
}

// PruneTrackedLinks removes the links of deleted campaigns that expired
// (started before cutoff): the links of campaigns that exist stay, their
// report names them.
func (s *Store) PruneTrackedLinks(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM tracked_links
		WHERE campaign_id NOT IN (SELECT id FROM campaigns) AND CASE WHEN started_at > 0 THEN started_at ELSE created_at END < ?`, toMS(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune tracked links: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ClickSecret returns the installation's secret that signs short-link
// codes, made on first use.
func (s *Store) ClickSecret(ctx context.Context) ([]byte, error) {
	v, err := s.SettingOrCreate(ctx, "clicks.secret", func() (string, error) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return fmt.Sprintf("%x", b), nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: click secret: %w", err)
	}
	return []byte(v), nil
}

// RecordClicks runs fn in one write transaction (clicks.Store).
func (s *Store) RecordClicks(ctx context.Context, fn func(clicks.Tx) error) error {
	if err := s.tx(ctx, func(tx *sql.Tx) error { return fn(clickTx{tx}) }); err != nil {
		return fmt.Errorf("store: record clicks: %w", err)
	}
	return nil
}

type clickTx struct{ tx *sql.Tx }

// Messages reads what the recorder needs of the clicked messages.
func (c clickTx) Messages(ctx context.Context, ids []int64) (map[int64]clicks.Message, error) {
	out := make(map[int64]clicks.Message, len(ids))
	err := inChunks(ids, func(args []any) error {
		rows, err := c.tx.QueryContext(ctx, `SELECT id, campaign_id, phone, delivered_at, clicked_at, clicked_links
			FROM messages WHERE id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m clicks.Message
			var delivered, clicked, links int64
			if err := rows.Scan(&m.ID, &m.CampaignID, &m.Phone, &delivered, &clicked, &links); err != nil {
				return err
			}
			m.DeliveredAt, m.ClickedAt, m.Links = fromMS(delivered), fromMS(clicked), uint16(links)
			out[m.ID] = m
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load clicked messages: %w", err)
	}
	return out, nil
}

// Commit writes what a batch of clicks adds to messages, contacts and
// counters.
func (c clickTx) Commit(ctx context.Context, ch clicks.Changes) error {
	if len(ch.Messages) > 0 {
		upd, err := c.tx.PrepareContext(ctx, `UPDATE messages SET clicked_at = CASE WHEN clicked_at = 0 THEN ? ELSE clicked_at END,
			clicks = clicks + ?, previews = previews + ?, clicked_links = ? WHERE id = ?`)
		if err != nil {
			return fmt.Errorf("write clicks: %w", err)
		}
		defer upd.Close()
		contact, err := c.tx.PrepareContext(ctx, "UPDATE contacts SET last_clicked_at = max(last_clicked_at, ?) WHERE phone = ?")
		if err != nil {
			return fmt.Errorf("write clicks: %w", err)
		}
		defer contact.Close()
		for _, m := range ch.Messages {
			if _, err := upd.ExecContext(ctx, toMS(m.ClickedAt), m.Clicks, m.Previews, int64(m.Links), m.ID); err != nil {
				return fmt.Errorf("write clicks of message %d: %w", m.ID, err)
			}
			if m.LastClick.IsZero() {
				continue
			}
			if p, err := strconv.ParseInt(m.Phone, 10, 64); err == nil {
				if _, err := contact.ExecContext(ctx, toMS(m.LastClick), p); err != nil {
					return fmt.Errorf("contact %s clicked: %w", m.Phone, err)
				}
			}
		}
	}
	if len(ch.Counts) == 0 {
		return nil
	}
	stmt, err := c.tx.PrepareContext(ctx, `INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, ?)
		ON CONFLICT (campaign_id, state) DO UPDATE SET n = campaign_counts.n + excluded.n`)
	if err != nil {
		return fmt.Errorf("add click counters: %w", err)
	}
	defer stmt.Close()
	for _, k := range ch.Counts {
		if _, err := stmt.ExecContext(ctx, k.CampaignID, k.Key, k.N); err != nil {
			return fmt.Errorf("add counter %s of campaign %d: %w", k.Key, k.CampaignID, err)
		}
	}
	return nil
}

// CreateListOfNonClickers stores l as a ready list of the recipients of
// campaign campaignID whose message the provider took and who clicked none
// of its tracked links (previews do not count), as
// CreateListOfNonResponders does for replies.
func (s *Store) CreateListOfNonClickers(ctx context.Context, l *recipient.List, campaignID int64) error {
	return s.createReuseList(ctx, l, campaignID, "non-clickers", "m.clicked_at = 0")
}
