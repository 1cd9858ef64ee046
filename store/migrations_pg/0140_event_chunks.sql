-- Raw events are stored in compressed chunks: each group commit of the
-- webhooks writes one row per kind holding every body it took (zstd) and,
-- per event, when it arrived, how many entries it had and its body's
-- length (meta: three unsigned varints each). An event's id is first_id
-- plus its place in the chunk, so ids stay what they were: unique and in
-- commit order. One row per commit instead of one per webhook, and about
-- a tenth of the bytes, is what lets reports arrive as fast as messages go
-- out.
--
-- Events are applied in id order: event_cursor.applied_through is the last
-- chunked event the applier has read, so no event is rewritten to say it
-- was applied. An event that must wait for its message, or that the
-- applier left a note about, is copied into events (chunked = 1) and
-- follows the rules it always had there. applied_at of a chunk is when the
-- cursor passed its last event, for retention.
CREATE TABLE event_chunks (
	first_id    BIGINT PRIMARY KEY,
	n           BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	source      TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	applied_at  BIGINT NOT NULL DEFAULT 0,
	codec       TEXT NOT NULL CHECK (codec IN ('zstd', 'dropped')),
	meta        BYTEA NOT NULL,
	body        BYTEA NOT NULL
);
CREATE INDEX event_chunks_applied ON event_chunks (applied_at, received_at);

CREATE TABLE event_cursor (
	one             BIGINT PRIMARY KEY CHECK (one = 1),
	applied_through BIGINT NOT NULL,
	updated_at      BIGINT NOT NULL
);
INSERT INTO event_cursor (one, applied_through, updated_at) SELECT 1, coalesce(max(id), 0), 0 FROM events;

ALTER TABLE events ADD COLUMN chunked BIGINT NOT NULL DEFAULT 0;
