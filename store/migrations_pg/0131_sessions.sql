-- Signed-in sessions. The cookie carries a random id; only its SHA-256 is
-- kept here, so a copy of the database cannot be turned into a cookie.
-- Signing out deletes the row, so a copied cookie stops working at once.
CREATE TABLE sessions (
	id_hash    TEXT PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
