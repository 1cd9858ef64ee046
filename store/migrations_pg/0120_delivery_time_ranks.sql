-- How good the evidence is for each delivery time of a message (see
-- delivery.State): bits 0-1 the sent time's rank, 2-3 the delivered
-- time's, 4-5 the read time's; 0 for none. A status giving its own
-- level's time outranks one repeating or implying it, so a late delivery
-- report with older times does not rewrite the times already known.
ALTER TABLE messages ADD COLUMN time_ranks BIGINT NOT NULL DEFAULT 0;
