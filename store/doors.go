package store

import (
	"arauto/internal/abtest"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"arauto/internal/dispatch"
	"arauto/internal/message"
	"arauto/internal/recipient"
)

// SendingCampaigns counts the campaigns sending now and the messages on
// their way (claimed, not yet answered), which the doors to Wavy must not
// change under: a message must be settled through the door that took it.
func (s *Store) SendingCampaigns(ctx context.Context) (campaigns, inFlight int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM campaigns WHERE state = 'running'),
		(SELECT count(*) FROM messages INDEXED BY messages_submitting WHERE state = 'submitting')`).Scan(&campaigns, &inFlight)
	if err != nil {
		return 0, 0, fmt.Errorf("store: campaigns sending: %w", err)
	}
	return campaigns, inFlight, nil
}

// DispatchCampaign returns one campaign as the dispatcher sees it, send
// options and accent replacement included (the operator's download of its
// batch file and the test sends render it the same way).
func (s *Store) DispatchCampaign(ctx context.Context, id int64) (dispatch.Campaign, error) {
	var c dispatch.Campaign
	var start int64
	var columns, schedule, ab string
	err := s.r.QueryRowContext(ctx, `SELECT c.id, c.alias, c.channel, c.state, coalesce(c.scheduled_at, 0), c.flash, c.extra_info,
			coalesce(c.message, ''), coalesce(l.columns, ''), c.schedule, c.whatsapp, c.replace_accents, c.sub_account, c.flow_id, c.template_id, c.template_name, c.track_clicks, c.abtest
		FROM campaigns c LEFT JOIN lists l ON l.id = c.list_id WHERE c.id = ?`, id).
		Scan(&c.ID, &c.Alias, &c.Channel, &c.State, &start, &c.Flash, &c.ExtraInfo, &c.Message, &columns, &schedule, &c.WhatsApp,
			&c.ReplaceAccents, &c.SubAccount, &c.FlowID, &c.TemplateID, &c.TemplateName, &c.TrackClicks, &ab)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("store: campaign %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: campaign %d: %w", id, err)
	}
	if ab != "" {
		set, err := abtest.Parse(ab)
		if err != nil {
			return c, fmt.Errorf("store: campaign %d: %w", id, err)
		}
		c.Variants = append([]string{c.Message}, set.Others...)
	}
	if c.Channel == message.ChannelWhatsApp {
		w, err := message.ParseWhatsApp(c.WhatsApp)
		if err != nil {
			return c, fmt.Errorf("store: campaign %d: %w", id, err)
		}
		c.SessionOnly = w.NeedsSession()
	}
	c.StartAt = fromMS(start)
	if columns != "" {
		c.Columns = strings.Split(columns, recipient.FieldSeparator)
	}
	if schedule != "" && schedule != "{}" {
		if err := json.Unmarshal([]byte(schedule), &c.Schedule); err != nil {
			return c, fmt.Errorf("store: campaign %d schedule: %w", id, err)
		}
	}
	return c, nil
}

// FileMessages returns up to limit messages of a campaign with id above
// after that are sent or still to send (queued, submitting, accepted),
// with their recipients' fields, in id order: what the campaign's batch
// files carry.
func (s *Store) FileMessages(ctx context.Context, campaignID, after int64, limit int) ([]dispatch.Message, error) {
	var listID sql.NullInt64
	if err := s.r.QueryRowContext(ctx, "SELECT list_id FROM campaigns WHERE id = ?", campaignID).Scan(&listID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: file messages of campaign %d: %w", campaignID, ErrNotFound)
		}
		return nil, fmt.Errorf("store: file messages of campaign %d: %w", campaignID, err)
	}
	// A queued number that joined the suppression list since launch is
	// left out, as the claim that would send it leaves it out.
	rows, err := s.r.QueryContext(ctx, `SELECT m.id, m.phone, m.row, m.variant FROM messages m
		WHERE m.campaign_id = ? AND m.id > ? AND m.state IN ('queued', 'submitting', 'accepted')
			AND NOT (m.state = 'queued' AND EXISTS (SELECT 1 FROM suppressions x WHERE x.phone = m.phone))
		ORDER BY m.id LIMIT ?`, campaignID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: file messages of campaign %d: %w", campaignID, err)
	}
	var out []dispatch.Message
	for rows.Next() {
		m := dispatch.Message{CampaignID: campaignID}
		var row string
		if err := rows.Scan(&m.ID, &m.Phone, &row, &m.Variant); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: file messages of campaign %d: %w", campaignID, err)
		}
		m.Fields = []string{row} // the row number until fillFields
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: file messages of campaign %d: %w", campaignID, err)
	}
	if len(out) == 0 || !listID.Valid {
		for i := range out {
			out[i].Fields = nil
		}
		return out, nil
	}
	if err := s.fillFields(ctx, listID.Int64, out); err != nil {
		return nil, err
	}
	return out, nil
}
