-- What a message is billed, recorded when the provider accepts it (issue
-- 10): segments already holds the count under the rule in force;
-- sercomtel_segments is what the same text is billed when the recipient
-- turns out to be on Sercomtel (no concatenation: separate SMS with order
-- markers). The delivery fold adds the one that applies to "r:billed" once
-- the carrier accepted the message (SENT_SUCCESS, what Wavy bills).
ALTER TABLE messages ADD COLUMN sercomtel_segments BIGINT NOT NULL DEFAULT 0;

-- The pre-flight's estimate of a campaign's billed segments, kept at
-- launch, so every page can set what was billed beside what was expected.
ALTER TABLE campaigns ADD COLUMN estimated_segments BIGINT NOT NULL DEFAULT 0;

-- Replace accents in the list's field values when sending (the composer's
-- option; the message's own text is replaced in the composer).
ALTER TABLE campaigns ADD COLUMN replace_accents BIGINT NOT NULL DEFAULT 0;

-- Campaigns sent before billed segments were counted: one per message the
-- carrier accepted, as the dashboard counted them until now.
INSERT INTO campaign_counts (campaign_id, state, n)
	SELECT campaign_id, 'r:billed', sum(greatest(segments, 1)) FROM messages WHERE sent_code = 2 GROUP BY campaign_id
	ON CONFLICT (campaign_id, state) DO NOTHING;
