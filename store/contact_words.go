package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"arauto/internal/contact"
)

// contactWord says a contact has a word.
type contactWord struct {
	word string
	id   int64
}

// blocksPerStatement is how many blocks of the word index one INSERT
// writes.
const blocksPerStatement = 300

// writeContactWords adds the pairs to the word index as one block per
// word (pairs is sorted in place).
func writeContactWords(ctx context.Context, tx *sql.Tx, pairs []contactWord) error {
	slices.SortFunc(pairs, func(a, b contactWord) int {
		if c := strings.Compare(a.word, b.word); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO contact_words (word, n, ids) VALUES (?, ?, ?)"+
			strings.Repeat(", (?, ?, ?)", len(args)/3-1), args...)
		args = args[:0]
		return err
	}
	for len(pairs) > 0 {
		n := 1
		for n < len(pairs) && pairs[n].word == pairs[0].word {
			n++
		}
		ids := make([]int64, n)
		for i := range n {
			ids[i] = pairs[i].id
		}
		ids = slices.Compact(ids)
		args = append(args, pairs[0].word, len(ids), encodeIDs(ids))
		if len(args) == 3*blocksPerStatement {
			if err := flush(); err != nil {
				return fmt.Errorf("contact words: %w", err)
			}
		}
		pairs = pairs[n:]
	}
	if err := flush(); err != nil {
		return fmt.Errorf("contact words: %w", err)
	}
	return nil
}

// encodeIDs encodes ascending ids as the differences between them.
func encodeIDs(ids []int64) []byte {
	b := make([]byte, 0, len(ids)*3)
	prev := int64(0)
	for _, id := range ids {
		b = binary.AppendUvarint(b, uint64(id-prev))
		prev = id
	}
	return b
}

// decodeIDs appends the ids of a block to ids.
func decodeIDs(ids []int64, b []byte) ([]int64, error) {
	prev := int64(0)
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		if n <= 0 {
			return ids, errors.New("contact words: damaged block")
		}
		prev += int64(d)
		ids = append(ids, prev)
		b = b[n:]
	}
	return ids, nil
}

// backfillContactWords gives the contacts made before contact_words
// existed their words, a batch at a time, remembering where it stopped.
func (s *Store) backfillContactWords(ctx context.Context) error {
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
			rows, err := tx.QueryContext(ctx, "SELECT id, attrs FROM contacts WHERE id > ? ORDER BY id LIMIT 25000", after)
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

// eraseContactWords takes the contact of a number out of the word index:
// out of the blocks of its current fields' words and of the values later
// imports replaced, before the contact and its history are deleted.
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
	type block struct {
		id  int64
		ids []int64
	}
	for _, w := range words {
		var changed []block
		rows, err := tx.QueryContext(ctx, "SELECT id, ids FROM contact_words WHERE word = ?", w)
		if err != nil {
			return fmt.Errorf("contact words: %w", err)
		}
		for rows.Next() {
			var b block
			var raw []byte
			if err := rows.Scan(&b.id, &raw); err != nil {
				rows.Close()
				return fmt.Errorf("contact words: %w", err)
			}
			ids, err := decodeIDs(nil, raw)
			if err != nil {
				rows.Close()
				return err
			}
			if i, ok := slices.BinarySearch(ids, id); ok {
				b.ids = slices.Delete(ids, i, i+1)
				changed = append(changed, b)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("contact words: %w", err)
		}
		for _, b := range changed {
			if len(b.ids) == 0 {
				_, err = tx.ExecContext(ctx, "DELETE FROM contact_words WHERE id = ?", b.id)
			} else {
				_, err = tx.ExecContext(ctx, "UPDATE contact_words SET n = ?, ids = ? WHERE id = ?", len(b.ids), encodeIDs(b.ids), b.id)
			}
			if err != nil {
				return fmt.Errorf("contact words: %w", err)
			}
		}
	}
	return nil
}
