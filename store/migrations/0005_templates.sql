-- Saved, reusable message templates. list_id is the optional preview list
-- whose columns the {{placeholders}} are checked against; deleting the
-- list keeps the template, without one.
CREATE TABLE templates (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	channel    TEXT NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms', 'whatsapp')),
	body       TEXT NOT NULL,
	flash      INTEGER NOT NULL DEFAULT 0,
	extra_info TEXT NOT NULL DEFAULT '',
	list_id    INTEGER REFERENCES lists (id) ON DELETE SET NULL,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX templates_name ON templates (name COLLATE NOCASE);
CREATE INDEX templates_list ON templates (list_id) WHERE list_id IS NOT NULL;
