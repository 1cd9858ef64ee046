// Package retention decides how long the console keeps what grows with
// every campaign, and prunes what is older: raw provider events once they
// are applied, the texts of replies, and the per-recipient results of
// finished campaigns. Counters stay, so every report figure and the
// dashboard read the same after pruning; only the rows behind them go.
//
// Contract:
//   - A Policy comes from the settings (keys Setting*); a blank age keeps
//     forever. Raw events may be kept 0 days (dropped at the next run once
//     applied); texts and results at least MinDays, beyond the provider's
//     three-day status horizon.
//   - Run prunes each kind older than its age, in small transactions,
//     recompresses the applied raw events it keeps in larger chunks, then
//     gives the freed pages back to the file system where the database
//     allows it (incremental auto-vacuum, on for databases created since).
//   - Short links (internal/clicks) follow their own lifetime, not the
//     results': pruning a campaign's results leaves its links redirecting,
//     and only the link sets of deleted campaigns past the links' expiry
//     are removed.
//   - Loop runs it every Interval until its context ends.
//   - Usage says how big the database is and what the policy would free,
//     for the Settings page.
package retention
