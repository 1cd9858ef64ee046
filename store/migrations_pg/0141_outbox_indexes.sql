-- Sending no longer maintains an index by phone: messages_phone was
-- written at a random place for every accepted message (numbers arrive in
-- no order), which made accepting cost three times what it should. A
-- contact's conversation finds the messages sent to a number through the
-- list rows that hold it (recipient_numbers) and the campaigns that used
-- those lists (messages_campaign_row), written once, when a list's import
-- finishes and when a campaign's outbox is made, in order.
DROP INDEX messages_phone;
DROP INDEX messages_campaign;
CREATE INDEX messages_campaign_row ON messages (campaign_id, row);

-- Every way people write a number ends with its last four digits, so
-- numbers are found by them: written in full, without 55, without the
-- DDD, formatted or by the last digits alone, in a list of any size. The
-- table is filled when an import finishes, sorted, in one pass (an index
-- on recipients would be written at random places for every row
-- imported, which doubled the import's time).
CREATE TABLE recipient_numbers (
	list_id BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	last4   TEXT NOT NULL,
	row     BIGINT NOT NULL,
	PRIMARY KEY (list_id, last4, row)
);
INSERT INTO recipient_numbers (list_id, last4, row)
	SELECT list_id, right(phone, 4), row FROM recipients ORDER BY 1, 2, 3;

-- Messages still without any status, by id: the report's "pending" filter
-- reads a page of them directly, and closing the status horizon walks
-- them oldest first. The outbox is made in id order, so entries are
-- appended; the columns it names change once, when the first status
-- arrives (state is not among them: claiming and accepting leave it be).
DROP INDEX messages_awaiting_status;
CREATE INDEX messages_pending ON messages (id)
	WHERE sent_code = 0 AND delivered_code = 0 AND unknown_at = 0;
-- Messages with a failure code, by id: filtering the report by a rare
-- code reads these few instead of the whole campaign.
CREATE INDEX messages_failed ON messages (id)
	WHERE sent_code NOT IN (0, 2) OR delivered_code NOT IN (0, 4);
