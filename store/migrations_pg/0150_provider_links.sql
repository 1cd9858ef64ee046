-- Provider ids a status may name a message by instead of its correlationId.
-- SMPP receipts carry the id the SMSC gave each part of a message, never
-- Arauto's correlationId; every part's id is linked here when the send is
-- recorded. Only messages sent through a door whose statuses lack the
-- correlationId (SMPP) get rows, so the HTTPS send path writes nothing
-- here and messages keeps no index on provider_id.
CREATE TABLE provider_links (
	provider_id TEXT PRIMARY KEY,
	message_id  BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE
);
-- Deleting a campaign's messages finds their links without a scan.
CREATE INDEX provider_links_message ON provider_links (message_id);
