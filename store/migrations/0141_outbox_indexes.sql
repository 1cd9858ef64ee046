-- Sending no longer maintains an index by phone: messages_phone was
-- written at a random place for every accepted message (numbers arrive in
-- no order), which made accepting cost three times what it should. A
-- contact's conversation finds the messages sent to a number through the
-- list rows that hold it (recipients_last4) and the campaigns that used
-- those lists (messages_campaign_row), indexes that are written once, when
-- a list is imported and when a campaign's outbox is made, in row order.
DROP INDEX messages_phone;
DROP INDEX messages_campaign;
CREATE INDEX messages_campaign_row ON messages (campaign_id, row);

-- Every way people write a number ends with its last four digits, so an
-- index on them finds a number written in full, without 55, without the
-- DDD, formatted or by its last digits alone, in a list of any size.
CREATE INDEX recipients_last4 ON recipients (list_id, substr(phone, -4));

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
