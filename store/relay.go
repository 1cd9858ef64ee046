package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"arauto/internal/events"

	"github.com/jackc/pgx/v5"
)

// ErrNoRelay is NewRelay's answer on SQLite: one process owns the
// database, so its in-process hub already reaches every page.
var ErrNoRelay = errors.New("store: live updates between instances need PostgreSQL")

// Relay carries live-update events between the instances that share a
// PostgreSQL database, through LISTEN/NOTIFY. A notification holds only
// the topic and the event's name (never its data: receivers re-read the
// state they show), so it stays far below PostgreSQL's 8000-byte limit.
// Each instance skips its own notifications, which its hub already
// delivered.
type Relay struct {
	cfg     *pgx.ConnConfig
	db      *sql.DB // sends (the readers are read-only, and NOTIFY writes)
	channel string  // one per schema, so databases sharing a server stay apart
	origin  string  // this relay's id, to skip its own notifications
}

// relayNote is a notification's payload.
type relayNote struct {
	Origin string `json:"o"`
	Topic  string `json:"t"`
	Name   string `json:"n"`
}

// NewRelay returns the store's relay between instances (PostgreSQL only;
// ErrNoRelay on SQLite). Close it when done.
func (s *Store) NewRelay(ctx context.Context) (*Relay, error) {
	if !s.pg {
		return nil, ErrNoRelay
	}
	cfg, err := pgx.ParseConfig(s.url)
	if err != nil {
		return nil, fmt.Errorf("store: relay: %w", err)
	}
	var schema string
	if err := s.r.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("store: relay: %w", err)
	}
	db, err := openPostgresPool(s.url, false)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	var b [8]byte
	rand.Read(b[:])
	return &Relay{cfg: cfg, db: db, channel: "arauto_live:" + schema, origin: hex.EncodeToString(b[:])}, nil
}

// Close releases the relay's connections.
func (r *Relay) Close() error { return r.db.Close() }

// Send tells the other instances that e happened on topic.
func (r *Relay) Send(ctx context.Context, topic string, e events.Event) error {
	b, err := json.Marshal(relayNote{Origin: r.origin, Topic: topic, Name: e.Name})
	if err != nil {
		return fmt.Errorf("store: relay %s: %w", topic, err)
	}
	if _, err := r.db.ExecContext(ctx, "SELECT pg_notify(?, ?)", r.channel, string(b)); err != nil {
		return fmt.Errorf("store: relay %s: %w", topic, err)
	}
	return nil
}

// Receive listens on its own connection and calls deliver with each event
// another instance sent, until ctx ends (nil) or the connection fails
// (the error: the caller reconnects by calling Receive again; events sent
// in between are missed, and pages re-read their state on the next one).
func (r *Relay) Receive(ctx context.Context, deliver func(topic string, e events.Event)) error {
	conn, err := pgx.ConnectConfig(ctx, r.cfg)
	if err != nil {
		return fmt.Errorf("store: relay listen: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{r.channel}.Sanitize()); err != nil {
		return fmt.Errorf("store: relay listen: %w", err)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: relay listen: %w", err)
		}
		var note relayNote
		if json.Unmarshal([]byte(n.Payload), &note) != nil || note.Origin == r.origin {
			continue
		}
		deliver(note.Topic, events.Event{Name: note.Name})
	}
}
