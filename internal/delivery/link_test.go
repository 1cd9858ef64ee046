package delivery

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"arauto/internal/report"
	"arauto/internal/wavy"
)

// links is a Linker over a map, as the store's provider_links table.
type links map[string]Link

func (l links) LinkedMessages(_ context.Context, ids []string) (map[string]Link, error) {
	out := map[string]Link{}
	for _, id := range ids {
		if v, ok := l[id]; ok {
			out[id] = v
		}
	}
	return out, nil
}

// receipt is an SMPP receipt as the Receiver stores it: the webhook form
// of the status, without a correlationId.
func receipt(t *testing.T, id int64, partID string, sent, deliv int, at time.Time) Event {
	t.Helper()
	st := wavy.SMSStatus{ID: partID, SentStatusCode: sent}
	if deliv != 0 {
		st.DeliveredStatusCode, st.DeliveredAt = deliv, at
	} else {
		st.SentAt = at
	}
	b, err := json.Marshal([]wavy.SMSStatus{st})
	if err != nil {
		t.Fatal(err)
	}
	return Event{ID: id, Kind: KindSMSStatus, Source: SourceSMPP, ReceivedAt: at, Body: b}
}

// applyLinked parses, links and folds one batch over the world.
func (w *world) applyLinked(t *testing.T, lk Linker, now time.Time, evs ...Event) Changes {
	t.Helper()
	batch := make([]parsed, len(evs))
	for i, e := range evs {
		batch[i] = parse(e, kw)
	}
	if err := link(context.Background(), lk, batch); err != nil {
		t.Fatal(err)
	}
	loaded := Loaded{States: map[int64]*State{}, SeenReplies: map[string]bool{}}
	for id, s := range w.states {
		c := *s
		loaded.States[id] = &c
	}
	c := fold(batch, loaded, now)
	for _, s := range c.States {
		*w.states[s.ID] = s
	}
	for _, n := range c.Counts {
		w.counts[n.Key] += n.N
		if w.counts[n.Key] == 0 {
			delete(w.counts, n.Key)
		}
	}
	w.events = append(w.events, c.Events...)
	return c
}

// TestStatusesLinkedByProviderID folds SMPP receipts, which name each part
// of a message by its own id and never the correlationId: every part's
// receipt reaches the message, in any order, a failed part makes the
// message undelivered, and an id linked to nothing waits, then is noted
// as not ours.
func TestStatusesLinkedByProviderID(t *testing.T) {
	sent := t0.Add(time.Second)
	deliv := sent.Add(5 * time.Second)
	lk := links{"part-1": {CampaignID: campaignID, MessageID: messageID}, "part-2": {CampaignID: campaignID, MessageID: messageID}}
	tests := []struct {
		name      string
		lk        Linker
		evs       []Event
		now       time.Time
		want      State
		applied   []bool
		delivered bool
		note      string
	}{
		{"one part delivered", lk, []Event{receipt(t, 1, "part-1", 2, 0, sent), receipt(t, 2, "part-1", 2, 4, deliv)}, deliv,
			State{SentCode: 2, SentAt: sent.UnixMilli(), DeliveredCode: 4, DeliveredAt: deliv.UnixMilli(), UpdatedAt: deliv.UnixMilli()}, []bool{true, true}, true, ""},
		{"both parts delivered", lk, []Event{receipt(t, 1, "part-1", 2, 4, deliv), receipt(t, 2, "part-2", 2, 4, deliv.Add(time.Second))}, deliv,
			State{SentCode: 2, SentAt: deliv.UnixMilli(), DeliveredCode: 4, DeliveredAt: deliv.UnixMilli(), UpdatedAt: deliv.Add(time.Second).UnixMilli()}, []bool{true, true}, true, ""},
		{"second part undelivered", lk, []Event{receipt(t, 1, "part-1", 2, 4, deliv), receipt(t, 2, "part-2", 2, 104, deliv)}, deliv,
			State{SentCode: 2, SentAt: deliv.UnixMilli(), DeliveredCode: 104, DeliveredAt: deliv.UnixMilli(), UpdatedAt: deliv.UnixMilli()}, []bool{true, true}, false, ""},
		{"not linked yet", lk, []Event{receipt(t, 1, "part-9", 2, 4, deliv)}, deliv, State{}, []bool{false}, false, "waiting for 1 messages (id:part-9)"},
		{"no link after the wait", lk, []Event{receipt(t, 1, "part-9", 2, 4, deliv)}, deliv.Add(UnlinkedWait + time.Second), State{}, []bool{true}, false, "1 not ours (id:part-9)"},
		{"a store without links", nil, []Event{receipt(t, 1, "part-1", 2, 4, deliv)}, deliv, State{}, []bool{false}, false, "waiting for 1 messages (id:part-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every order of the events leaves the same message.
			for _, perm := range permutations(len(tt.evs)) {
				w := newWorld(accepted())
				for _, i := range perm {
					w.applyLinked(t, tt.lk, tt.now, tt.evs[i])
				}
				got := *w.states[messageID]
				// The ranks of the times are the fold's own business
				// (TestMergeTime); here the codes and times matter.
				got.SentRank, got.DeliveredRank, got.ReadRank = 0, 0, 0
				want := tt.want
				a := accepted()
				want.ID, want.CampaignID, want.Phone, want.Dispatch, want.ProviderID = messageID, campaignID, a.Phone, a.Dispatch, a.ProviderID
				if got != want {
					t.Errorf("order %v: got %+v, want %+v", perm, got, want)
				}
				if d := w.counts[report.KeyDelivered] == 1; d != tt.delivered {
					t.Errorf("order %v: got delivered counted %v, want %v (counters %v)", perm, d, tt.delivered, w.counts)
				}
				for i, e := range w.events {
					if e.Applied != tt.applied[perm[i]] {
						t.Errorf("order %v: event %d applied got %v, want %v (%s)", perm, e.ID, e.Applied, tt.applied[perm[i]], e.Note)
					}
					if tt.note != "" && !strings.Contains(e.Note, tt.note) {
						t.Errorf("event %d note got %q, want %q", e.ID, e.Note, tt.note)
					}
				}
			}
		})
	}
}

// TestStatusWithCorrelationIDIsNotLinked keeps the HTTPS path free
// of link look-ups: a status naming its correlationId is never linked by
// id.
func TestStatusWithCorrelationIDIsNotLinked(t *testing.T) {
	batch := []parsed{parse(event(1, KindSMSStatus, callback(corr, "VIVO", 2, t0), t0), kw)}
	if err := link(context.Background(), failingLinker{t}, batch); err != nil {
		t.Fatal(err)
	}
	if it := batch[0].statuses[0]; !it.ours || it.messageID != messageID {
		t.Errorf("got %+v, want the message its correlationId names", it.ref)
	}
}

type failingLinker struct{ t *testing.T }

func (f failingLinker) LinkedMessages(context.Context, []string) (map[string]Link, error) {
	f.t.Errorf("statuses with a correlationId were looked up by provider id")
	return nil, nil
}

func TestWorseCode(t *testing.T) {
	tests := []struct{ a, b, want int }{
		{0, 0, 0}, {0, 4, 4}, {4, 0, 4}, {4, 4, 4},
		{4, 104, 104}, {104, 4, 104}, // a failure beats a success
		{2, 202, 202}, {202, 2, 202},
		{202, 301, 301}, {301, 202, 301}, // between failures, the larger code
	}
	for _, tt := range tests {
		if got := worse(tt.a, tt.b); got != tt.want {
			t.Errorf("worse(%d, %d) got %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
