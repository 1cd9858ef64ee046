-- Answers travel the dispatcher's outbox (issue 18): each answer is a row
-- of an answer stream's hidden campaign, written with the answer in one
-- transaction, so it is sent exactly once and its statuses come back like
-- any campaign message's. Answers sent before keep message_id NULL.
ALTER TABLE answers ADD COLUMN message_id BIGINT REFERENCES messages (id) ON DELETE SET NULL;
CREATE INDEX answers_message ON answers (message_id) WHERE message_id IS NOT NULL;
