-- Answers an operator sent from a conversation (issue 17), stored as
-- "sending" before the request leaves and never sent again by themselves.
CREATE TABLE answers (
	id             INTEGER PRIMARY KEY,
	phone          TEXT NOT NULL,
	channel        TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
	kind           TEXT NOT NULL,
	text           TEXT NOT NULL DEFAULT '',
	media_url      TEXT NOT NULL DEFAULT '',
	media_type     TEXT NOT NULL DEFAULT '',
	correlation_id TEXT NOT NULL UNIQUE,
	state          TEXT NOT NULL CHECK (state IN ('sending', 'accepted', 'failed', 'unknown')),
	provider_id    TEXT NOT NULL DEFAULT '',
	reason         TEXT NOT NULL DEFAULT '',
	user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at     INTEGER NOT NULL,
	finished_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX answers_phone ON answers (phone, created_at);
