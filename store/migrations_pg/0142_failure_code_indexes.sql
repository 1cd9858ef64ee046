-- Messages by failure code: filtering the report by a code reads the
-- entries of that code only. The single index of every failed message
-- (0141) made a rare code (or one that never came) walk all of a
-- campaign's failures, a quarter of a second at a million messages. Each
-- failure enters one of these once, when its status arrives, so sending
-- pays nothing and applying little; the index they replace goes.
CREATE INDEX messages_sent_failure ON messages (sent_code, id) WHERE sent_code NOT IN (0, 2);
CREATE INDEX messages_delivered_failure ON messages (delivered_code, id) WHERE delivered_code NOT IN (0, 4);
DROP INDEX messages_failed;
