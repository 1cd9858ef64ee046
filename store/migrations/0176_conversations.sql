-- The team's state of each conversation (issue 17): which replies were
-- read, who it is assigned to, whether it is closed. A trigger keeps the
-- newest reply of each number here as replies arrive, so the unread count
-- on every page is one look at a small partial index, not a scan of the
-- replies. A conversation is unread while last_in_id > read_upto and
-- closed while closed_upto >= last_in_id (a new reply opens it again).
CREATE TABLE conversations (
	phone       TEXT PRIMARY KEY,
	last_in_id  INTEGER NOT NULL DEFAULT 0,
	last_in_at  INTEGER NOT NULL DEFAULT 0,
	read_upto   INTEGER NOT NULL DEFAULT 0,
	closed_upto INTEGER NOT NULL DEFAULT 0,
	closed_at   INTEGER NOT NULL DEFAULT 0,
	closed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
	assigned_to INTEGER REFERENCES users (id) ON DELETE SET NULL,
	assigned_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX conversations_unread ON conversations (last_in_id) WHERE last_in_id > read_upto;
CREATE INDEX conversations_assigned ON conversations (assigned_to) WHERE assigned_to IS NOT NULL;

CREATE TRIGGER inbound_conversation AFTER INSERT ON inbound BEGIN
	INSERT INTO conversations (phone, last_in_id, last_in_at) VALUES (NEW.phone, NEW.id, NEW.received_at)
	ON CONFLICT (phone) DO UPDATE SET last_in_id = max(last_in_id, excluded.last_in_id), last_in_at = max(last_in_at, excluded.last_in_at);
END;

-- Replies received before this version count as read.
INSERT INTO conversations (phone, last_in_id, last_in_at, read_upto)
	SELECT phone, max(id), max(received_at), max(id) FROM inbound GROUP BY phone;
