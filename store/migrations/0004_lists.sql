-- Recipient lists. A list is uploaded, mapped, imported in the background,
-- and then ready (or failed, with the reason, and deletable).
CREATE TABLE lists (
	id                 INTEGER PRIMARY KEY,
	name               TEXT NOT NULL,
	file_name          TEXT NOT NULL,
	file_path          TEXT NOT NULL DEFAULT '',
	file_size          INTEGER NOT NULL DEFAULT 0,
	state              TEXT NOT NULL CHECK (state IN ('uploaded', 'importing', 'ready', 'failed')),
	mapping            TEXT NOT NULL DEFAULT '{}',
	columns            TEXT NOT NULL DEFAULT '',
	phone_column       TEXT NOT NULL DEFAULT '',
	report             TEXT NOT NULL DEFAULT '{}',
	error_code         TEXT NOT NULL DEFAULT '',
	error_detail       TEXT NOT NULL DEFAULT '',
	rows_total         INTEGER NOT NULL DEFAULT 0,
	valid              INTEGER NOT NULL DEFAULT 0,
	invalid            INTEGER NOT NULL DEFAULT 0,
	duplicates         INTEGER NOT NULL DEFAULT 0,
	landlines          INTEGER NOT NULL DEFAULT 0,
	suppressed         INTEGER NOT NULL DEFAULT 0,
	inactive           INTEGER NOT NULL DEFAULT 0,
	carriers_checked_at INTEGER NOT NULL DEFAULT 0,
	created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL
);

-- One row per accepted recipient, in file order. Fields are the list's
-- personalisation columns joined by U+001F (unit separator), which the
-- importer strips from cell values; cheaper than JSON for millions of rows.
CREATE TABLE recipients (
	list_id        INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	row            INTEGER NOT NULL,
	phone          TEXT NOT NULL,
	correlation_id TEXT NOT NULL DEFAULT '',
	fields         TEXT NOT NULL DEFAULT '',
	suppressed     INTEGER NOT NULL DEFAULT 0,
	carrier        TEXT NOT NULL DEFAULT '',
	inactive       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (list_id, row)
) WITHOUT ROWID;

-- Rows the import refused, for the "download rejected rows" file.
CREATE TABLE rejected_rows (
	list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	row     INTEGER NOT NULL,
	value   TEXT NOT NULL,
	reason  TEXT NOT NULL,
	PRIMARY KEY (list_id, row)
) WITHOUT ROWID;

-- Numbers that must never receive messages (opt-outs, blacklists, manual).
CREATE TABLE suppressions (
	phone      TEXT PRIMARY KEY,
	reason     TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
