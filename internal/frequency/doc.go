// Package frequency is the frequency cap: the organisation's rule of at
// most Max messages to one number per Days days, per channel.
//
// Contract:
//   - A Rule is pure data with its checks; Parse and Format are its stored
//     form in the settings ("max/days" under SettingKey(channel), "" or
//     absent for no cap), Reason and ParseReason the form recorded on each
//     capped message and counter, so a report names the rule that applied.
//   - The window is rolling: Since(now) is Days×24 hours before now. A
//     number is capped when Max messages or more were accepted for it on
//     the channel since then (the caller counts; Capped judges).
//   - Check validates what a person typed and returns problems that name
//     the field (max or days) as translation keys: a cap of 0, a window of
//     0 or less, or numbers past the limits are refused.
//
// Capping also keeps campaigns clear of the carriers' own per-number limit,
// which Wavy reports as 205 DESTINATION_MESSAGE_LIMIT_REACHED.
package frequency
