-- Campaigns. Each is registered with the Campaign API on apigw first;
-- remote_id is the provider's id and alias what every message carries as
-- campaignAlias. Campaigns imported from the account may lack an alias and
-- a channel.
CREATE TABLE campaigns (
	id           INTEGER PRIMARY KEY,
	remote_id    INTEGER NOT NULL UNIQUE,
	name         TEXT NOT NULL,
	alias        TEXT NOT NULL DEFAULT '',
	channel      TEXT NOT NULL DEFAULT '' CHECK (channel IN ('', 'sms', 'whatsapp')),
	-- The recipient list. The lists table arrives with a later issue: until
	-- then this is a plain nullable integer, without a foreign key; that
	-- issue adds REFERENCES lists (id).
	list_id      INTEGER,
	message      TEXT,
	-- When sending starts, UTC unix milliseconds; NULL is not scheduled.
	scheduled_at INTEGER,
	state        TEXT NOT NULL DEFAULT 'draft'
	             CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed', 'archived')),
	-- Messages sent so far, maintained by the dispatcher. Above zero the
	-- campaign can no longer be deleted, only archived.
	sent_count   INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX campaigns_alias ON campaigns (alias) WHERE alias <> '';
CREATE INDEX campaigns_listing ON campaigns (state, created_at);
