// Package session tells which WhatsApp recipients have an open 24-hour
// customer-service session, the only ones free-form messages (text, media,
// location, contacts) may go to.
//
// Contract:
//   - Two sources together decide: the replies stored here (a WhatsApp
//     reply in the last 24 hours opens a session) and the provider's list
//     of open sessions (GET /v1/session and the CSV behind its file_url,
//     which also knows replies this console never received). A number is
//     open when either says so; the provider's rows count until 24 hours
//     after the session opened.
//   - The provider's list is fetched at most once per Tracker.Refresh and
//     shared by the composer's count, the pre-flight check and the
//     dispatcher.
//   - Without a customerId (Settings) the provider cannot be asked and
//     the stored replies alone decide; so too when the provider refuses
//     the question (a 4xx: asking again would not help). When it cannot be
//     reached for now, the dispatcher's lookup fails (its recipients go
//     back to the queue rather than being failed for want of a session),
//     while the counts fall back to the stored replies and say so
//     (Count.ProviderErr).
//
// The package declares the Replies store and the Lister it needs; main
// wires the SQLite store and the Wavy client (through internal/provider).
package session
