-- What inspecting an upload found (format, sheet, columns, first rows), kept
-- so the mapping step and the import do not read the file again on every
-- visit. JSON of recipient.Preview; '' until the upload is inspected.
ALTER TABLE lists ADD COLUMN preview TEXT NOT NULL DEFAULT '';
