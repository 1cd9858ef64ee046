-- The team's state of each conversation (issue 17): which replies were
-- read, who it is assigned to, whether it is closed. A trigger keeps the
-- newest reply of each number here as replies arrive, so the unread count
-- on every page is one look at a small partial index, not a scan of the
-- replies. A conversation is unread while last_in_id > read_upto and
-- closed while closed_upto >= last_in_id (a new reply opens it again).
CREATE TABLE conversations (
	phone       TEXT PRIMARY KEY,
	last_in_id  BIGINT NOT NULL DEFAULT 0,
	last_in_at  BIGINT NOT NULL DEFAULT 0,
	read_upto   BIGINT NOT NULL DEFAULT 0,
	closed_upto BIGINT NOT NULL DEFAULT 0,
	closed_at   BIGINT NOT NULL DEFAULT 0,
	closed_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
	assigned_to BIGINT REFERENCES users (id) ON DELETE SET NULL,
	assigned_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX conversations_unread ON conversations (last_in_id) WHERE last_in_id > read_upto;
CREATE INDEX conversations_assigned ON conversations (assigned_to) WHERE assigned_to IS NOT NULL;

CREATE FUNCTION inbound_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO conversations (phone, last_in_id, last_in_at) VALUES (NEW.phone, NEW.id, NEW.received_at)
	ON CONFLICT (phone) DO UPDATE SET last_in_id = greatest(conversations.last_in_id, excluded.last_in_id),
		last_in_at = greatest(conversations.last_in_at, excluded.last_in_at);
	RETURN NULL;
END $$;
CREATE TRIGGER inbound_conversation AFTER INSERT ON inbound
FOR EACH ROW EXECUTE FUNCTION inbound_conversation();

-- Replies received before this version count as read.
INSERT INTO conversations (phone, last_in_id, last_in_at, read_upto)
	SELECT phone, max(id), max(received_at), max(id) FROM inbound GROUP BY phone;
