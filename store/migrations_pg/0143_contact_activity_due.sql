-- Messages whose facts (sent, delivered, the carrier) are not folded into
-- their contact yet. Sending and applying a report used to rewrite the
-- contact's row (a dozen fields wide) inside their own transactions, twice
-- per message; they now only add the message's id here (ids grow as a
-- campaign sends, so this is an append, and the delivery of a message not
-- folded yet adds nothing), and FoldContactActivity folds a batch at a
-- time in message order: one rewrite per contact for its send and its
-- delivery, off the path of sending and reports.
CREATE TABLE contact_activity_due (
	message_id BIGINT PRIMARY KEY
);
