-- WhatsApp -> SMS fallback (issue 17). A WhatsApp campaign may name an SMS
-- text as its fallback (internal/fallback.Settings as JSON, '' for none).
-- The SMS go out through a hidden SMS companion campaign (api_stream = 1,
-- so every listing leaves it out) over the same list: fallback_of names
-- the WhatsApp campaign it serves.
ALTER TABLE campaigns ADD COLUMN fallback TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN fallback_of BIGINT REFERENCES campaigns (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX campaigns_fallback_of ON campaigns (fallback_of) WHERE fallback_of IS NOT NULL;

-- One row per WhatsApp message that fell back, written in the transaction
-- that queues its SMS. The key is the WhatsApp message: a message can fall
-- back once, whatever crashes or repeated sweeps.
CREATE TABLE fallbacks (
	message_id     BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
	campaign_id    BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	sms_message_id BIGINT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
	reason         TEXT NOT NULL,
	created_at     BIGINT NOT NULL
);
CREATE INDEX fallbacks_campaign ON fallbacks (campaign_id);
