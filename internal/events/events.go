package events

import "sync"

// Event is one notification on a topic.
type Event struct {
	Name string // what happened, e.g. "progress" or "done"
	Data any    // the payload, meaningful to the topic's subscribers
}

// Hub routes events from publishers to subscribers. The zero value is not
// usable; call New.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[*sub]struct{}
}

type sub struct {
	ch chan Event
}

// New returns an empty hub.
func New() *Hub { return &Hub{subs: map[string]map[*sub]struct{}{}} }

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
func (h *Hub) Publish(topic string, e Event) {
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
