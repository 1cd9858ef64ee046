package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/recipient"
)

// TestGateAdmitsOneWriterAtATime: group commits and ordinary transactions
// racing for the gate never hold it two at once, and every one gets in.
func TestGateAdmitsOneWriterAtATime(t *testing.T) {
	g := newWriteGate()
	var inside, most, entered atomic.Int32
	var wg sync.WaitGroup
	const writers, rounds = 16, 200
	for w := range writers {
		wg.Add(1)
		// One goroutine does the urgent group commits, as in the store.
		urgent := w == 0
		go func() {
			defer wg.Done()
			for range rounds {
				g.enter(urgent)
				n := inside.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				entered.Add(1)
				time.Sleep(time.Microsecond)
				inside.Add(-1)
				g.leave()
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 || entered.Load() != writers*rounds {
		t.Errorf("got at most %d writers inside at once and %d entries, want 1 and %d", most.Load(), entered.Load(), writers*rounds)
	}
}

// TestWritesWaitForTheGate: every write path, transactions and the
// statements that prune in steps alike, waits while another writer holds
// the gate and goes on once it is free.
func TestWritesWaitForTheGate(t *testing.T) {
	before := time.Now().Add(-time.Hour)
	for _, tt := range []struct {
		name  string
		write func(context.Context, *Store) error
	}{
		{"event group commit", func(ctx context.Context, s *Store) error {
			return s.AppendEvent(ctx, &delivery.Event{Kind: delivery.KindSMSMO, Body: []byte(`{}`)})
		}},
		{"transaction", func(ctx context.Context, s *Store) error {
			return s.CreateUploadedList(ctx, &recipient.List{Name: "a", FileName: "a.csv"}, recipient.Preview{})
		}},
		{"prune raw events", func(ctx context.Context, s *Store) error { _, err := s.PruneRawEvents(ctx, before); return err }},
		{"prune reply texts", func(ctx context.Context, s *Store) error { _, err := s.PruneReplyTexts(ctx, before); return err }},
		{"prune idempotency keys", func(ctx context.Context, s *Store) error { _, err := s.PruneIdempotencyKeys(ctx, before); return err }},
		{"delete abandoned uploads", func(ctx context.Context, s *Store) error { _, err := s.DeleteAbandonedUploads(ctx, before); return err }},
		{"prune webhook deliveries", func(ctx context.Context, s *Store) error { _, err := s.PruneDeliveries(ctx, before); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			s.gate.enter(false)
			done := make(chan error, 1)
			go func() { done <- tt.write(context.Background(), s) }()
			select {
			case err := <-done:
				s.gate.leave()
				t.Fatalf("the write ended (%v) while another writer held the gate", err)
			case <-time.After(100 * time.Millisecond):
			}
			s.gate.leave()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the write did not end within 5s of the gate being free")
			}
		})
	}
}

// TestBackgroundWaitsForEveryoneElse: background work (folding contact
// activity) gets the writer only once no transaction or group commit
// waits, however long it has waited itself, and then gets it.
func TestBackgroundWaitsForEveryoneElse(t *testing.T) {
	g := newWriteGate()
	g.enter(false)
	var order []string
	var mu sync.Mutex
	record := func(name string) {
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	start := func(name string, enter func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enter()
			record(name)
			g.leave()
		}()
		time.Sleep(20 * time.Millisecond) // queued in this order
	}
	start("background", g.enterBackground)
	start("send", func() { g.enter(false) })
	start("webhooks", func() { g.enter(true) })
	start("report", func() { g.enter(false) })
	g.leave()
	wg.Wait()
	want := []string{"webhooks", "send", "report", "background"}
	if len(order) != len(want) {
		t.Fatalf("got %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("got the writer in the order %v, want %v", order, want)
		}
	}
	// Free, the writer goes to background work at once.
	entered := make(chan struct{})
	go func() { g.enterBackground(); close(entered) }()
	select {
	case <-entered:
		g.leave()
	case <-time.After(time.Second):
		t.Fatal("background work waited for a free writer")
	}
}
