package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
)

// ErrResultsPruned is returned when a campaign's per-recipient results
// were pruned (retention): who was sent what is no longer known.
var ErrResultsPruned = errors.New("store: the campaign's per-recipient results were pruned")

// CopyCampaign stores c as a new draft carrying what campaign fromID
// sends: channel, list (or segment), message (SMS text or WhatsApp), schedule
// (windows, zone, expiry; startAt as its start, NULL when zero), flash,
// extra info, accent replacement, send options and the A/B test (with a
// fresh seed; no winner). It sets c's ID and the
// copied fields. A remote id or alias already in use is ErrConflict; a
// missing source is ErrNotFound.
func (s *Store) CopyCampaign(ctx context.Context, c *campaign.Campaign, fromID int64, startAt time.Time) error {
	now := time.Now().UTC()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	// A segment audience is copied as the segment, not the list it was
	// frozen into: the copy's recipients are the segment's at its launch.
	res, err := insertRow(ctx, s.w, `INSERT INTO campaigns (remote_id, name, alias, channel, list_id, segment_id, message, scheduled_at, state, sent_count,
			created_at, updated_at, schedule, flash, extra_info, whatsapp, replace_accents, sub_account, flow_id, template_id, template_name, track_clicks,
			abtest, ab_seed)
		SELECT ?, ?, ?, channel, CASE WHEN segment_id IS NULL THEN list_id END, segment_id, message, ?, 'draft', 0,
			?, ?, schedule, flash, extra_info, whatsapp, replace_accents, sub_account, flow_id, template_id, template_name, track_clicks,
			abtest, `+s.randomSeed()+`
		FROM campaigns WHERE id = ?`,
		c.RemoteID, c.Name, c.Alias, nullTime(startAt), toMS(c.CreatedAt), toMS(c.CreatedAt), fromID)
	if isUnique(err) {
		return fmt.Errorf("store: copy campaign %d as %q: %w", fromID, c.Alias, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: copy campaign %d: %w", fromID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: copy campaign %d: %w", fromID, ErrNotFound)
	}
	id, _ := res.LastInsertId()
	copied, err := s.CampaignByID(ctx, id)
	if err != nil {
		return fmt.Errorf("store: copy campaign %d: %w", fromID, err)
	}
	*c = *copied
	return nil
}

// CreateListOfNonResponders stores l as a ready list made of the
// recipients of campaign campaignID whose message the provider took
// (dispatcher state accepted) and who sent no reply linked to the
// campaign, with their fields from the campaign's list, in that list's
// row order, numbered from 1. Once retention pruned the campaign's
// results it is ErrResultsPruned. The list keeps the source list's columns and
// phone column; each row's suppressed flag is the suppression list's
// answer now. It sets l's ID and counters. A campaign or list gone is
// ErrNotFound.
func (s *Store) CreateListOfNonResponders(ctx context.Context, l *recipient.List, campaignID int64) error {
	return s.createReuseList(ctx, l, campaignID, "non-responders",
		"NOT EXISTS (SELECT 1 FROM inbound i WHERE i.campaign_id = m.campaign_id AND i.phone = m.phone)")
}

// createReuseList stores l as a ready list of the campaign's recipients
// whose message the provider took and who match whom (SQL over the
// message m), as CreateListOfNonResponders says.
func (s *Store) createReuseList(ctx context.Context, l *recipient.List, campaignID int64, kind, whom string) error {
	now := time.Now().UTC()
	l.CreatedAt, l.UpdatedAt, l.State = now, now, recipient.ListReady
	return s.tx(ctx, func(tx *sql.Tx) error {
		var sourceID, first int64
		var columns, phoneColumn string
		err := tx.QueryRowContext(ctx, `SELECT l.id, l.columns, l.phone_column, c.first_message_id FROM campaigns c JOIN lists l ON l.id = c.list_id
			WHERE c.id = ?`, campaignID).Scan(&sourceID, &columns, &phoneColumn, &first)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: list of campaign %d: %w", campaignID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: list of campaign %d: %w", campaignID, err)
		}
		if first == 0 {
			return fmt.Errorf("store: list of %s of campaign %d: %w", kind, campaignID, ErrResultsPruned)
		}
		var createdBy any
		if l.CreatedBy != 0 {
			createdBy = l.CreatedBy
		}
		res, err := insertRow(ctx, tx, `INSERT INTO lists (name, file_name, state, columns, phone_column, created_by, created_at, updated_at)
			VALUES (?, '', 'ready', ?, ?, ?, ?, ?)`, l.Name, columns, phoneColumn, createdBy, toMS(now), toMS(now))
		if err != nil {
			return fmt.Errorf("store: create list of non-responders: %w", err)
		}
		l.ID, _ = res.LastInsertId()
		// A phone is in a list once, so the outbox has one message per
		// phone and recipient row.
		if _, err := tx.ExecContext(ctx, `INSERT INTO recipients (list_id, row, phone, correlation_id, fields, suppressed, carrier, inactive)
			SELECT ?, row_number() OVER (ORDER BY r.row), r.phone, r.correlation_id, r.fields,
				CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.phone = r.phone) THEN 1 ELSE 0 END, r.carrier, r.inactive
			FROM messages m JOIN recipients r ON r.list_id = ? AND r.row = m.row
			WHERE m.campaign_id = ? AND m.state = 'accepted' AND `+whom+`
			ORDER BY r.row`, l.ID, sourceID, campaignID); err != nil {
			return fmt.Errorf("store: fill list of %s of campaign %d: %w", kind, campaignID, err)
		}
		var rows, suppressed int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(suppressed), 0) FROM recipients WHERE list_id = ?`, l.ID).
			Scan(&rows, &suppressed); err != nil {
			return fmt.Errorf("store: count list of non-responders: %w", err)
		}
		var cols []string
		if columns != "" {
			cols = strings.Split(columns, recipient.FieldSeparator)
		}
		l.Columns, l.PhoneColumn = cols, phoneColumn
		l.Rows, l.Valid, l.Suppressed = rows, rows, suppressed
		l.Report = recipient.Report{Rows: rows, Valid: rows, Suppressed: suppressed, Columns: cols, PhoneColumn: phoneColumn}
		report, err := json.Marshal(l.Report)
		if err != nil {
			return fmt.Errorf("store: list of non-responders report: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lists SET report = ?, rows_total = ?, valid = ?, suppressed = ? WHERE id = ?`,
			string(report), rows, rows, suppressed, l.ID); err != nil {
			return fmt.Errorf("store: count list of non-responders: %w", err)
		}
		return nil
	})
}
