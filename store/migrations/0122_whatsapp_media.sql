-- Files uploaded in the WhatsApp editor to go with a campaign's message
-- as base64 "data" (seed 000): kept here until the message is saved, which
-- copies the data into campaigns.whatsapp; the row lets the editor name
-- the file again. Deleted with the campaign.
CREATE TABLE whatsapp_media (
	id          INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	file_name   TEXT NOT NULL,
	type        TEXT NOT NULL,
	size        INTEGER NOT NULL,
	data        TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX whatsapp_media_campaign ON whatsapp_media (campaign_id);
