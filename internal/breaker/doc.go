// Package breaker is the campaign circuit breaker: a campaign pauses
// itself when, among its first messages, too many recipients push back —
// opt-out replies, the provider's refusals of numbers that blocked
// messages (203 BLACKLISTED, 204 DESTINATION_BLOCKED_BY_OPTOUT, 205
// DESTINATION_MESSAGE_LIMIT_REACHED) or complaint replies ("Procon",
// "denunciar", "quem te deu meu número", configurable).
//
// Settings (settings.go) say how many of each are too many within the
// first Window messages of a campaign; Judge (pure) reads Facts against
// them and names the first signal that reached its limit; Reason writes
// that into the text a paused campaign keeps (Campaign.LastError) and
// ParseReason reads it back for the banner, so the page says which signal
// and how many.
//
// Guard watches running campaigns over the Store it declares: told which
// campaigns got new statuses or replies (Notify, from the delivery
// applier), it gathers their Facts (counted over the first Window
// messages only, so the cost is bounded whatever the campaign's size) and
// pauses a campaign whose Facts trip the breaker, once: a campaign the
// person resumes after a trip is not paused again by the breaker.
package breaker
