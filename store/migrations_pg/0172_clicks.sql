-- Link tracking (issue 17, internal/clicks). A campaign may ask for its
-- http(s) links to be replaced by short per-recipient links; the code of
-- each names the message and the link and is signed, so nothing is
-- written per recipient to make one.
ALTER TABLE campaigns ADD COLUMN track_clicks BIGINT NOT NULL DEFAULT 0;

-- What a click leaves on its message: the first click's time, how many
-- clicks and previews (unfurlers, apart), and a bit per link clicked (so
-- each recipient counts once per link).
ALTER TABLE messages ADD COLUMN clicked_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN clicks BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN previews BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN clicked_links BIGINT NOT NULL DEFAULT 0;

-- One row per tracking campaign: its links as written (a JSON array, by
-- index) and the range of its message ids. No foreign key: the links of a
-- deleted campaign keep redirecting until they expire (the expiry in days
-- is a setting, counted from started_at); retention removes the rows of
-- deleted campaigns once expired.
CREATE TABLE tracked_links (
	campaign_id      BIGINT PRIMARY KEY,
	urls             TEXT NOT NULL,
	first_message_id BIGINT NOT NULL DEFAULT 0,
	last_message_id  BIGINT NOT NULL DEFAULT 0,
	started_at       BIGINT NOT NULL DEFAULT 0,
	created_at       BIGINT NOT NULL
);

-- The outbox is made when the campaign starts: its range comes along.
CREATE FUNCTION tracked_links_range() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE tracked_links SET first_message_id = NEW.first_message_id, last_message_id = NEW.last_message_id,
		started_at = CASE WHEN started_at = 0 THEN NEW.started_at ELSE started_at END
	WHERE campaign_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER tracked_links_range AFTER UPDATE OF last_message_id ON campaigns
FOR EACH ROW WHEN (NEW.last_message_id > 0 AND NEW.last_message_id <> OLD.last_message_id)
EXECUTE FUNCTION tracked_links_range();

-- A recipient's first click on a link is told to outgoing webhooks
-- (message.clicked), in the transaction that records it.
-- outhook_facts arrives with 0180 in SQLite too; a PostgreSQL function's
-- body is checked when it runs, so it may name it already.
CREATE FUNCTION outhook_message_clicked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM outhook_endpoints WHERE active = 1) THEN
		INSERT INTO outhook_facts (kind, subject, data, at) VALUES ('click', NEW.id, json_build_object(
			'campaign_id', NEW.campaign_id, 'phone', NEW.phone, 'new_links', NEW.clicked_links & ~OLD.clicked_links,
			'clicked_at', NEW.clicked_at, 'clicks', NEW.clicks,
			'urls', (SELECT urls FROM tracked_links WHERE campaign_id = NEW.campaign_id)::json)::text,
			(extract(epoch FROM clock_timestamp()) * 1000)::bigint);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER outhook_message_clicked AFTER UPDATE OF clicked_links ON messages
FOR EACH ROW WHEN (NEW.clicked_links <> OLD.clicked_links) EXECUTE FUNCTION outhook_message_clicked();
