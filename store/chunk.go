package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"

	"arauto/internal/delivery"
)

// A chunk is the raw events of one group commit of one kind and source:
// their bodies concatenated and compressed with zstd (webhook bodies of a
// kind differ in a few fields, so a chunk shrinks to about a tenth), and
// per event three unsigned varints — arrival (unix ms), entries, body
// length — uncompressed in meta.

var (
	zstdOnce sync.Once
	zstdEnc  *zstd.Encoder
	zstdDec  *zstd.Decoder
)

func codecs() (*zstd.Encoder, *zstd.Decoder) {
	zstdOnce.Do(func() {
		var err error
		if zstdEnc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
			zstd.WithLowerEncoderMem(true)); err != nil {
			panic(fmt.Sprintf("store: zstd encoder: %v", err))
		}
		if zstdDec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true)); err != nil {
			panic(fmt.Sprintf("store: zstd decoder: %v", err))
		}
	})
	return zstdEnc, zstdDec
}

// packed is one chunk ready to insert.
type packed struct {
	kind, source string
	receivedAt   int64 // the latest arrival in the chunk
	events       []*delivery.Event
	meta, body   []byte
}

// packChunks groups a batch by kind and source, keeping arrival order
// within each group, and compresses each group.
func packChunks(batch []*delivery.Event) []packed {
	var out []packed
	for _, e := range batch {
		i := 0
		for i < len(out) && (out[i].kind != e.Kind || out[i].source != e.Source) {
			i++
		}
		if i == len(out) {
			out = append(out, packed{kind: e.Kind, source: e.Source})
		}
		out[i].events = append(out[i].events, e)
	}
	enc, _ := codecs()
	var raw []byte
	for i := range out {
		p := &out[i]
		raw = raw[:0]
		for _, e := range p.events {
			at := toMS(e.ReceivedAt)
			p.receivedAt = max(p.receivedAt, at)
			p.meta = binary.AppendUvarint(p.meta, uint64(max(at, 0)))
			p.meta = binary.AppendUvarint(p.meta, uint64(max(e.Items, 0)))
			p.meta = binary.AppendUvarint(p.meta, uint64(len(e.Body)))
			raw = append(raw, e.Body...)
		}
		p.body = enc.EncodeAll(raw, make([]byte, 0, len(raw)/4+64))
	}
	return out
}

// chunkRow is a stored chunk as read back.
type chunkRow struct {
	firstID      int64
	n            int
	kind, source string
	codec        string
	meta, body   []byte
}

// events unpacks the chunk's events whose id is above after (all of them
// for after < firstID). A chunk whose bodies were dropped by retention
// gives its events with empty bodies.
func (c chunkRow) events(after int64, dst []delivery.Event) ([]delivery.Event, error) {
	var raw []byte
	if c.codec == "zstd" {
		_, dec := codecs()
		var err error
		if raw, err = dec.DecodeAll(c.body, nil); err != nil {
			return dst, fmt.Errorf("event chunk %d: %w", c.firstID, err)
		}
	}
	meta, off := c.meta, 0
	for i := range c.n {
		at, a := binary.Uvarint(meta)
		items, b := binary.Uvarint(meta[max(a, 0):])
		size, d := binary.Uvarint(meta[max(a, 0)+max(b, 0):])
		if a <= 0 || b <= 0 || d <= 0 {
			return dst, fmt.Errorf("event chunk %d: damaged meta at event %d", c.firstID, i)
		}
		meta = meta[a+b+d:]
		id := c.firstID + int64(i)
		var body []byte
		if c.codec == "zstd" {
			if off+int(size) > len(raw) {
				return dst, fmt.Errorf("event chunk %d: body of event %d out of range", c.firstID, i)
			}
			body = raw[off : off+int(size) : off+int(size)]
			off += int(size)
		}
		if id <= after {
			continue
		}
		dst = append(dst, delivery.Event{ID: id, Kind: c.kind, Source: c.source, ReceivedAt: fromMS(int64(at)),
			Items: int(items), Body: body})
	}
	return dst, nil
}

// querier is what reads need from *sql.DB and *sql.Tx alike.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

const chunkColumns = "first_id, n, kind, source, codec, meta, body"

func scanChunk(sc interface{ Scan(...any) error }) (chunkRow, error) {
	var c chunkRow
	err := sc.Scan(&c.firstID, &c.n, &c.kind, &c.source, &c.codec, &c.meta, &c.body)
	return c, err
}

// freshEvents returns up to limit chunked events after id after, in id
// order, whole chunks at a time (at least one chunk).
func freshEvents(ctx context.Context, q querier, after int64, limit int) ([]delivery.Event, error) {
	// A chunk holds at most eventGroupMax events, so the one holding
	// after+1 starts no earlier than after+1-eventGroupMax.
	rows, err := q.QueryContext(ctx, "SELECT "+chunkColumns+" FROM event_chunks WHERE first_id > ? AND first_id + n - 1 > ? ORDER BY first_id",
		after-eventGroupMax, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []delivery.Event
	for rows.Next() {
		c, err := scanChunk(rows)
		if err != nil {
			return nil, err
		}
		if len(out) > 0 && len(out)+c.n > limit {
			break
		}
		if out, err = c.events(after, out); err != nil {
			return nil, err
		}
		if len(out) >= limit {
			break
		}
	}
	return out, rows.Err()
}

// chunkedEvent reads one event back from its chunk.
func chunkedEvent(ctx context.Context, q querier, id int64) (delivery.Event, error) {
	c, err := scanChunk(q.QueryRowContext(ctx, "SELECT "+chunkColumns+" FROM event_chunks WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && id >= c.firstID+int64(c.n)) {
		return delivery.Event{}, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return delivery.Event{}, fmt.Errorf("event %d: %w", id, err)
	}
	evs, err := c.events(id-1, nil)
	if err != nil {
		return delivery.Event{}, err
	}
	return evs[0], nil
}

// Event returns one stored event with its body, wherever it is kept.
func (s *Store) Event(ctx context.Context, id int64) (delivery.Event, error) {
	var e delivery.Event
	var at int64
	err := s.r.QueryRowContext(ctx, "SELECT id, kind, source, received_at, items, attempts, body FROM events WHERE id = ?", id).
		Scan(&e.ID, &e.Kind, &e.Source, &at, &e.Items, &e.Attempts, &e.Body)
	if err == nil {
		e.ReceivedAt = fromMS(at)
		return e, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("store: event %d: %w", id, err)
	}
	if e, err = chunkedEvent(ctx, s.r, id); err != nil {
		return e, fmt.Errorf("store: %w", err)
	}
	return e, nil
}

// repackMax bounds the events of a repacked chunk: larger chunks compress
// better, and one is read whole to look up a single event.
const repackMax = 16384

// RepackRawEvents merges runs of applied chunks of one kind and source
// into chunks of up to repackMax events, compressed harder: a group
// commit of a few dozen webhooks gives zstd little to learn from, a run
// of thousands shrinks several times more. It works oldest first, one
// merged chunk per transaction, and returns how many events it repacked.
func (s *Store) RepackRawEvents(ctx context.Context) (int64, error) {
	var total int64
	after := int64(0)
	for {
		rows, err := s.r.QueryContext(ctx, "SELECT "+chunkColumns+` FROM event_chunks
			WHERE first_id > ? AND applied_at > 0 AND codec = 'zstd' ORDER BY first_id LIMIT 2000`, after)
		if err != nil {
			return total, fmt.Errorf("store: repack raw events: %w", err)
		}
		var run []chunkRow
		var done bool
		for rows.Next() {
			c, err := scanChunk(rows)
			if err != nil {
				rows.Close()
				return total, fmt.Errorf("store: repack raw events: %w", err)
			}
			after = c.firstID
			if len(run) > 0 {
				p := run[len(run)-1]
				if c.kind != p.kind || c.source != p.source || c.firstID != p.firstID+int64(p.n) || sumN(run)+c.n > repackMax {
					break
				}
			}
			if c.n >= repackMax/2 && len(run) == 0 {
				continue // already large
			}
			run = append(run, c)
		}
		done = !rows.Next()
		rows.Close()
		if len(run) > 1 {
			n, err := s.repack(ctx, run)
			if err != nil {
				return total, err
			}
			total += n
			after = run[len(run)-1].firstID
		} else if len(run) == 1 {
			after = run[0].firstID
		}
		if done && len(run) <= 1 {
			return total, nil
		}
	}
}

func sumN(cs []chunkRow) int {
	n := 0
	for _, c := range cs {
		n += c.n
	}
	return n
}

// repack replaces a run of consecutive chunks by one.
func (s *Store) repack(ctx context.Context, run []chunkRow) (int64, error) {
	var meta, raw []byte
	var receivedAt int64
	_, dec := codecs()
	for _, c := range run {
		b, err := dec.DecodeAll(c.body, nil)
		if err != nil {
			return 0, fmt.Errorf("store: repack event chunk %d: %w", c.firstID, err)
		}
		raw = append(raw, b...)
		meta = append(meta, c.meta...)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return 0, fmt.Errorf("store: repack raw events: %w", err)
	}
	body := enc.EncodeAll(raw, nil)
	enc.Close()
	first, n := run[0].firstID, sumN(run)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT max(received_at) FROM event_chunks WHERE first_id BETWEEN ? AND ?", first, run[len(run)-1].firstID).Scan(&receivedAt); err != nil {
			return err
		}
		var applied int64
		if err := tx.QueryRowContext(ctx, "SELECT max(applied_at) FROM event_chunks WHERE first_id BETWEEN ? AND ?", first, run[len(run)-1].firstID).Scan(&applied); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM event_chunks WHERE first_id BETWEEN ? AND ? AND applied_at > 0", first, run[len(run)-1].firstID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != int64(len(run)) {
			return fmt.Errorf("chunks changed meanwhile (%d of %d)", k, len(run))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO event_chunks (first_id, n, kind, source, received_at, applied_at, codec, meta, body)
			VALUES (?, ?, ?, ?, ?, ?, 'zstd', ?, ?)`, first, n, run[0].kind, run[0].source, receivedAt, applied, meta, body)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: repack event chunks from %d: %w", first, err)
	}
	return int64(n), nil
}
