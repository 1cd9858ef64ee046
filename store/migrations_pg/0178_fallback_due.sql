-- WhatsApp -> SMS fallback, found without scanning the outbox (issue 17).
--
-- A status that means WhatsApp cannot reach the number (the codes of
-- internal/fallback.Codes; a store test checks this trigger against that
-- table) queues its message here in the very transaction that applies the
-- status, when its campaign has a fallback. The fallback sweep drains the
-- queue; the fallbacks table's key keeps each message to one SMS.
CREATE TABLE fallback_due (
	message_id  BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
	campaign_id BIGINT NOT NULL
);
CREATE FUNCTION fallback_due_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM campaigns c WHERE c.id = NEW.campaign_id AND c.fallback <> '') THEN
		INSERT INTO fallback_due (message_id, campaign_id) VALUES (NEW.id, NEW.campaign_id)
		ON CONFLICT DO NOTHING;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER fallback_due_status AFTER UPDATE OF sent_code, delivered_code ON messages
FOR EACH ROW WHEN ((NEW.sent_code IN (202, 209, 210, 301) AND OLD.sent_code NOT IN (202, 209, 210, 301))
	OR (NEW.delivered_code IN (101, 104) AND OLD.delivered_code NOT IN (101, 104)))
EXECUTE FUNCTION fallback_due_status();

-- The timeout walk's cursor: every message of the campaign up to this id
-- has been judged for "no delivery within the wait".
ALTER TABLE campaigns ADD COLUMN fallback_through BIGINT NOT NULL DEFAULT 0;
