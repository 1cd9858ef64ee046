-- Test numbers each user saves (at most 5), in the order typed.
CREATE TABLE test_seeds (
	user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	phone    TEXT NOT NULL,
	PRIMARY KEY (user_id, position)
) WITHOUT ROWID;

-- Test sends of a campaign's message to a user's test numbers. Kept apart
-- from the outbox (messages) so that no report, counter or figure of the
-- campaign counts them. state: submitting (stored before the request
-- leaves) -> accepted | failed | unknown.
CREATE TABLE test_sends (
	id          INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
	channel     TEXT NOT NULL,
	phone       TEXT NOT NULL,
	text        TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('submitting', 'accepted', 'failed', 'unknown')),
	provider_id TEXT NOT NULL DEFAULT '',
	segments    INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	settled_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX test_sends_campaign ON test_sends (campaign_id, id);
CREATE INDEX test_sends_submitting ON test_sends (created_at) WHERE state = 'submitting';
