package abpick

import (
	"context"
	"errors"
	"testing"
	"time"

	"arauto/internal/abtest"
)

// fakeStore is a Store in memory: tests by campaign, their figures, and
// the choices made (only the first per campaign counts, as the store's
// conditional UPDATE does).
type fakeStore struct {
	tests   map[int64]Test
	stats   map[int64][]abtest.Stats
	due     []int64
	chosen  map[int64]string // campaign -> variant letter and reason
	failFor int64
}

func (f *fakeStore) DueABTests(context.Context, time.Time) ([]int64, error) { return f.due, nil }
func (f *fakeStore) ABTestOf(_ context.Context, id int64) (Test, error) {
	if id == f.failFor {
		return Test{}, errors.New("disk on fire")
	}
	return f.tests[id], nil
}
func (f *fakeStore) VariantStats(_ context.Context, id int64, k int) ([]abtest.Stats, error) {
	return f.stats[id][:k], nil
}
func (f *fakeStore) ChooseWinner(_ context.Context, id int64, v int, by, reason string, _ time.Time) (bool, error) {
	if _, ok := f.chosen[id]; ok {
		return false, nil
	}
	f.chosen[id] = abtest.Name(v) + " " + reason + " " + by
	t := f.tests[id]
	t.Winner = v
	f.tests[id] = t
	return true, nil
}

func TestPickDueJudgesByEachTestsCriterion(t *testing.T) {
	stats := []abtest.Stats{{Sent: 100, Delivered: 90, Replied: 2, Clicked: 9}, {Sent: 100, Delivered: 80, Replied: 9, Clicked: 3}, {Sent: 100, Delivered: 85, Replied: 1, Clicked: 20}}
	f := &fakeStore{chosen: map[int64]string{}, due: []int64{1, 2, 3, 4, 5}, failFor: 5,
		tests: map[int64]Test{
			1: {Settings: abtest.Settings{Others: []string{"B", "C"}, Criterion: "delivery"}},
			2: {Settings: abtest.Settings{Others: []string{"B", "C"}, Criterion: "reply"}},
			3: {Settings: abtest.Settings{Others: []string{"B", "C"}, Criterion: "click"}},
			4: {Settings: abtest.Settings{Others: []string{"B"}, Criterion: "click"}},
		},
		stats: map[int64][]abtest.Stats{1: stats, 2: stats, 3: stats, 4: stats}}
	var told []int64
	p := &Picker{Store: f, Chosen: func(id int64) { told = append(told, id) }}
	n, err := p.PickDue(context.Background())
	if n != 4 || err == nil {
		t.Errorf("PickDue = %d, %v; want 4 chosen and the failing test's error", n, err)
	}
	want := map[int64]string{1: "A delivery ", 2: "B reply ", 3: "C click ", 4: "A click "}
	for id, w := range want {
		if f.chosen[id] != w {
			t.Errorf("campaign %d chose %q, want %q", id, f.chosen[id], w)
		}
	}
	if len(told) != 4 {
		t.Errorf("Chosen told %v, want the 4 campaigns", told)
	}
	// Again: nothing more is chosen, nobody is told twice.
	if n, _ := p.PickDue(context.Background()); n != 0 || len(told) != 4 {
		t.Errorf("second PickDue chose %d and told %v, want nothing", n, told)
	}
}

func TestChooseByHand(t *testing.T) {
	f := &fakeStore{chosen: map[int64]string{}, tests: map[int64]Test{
		1: {Settings: abtest.Settings{Others: []string{"B"}, Criterion: "delivery", Manual: true}},
		2: {},
	}}
	p := &Picker{Store: f}
	tests := []struct {
		name    string
		id      int64
		variant int
		err     error
	}{
		{"no test", 2, 1, ErrNoTest},
		{"variant out of range", 1, 3, ErrNoTest},
		{"variant zero", 1, 0, ErrNoTest},
		{"B", 1, 2, nil},
		{"after a winner", 1, 1, ErrNoTest},
	}
	for _, tt := range tests {
		if err := p.ChooseByHand(context.Background(), tt.id, tt.variant, "Ana"); !errors.Is(err, tt.err) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.err)
		}
	}
	if f.chosen[1] != "B hand Ana" {
		t.Errorf("chosen %q, want B by hand by Ana", f.chosen[1])
	}
}
