package events

import (
	"context"
	"sync"
)

// Event is one notification on a topic.
type Event struct {
	Name string // what happened, e.g. "progress" or "done"
	Data any    // the payload, meaningful to the topic's subscribers
}

// Hub routes events from publishers to subscribers. The zero value is not
// usable; call New.
type Hub struct {
	mu    sync.Mutex
	subs  map[string]map[*sub]struct{}
	relay Relay
	// relayErr reports a failed Send (nil: dropped silently).
	relayErr func(topic string, err error)
}

// Relay carries events between the hubs of several console instances
// sharing one database, so a page open on one instance hears what another
// instance did. Send passes a locally published event on; Receive calls
// deliver for each event another instance sent, until ctx ends or the
// relay fails. Events should stay small (a name and an id): subscribers
// re-read the state they show from the store.
type Relay interface {
	Send(ctx context.Context, topic string, e Event) error
	Receive(ctx context.Context, deliver func(topic string, e Event)) error
}

type sub struct {
	ch chan Event
}

// New returns an empty hub.
func New() *Hub { return &Hub{subs: map[string]map[*sub]struct{}{}} }

// NewRelayed returns an empty hub whose published events also go to relay
// (failures reported to onErr when not nil). Call Listen to deliver the
// events of other instances.
func NewRelayed(relay Relay, onErr func(topic string, err error)) *Hub {
	h := New()
	h.relay, h.relayErr = relay, onErr
	return h
}

// Listen delivers the events the relay receives from other instances to
// this hub's subscribers, until ctx ends or the relay fails. They are
// published locally only, never sent back to the relay, so hubs joined by
// a relay never echo an event around. Without a relay it waits for ctx.
func (h *Hub) Listen(ctx context.Context) error {
	if h.relay == nil {
		<-ctx.Done()
		return nil
	}
	return h.relay.Receive(ctx, h.deliver)
}

// Subscribe returns a channel of the topic's events and a function that
// ends the subscription (and closes the channel). Call it exactly once.
func (h *Hub) Subscribe(topic string) (<-chan Event, func()) {
	s := &sub{ch: make(chan Event, 1)}
	h.mu.Lock()
	if h.subs[topic] == nil {
		h.subs[topic] = map[*sub]struct{}{}
	}
	h.subs[topic][s] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[topic], s)
			if len(h.subs[topic]) == 0 {
				delete(h.subs, topic)
			}
			h.mu.Unlock()
			close(s.ch)
		})
	}
}

// Publish delivers e to every subscriber of topic without blocking: a
// subscriber that has not taken the previous event has it replaced by e.
// With a relay, e also goes to the other instances; a relay that fails
// loses the event for them only (pages re-read the state on the next one).
func (h *Hub) Publish(topic string, e Event) {
	h.deliver(topic, e)
	if h.relay == nil {
		return
	}
	if err := h.relay.Send(context.Background(), topic, e); err != nil && h.relayErr != nil {
		h.relayErr(topic, err)
	}
}

// deliver hands e to this hub's own subscribers.
func (h *Hub) deliver(topic string, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[topic] {
		select {
		case s.ch <- e:
		default:
			// Full: drop the stale event, keep the newest.
			select {
			case <-s.ch:
			default:
			}
			select {
			case s.ch <- e:
			default:
			}
		}
	}
}

// Subscribers returns how many subscriptions topic has, for tests and metrics.
func (h *Hub) Subscribers(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[topic])
}
