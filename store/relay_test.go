package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"arauto/internal/events"
	"arauto/store"
	"arauto/store/storetest"
)

// An event sent on one instance reaches the other one, with its topic and
// name, and not the instance that sent it.
func TestRelayCarriesEventsBetweenInstances(t *testing.T) {
	a, b := secondInstance(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ra, err := a.NewRelay(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	rb, err := b.NewRelay(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	type got struct{ topic, name string }
	atA, atB := make(chan got, 100), make(chan got, 100)
	done := make(chan error, 2)
	go func() {
		done <- ra.Receive(ctx, func(topic string, e events.Event) { atA <- got{topic, e.Name} })
	}()
	go func() {
		done <- rb.Receive(ctx, func(topic string, e events.Event) { atB <- got{topic, e.Name} })
	}()
	// Receive starts listening in its own time: send until it arrives.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		if err := rb.Send(ctx, "campaign:7", events.Event{Name: "report", Data: "not carried"}); err != nil {
			t.Fatal(err)
		}
		select {
		case g := <-atA:
			if g != (got{"campaign:7", "report"}) {
				t.Fatalf("instance A got %+v, want campaign:7 report", g)
			}
			break wait
		case <-tick.C:
		case <-deadline:
			t.Fatal("instance A got nothing in 10 s, want the event instance B sent")
		}
	}
	select {
	case g := <-atB:
		t.Errorf("instance B got its own event back: %+v", g)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("Receive ended with %v, want nil once its context ends", err)
		}
	}
}

func TestNoRelayOnSQLite(t *testing.T) {
	storetest.SQLiteOnly(t, "checks SQLite's answer to NewRelay")
	s := storetest.New(t)
	if _, err := s.NewRelay(context.Background()); !errors.Is(err, store.ErrNoRelay) {
		t.Errorf("got %v, want ErrNoRelay", err)
	}
}
