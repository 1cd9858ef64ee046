package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	"arauto/internal/retention"
)

// pruneStep bounds the rows one pruning transaction deletes, so sending
// and report ingestion never wait long for the writer.
const pruneStep = 20_000

// PruneRawEvents deletes applied raw events received before cutoff: whole
// chunks once every event in them is, and the table's rows. Events not
// applied yet are never deleted.
func (s *Store) PruneRawEvents(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for _, q := range []string{
		`DELETE FROM event_chunks WHERE first_id IN (SELECT first_id FROM event_chunks INDEXED BY event_chunks_applied
			WHERE applied_at > 0 AND received_at < ? LIMIT 200) RETURNING n`,
		`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE applied_at > 0 AND received_at < ? LIMIT 20000) RETURNING 1`,
	} {
		for {
			var n int64
			err := s.tx(ctx, func(tx *sql.Tx) error {
				rows, err := tx.QueryContext(ctx, q, toMS(before))
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var k int64
					if err := rows.Scan(&k); err != nil {
						return err
					}
					n += k
				}
				return rows.Err()
			})
			if err != nil {
				return total, fmt.Errorf("store: prune raw events: %w", err)
			}
			total += n
			if n == 0 {
				break
			}
		}
	}
	return total, nil
}

// PruneReplyTexts clears what replies received before cutoff said (text,
// media link, payload); the replies stay, counted and linked.
func (s *Store) PruneReplyTexts(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.exec(ctx, `UPDATE inbound SET text = '', media_url = '', payload = '{}' WHERE id IN (
			SELECT id FROM inbound WHERE received_at < ? AND (text <> '' OR media_url <> '' OR payload <> '{}') LIMIT ?)`, toMS(before), pruneStep)
		if err != nil {
			return total, fmt.Errorf("store: prune reply texts: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < pruneStep {
			return total, nil
		}
	}
}

// finishedBefore selects campaigns done (completed, cancelled, failed or
// archived) before a cutoff that still have per-recipient rows.
const finishedBefore = `state IN ('completed', 'cancelled', 'failed', 'archived') AND last_message_id > 0
	AND CASE WHEN finished_at > 0 THEN finished_at ELSE updated_at END < ?`

// PruneResults deletes the per-recipient rows (the outbox) of campaigns
// finished before cutoff. Their counters stay; the billed segments, the
// one figure read from the rows, is kept as a counter first.
func (s *Store) PruneResults(ctx context.Context, before time.Time) (int64, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, first_message_id, last_message_id FROM campaigns WHERE "+finishedBefore, toMS(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune results: %w", err)
	}
	type span struct{ id, first, last int64 }
	var spans []span
	for rows.Next() {
		var sp span
		if err := rows.Scan(&sp.id, &sp.first, &sp.last); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: prune results: %w", err)
		}
		spans = append(spans, sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: prune results: %w", err)
	}
	var total int64
	for _, sp := range spans {
		for lo := sp.first; lo <= sp.last; lo += pruneStep {
			res, err := s.exec(ctx, "DELETE FROM messages WHERE id BETWEEN ? AND ? AND campaign_id = ?", lo, min(lo+pruneStep-1, sp.last), sp.id)
			if err != nil {
				return total, fmt.Errorf("store: prune results of campaign %d: %w", sp.id, err)
			}
			n, _ := res.RowsAffected()
			total += n
		}
		if _, err := s.exec(ctx, "UPDATE campaigns SET first_message_id = 0, last_message_id = 0 WHERE id = ?", sp.id); err != nil {
			return total, fmt.Errorf("store: prune results of campaign %d: %w", sp.id, err)
		}
	}
	return total, nil
}

// ReclaimSpace gives the free pages back to the file system when the
// database uses incremental auto-vacuum (databases created since it was
// turned on; Compact converts older ones), and checkpoints the log.
func (s *Store) ReclaimSpace(ctx context.Context) (int64, error) {
	if s.pg {
		// PostgreSQL's autovacuum makes pruned rows' space reusable by
		// itself; there is nothing to give back here.
		return 0, nil
	}
	var mode, free, size int64
	if err := s.w.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return 0, fmt.Errorf("store: reclaim space: %w", err)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free); err != nil {
		return 0, fmt.Errorf("store: reclaim space: %w", err)
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
		return 0, fmt.Errorf("store: reclaim space: %w", err)
	}
	if mode != 2 || free == 0 {
		return 0, nil
	}
	if _, err := s.exec(ctx, "PRAGMA incremental_vacuum"); err != nil {
		return 0, fmt.Errorf("store: reclaim space: %w", err)
	}
	if _, err := s.exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, fmt.Errorf("store: reclaim space: %w", err)
	}
	return free * size, nil
}

// Compact rewrites the whole database (VACUUM), so it takes no more room
// than its data, and turns on incremental auto-vacuum, so later pruning
// shrinks the file by itself. It holds the writer while it runs: sending
// and report ingestion wait (seconds per hundred megabytes).
func (s *Store) Compact(ctx context.Context) error {
	qs := []string{"PRAGMA auto_vacuum = INCREMENTAL", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"}
	if s.pg {
		// The same rewrite in PostgreSQL, of the store's own tables (the
		// database may hold others), each under an exclusive lock;
		// autovacuum keeps the space reusable otherwise.
		var tables string
		if err := s.r.QueryRowContext(ctx, `SELECT string_agg(quote_ident(relname), ', ') FROM pg_class
			WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'`).Scan(&tables); err != nil {
			return fmt.Errorf("store: compact: %w", err)
		}
		qs = []string{"VACUUM FULL " + tables}
	}
	for _, q := range qs {
		if _, err := s.exec(ctx, q); err != nil {
			return fmt.Errorf("store: compact (%s): %w", q, err)
		}
	}
	return nil
}

// StorageUsage says how big the database is and what the cutoffs would
// free.
func (s *Store) StorageUsage(ctx context.Context, c retention.Cutoffs) (retention.Usage, error) {
	var u retention.Usage
	if s.pg {
		// The size of the store's tables and indexes in its schema; the
		// files shrink only with Compact (VACUUM FULL).
		if err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')`).Scan(&u.FileBytes); err != nil {
			return u, fmt.Errorf("store: storage usage: %w", err)
		}
		return s.prunable(ctx, c, u)
	}
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(s.path + suffix); err == nil {
			u.FileBytes += st.Size()
		}
	}
	var free, size, mode int64
	err := s.r.QueryRowContext(ctx, "SELECT (SELECT freelist_count FROM pragma_freelist_count), (SELECT page_size FROM pragma_page_size), (SELECT auto_vacuum FROM pragma_auto_vacuum)").
		Scan(&free, &size, &mode)
	if err != nil {
		return u, fmt.Errorf("store: storage usage: %w", err)
	}
	u.FreeBytes, u.Shrinks = free*size, mode == 2
	return s.prunable(ctx, c, u)
}

// prunable adds to u what the cutoffs would free.
func (s *Store) prunable(ctx context.Context, c retention.Cutoffs, u retention.Usage) (retention.Usage, error) {
	if !c.RawEvents.IsZero() {
		var chunkN, chunkBytes, rowN, rowBytes int64
		err := s.r.QueryRowContext(ctx, `SELECT
			(SELECT coalesce(sum(n), 0) FROM event_chunks INDEXED BY event_chunks_applied WHERE applied_at > 0 AND received_at < ?1),
			(SELECT coalesce(sum(length(body) + length(meta)), 0) FROM event_chunks INDEXED BY event_chunks_applied WHERE applied_at > 0 AND received_at < ?1),
			(SELECT count(*) FROM events WHERE applied_at > 0 AND received_at < ?1),
			(SELECT coalesce(sum(length(body)), 0) FROM events WHERE applied_at > 0 AND received_at < ?1)`, toMS(c.RawEvents)).
			Scan(&chunkN, &chunkBytes, &rowN, &rowBytes)
		if err != nil {
			return u, fmt.Errorf("store: storage usage: %w", err)
		}
		u.RawEvents, u.RawEventBytes = chunkN+rowN, chunkBytes+rowBytes
	}
	if !c.ReplyTexts.IsZero() {
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM inbound WHERE received_at < ? AND (text <> '' OR media_url <> '' OR payload <> '{}')`,
			toMS(c.ReplyTexts)).Scan(&u.ReplyTexts); err != nil {
			return u, fmt.Errorf("store: storage usage: %w", err)
		}
	}
	if !c.Results.IsZero() {
		if err := s.r.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(last_message_id - first_message_id + 1), 0) FROM campaigns WHERE "+finishedBefore,
			toMS(c.Results)).Scan(&u.ResultCampaigns, &u.Results); err != nil {
			return u, fmt.Errorf("store: storage usage: %w", err)
		}
	}
	return u, nil
}
