-- What a campaign asks of Wavy besides its message (campaign.SendOptions):
-- the sub-account its messages are billed to (a cost centre), a bot flow
-- and, for SMS, a template kept at Wavy (by id or name) that supplies the
-- text.
ALTER TABLE campaigns ADD COLUMN sub_account TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN flow_id TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN template_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN template_name TEXT NOT NULL DEFAULT '';
