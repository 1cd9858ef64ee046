-- PostgreSQL mirror of migrations/0164_contact_words.sql: the word index
-- of the contact book, one block of contact ids (ascending, delta
-- unsigned varints) per word and chunk of an import. The word index
-- compares bytes ("C"), as SQLite does, so a prefix is a range.
CREATE TABLE contact_words (
	id   BIGSERIAL PRIMARY KEY,
	word TEXT COLLATE "C" NOT NULL,
	n    INTEGER NOT NULL,
	ids  BYTEA NOT NULL
);
CREATE INDEX contact_words_word ON contact_words (word);

DROP INDEX IF EXISTS contacts_name;

CREATE TABLE contact_words_backfill (after_id BIGINT NOT NULL);
INSERT INTO contact_words_backfill (after_id) SELECT 0 WHERE EXISTS (SELECT 1 FROM contacts);
