-- The contact book: one contact per mobile number, built up by every list
-- import in the same streaming pass, and the proof of where each came from.

-- Where contacts came from: one row per list import (or keyword opt-in
-- reply). No foreign key to lists: the record is the proof of consent and
-- outlives the list (list_id becomes 0 when the list is deleted).
CREATE TABLE contact_sources (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('import', 'keyword')),
	basis       TEXT NOT NULL CHECK (basis IN ('consent', 'contract', 'legitimate_interest', 'legal_obligation')),
	list_id     INTEGER NOT NULL DEFAULT 0,
	list_name   TEXT NOT NULL DEFAULT '',
	file_name   TEXT NOT NULL DEFAULT '',
	user_id     INTEGER NOT NULL DEFAULT 0,
	user_email  TEXT NOT NULL DEFAULT '',
	keyword     TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
CREATE INDEX contact_sources_list ON contact_sources (list_id) WHERE list_id <> 0;

-- The legal basis chosen when the list was imported, and who imported it.
ALTER TABLE lists ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE lists ADD COLUMN imported_by INTEGER NOT NULL DEFAULT 0;

-- One row per number (phone: E.164 digits as an integer). Rows are added
-- in the order imports meet them, so importing appends to the table and
-- only the number's index (small enough to stay in the cache) is written
-- at random; a DDD is a range of that index. attrs holds the latest
-- non-empty value of every field (JSON), fold the same values folded
-- (lower case, no accents; JSONB, read by segments on every row) and
-- name_key the folded name for prefix search. sources lists the
-- contact_sources ids the contact came from (",3,7,"); consent_source and
-- consent_row the one that gave its current legal basis. The last_*
-- columns are kept by the dispatcher and the applier (0: never); clicks
-- are not recorded yet.
CREATE TABLE contacts (
	id                INTEGER PRIMARY KEY,
	phone             INTEGER NOT NULL UNIQUE,
	attrs             TEXT NOT NULL,
	fold              BLOB NOT NULL,
	name_key          TEXT NOT NULL DEFAULT '',
	sources           TEXT NOT NULL DEFAULT ',',
	consent_source    INTEGER NOT NULL DEFAULT 0,
	consent_row       INTEGER NOT NULL DEFAULT 0,
	carrier           TEXT NOT NULL DEFAULT '',
	last_sent_at      INTEGER NOT NULL DEFAULT 0,
	last_delivered_at INTEGER NOT NULL DEFAULT 0,
	last_replied_at   INTEGER NOT NULL DEFAULT 0,
	last_clicked_at   INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);
-- Partial indexes: a new contact (never messaged, no carrier) enters none
-- of them, so importing pays only for the name.
CREATE INDEX contacts_name ON contacts (name_key) WHERE name_key <> '';
CREATE INDEX contacts_sent ON contacts (last_sent_at) WHERE last_sent_at <> 0;
CREATE INDEX contacts_delivered ON contacts (last_delivered_at) WHERE last_delivered_at <> 0;
CREATE INDEX contacts_replied ON contacts (last_replied_at) WHERE last_replied_at <> 0;
CREATE INDEX contacts_clicked ON contacts (last_clicked_at) WHERE last_clicked_at <> 0;
CREATE INDEX contacts_carrier ON contacts (carrier) WHERE carrier <> '';

-- "Latest value wins, history kept": a value a later import replaced is
-- kept here with the source that had given it.
CREATE TABLE contact_attr_history (
	phone       INTEGER NOT NULL,
	field       TEXT NOT NULL,
	old_value   TEXT NOT NULL,
	source_id   INTEGER NOT NULL,
	replaced_at INTEGER NOT NULL
);
CREATE INDEX contact_attr_history_phone ON contact_attr_history (phone);

CREATE TRIGGER contacts_keep_history AFTER UPDATE OF attrs ON contacts
WHEN old.attrs <> new.attrs
BEGIN
	INSERT INTO contact_attr_history (phone, field, old_value, source_id, replaced_at)
	SELECT old.phone, o.key, o.value, old.consent_source, new.updated_at
	FROM json_each(old.attrs) o
	WHERE o.value IS NOT (new.attrs ->> ('$."' || o.key || '"'));
END;

-- The fields contacts have, for the segment editor and to tell a rule on a
-- field no contact has.
CREATE TABLE contact_fields (
	name       TEXT PRIMARY KEY,
	first_seen INTEGER NOT NULL
) WITHOUT ROWID;
