-- How far a running import is (JSON of recipient.Progress), recorded every
-- second by the instance importing the list, so a page served by another
-- instance shows it too.
ALTER TABLE lists ADD COLUMN import_progress TEXT NOT NULL DEFAULT '';
