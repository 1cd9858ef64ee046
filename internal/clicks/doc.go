// Package clicks is link tracking: the short per-recipient links that
// replace a message's http(s) links when a campaign asks for it, and what
// becomes of a click on one.
//
// Contract:
//   - A code names one message and one of its links (Coder): the message
//     id and the link's index packed in 5 bytes, followed by a 64-bit
//     HMAC-SHA256 tag under a secret kept per installation, written in 18
//     characters of base64url (CodeLen). Nothing is stored per recipient
//     to make a code; a code cannot be guessed or altered (Parse refuses a
//     tag that does not match, in constant time), and it says nothing a
//     reader could enumerate.
//   - The links themselves (the original URLs, by index) are kept once
//     per campaign with the range of its message ids, and keep working
//     after the campaign is deleted until they expire (ExpiryDays after
//     the campaign started; default 90, a setting).
//   - A redirect never waits for the database: Recorder.Record queues the
//     click in memory and a background loop writes the queue in one
//     transaction every FlushEvery (group commit). A crash loses at most
//     the clicks of the last FlushEvery (200 ms) — the redirects already
//     answered — and the clicks of messages whose delivery had not been
//     recorded yet (held back up to DecideAfter to tell a preview).
//   - A click is a preview, counted apart and never as a click, when the
//     user agent is a link-preview bot or a crawler (PreviewAgent), or when
//     it comes within PreviewWindow (1 s) of the message's delivery (or
//     before it): unfurlers fetch a link as the message lands.
//   - Each recipient counts once per link (a bit per link on the message)
//     and once as "clicked" (the first click's time and the number of
//     clicks are kept with the message); the campaign's counters
//     (report.KeyClicked and the per-link keys) are added in the same
//     transaction, so figures never count rows.
//
// The package declares the Store it needs; main wires the SQLite store.
package clicks
