-- The library of approved WhatsApp templates (issue 17): what a person
-- copied from the Business Manager, with a status set by hand, offered by
-- name in the composer. Parameter names and buttons are JSON arrays.
CREATE TABLE whatsapp_library (
	id            INTEGER PRIMARY KEY,
	namespace     TEXT NOT NULL,
	element_name  TEXT NOT NULL,
	language_code TEXT NOT NULL,
	header_kind   TEXT NOT NULL DEFAULT '',
	header_text   TEXT NOT NULL DEFAULT '',
	header_params TEXT NOT NULL DEFAULT '[]',
	body_text     TEXT NOT NULL,
	body_params   TEXT NOT NULL DEFAULT '[]',
	footer_text   TEXT NOT NULL DEFAULT '',
	buttons       TEXT NOT NULL DEFAULT '[]',
	status        TEXT NOT NULL CHECK (status IN ('approved', 'paused', 'rejected')),
	created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	UNIQUE (namespace, element_name, language_code)
);
