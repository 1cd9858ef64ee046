CREATE TABLE users (
	id             INTEGER PRIMARY KEY,
	email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name           TEXT NOT NULL DEFAULT '',
	password_hash  BLOB NOT NULL,
	role           TEXT NOT NULL CHECK (role IN ('viewer', 'marketer', 'admin')),
	lang           TEXT NOT NULL DEFAULT 'pt-BR',
	disabled       INTEGER NOT NULL DEFAULT 0,
	session_epoch  INTEGER NOT NULL DEFAULT 1,
	created_at     INTEGER NOT NULL,
	last_login_at  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
