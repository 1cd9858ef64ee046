-- What a campaign needs beyond the Campaign API's fields.
ALTER TABLE campaigns ADD COLUMN schedule TEXT NOT NULL DEFAULT '{}';
ALTER TABLE campaigns ADD COLUMN flash INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN extra_info TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN first_message_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN last_message_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN finished_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN last_error TEXT NOT NULL DEFAULT '';

-- The durable outbox: one row per recipient per campaign, created in bulk
-- when the campaign starts. A campaign's messages have consecutive ids
-- (first_message_id..last_message_id), so the dispatcher walks them by
-- primary key without a secondary index. The correlationId sent to Wavy is
-- derived from (campaign_id, id) and not stored.
--
-- state: queued -> submitting -> accepted -> sent -> delivered -> read,
-- or failed / expired / suppressed / cancelled / unknown. "submitting" is
-- written before the request goes out: after a crash or an unknown answer
-- those rows are reconciled with the provider's status search.
CREATE TABLE messages (
	id            INTEGER PRIMARY KEY,
	campaign_id   INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	row           INTEGER NOT NULL,
	phone         TEXT NOT NULL,
	state         TEXT NOT NULL,
	provider_id   TEXT NOT NULL DEFAULT '',
	segments      INTEGER NOT NULL DEFAULT 0,
	attempts      INTEGER NOT NULL DEFAULT 0,
	claimed_at    INTEGER NOT NULL DEFAULT 0,
	submitted_at  INTEGER NOT NULL DEFAULT 0,
	error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_campaign ON messages (campaign_id);

-- Pre-aggregated per-campaign counters by message state, kept in step
-- with every state change so progress and reports never count rows.
CREATE TABLE campaign_counts (
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	state       TEXT NOT NULL,
	n           INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (campaign_id, state)
) WITHOUT ROWID;

-- Only rows waiting for a verdict are indexed here, so the reconciler
-- finds them without scanning the outbox.
CREATE INDEX messages_submitting ON messages (claimed_at) WHERE state = 'submitting';
