// Package audit is the record of who did what and when: sign-ins and
// their failures, user and role changes, settings (by name, never their
// values), list uploads and deletions, campaign launches, pauses, resumes
// and cancels, exports, data-subject exports and erasures, API tokens and
// webhooks, and every change made through the API under the token's name.
//
// Contract:
//   - Entries are appended and never changed or deleted (the table refuses
//     both).
//   - Record never fails the action it records: the action has happened;
//     a failure to record it is logged as an error with the entry's
//     fields, so it can be found.
//   - Detail holds names and counts, never secrets: Entry.With refuses
//     keys that look like secrets (token, secret, password), so a careless
//     caller cannot leak one into the log.
//   - Actions are the constants below; pages translate them
//     ("audit.action.<action>").
//
// Other packages record through a *Log (for example the contacts work's
// data-subject exports and erasures: Record(ctx, Entry{Action:
// ContactExported, ...})).
package audit
