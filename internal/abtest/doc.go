// Package abtest is the arithmetic of an A/B test: which recipients test
// which variant, which variant won, and whether a difference between two
// variants is likely to be real.
//
// It is pure (no I/O, no clock). Campaigns use it through the store (the
// split when the outbox is made, the per-variant figures), internal/abpick
// (the winner, by the scheduler or by hand) and the web layer (the editor
// checks Settings with Check; the report lays variants side by side with
// Compare). What it promises:
//
//   - Split assigns a test share of a list (MinShare..MaxShare percent) to
//     2..4 variants, evenly (sizes differ by at most one) and at random,
//     reproducibly: the same seed (one per campaign) and rows give the
//     same assignment, whatever their order.
//   - ZTest is the pooled two-proportion z-test, two-sided; Confidence
//     reads its p-value in plain words (Likely99, Likely95, Inconclusive).
//     Zero denominators, or rates of 0% or 100% on both sides, are
//     inconclusive, never a division by zero.
//   - Winner picks the variant with the best rate under a Criterion; ties
//     go to the larger base (more evidence), then to the first variant;
//     a variant without any base never wins over one with a base.
//   - Criteria are values, not a closed enum: Delivery, Click (only for
//     campaigns that track clicks) and Reply, all over the messages sent.
//   - Settings are a campaign's test: variant A is the campaign's message,
//     Others are B..D; Check refuses bad submitted values naming the form
//     field (variant_b.., share, criterion, wait), an unknown placeholder
//     by name.
package abtest
