// Package abpick chooses the winners of A/B tests and releases the rest of
// their audience.
//
// A campaign with an A/B test (internal/abtest.Settings) sends its test
// share first, each recipient with their variant, and holds the rest. The
// Picker's Run chooses, for every test whose wait has ended, the variant
// with the best rate under the test's criterion (abtest.Winner over the
// store's per-variant figures); ChooseByHand is the same choice made by a
// person from the report. Either way the store sets the winner with a
// conditional UPDATE, only while none is set, and in the same transaction
// releases the held remainder to the dispatcher's queue: the first choice
// wins, later ones change nothing, and the remainder goes through the
// ordinary outbox (claim, submit, reconcile), so it is sent exactly once
// with the winner's text whatever crashes in between.
package abpick
