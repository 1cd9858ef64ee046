// Package store keeps Arauto's state in SQLite (mattn/go-sqlite3, WAL),
// or in PostgreSQL (jackc/pgx v5) for several instances sharing one
// database.
//
// Contract:
//   - Two engines, one store: Open (SQLite file) or OpenPostgres
//     (ARAUTO_DATABASE_URL) return the same Store, and the store test
//     suite runs on both (storetest.New picks PostgreSQL when
//     ARAUTO_TEST_DATABASE_URL is set; a test of what is SQLite's alone
//     says so with storetest.SQLiteOnly). The SQL is written once, for
//     SQLite with `?` placeholders; on PostgreSQL each statement's text is
//     rewritten once and cached (dialect.go): placeholders to `$n`,
//     SQLite's planner hints dropped, LIKE as ILIKE, CROSS JOIN ... ON as
//     JOIN. SQLite's scalar functions the queries use (max/min of two,
//     instr, typeof, sum of a condition, group_concat, json_patch,
//     jsonb) are defined in
//     PostgreSQL by migration 0190. The rare statements that differ
//     otherwise choose by s.pg beside each other. Inserts that need the
//     new id use RETURNING id in both (insertRow).
//   - migrations_pg holds the PostgreSQL twin of every migration, with the
//     same number and name (BIGINT for INTEGER, identity ids, BYTEA,
//     plpgsql triggers, an ICU collation named nocase for SQLite's).
//   - In PostgreSQL, several instances share the work: a claim skips the
//     rows another instance is claiming (FOR UPDATE SKIP LOCKED), every
//     insert into messages holds an advisory lock until its transaction
//     ends (a chunk of a campaign's outbox gets consecutive ids), an
//     applier's batch locks the event cursor first (two instances'
//     appliers count an event once), and Relay carries live-update events
//     between instances (LISTEN/NOTIFY).
//     Each instance still has one writer connection behind its gate.
//   - The contact book keeps its JSON as text in PostgreSQL (attrs and
//     fold; SQLite keeps fold as JSONB), read through SQLite's path syntax
//     (doc ->> '$."key"') by an operator migration 0190 defines.
//   - Open applies the embedded, numbered migrations in order, each in its own
//     transaction, recorded in schema_migrations.
//   - Writes go through one connection (SQLite has one writer anyway; queuing
//     in Go avoids SQLITE_BUSY storms); reads use a separate pool. Write
//     transactions take turns through a gate (gate.go): the webhooks' group
//     commit first, the others in arrival order, background work (txBackground:
//     folding contact activity) only when nobody else waits; tx and exec (a statement
//     on its own, as retention's pruning in steps uses) wait there, so no
//     write slips past the queue. One group-commit helper (groupcommit.go)
//     batches concurrent callers into one write and answers each with its
//     own outcome once committed; it serves raw events (AppendEvent, one
//     zstd-compressed chunk per kind per commit, event ids are the chunk's
//     first id plus the position) and transactional messages
//     (EnqueueTransactional, one savepoint each).
//     Events are applied in id order behind a cursor (event_cursor); only
//     those that must wait for their message, or that got a note, are
//     copied into the events table.
//   - No index is written at a random place while sending: the outbox is
//     indexed by campaign and row (written in order when it is made), by
//     id where a message has no status yet or has failed; numbers are found
//     through recipient_numbers (last four digits, gathered as an import
//     streams and written sorted when it finishes).
//   - Retention (retention.go) deletes applied raw events, reply texts and
//     the per-recipient rows of finished campaigns older than the Settings
//     say, keeping every counter; new databases use incremental
//     auto-vacuum, so the file shrinks; Compact rewrites older ones.
//   - Multi-part writes of one user action are one method and one
//     transaction: an upload's list, preview and import state
//     (CreateUploadedList), a draft's SMS message with its accents and
//     options (SaveCampaignMessage), a launch (LaunchCampaign).
//   - SQL lives inline, one file per table. Times are stored as UTC unix
//     milliseconds (toMS and fromMS).
//   - A missing row is ErrNotFound (never nil, nil); a uniqueness clash is
//     ErrConflict. Other errors are wrapped with the operation that failed.
//   - The database file and its -wal/-shm files are readable by their owner
//     only (0600). Settings named in SealSettings (the Wavy token, the SMPP
//     and SFTP passwords) are stored encrypted with AES-256-GCM under a key
//     derived from the session key.
//   - Accept links the provider ids a sender gives (dispatch.Accepted.Links,
//     every part of an SMPP message) in provider_links, which the applier
//     reads (LinkedMessages) for statuses without a correlationId; HTTPS
//     sends write nothing there, and messages has no index on provider_id.
//   - Sessions are stored by the SHA-256 of their id, never the id itself.
//   - No domain rules: packages under internal/ are imported for their types
//     and the stored forms of them (the JSON of a schedule or a WhatsApp
//     message). What a provider's answer means, the sending window, the
//     pre-flight live there; the Store implements the interfaces they
//     declare (dispatch.Store, delivery.Store and Batch, campaign.Store,
//     listimport.Store, session.Replies, breaker.Store, testsend.Store).
//     Test sends live in test_sends, never in messages, so no counter or
//     report of a campaign sees them. ApplyBatch runs delivery's fold
//     inside one write transaction, so the states it loads (with each
//     message's dispatcher state and provider id, and its campaign's state)
//     and the changes it commits (delivery columns, the dispatcher-state
//     moves and campaign pauses the fold decided, counters) belong to one
//     moment; a move whose row is no longer in the state the fold read
//     rolls the batch back.
//   - Automation (migration 0180): API tokens by the SHA-256 of their
//     secret (tokens.go); idempotency keys with the first answer
//     (idempotency.go); the audit log, which triggers keep append-only
//     (audit.go); transactional messages as hidden, always-running stream
//     campaigns and lists (api_stream = 1, left out of every listing) whose
//     message, list row, idempotent answer and audit entry are written in
//     one transaction (transactional.go); outgoing webhooks (outhooks.go):
//     triggers on messages, inbound, suppressions, campaigns and lists
//     record facts in the transaction that changes them (only while a
//     receiver is active), and the outbox of deliveries the outhook worker
//     fans them out to. Receivers' signing secrets are sealed like the Wavy
//     token.
//   - The contact book (contacts.go, segments.go, segment_audience.go,
//     contact_activity.go, audience.go, privacy.go, contact_words.go):
//     contacts are upserted in chunks by the list import, with their
//     fields' words in the word index (contact_words: one block of
//     contact ids per word and chunk; searches check the contacts' current
//     fields, so a replaced word left in a block finds nobody; an erasure
//     takes the contact out of every block), a segment filter is compiled here to a
//     condition on contacts (bound values only), a segment audience is
//     frozen into a list of kind 'segment' at launch, the frequency cap
//     and local-time claims read the outbox, and an erasure removes a
//     number everywhere in one transaction (the compressed raw events
//     included) keeping only its keyed hash; audit_privacy is append-only.
//     A contact's last sent, last delivered and carrier are not written
//     by sends and reports: they note the message in contact_activity_due
//     (migration 0143) in their transaction, and FoldContactActivity folds
//     batches of noted messages into the contacts in message order, one
//     rewrite per contact for a send and its delivery.
//   - The WhatsApp -> SMS fallback (fallback.go, migrations 0174, 0178):
//     a campaign's fallback settings as JSON; a trigger queues a message in
//     fallback_due when a status of fallback.Codes is applied to it;
//     SweepFallbacks, in one write transaction, drains that queue and
//     walks each campaign past its fallback_through cursor for the waits
//     that ran out (reading only what is due), judges with fallback.Decide, writes
//     one fallbacks row per WhatsApp message (its primary key: once, ever)
//     and the SMS in a hidden companion campaign (api_stream = 1,
//     fallback_of the WhatsApp campaign, same list), with the counters.
//     The companion's counters are read beside the campaign's under
//     report.FallbackPrefix (CampaignCounters, FigureCounters).
package store
