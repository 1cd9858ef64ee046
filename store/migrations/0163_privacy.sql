-- Numbers erased on a data subject's request: only a keyed hash
-- (contact.Hash) is kept, so the number is never messaged nor made a
-- contact again and no one reading the database sees it.
CREATE TABLE erased_numbers (
	hash       TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Who asked what of the data about a number, and when: append-only (the
-- triggers refuse changes). The subject is the number's hash, never the
-- number. Named audit_* with a generic shape (actor, action, subject,
-- outcome, detail) so the general audit log can take these rows in.
CREATE TABLE audit_privacy (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor_id    INTEGER NOT NULL,
	actor_email TEXT NOT NULL,
	action      TEXT NOT NULL CHECK (action IN ('export_json', 'export_xlsx', 'erase')),
	subject     TEXT NOT NULL,
	outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'unknown_number')),
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_privacy_no_update BEFORE UPDATE ON audit_privacy
BEGIN SELECT RAISE(ABORT, 'audit_privacy is append-only'); END;
CREATE TRIGGER audit_privacy_no_delete BEFORE DELETE ON audit_privacy
BEGIN SELECT RAISE(ABORT, 'audit_privacy is append-only'); END;
