-- Search of the contact book by field values: one row per word of a
-- contact's fields (contact.AppendWords: folded, letters and digits), in
-- word order then contact. A plain table with a B-tree key, so any SQL
-- engine keeps it the same way. A word a later import replaced may stay
-- behind: searches check each contact's current fields, and erasing a
-- number removes its words.
CREATE TABLE contact_words (
	word       TEXT NOT NULL,
	contact_id INTEGER NOT NULL,
	PRIMARY KEY (word, contact_id)
) WITHOUT ROWID;

-- An import's words wait here, appended as its chunks of contacts are
-- merged, and go into contact_words in one pass in word order when it
-- ends (store.IndexContactWords): written in key order, each page of the
-- index is written once per import instead of once per chunk.
CREATE TABLE contact_words_staged (
	source_id  INTEGER NOT NULL,
	word       TEXT NOT NULL,
	contact_id INTEGER NOT NULL
);

-- Names are found through their words now: the name index, written at a
-- random place for every imported row, goes.
DROP INDEX contacts_name;

-- Contacts made before this migration get their words on the next start
-- (store.Open), from after_id on, a batch at a time.
CREATE TABLE contact_words_backfill (after_id INTEGER NOT NULL);
INSERT INTO contact_words_backfill (after_id) SELECT 0 WHERE EXISTS (SELECT 1 FROM contacts);
