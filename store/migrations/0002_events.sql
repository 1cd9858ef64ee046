-- Every webhook body or polled status as received, append-only, written
-- before the provider gets its 200. Applying them to messages is separate
-- and idempotent, so the raw record is the source of truth.
CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('sms-status', 'sms-mo', 'whatsapp-status', 'whatsapp-mo')),
	source      TEXT NOT NULL DEFAULT 'webhook',
	received_at INTEGER NOT NULL,
	items       INTEGER NOT NULL DEFAULT 1,
	body        BLOB NOT NULL,
	applied_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_unapplied ON events (applied_at) WHERE applied_at = 0;
