-- Delivery facts of each message, kept apart from the dispatcher's state
-- (queued ... accepted), which they never change. Times are UTC unix ms,
-- 0 when unknown. Each fact is recorded once (codes: first wins; times:
-- the earliest evidence wins), so applying events is idempotent and
-- order-independent.
ALTER TABLE messages ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN sent_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN delivered_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN delivered_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN read_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN status_updated_at INTEGER NOT NULL DEFAULT 0;
-- When the three-day status horizon closed on a message that got no
-- status: unknown, no receipt.
ALTER TABLE messages ADD COLUMN unknown_at INTEGER NOT NULL DEFAULT 0;

-- Accepted messages still waiting for their first status, by age, so
-- closing the horizon never scans the outbox. Rows leave the index as
-- their status arrives.
CREATE INDEX messages_awaiting_status ON messages (submitted_at)
	WHERE state = 'accepted' AND sent_code = 0 AND delivered_code = 0 AND unknown_at = 0;

-- A contact's conversation lists the messages sent to the number. Only
-- accepted messages are indexed, so the bulk copy into the outbox pays
-- nothing; the entry is written when the provider takes the message.
CREATE INDEX messages_phone ON messages (phone, submitted_at) WHERE state = 'accepted';

-- Applying events: an event waiting for its message row is retried at
-- retry_at; note says what was skipped or given up.
ALTER TABLE events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN retry_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN note TEXT NOT NULL DEFAULT '';
-- New events, in arrival order, without the deferred ones in the way;
-- and the deferred ones by when they are due. They replace
-- events_unapplied: every webhook writes each index of events, and the
-- group commit's throughput counts them.
DROP INDEX events_unapplied;
CREATE INDEX events_fresh ON events (id) WHERE applied_at = 0 AND attempts = 0;
CREATE INDEX events_deferred ON events (retry_at) WHERE applied_at = 0 AND attempts > 0;

-- Replies (MO), SMS and WhatsApp, linked to the message that prompted
-- them when the MO names its correlationId.
CREATE TABLE inbound (
	id           INTEGER PRIMARY KEY,
	channel      TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
	provider_id  TEXT NOT NULL UNIQUE,
	phone        TEXT NOT NULL,
	profile_name TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL DEFAULT 'TEXT',
	text         TEXT NOT NULL DEFAULT '',
	media_url    TEXT NOT NULL DEFAULT '',
	payload      TEXT NOT NULL DEFAULT '{}',
	received_at  INTEGER NOT NULL,
	campaign_id  INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
	message_id   INTEGER REFERENCES messages (id) ON DELETE SET NULL,
	opt_out      INTEGER NOT NULL DEFAULT 0,
	event_id     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbound_phone ON inbound (phone, received_at);
CREATE INDEX inbound_campaign ON inbound (campaign_id);
CREATE INDEX inbound_message ON inbound (message_id);
