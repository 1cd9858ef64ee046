// Package testsend sends a campaign's message to the person's own phones
// before the campaign goes out: rendered for a chosen recipient of the
// list (or with sample data), to up to MaxSeeds numbers saved per user.
//
// A test send goes through the same provider path as the campaign — the
// dispatcher's Compile renders and prices the text, and the HTTPS door's
// dispatch.Sender sends it with the campaign's alias and options — but it
// is kept apart: its rows live in their own table, never in the outbox,
// so the campaign's report, counters and figures never count it. Its
// correlationId is dispatch.CorrelationID(0, id), which names no campaign,
// so the statuses the provider sends back for it are not ours to apply.
//
// Never twice, never lost: every test send is stored as submitting before
// its request leaves. A clear answer settles it (accepted with the
// provider's id, or failed with why); an unclear one (timeout, dropped
// connection, a crash) leaves it submitting, and Reconcile later asks the
// provider's status search by correlationId: what the provider has is
// accepted, what it does not have is sent again. WhatsApp has no status
// search, so an unclear WhatsApp test is marked unknown, never resent.
package testsend
