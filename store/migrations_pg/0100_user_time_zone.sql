-- A person may see times in another zone than the organisation's (Settings).
-- '' means "use the organisation's zone".
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
