-- When the circuit breaker paused the campaign (UTC unix ms), 0 never.
-- It trips a campaign once: resumed by a person, it is not paused again
-- for the same early signals.
ALTER TABLE campaigns ADD COLUMN breaker_tripped_at BIGINT NOT NULL DEFAULT 0;
