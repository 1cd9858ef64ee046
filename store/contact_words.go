package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"arauto/internal/contact"
)

// wordsPerStatement is how many (word, contact) pairs one statement
// writes. They travel as one JSON array read by json_each: one bound
// value instead of two per pair.
const wordsPerStatement = 4000

// contactWord is one row of contact_words.
type contactWord struct {
	word string
	id   int64
}

// writeContactWords adds the pairs to contact_words in key order (pairs is
// sorted in place); pairs already there are kept.
func writeContactWords(ctx context.Context, tx *sql.Tx, pairs []contactWord) error {
	slices.SortFunc(pairs, func(a, b contactWord) int {
		if c := strings.Compare(a.word, b.word); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	var buf []byte
	for len(pairs) > 0 {
		n := min(len(pairs), wordsPerStatement)
		buf = appendWordPairs(buf[:0], pairs[:n])
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO contact_words (word, contact_id)
			SELECT value ->> 0, value ->> 1 FROM json_each(?)`, string(buf)); err != nil {
			return fmt.Errorf("contact words: %w", err)
		}
		pairs = pairs[n:]
	}
	return nil
}

// stageContactWords appends the pairs of an import's chunk to
// contact_words_staged, for IndexContactWords.
func stageContactWords(ctx context.Context, tx *sql.Tx, sourceID int64, pairs []contactWord) error {
	var buf []byte
	for len(pairs) > 0 {
		n := min(len(pairs), wordsPerStatement)
		buf = appendWordPairs(buf[:0], pairs[:n])
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_words_staged (source_id, word, contact_id)
			SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)`, sourceID, string(buf)); err != nil {
			return fmt.Errorf("contact words: %w", err)
		}
		pairs = pairs[n:]
	}
	return nil
}

// IndexContactWords moves the words an import's contacts were given (or
// all waiting words, for sourceID 0) into the search index, in one pass in
// key order. The import calls it when its contacts are merged, before the
// list is ready; a start after a crash calls it for what was left.
func (s *Store) IndexContactWords(ctx context.Context, sourceID int64) error {
	cond, args := "1", []any(nil)
	if sourceID != 0 {
		cond, args = "source_id = ?", []any{sourceID}
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO contact_words (word, contact_id)
			SELECT word, contact_id FROM contact_words_staged WHERE `+cond+` ORDER BY word, contact_id`, args...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM contact_words_staged WHERE "+cond, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: index contact words of source %d: %w", sourceID, err)
	}
	return nil
}

// appendWordPairs appends pairs as a JSON array of [word, id] arrays.
func appendWordPairs(buf []byte, pairs []contactWord) []byte {
	buf = append(buf, '[')
	for i, p := range pairs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		buf = appendJSONString(buf, p.word)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, p.id, 10)
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// appendJSONString appends s (valid UTF-8) as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// backfillContactWords indexes the words an interrupted import left
// waiting, and gives the contacts made before contact_words existed their
// words, a batch at a time, remembering where it stopped.
func (s *Store) backfillContactWords(ctx context.Context) error {
	if err := s.IndexContactWords(ctx, 0); err != nil {
		return err
	}
	for {
		var after int64
		err := s.w.QueryRowContext(ctx, "SELECT after_id FROM contact_words_backfill").Scan(&after)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: contact words: %w", err)
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, "SELECT id, attrs FROM contacts WHERE id > ? ORDER BY id LIMIT 5000", after)
			if err != nil {
				return err
			}
			var pairs []contactWord
			last := after
			for rows.Next() {
				var id int64
				var attrs string
				if err := rows.Scan(&id, &attrs); err != nil {
					rows.Close()
					return err
				}
				var m map[string]string
				if err := json.Unmarshal([]byte(attrs), &m); err != nil {
					rows.Close()
					return fmt.Errorf("contact %d fields: %w", id, err)
				}
				for _, w := range contact.AttrWords(m) {
					pairs = append(pairs, contactWord{w, id})
				}
				last = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if last == after {
				_, err := tx.ExecContext(ctx, "DELETE FROM contact_words_backfill")
				return err
			}
			if err := writeContactWords(ctx, tx, pairs); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "UPDATE contact_words_backfill SET after_id = ?", last)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: contact words: %w", err)
		}
	}
}

// eraseContactWords removes the words of the contact of a number, those of
// its current fields and of the values later imports replaced, before the
// contact and its history are deleted.
func eraseContactWords(ctx context.Context, tx *sql.Tx, phone int64) error {
	var id int64
	var attrs string
	err := tx.QueryRowContext(ctx, "SELECT id, attrs FROM contacts WHERE phone = ?", phone).Scan(&id, &attrs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("contact words: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(attrs), &m); err != nil {
		return fmt.Errorf("contact words: %w", err)
	}
	words := contact.AttrWords(m)
	rows, err := tx.QueryContext(ctx, "SELECT old_value FROM contact_attr_history WHERE phone = ?", phone)
	if err != nil {
		return fmt.Errorf("contact words: %w", err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("contact words: %w", err)
		}
		words = contact.AppendWords(words, contact.Fold(v))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("contact words: %w", err)
	}
	for _, w := range words {
		if _, err := tx.ExecContext(ctx, "DELETE FROM contact_words WHERE word = ? AND contact_id = ?", w, id); err != nil {
			return fmt.Errorf("contact words: %w", err)
		}
	}
	// An import running meanwhile may have words of it waiting.
	if _, err := tx.ExecContext(ctx, "DELETE FROM contact_words_staged WHERE contact_id = ?", id); err != nil {
		return fmt.Errorf("contact words: %w", err)
	}
	return nil
}
