-- Link tracking (issue 17, internal/clicks). A campaign may ask for its
-- http(s) links to be replaced by short per-recipient links; the code of
-- each names the message and the link and is signed, so nothing is
-- written per recipient to make one.
ALTER TABLE campaigns ADD COLUMN track_clicks INTEGER NOT NULL DEFAULT 0;

-- What a click leaves on its message: the first click's time, how many
-- clicks and previews (unfurlers, apart), and a bit per link clicked (so
-- each recipient counts once per link).
ALTER TABLE messages ADD COLUMN clicked_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN clicks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN previews INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN clicked_links INTEGER NOT NULL DEFAULT 0;

-- One row per tracking campaign: its links as written (a JSON array, by
-- index) and the range of its message ids. No foreign key: the links of a
-- deleted campaign keep redirecting until they expire (the expiry in days
-- is a setting, counted from started_at); retention removes the rows of
-- deleted campaigns once expired.
CREATE TABLE tracked_links (
	campaign_id      INTEGER PRIMARY KEY,
	urls             TEXT NOT NULL,
	first_message_id INTEGER NOT NULL DEFAULT 0,
	last_message_id  INTEGER NOT NULL DEFAULT 0,
	started_at       INTEGER NOT NULL DEFAULT 0,
	created_at       INTEGER NOT NULL
);

-- The outbox is made when the campaign starts: its range comes along.
CREATE TRIGGER tracked_links_range AFTER UPDATE OF last_message_id ON campaigns
WHEN NEW.last_message_id > 0 AND NEW.last_message_id <> OLD.last_message_id
BEGIN
	UPDATE tracked_links SET first_message_id = NEW.first_message_id, last_message_id = NEW.last_message_id,
		started_at = CASE WHEN started_at = 0 THEN NEW.started_at ELSE started_at END
	WHERE campaign_id = NEW.id;
END;

-- A recipient's first click on a link is told to outgoing webhooks
-- (message.clicked), in the transaction that records it.
CREATE TRIGGER outhook_message_clicked AFTER UPDATE OF clicked_links ON messages
WHEN NEW.clicked_links <> OLD.clicked_links AND EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1)
BEGIN
	INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('click', NEW.id, json_object(
		'campaign_id', NEW.campaign_id, 'phone', NEW.phone, 'new_links', NEW.clicked_links & ~OLD.clicked_links,
		'clicked_at', NEW.clicked_at, 'clicks', NEW.clicks,
		'urls', json((SELECT urls FROM tracked_links WHERE campaign_id = NEW.campaign_id))),
		CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
