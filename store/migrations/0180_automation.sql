-- Automation (issue 18): API tokens, idempotency keys, the audit log,
-- transactional messages and outgoing webhooks.

-- API tokens. Only the SHA-256 of the secret is kept: the secret is 32
-- random bytes, so a fast hash is enough (nothing to guess), and a copy of
-- the database gives no token that works. A token belongs to the admin who
-- made it: it stops working when that person is disabled, and never does
-- more than that person's role allows.
CREATE TABLE api_tokens (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL,
	hint            TEXT NOT NULL,
	secret_hash     TEXT NOT NULL UNIQUE,
	role            TEXT NOT NULL CHECK (role IN ('viewer', 'marketer', 'admin')),
	owner_id        INTEGER NOT NULL REFERENCES users (id),
	rate_per_minute INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL DEFAULT 0,
	last_used_at    INTEGER NOT NULL DEFAULT 0,
	last_used_ip    TEXT NOT NULL DEFAULT '',
	revoked_at      INTEGER NOT NULL DEFAULT 0
);

-- The first answer to a POST sent with an Idempotency-Key, per token, so a
-- replay gets it again and nothing is done twice. pending marks a request
-- still running (or one a crash interrupted).
CREATE TABLE api_idempotency (
	token_id     INTEGER NOT NULL,
	key          TEXT NOT NULL,
	fingerprint  TEXT NOT NULL,
	state        TEXT NOT NULL CHECK (state IN ('pending', 'done')),
	status       INTEGER NOT NULL DEFAULT 0,
	content_type TEXT NOT NULL DEFAULT '',
	location     TEXT NOT NULL DEFAULT '',
	body         BLOB NOT NULL DEFAULT x'',
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
CREATE INDEX api_idempotency_age ON api_idempotency (created_at);

-- Who did what and when. Append-only: rows are never changed or deleted.
CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor_kind  TEXT NOT NULL,
	actor_id    INTEGER NOT NULL DEFAULT 0,
	actor_name  TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	target_kind TEXT NOT NULL DEFAULT '',
	target_id   TEXT NOT NULL DEFAULT '',
	target_name TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT '',
	ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_kind, actor_name, id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

-- Transactional messages travel the dispatcher's own path: each stream
-- (SMS, or one WhatsApp template) is a hidden campaign, always running,
-- whose hidden list gets one row per message with its text or template
-- parameters as fields. Hidden campaigns and lists are left out of the
-- pages' listings.
ALTER TABLE campaigns ADD COLUMN api_stream INTEGER NOT NULL DEFAULT 0;
ALTER TABLE lists ADD COLUMN api_stream INTEGER NOT NULL DEFAULT 0;
CREATE TABLE api_streams (
	key         TEXT PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
	list_id     INTEGER NOT NULL REFERENCES lists (id),
	channel     TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE api_messages (
	id             TEXT PRIMARY KEY,
	message_id     INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
	correlation_id TEXT NOT NULL DEFAULT '',
	channel        TEXT NOT NULL,
	token_id       INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX api_messages_correlation ON api_messages (correlation_id) WHERE correlation_id <> '';

-- Outgoing webhooks: the receivers admins registered, with the events each
-- wants and its signing secret (sealed like the Wavy token).
CREATE TABLE outhook_endpoints (
	id          INTEGER PRIMARY KEY,
	url         TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	events      TEXT NOT NULL,
	secret      TEXT NOT NULL,
	active      INTEGER NOT NULL DEFAULT 1,
	created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

-- Facts worth telling receivers about, written by the triggers below in
-- the very transaction that records them (so nothing is told that did not
-- happen, and nothing that happened is missed), only while some receiver
-- is active. The outgoing-webhook worker turns them into deliveries and
-- removes them. AUTOINCREMENT: ids are never reused after the table
-- empties, so event ids ("evt_<id>") stay unique for receivers.
CREATE TABLE outhook_facts (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	kind    TEXT NOT NULL,
	subject INTEGER NOT NULL,
	data    TEXT NOT NULL,
	at      INTEGER NOT NULL
);

-- One delivery per receiver per event: the durable outbox. Pending rows
-- are retried with backoff until delivered or a day old; order_key keeps
-- the events of one message (or campaign, list, number) in order.
CREATE TABLE outhook_deliveries (
	id           INTEGER PRIMARY KEY,
	endpoint_id  INTEGER NOT NULL REFERENCES outhook_endpoints (id) ON DELETE CASCADE,
	event_id     TEXT NOT NULL,
	event_type   TEXT NOT NULL,
	order_key    TEXT NOT NULL,
	body         BLOB NOT NULL,
	state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	last_at      INTEGER NOT NULL DEFAULT 0,
	last_status  INTEGER NOT NULL DEFAULT 0,
	last_body    TEXT NOT NULL DEFAULT '',
	last_error   TEXT NOT NULL DEFAULT '',
	last_ms      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outhook_deliveries_due ON outhook_deliveries (endpoint_id, next_at, id) WHERE state = 'pending';
CREATE INDEX outhook_deliveries_order ON outhook_deliveries (endpoint_id, order_key, id) WHERE state = 'pending';
CREATE INDEX outhook_deliveries_log ON outhook_deliveries (endpoint_id, id);
CREATE INDEX outhook_deliveries_age ON outhook_deliveries (created_at);
CREATE INDEX outhook_deliveries_failed ON outhook_deliveries (endpoint_id) WHERE state = 'failed';

CREATE TRIGGER outhook_message_status AFTER UPDATE OF sent_code, delivered_code, read_at ON messages
WHEN (NEW.sent_code <> OLD.sent_code OR NEW.delivered_code <> OLD.delivered_code OR NEW.read_at <> OLD.read_at)
	AND EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('message', NEW.id, json_object(
		'campaign_id', NEW.campaign_id, 'phone', NEW.phone, 'state', NEW.state, 'carrier', NEW.carrier,
		'old_sent_code', OLD.sent_code, 'old_delivered_code', OLD.delivered_code, 'old_read_at', OLD.read_at,
		'sent_code', NEW.sent_code, 'delivered_code', NEW.delivered_code,
		'sent_at', NEW.sent_at, 'delivered_at', NEW.delivered_at, 'read_at', NEW.read_at),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER outhook_message_failed AFTER UPDATE OF state ON messages
WHEN NEW.state = 'failed' AND OLD.state <> 'failed' AND EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('dispatch', NEW.id, json_object(
		'campaign_id', NEW.campaign_id, 'phone', NEW.phone, 'state', NEW.state, 'error', NEW.error),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER outhook_reply AFTER INSERT ON inbound
WHEN EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('reply', NEW.id, json_object(
		'channel', NEW.channel, 'phone', NEW.phone, 'text', NEW.text, 'kind', NEW.kind, 'profile_name', NEW.profile_name,
		'campaign_id', NEW.campaign_id, 'message_id', NEW.message_id, 'opt_out', NEW.opt_out, 'received_at', NEW.received_at),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER outhook_suppression AFTER INSERT ON suppressions
WHEN EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('suppression', 0, json_object(
		'phone', NEW.phone, 'reason', NEW.reason, 'note', NEW.note, 'created_at', NEW.created_at),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER outhook_campaign_state AFTER UPDATE OF state ON campaigns
WHEN NEW.state <> OLD.state AND NEW.api_stream = 0 AND EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('campaign', NEW.id, json_object(
		'name', NEW.name, 'alias', NEW.alias, 'channel', NEW.channel, 'from', OLD.state, 'to', NEW.state,
		'last_error', NEW.last_error),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER outhook_list_import AFTER UPDATE OF state ON lists
WHEN NEW.state <> OLD.state AND NEW.state IN ('ready', 'failed') AND NEW.api_stream = 0
	AND EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('list', NEW.id, json_object(
		'name', NEW.name, 'state', NEW.state, 'rows_total', NEW.rows_total, 'valid', NEW.valid, 'invalid', NEW.invalid,
		'duplicates', NEW.duplicates, 'error_code', NEW.error_code),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
