package store

import (
	"arauto/internal/abtest"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/campaign"
)

// ErrCampaignSent is returned when deleting a campaign that has sent
// messages: it can only be archived.
var ErrCampaignSent = errors.New("store: campaign has sent messages")

const campaignColumns = `id, remote_id, name, alias, channel, list_id, message, scheduled_at, state, sent_count, created_at, updated_at,
	flash, extra_info, started_at, finished_at, last_error, replace_accents, estimated_segments, sub_account, flow_id, template_id, template_name,
	coalesce(segment_id, 0), track_clicks, abtest, ab_winner`

func scanCampaign(row interface{ Scan(...any) error }) (*campaign.Campaign, error) {
	var c campaign.Campaign
	var channel, state string
	var listID, scheduled sql.NullInt64
	var message sql.NullString
	var created, updated, started, finished int64
	var ab string
	if err := row.Scan(&c.ID, &c.RemoteID, &c.Name, &c.Alias, &channel, &listID, &message, &scheduled, &state, &c.SentCount, &created, &updated,
		&c.Flash, &c.ExtraInfo, &started, &finished, &c.LastError, &c.ReplaceAccents, &c.EstimatedSegments,
		&c.Options.SubAccount, &c.Options.FlowID, &c.Options.TemplateID, &c.Options.TemplateName, &c.SegmentID, &c.TrackClicks, &ab, &c.ABWinner); err != nil {
		return nil, err
	}
	if ab != "" {
		set, err := abtest.Parse(ab)
		if err != nil {
			return nil, err
		}
		c.ABTest = set
	}
	c.Channel, c.State = campaign.Channel(channel), campaign.State(state)
	c.ListID, c.Message = listID.Int64, message.String
	c.ScheduledAt = fromMS(scheduled.Int64)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	c.StartedAt, c.FinishedAt = fromMS(started), fromMS(finished)
	return &c, nil
}

// nullInt, nullText and nullTime store the zero values of the optional
// columns as NULL.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullText(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return toMS(t)
}

const insertCampaign = `INSERT INTO campaigns (remote_id, name, alias, channel, list_id, message, scheduled_at, state, sent_count, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func campaignArgs(c *campaign.Campaign) []any {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	if c.State == "" {
		c.State = campaign.Draft
	}
	return []any{c.RemoteID, c.Name, c.Alias, string(c.Channel), nullInt(c.ListID), nullText(c.Message), nullTime(c.ScheduledAt),
		string(c.State), c.SentCount, toMS(c.CreatedAt), toMS(c.UpdatedAt)}
}

// CreateCampaign inserts c and sets its ID. A remote id or alias already
// in use is ErrConflict.
func (s *Store) CreateCampaign(ctx context.Context, c *campaign.Campaign) error {
	res, err := insertRow(ctx, s.w, insertCampaign, campaignArgs(c)...)
	if isUnique(err) {
		return fmt.Errorf("store: create campaign %q: %w", c.Alias, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create campaign: %w", err)
	}
	c.ID, _ = res.LastInsertId()
	return nil
}

// CampaignByID returns one campaign or ErrNotFound.
func (s *Store) CampaignByID(ctx context.Context, id int64) (*campaign.Campaign, error) {
	c, err := scanCampaign(s.r.QueryRowContext(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: campaign %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: campaign %d: %w", id, err)
	}
	return c, nil
}

// CampaignByRemoteID returns the campaign with that Campaign API id or
// ErrNotFound.
func (s *Store) CampaignByRemoteID(ctx context.Context, remoteID int64) (*campaign.Campaign, error) {
	c, err := scanCampaign(s.r.QueryRowContext(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE remote_id = ?", remoteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: campaign with remote id %d: %w", remoteID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: campaign with remote id %d: %w", remoteID, err)
	}
	return c, nil
}

// CampaignFilter selects campaigns for the list page.
type CampaignFilter struct {
	// Query keeps campaigns whose name or alias contains it (ASCII letters
	// match in any case); empty keeps all.
	Query string
	// Archived lists only archived campaigns instead of all the others.
	Archived bool
	// Limit and Offset page the result; Limit 0 means no limit.
	Limit, Offset int
}

// likeEscaper makes a user's text literal inside a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ListCampaigns returns one page of the campaigns matching f, newest first,
// and how many match in all.
func (s *Store) ListCampaigns(ctx context.Context, f CampaignFilter) ([]*campaign.Campaign, int, error) {
	// Transactional streams (api_stream) are hidden campaigns.
	where := "api_stream = 0 AND state <> 'archived'"
	if f.Archived {
		where = "api_stream = 0 AND state = 'archived'"
	}
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND (name LIKE ? ESCAPE '\' OR alias LIKE ? ESCAPE '\')`
		pattern := "%" + likeEscaper.Replace(q) + "%"
		args = append(args, pattern, pattern)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM campaigns WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count campaigns: %w", err)
	}
	var limit any = f.Limit
	if f.Limit <= 0 {
		limit = s.noLimit()
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE "+where+" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list campaigns: %w", err)
	}
	defer rows.Close()
	var cs []*campaign.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list campaigns: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list campaigns: %w", err)
	}
	return cs, total, nil
}

// CampaignAliasTaken reports whether a campaign other than exceptID uses
// alias (pass 0 to check them all).
func (s *Store) CampaignAliasTaken(ctx context.Context, alias string, exceptID int64) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM campaigns WHERE alias = ? AND alias <> '' AND id <> ?", alias, exceptID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: campaign alias taken: %w", err)
	}
	return n > 0, nil
}

// RenameCampaign changes a campaign's name and alias. A missing campaign is
// ErrNotFound; an alias another campaign uses is ErrConflict.
func (s *Store) RenameCampaign(ctx context.Context, id int64, name, alias string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, "UPDATE campaigns SET name = ?, alias = ?, updated_at = ? WHERE id = ?", name, alias, toMS(at), id)
	if isUnique(err) {
		return fmt.Errorf("store: rename campaign %d: %w", id, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: rename campaign %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: rename campaign %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetCampaignState moves a campaign from state from to state to. It is
// ErrConflict when the campaign is no longer in state from (someone moved
// it meanwhile) and ErrNotFound when it does not exist. The caller checks
// the move with campaign.CanMove.
func (s *Store) SetCampaignState(ctx context.Context, id int64, from, to campaign.State, at time.Time) error {
	err := s.changeCampaign(ctx, id, ErrConflict, "UPDATE campaigns SET state = ?, updated_at = ? WHERE id = ? AND state = ?", string(to), toMS(at), id, string(from))
	if err != nil {
		return fmt.Errorf("store: move campaign %d from %s to %s: %w", id, from, to, err)
	}
	return nil
}

// changeCampaign runs one statement on campaign id in a transaction. When
// it changes no row, the campaign is missing (ErrNotFound) or the
// statement's condition did not hold (orElse).
func (s *Store) changeCampaign(ctx context.Context, id int64, orElse error, q string, args ...any) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		return missingOr(ctx, tx, id, orElse)
	})
}

// missingOr returns ErrNotFound when campaign id does not exist, else err.
func missingOr(ctx context.Context, tx *sql.Tx, id int64, err error) error {
	var n int
	if qerr := tx.QueryRowContext(ctx, "SELECT count(*) FROM campaigns WHERE id = ?", id).Scan(&n); qerr != nil {
		return qerr
	}
	if n == 0 {
		return ErrNotFound
	}
	return err
}

// DeleteCampaign removes a campaign that has sent nothing. One that has is
// ErrCampaignSent and stays; a missing one is ErrNotFound.
func (s *Store) DeleteCampaign(ctx context.Context, id int64) error {
	err := s.changeCampaign(ctx, id, ErrCampaignSent, "DELETE FROM campaigns WHERE id = ? AND sent_count = 0", id)
	if err != nil {
		return fmt.Errorf("store: delete campaign %d: %w", id, err)
	}
	return nil
}

// ImportCampaigns adds, in one transaction, the campaigns whose remote id
// is not stored yet, setting their IDs.
func (s *Store) ImportCampaigns(ctx context.Context, cs []*campaign.Campaign) (campaign.ImportResult, error) {
	var r campaign.ImportResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r = campaign.ImportResult{}
		for _, c := range cs {
			var known int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM campaigns WHERE remote_id = ?", c.RemoteID).Scan(&known); err != nil {
				return err
			}
			if known > 0 {
				r.Known++
				continue
			}
			res, err := insertRow(ctx, tx, insertCampaign+" ON CONFLICT DO NOTHING", campaignArgs(c)...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				r.AliasTaken = append(r.AliasTaken, c.Alias)
				continue
			}
			c.ID, _ = res.LastInsertId()
			r.Imported++
		}
		return nil
	})
	if err != nil {
		return campaign.ImportResult{}, fmt.Errorf("store: import campaigns: %w", err)
	}
	return r, nil
}

// CampaignRefs returns every campaign's remote id, name and alias, for
// re-registering them with the built-in sandbox at start-up.
func (s *Store) CampaignRefs(ctx context.Context) ([]campaign.Campaign, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT remote_id, name, alias FROM campaigns WHERE api_stream = 0 ORDER BY remote_id")
	if err != nil {
		return nil, fmt.Errorf("store: campaign refs: %w", err)
	}
	defer rows.Close()
	var out []campaign.Campaign
	for rows.Next() {
		var c campaign.Campaign
		if err := rows.Scan(&c.RemoteID, &c.Name, &c.Alias); err != nil {
			return nil, fmt.Errorf("store: campaign refs: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LaunchCampaign schedules a draft campaign (draft -> scheduled) in one
// transaction; a non-zero startAt becomes its start (a send-now campaign
// starts when it is launched), and estimatedSegments the pre-flight's
// estimate of what it is billed. It is ErrConflict when the campaign is no
// longer a draft and ErrNotFound when it does not exist.
func (s *Store) LaunchCampaign(ctx context.Context, id int64, startAt time.Time, estimatedSegments int64, at time.Time) error {
	err := s.changeCampaign(ctx, id, ErrConflict, `UPDATE campaigns SET state = 'scheduled', updated_at = ?, estimated_segments = ?,
			scheduled_at = coalesce(?, scheduled_at) WHERE id = ? AND state = 'draft'`, toMS(at), estimatedSegments, nullTime(startAt), id)
	if err != nil {
		return fmt.Errorf("store: launch campaign %d: %w", id, err)
	}
	return nil
}

// draftUpdate runs an UPDATE of campaign id that applies only while it is
// a draft: ErrConflict when it is in another state, ErrNotFound when it
// does not exist.
func (s *Store) draftUpdate(ctx context.Context, id int64, op, set string, args ...any) error {
	err := s.changeCampaign(ctx, id, ErrConflict, "UPDATE campaigns SET "+set+" WHERE id = ? AND state = 'draft'", append(args, id)...)
	if err != nil {
		return fmt.Errorf("store: %s of campaign %d: %w", op, id, err)
	}
	return nil
}

// SetCampaignList chooses the recipient list of a draft campaign. The
// caller checks that the list is ready.
func (s *Store) SetCampaignList(ctx context.Context, id, listID int64, at time.Time) error {
	return s.draftUpdate(ctx, id, "set list", "list_id = ?, segment_id = NULL, updated_at = ?", nullInt(listID), toMS(at))
}

// SetCampaignSegment chooses a segment as the audience of a draft campaign
// instead of a list; it is frozen into a list at launch.
func (s *Store) SetCampaignSegment(ctx context.Context, id, segmentID int64, at time.Time) error {
	return s.draftUpdate(ctx, id, "set segment", "segment_id = ?, list_id = NULL, updated_at = ?", nullInt(segmentID), toMS(at))
}

// SetCampaignMessage stores the message of a draft campaign: its text with
// {{placeholders}}, whether it goes as Flash SMS and its extraInfo.
func (s *Store) SetCampaignMessage(ctx context.Context, id int64, body string, flash bool, extraInfo string, at time.Time) error {
	return s.draftUpdate(ctx, id, "set message", "message = ?, flash = ?, extra_info = ?, updated_at = ?", nullText(body), flash, extraInfo, toMS(at))
}

// SaveCampaignMessage stores everything the SMS message editor of a draft
// campaign saves (text, Flash, extraInfo, accent replacement, send
// options) in one statement: all of it or, when the campaign is missing
// (ErrNotFound) or no longer a draft (ErrConflict), none.
func (s *Store) SaveCampaignMessage(ctx context.Context, id int64, m campaign.SMSMessage, at time.Time) error {
	o := m.Options
	return s.draftUpdate(ctx, id, "save message", `message = ?, flash = ?, extra_info = ?, replace_accents = ?, track_clicks = ?,
		sub_account = ?, flow_id = ?, template_id = ?, template_name = ?, updated_at = ?`,
		nullText(m.Body), m.Flash, m.ExtraInfo, m.ReplaceAccents, m.TrackClicks, o.SubAccount, o.FlowID, o.TemplateID, o.TemplateName, toMS(at))
}

// ResumeCampaign moves a paused campaign back to work and forgets why it
// was paused: to running when its outbox exists, to scheduled when it was
// paused before starting (the dispatcher then builds the outbox). It is
// ErrConflict when the campaign is not paused any more and ErrNotFound when
// it does not exist.
func (s *Store) ResumeCampaign(ctx context.Context, id int64, at time.Time) error {
	err := s.changeCampaign(ctx, id, ErrConflict, `UPDATE campaigns SET last_error = '', updated_at = ?,
			state = CASE WHEN started_at = 0 THEN 'scheduled' ELSE 'running' END
			WHERE id = ? AND state = 'paused'`, toMS(at), id)
	if err != nil {
		return fmt.Errorf("store: resume campaign %d: %w", id, err)
	}
	return nil
}

// SetCampaignOptions stores what a draft campaign asks of Wavy besides its
// message (sub-account, flow, SMS template at Wavy).
func (s *Store) SetCampaignOptions(ctx context.Context, id int64, o campaign.SendOptions, at time.Time) error {
	return s.draftUpdate(ctx, id, "set send options", "sub_account = ?, flow_id = ?, template_id = ?, template_name = ?, updated_at = ?",
		o.SubAccount, o.FlowID, o.TemplateID, o.TemplateName, toMS(at))
}
