-- A/B tests (issue 17, internal/abtest). An SMS campaign may test 2..4
-- variants of its message: abtest holds internal/abtest.Settings as JSON
-- ('' for no test; variant A is the campaign's message). When the outbox is
-- made the test share is assigned per message (variant 1..4 = A..D) and
-- the rest waits in state 'held' (variant 0), which the dispatcher never
-- claims. Choosing the winner sets ab_winner (once: a conditional UPDATE)
-- and moves the held rows to 'queued' in the same transaction, so the
-- remainder goes through the ordinary outbox, claim and reconcile path.
ALTER TABLE campaigns ADD COLUMN abtest TEXT NOT NULL DEFAULT '';
-- The test's seed for abtest.Split, drawn when the settings are saved.
ALTER TABLE campaigns ADD COLUMN ab_seed BIGINT NOT NULL DEFAULT 0;
-- Set with the assignment, in the transaction that holds the remainder.
ALTER TABLE campaigns ADD COLUMN ab_assigned BIGINT NOT NULL DEFAULT 0;
-- When the scheduler chooses (UTC ms; 0 = by hand only or not started).
ALTER TABLE campaigns ADD COLUMN ab_decide_at BIGINT NOT NULL DEFAULT 0;
-- The winner (1..4, 0 = none yet), when, by whom ('' = the scheduler) and
-- why (the criterion's name, or 'hand').
ALTER TABLE campaigns ADD COLUMN ab_winner BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN ab_decided_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN ab_decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN ab_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE messages ADD COLUMN variant BIGINT NOT NULL DEFAULT 0;
-- The test and released remainder rows of a campaign, for its figures.
CREATE INDEX messages_variant ON messages (campaign_id, variant) WHERE variant <> 0;
-- The remainder gets variant = -winner when released, so each row says
-- which text it gets. Tests waiting for the scheduler:
CREATE INDEX campaigns_ab_due ON campaigns (ab_decide_at) WHERE ab_decide_at > 0 AND ab_winner = 0;
