package events

import (
	"context"
	"sync"
	"testing"
	"time"
)

// memoryBus joins relays in memory: what one member sends, every other
// member receives, as a database's LISTEN/NOTIFY would.
type memoryBus struct {
	mu      sync.Mutex
	members []*memoryRelay
}

type memoryRelay struct {
	bus   *memoryBus
	in    chan relayed
	sends int
}

type relayed struct {
	topic string
	e     Event
}

func (b *memoryBus) join() *memoryRelay {
	r := &memoryRelay{bus: b, in: make(chan relayed, 16)}
	b.mu.Lock()
	b.members = append(b.members, r)
	b.mu.Unlock()
	return r
}

func (r *memoryRelay) Send(_ context.Context, topic string, e Event) error {
	r.bus.mu.Lock()
	defer r.bus.mu.Unlock()
	r.sends++
	for _, m := range r.bus.members {
		if m != r {
			m.in <- relayed{topic, e}
		}
	}
	return nil
}

func (r *memoryRelay) Receive(ctx context.Context, deliver func(string, Event)) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case m := <-r.in:
			deliver(m.topic, m.e)
		}
	}
}

func TestRelayJoinsTwoHubs(t *testing.T) {
	bus := &memoryBus{}
	ra, rb := bus.join(), bus.join()
	a, b := NewRelayed(ra, nil), NewRelayed(rb, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, h := range []*Hub{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); h.Listen(ctx) }()
	}
	onA, stopA := a.Subscribe("campaign:7")
	defer stopA()
	onB, stopB := b.Subscribe("campaign:7")
	defer stopB()

	b.Publish("campaign:7", Event{Name: "report"})
	for name, ch := range map[string]<-chan Event{"instance A (relayed)": onA, "instance B (local)": onB} {
		select {
		case e := <-ch:
			if e.Name != "report" {
				t.Errorf("%s: got event %q, want report", name, e.Name)
			}
		case <-time.After(2 * time.Second):
			t.Errorf("%s: got no event, want report", name)
		}
	}
	// What A received must not go back out: B hears it once, A never sends.
	time.Sleep(50 * time.Millisecond)
	select {
	case e := <-onB:
		t.Errorf("got an echo %v on B, want none", e)
	default:
	}
	bus.mu.Lock()
	sendsA, sendsB := ra.sends, rb.sends
	bus.mu.Unlock()
	if sendsA != 0 || sendsB != 1 {
		t.Errorf("got %d sends from A and %d from B, want 0 and 1 (no echo loop)", sendsA, sendsB)
	}
	cancel()
	wg.Wait()
}

func TestHubWithoutRelayListenWaits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := New().Listen(ctx); err != nil {
		t.Errorf("got %v, want nil once ctx ended", err)
	}
}
