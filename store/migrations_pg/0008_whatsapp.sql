-- The WhatsApp message of a WhatsApp campaign, as JSON
-- (internal/message.WhatsApp): a template with its parameters, or
-- free-form content. campaigns.message keeps a short summary of it.
ALTER TABLE campaigns ADD COLUMN whatsapp TEXT NOT NULL DEFAULT '';
