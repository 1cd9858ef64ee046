package breaker

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// countingStore answers every campaign as watched with the window given,
// and records the checks and trips.
type countingStore struct {
	mu      sync.Mutex
	windows map[int64]Window
	checks  [][]int64
	tripped []string
}

func (c *countingStore) BreakerWatched(_ context.Context, ids []int64) ([]Watched, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := slices.Clone(ids)
	slices.Sort(got)
	c.checks = append(c.checks, got)
	var out []Watched
	for _, id := range got {
		out = append(out, Watched{ID: id})
	}
	return out, nil
}

func (c *countingStore) BreakerWindow(_ context.Context, id int64, _ int, _ []int) (Window, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.windows[id], nil
}

func (c *countingStore) TripBreaker(_ context.Context, id int64, reason string, _ time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tripped = append(c.tripped, reason)
	return true, nil
}

// TestGuardCoalescesBursts: a burst of notifications becomes one check of
// every campaign named, and the campaign whose replies hold complaints is
// paused with its reason.
func TestGuardCoalescesBursts(t *testing.T) {
	st := &countingStore{windows: map[int64]Window{
		1: {Messages: 100, Replies: []string{"Vou no Procon", "quem te deu meu número?", "Obrigado"}},
		2: {Messages: 100, OptOuts: 1},
	}}
	s := Settings{Enabled: true, Window: 100, Limits: map[Signal]int{Complaints: 2, OptOuts: 5}, Phrases: DefaultPhrases()}
	tripped := make(chan int64, 4)
	g := &Guard{Store: st, Settings: func(context.Context) (Settings, error) { return s, nil }, OnTrip: func(id int64) { tripped <- id }}
	for range 200 {
		g.Notify([]int64{1, 2})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go g.Run(ctx)
	select {
	case id := <-tripped:
		if id != 1 {
			t.Errorf("tripped campaign %d, want 1", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no campaign tripped")
	}
	time.Sleep(50 * time.Millisecond)
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.checks) != 1 || !slices.Equal(st.checks[0], []int64{1, 2}) {
		t.Errorf("checks got %v, want one check of [1 2] for the burst", st.checks)
	}
	if want := []string{"circuit breaker: complaints 2 of 2 in the first 100"}; !slices.Equal(st.tripped, want) {
		t.Errorf("trips got %q, want %q", st.tripped, want)
	}
}
