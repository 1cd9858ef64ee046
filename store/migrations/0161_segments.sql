-- Saved filters over the contact book (internal/segment.Filter as JSON).
CREATE TABLE segments (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	filter     TEXT NOT NULL,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX segments_name ON segments (name COLLATE NOCASE);

-- A campaign's audience may be a segment instead of a list. At launch the
-- segment's contacts are frozen into a list of kind 'segment' (the
-- campaign's list from then on), so the recipients do not drift.
ALTER TABLE campaigns ADD COLUMN segment_id INTEGER REFERENCES segments (id) ON DELETE SET NULL;
ALTER TABLE lists ADD COLUMN kind TEXT NOT NULL DEFAULT 'upload' CHECK (kind IN ('upload', 'segment'));
ALTER TABLE lists ADD COLUMN segment_id INTEGER REFERENCES segments (id) ON DELETE SET NULL;
