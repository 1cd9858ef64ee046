package views

import (
	"context"
	"time"

	"arauto/internal/abtest"
	"arauto/internal/campaign"
	"arauto/internal/recipient"
)

// ABTestForm is the A/B test page of an SMS draft: the variants (A is the
// campaign's message) and the test's settings.
type ABTestForm struct {
	Campaign *campaign.Campaign
	Form     Form
	// MinHours and MaxHours bound the wait; MinShare and MaxShare the test
	// share.
	MinHours, MaxHours, MinShare, MaxShare int
}

// ABVariantForm writes one further variant (B, C or D) with the composer.
type ABVariantForm struct {
	Campaign *campaign.Campaign
	List     *recipient.List
	// Variant is the variant's number (2 = B).
	Variant  int
	Form     Form
	Composer ComposerData
	Cost     ComposeCost
	// Exists is set when the variant is saved (it can be removed).
	Exists bool
}

// ABReport is the report's side-by-side view of an A/B test.
type ABReport struct {
	Settings abtest.Settings
	// Rows are the variants beside the best (abtest.Compare, under the
	// test's criterion), A first.
	Rows []abtest.Row
	// Winner is the chosen variant (1 = A), 0 while the test runs;
	// DecidedBy the person who chose ("" = the scheduler); Reason the
	// criterion judged by, or "hand".
	Winner    int
	DecidedBy string
	Reason    string
	DecidedAt time.Time
	// DecideAt is when the scheduler chooses (zero: by hand).
	DecideAt time.Time
	// Held is the remainder still waiting for a winner; Released and
	// RemainderSent its progress once released.
	Held, Released, RemainderSent int64
	// CanChoose offers "Escolher agora" (a running test, a user who may).
	CanChoose bool
}

// Running reports whether the test still waits for its winner.
func (r *ABReport) Running() bool { return r.Winner == 0 }

func abName(v int) string { return abtest.Name(v) }

// abCriterion names a criterion in words.
func abCriterion(ctx context.Context, name string) string {
	return T(ctx, "abtest.criterion."+name)
}

// abRate writes a rate as a percentage with one decimal.
func abRate(ctx context.Context, r abtest.Row) string {
	if !r.HasRate {
		return "—"
	}
	return decimal(ctx, r.Rate*100, 1) + "%"
}

// abDiff writes a variant's difference to the best, in percentage points.
func abDiff(ctx context.Context, r abtest.Row) string {
	if r.Best || !r.HasRate {
		return "—"
	}
	return T(ctx, "abtest.points", decimal(ctx, r.Diff, 1))
}

// abSummary says a test in one line: variants, share, how the winner is
// chosen.
func abSummary(ctx context.Context, s abtest.Settings) string {
	if s.Manual {
		return T(ctx, "abtest.summary_hand", s.Variants(), s.Share)
	}
	return T(ctx, "abtest.summary", s.Variants(), s.Share, abCriterion(ctx, s.CriterionOf().Name), int(s.Wait.Hours()))
}

func abAction(ctx context.Context, on bool) string {
	if on {
		return T(ctx, "abtest.edit")
	}
	return T(ctx, "abtest.add")
}

// abVerdict says which variant won and why.
func abVerdict(ctx context.Context, a *ABReport) string {
	if a.Reason == "hand" {
		return T(ctx, "abtest.report.won_hand", abName(a.Winner), a.DecidedBy)
	}
	return T(ctx, "abtest.report.won_by", abName(a.Winner), abCriterion(ctx, a.Reason))
}
