package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/inbox"
	"arauto/internal/transactional"
)

// ReplyChannels lists the channels a number replied on.
func (s *Store) ReplyChannels(ctx context.Context, phone string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT channel FROM inbound WHERE phone = ? ORDER BY channel", digits(phone))
	if err != nil {
		return nil, fmt.Errorf("store: reply channels of %s: %w", phone, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ch string
		if err := rows.Scan(&ch); err != nil {
			return nil, fmt.Errorf("store: reply channels of %s: %w", phone, err)
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

// IsSuppressed reports whether a number is on the suppression list.
func (s *Store) IsSuppressed(ctx context.Context, phone string) (bool, error) {
	_, err := s.SuppressionByPhone(ctx, phone)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// answerColumns read an answer with its outbox row's delivery.
const answerColumns = `a.id, a.phone, a.channel, a.kind, a.text, a.media_url, a.media_type, a.correlation_id, a.state,
	a.provider_id, a.reason, coalesce(a.user_id, 0), coalesce(u.email, ''), a.created_at, a.finished_at, coalesce(a.message_id, 0),
	coalesce(p.id, ''), coalesce(m.state, ''), coalesce(m.provider_id, ''), coalesce(m.carrier, ''), coalesce(m.sent_code, 0),
	coalesce(m.delivered_code, 0), coalesce(m.read_at, 0), coalesce(m.unknown_at, 0), coalesce(m.error, '')`

const answerFrom = ` FROM answers a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN messages m ON m.id = a.message_id
	LEFT JOIN api_messages p ON p.message_id = a.message_id`

func scanAnswer(row interface{ Scan(...any) error }) (inbox.Answer, error) {
	var a inbox.Answer
	var created, finished, read, unknown int64
	var st delivery.Status
	var mstate, mprovider, merr string
	if err := row.Scan(&a.ID, &a.Phone, &a.Channel, &a.Kind, &a.Text, &a.MediaURL, &a.MediaType, &a.CorrelationID, &a.State,
		&a.ProviderID, &a.Reason, &a.UserID, &a.UserEmail, &created, &finished, &a.MessageID,
		&a.PublicID, &mstate, &mprovider, &st.Carrier, &st.SentCode, &st.DeliveredCode, &read, &unknown, &merr); err != nil {
		return a, err
	}
	a.CreatedAt, a.FinishedAt = fromMS(created), fromMS(finished)
	if a.MessageID != 0 {
		st.State, st.ReadAt, st.UnknownAt = mstate, fromMS(read), fromMS(unknown)
		a.Outcome, a.ProviderID, a.Reason = st.Outcome(), mprovider, merr
	}
	return a, nil
}

// EnqueueAnswer stores an answer and its outbox row in one transaction:
// the stream's hidden list and campaign when new, the list row with the
// answer's fields, the queued message (with a public id, as transactional
// messages have), then the answer pointing at it. An answer with the same
// correlation id already stored is loaded into a instead and nothing is
// written (existed).
func (s *Store) EnqueueAnswer(ctx context.Context, a *inbox.Answer, st transactional.Stream, fields []string) (existed bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		got, err := scanAnswer(tx.QueryRowContext(ctx, "SELECT "+answerColumns+answerFrom+" WHERE a.correlation_id = ?", a.CorrelationID))
		if err == nil {
			*a, existed = got, true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		stmts := map[string]*sql.Stmt{}
		for _, name := range []string{"stream", "row", "recipient", "number", "message", "campaign", "count", "api"} {
			p, err := tx.PrepareContext(ctx, txnSQL[name])
			if err != nil {
				return fmt.Errorf("prepare %s: %w", name, err)
			}
			defer p.Close()
			stmts[name] = p
		}
		e := &transactional.Enqueue{Stream: st, Fields: fields, Sent: transactional.Sent{ID: transactional.NewID(), Channel: a.Channel,
			Phone: digits(a.Phone), Status: "queued", CreatedAt: a.CreatedAt}}
		if err := enqueueOne(ctx, tx, func(name string) *sql.Stmt { return stmts[name] }, e); err != nil {
			return err
		}
		a.MessageID, a.PublicID = e.Sent.MessageID, e.Sent.ID
		res, err := insertRow(ctx, tx, `INSERT INTO answers (phone, channel, kind, text, media_url, media_type, correlation_id, state, user_id, created_at, message_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, digits(a.Phone), a.Channel, a.Kind, a.Text, a.MediaURL, a.MediaType, a.CorrelationID, a.State,
			nullID(a.UserID), toMS(a.CreatedAt), a.MessageID)
		if err != nil {
			return err
		}
		a.ID, _ = res.LastInsertId()
		a.Outcome = "queued"
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: answer to %s: %w", a.Phone, err)
	}
	return existed, nil
}

// Answers returns the last limit answers to a number, oldest first, with
// who sent them and how their delivery went.
func (s *Store) Answers(ctx context.Context, phone string, limit int) ([]inbox.Answer, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+answerColumns+answerFrom+` WHERE a.phone = ? ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
		digits(phone), max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("store: answers to %s: %w", phone, err)
	}
	defer rows.Close()
	var out []inbox.Answer
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, fmt.Errorf("store: answers to %s: %w", phone, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: answers to %s: %w", phone, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

const conversationColumns = `cv.phone, cv.last_in_id, cv.last_in_at, cv.read_upto, cv.closed_upto, cv.closed_at, coalesce(cv.assigned_to, 0),
	coalesce(u.email, ''), (SELECT count(*) FROM inbound i WHERE i.phone = cv.phone AND i.id > cv.read_upto)`

func scanConversation(row interface{ Scan(...any) error }) (inbox.Conversation, error) {
	var c inbox.Conversation
	var lastAt, closedAt int64
	err := row.Scan(&c.Phone, &c.LastReplyID, &lastAt, &c.ReadUpTo, &c.ClosedUpTo, &closedAt, &c.AssignedTo, &c.AssignedEmail, &c.Unread)
	c.LastReplyAt, c.ClosedAt = fromMS(lastAt), fromMS(closedAt)
	return c, err
}

// Conversation state of one number; the zero state (with the phone) when
// it never replied.
func (s *Store) ConversationState(ctx context.Context, phone string) (inbox.Conversation, error) {
	c, err := scanConversation(s.r.QueryRowContext(ctx, "SELECT "+conversationColumns+
		" FROM conversations cv LEFT JOIN users u ON u.id = cv.assigned_to WHERE cv.phone = ?", digits(phone)))
	if errors.Is(err, sql.ErrNoRows) {
		return inbox.Conversation{Phone: digits(phone)}, nil
	}
	if err != nil {
		return c, fmt.Errorf("store: conversation state of %s: %w", phone, err)
	}
	return c, nil
}

// ConversationStates returns the state of the conversations of phones
// (those that replied), by phone, in one query.
func (s *Store) ConversationStates(ctx context.Context, phones []string) (map[string]inbox.Conversation, error) {
	out := make(map[string]inbox.Conversation, len(phones))
	if len(phones) == 0 {
		return out, nil
	}
	args := make([]any, len(phones))
	for i, p := range phones {
		args[i] = digits(p)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+conversationColumns+
		" FROM conversations cv LEFT JOIN users u ON u.id = cv.assigned_to WHERE cv.phone IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: conversation states: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: conversation states: %w", err)
		}
		out[c.Phone] = c
	}
	return out, rows.Err()
}

// UnreadConversations counts the conversations with a reply newer than the
// last one read (the navigation's badge).
func (s *Store) UnreadConversations(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM conversations WHERE last_in_id > read_upto").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unread conversations: %w", err)
	}
	return n, nil
}

// MarkConversationRead marks every reply of a number read.
func (s *Store) MarkConversationRead(ctx context.Context, phone string, _ time.Time) error {
	if _, err := s.w.ExecContext(ctx, "UPDATE conversations SET read_upto = last_in_id WHERE phone = ? AND read_upto < last_in_id", digits(phone)); err != nil {
		return fmt.Errorf("store: mark conversation with %s read: %w", phone, err)
	}
	return nil
}

// conversationUpdate changes a conversation that exists (the number
// replied), or returns ErrNotFound.
func (s *Store) conversationUpdate(ctx context.Context, what, phone, set string, args ...any) error {
	res, err := s.w.ExecContext(ctx, "UPDATE conversations SET "+set+" WHERE phone = ?", append(args, digits(phone))...)
	if err != nil {
		return fmt.Errorf("store: %s conversation with %s: %w", what, phone, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: %s conversation with %s: %w", what, phone, ErrNotFound)
	}
	return nil
}

// AssignConversation assigns a conversation to a user (0 for nobody).
func (s *Store) AssignConversation(ctx context.Context, phone string, userID int64, at time.Time) error {
	return s.conversationUpdate(ctx, "assign", phone, "assigned_to = ?, assigned_at = ?", nullID(userID), toMS(at))
}

// CloseConversation closes a conversation up to its newest reply, and
// marks it read; the next reply opens it again.
func (s *Store) CloseConversation(ctx context.Context, phone string, userID int64, at time.Time) error {
	return s.conversationUpdate(ctx, "close", phone, "closed_upto = last_in_id, read_upto = last_in_id, closed_at = ?, closed_by = ?",
		toMS(at), nullID(userID))
}

// ReopenConversation opens a closed conversation again.
func (s *Store) ReopenConversation(ctx context.Context, phone string) error {
	return s.conversationUpdate(ctx, "reopen", phone, "closed_upto = 0, closed_at = 0, closed_by = NULL")
}

// CampaignListNames returns the name of each campaign's list, by campaign
// (campaigns without a list are left out), in one query.
func (s *Store) CampaignListNames(ctx context.Context, campaignIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(campaignIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(campaignIDs))
	for i, id := range campaignIDs {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, "SELECT c.id, l.name FROM campaigns c JOIN lists l ON l.id = c.list_id WHERE c.id IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list names of campaigns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: list names of campaigns: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}
