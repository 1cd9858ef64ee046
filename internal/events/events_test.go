package events

import (
	"sync"
	"testing"
)

func TestPublishLatestValue(t *testing.T) {
	h := New()
	ch, cancel := h.Subscribe("list:1")
	defer cancel()
	for i := 1; i <= 5; i++ {
		h.Publish("list:1", Event{Name: "progress", Data: i})
	}
	h.Publish("list:2", Event{Name: "other"})
	got := <-ch
	if got.Data != 5 {
		t.Errorf("got %v, want the newest event 5", got.Data)
	}
	select {
	case e := <-ch:
		t.Errorf("got extra event %v, want none", e)
	default:
	}
}

func TestCancelClosesAndForgets(t *testing.T) {
	h := New()
	ch, cancel := h.Subscribe("t")
	if n := h.Subscribers("t"); n != 1 {
		t.Fatalf("got %d subscribers, want 1", n)
	}
	cancel()
	cancel() // twice is harmless
	if _, ok := <-ch; ok {
		t.Errorf("got an open channel after cancel, want closed")
	}
	if n := h.Subscribers("t"); n != 0 {
		t.Errorf("got %d subscribers after cancel, want 0", n)
	}
	h.Publish("t", Event{}) // no subscriber: no panic
}

func TestConcurrentPublishSubscribe(t *testing.T) {
	h := New()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				h.Publish("t", Event{Data: j})
			}
		}()
		go func() {
			defer wg.Done()
			ch, cancel := h.Subscribe("t")
			for j := 0; j < 10; j++ {
				select {
				case <-ch:
				default:
				}
			}
			cancel()
		}()
	}
	wg.Wait()
}
