-- Search of the contact book by field values. Each row is a block of the
-- index: a word of contacts' fields (contact.AppendWords: folded, letters
-- and digits) and the ids of contacts that have it (ascending, each the
-- difference from the previous as an unsigned varint; n says how many).
-- An import writes one block per word per chunk of contacts, so a chunk
-- of 25,000 rows naming a few hundred cities and first names costs a few
-- hundred rows, not one per word of every contact. Plain table and B-tree
-- index, so any SQL engine keeps it the same way. A word a later import
-- replaced may stay behind: searches check each contact's current
-- fields, and erasing a number takes it out of every block.
CREATE TABLE contact_words (
	id   INTEGER PRIMARY KEY,
	word TEXT NOT NULL,
	n    INTEGER NOT NULL,
	ids  BLOB NOT NULL
);
CREATE INDEX contact_words_word ON contact_words (word);

-- Names are found through their words now: the name index, written at a
-- random place for every imported row, goes.
DROP INDEX contacts_name;

-- Contacts made before this migration get their words on the next start
-- (store.Open), from after_id on, a batch at a time.
CREATE TABLE contact_words_backfill (after_id INTEGER NOT NULL);
INSERT INTO contact_words_backfill (after_id) SELECT 0 WHERE EXISTS (SELECT 1 FROM contacts);
