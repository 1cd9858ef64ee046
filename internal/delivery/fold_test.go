package delivery

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/optout"
	"arauto/internal/report"
)

var (
	t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	kw = optout.NewMatcher(config.DefaultOptOutKeywords())
)

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			out = append(out, slices.Insert(slices.Clone(p), i, n-1))
		}
	}
	return out
}

// TestMergeOrderIndependent checks the merge rule itself over many
// orders, repeats and both timestamp fallbacks.
func TestMergeOrderIndependent(t *testing.T) {
	facts := []fact{
		{carrier: "VIVO", sentCode: 2, sentAt: 1000},
		{carrier: "VIVO", sentCode: 2, sentAt: 900, delivCode: 4, delivAt: 5000},
		{sentCode: 2, sentAt: 1200, delivCode: 4, delivAt: 6000, readAt: 9000},
		{sentCode: 2, sentAt: 3000, delivCode: 4, delivAt: 7000, readAt: 8000},
	}
	var want *State
	var wantCounts map[string]int64
	for _, perm := range permutations(len(facts)) {
		m := &State{ID: 1, CampaignID: 1}
		counts := map[string]int64{}
		for _, i := range append(perm, perm...) {
			before := m.contrib(nil)
			m.merge(facts[i])
			for _, k := range before {
				counts[k]--
			}
			for _, k := range m.contrib(nil) {
				counts[k]++
			}
		}
		maps.DeleteFunc(counts, func(_ string, n int64) bool { return n == 0 })
		if want == nil {
			want, wantCounts = m, counts
			if m.SentAt != 900 || m.DeliveredAt != 5000 || m.ReadAt != 8000 || m.Carrier != "VIVO" {
				t.Fatalf("got %+v, want the earliest evidence of each fact", m)
			}
			continue
		}
		if *m != *want {
			t.Errorf("order %v: got %+v, want %+v", perm, *m, *want)
		}
		if !maps.Equal(counts, wantCounts) {
			t.Errorf("order %v: got counters %v, want %v", perm, counts, wantCounts)
		}
	}
	for k, n := range wantCounts {
		if n != 1 {
			t.Errorf("got counter %s = %d, want 1 (one message)", k, n)
		}
	}
}

// Bodies in the provider's webhook forms; times are unix ms.
func callback(corr, carrier string, code int, at time.Time) string {
	return fmt.Sprintf(`{"id":"id-%s","correlationId":%q,"carrierName":%q,"sentStatusCode":%d,"sentAt":%d}`, corr, corr, carrier, code, at.UnixMilli())
}

func dlr(corr, carrier string, sent time.Time, code int, at time.Time) string {
	return fmt.Sprintf(`{"id":"id-%s","correlationId":%q,"carrierName":%q,"sentStatusCode":2,"sentStatusAt":%d,"deliveredStatusCode":%d,"deliveredAt":%d}`,
		corr, corr, carrier, sent.UnixMilli(), code, at.UnixMilli())
}

func waRead(corr string, at time.Time) string {
	return fmt.Sprintf(`{"data":[{"id":"w-%s","correlationId":%q,"read":true,"readAt":%d}]}`, corr, corr, at.UnixMilli())
}

func smsReplyBody(id, from, text, mtCorr string, at time.Time) string {
	return fmt.Sprintf(`{"id":%q,"source":%q,"messageText":%q,"receivedAt":%d,"mt":{"id":"mt","correlationId":%q}}`, id, from, text, at.UnixMilli(), mtCorr)
}

// world is what a sequence of batches leaves behind, as a store would
// keep it after committing each batch's changes.
type world struct {
	states       map[int64]*State
	campaigns    map[int64]string // campaign states
	pauses       map[int64]string // reasons of the campaigns paused
	counts       map[string]int64
	replies      map[string]Reply
	suppressions map[string]Suppression
	events       []EventResult
}

func newWorld(states ...State) *world {
	w := &world{states: map[int64]*State{}, campaigns: map[int64]string{}, pauses: map[int64]string{},
		counts: map[string]int64{}, replies: map[string]Reply{}, suppressions: map[string]Suppression{}}
	for _, s := range states {
		w.states[s.ID] = &s
		w.campaigns[s.CampaignID] = "running"
		if s.Dispatch != "" {
			w.counts[s.Dispatch]++
		}
	}
	return w
}

// apply folds one batch of events at now over a copy of the world's
// states, and commits the changes as the store does.
func (w *world) apply(t *testing.T, now time.Time, evs ...Event) Changes {
	t.Helper()
	batch := make([]parsed, len(evs))
	for i, e := range evs {
		batch[i] = parse(e, kw)
	}
	loaded := Loaded{States: map[int64]*State{}, Campaigns: maps.Clone(w.campaigns), SeenReplies: map[string]bool{}}
	for id, s := range w.states {
		c := *s
		loaded.States[id] = &c
	}
	for id := range w.replies {
		loaded.SeenReplies[id] = true
	}
	c := fold(batch, loaded, now)
	for _, s := range c.States {
		// The store writes the delivery columns of States, and the
		// dispatcher's state only through Moves.
		dispatch, provider := w.states[s.ID].Dispatch, w.states[s.ID].ProviderID
		*w.states[s.ID] = s
		w.states[s.ID].Dispatch, w.states[s.ID].ProviderID = dispatch, provider
	}
	for _, m := range c.Moves {
		s := w.states[m.MessageID]
		if s.Dispatch != m.From {
			t.Errorf("move of message %d from %s, but it is %s", m.MessageID, m.From, s.Dispatch)
		}
		s.Dispatch = m.To
		if m.ProviderID != "" {
			s.ProviderID = m.ProviderID
		}
	}
	for _, p := range c.Pauses {
		if _, ok := w.pauses[p.CampaignID]; !ok {
			w.pauses[p.CampaignID] = p.Reason
		}
		w.campaigns[p.CampaignID] = "paused"
	}
	for _, n := range c.Counts {
		w.counts[n.Key] += n.N
		if w.counts[n.Key] == 0 {
			delete(w.counts, n.Key)
		}
	}
	for _, r := range c.Replies {
		if _, dup := w.replies[r.ProviderID]; dup {
			t.Errorf("reply %s committed twice", r.ProviderID)
		}
		w.replies[r.ProviderID] = r
	}
	for _, s := range c.Suppressions {
		if _, ok := w.suppressions[s.Phone]; !ok {
			w.suppressions[s.Phone] = s
		}
	}
	w.events = append(w.events, c.Events...)
	return c
}

func event(id int64, kind, body string, at time.Time) Event {
	return Event{ID: id, Kind: kind, ReceivedAt: at, Body: []byte(body)}
}

const campaignID, messageID = 7, 70

var corr = dispatch.CorrelationID(campaignID, messageID)

func accepted() State {
	return State{ID: messageID, CampaignID: campaignID, Phone: "5511999990000", Dispatch: "accepted", ProviderID: "id-" + corr}
}

// columns are the delivery columns people read (without the ranks and
// the dispatcher's state).
type columns struct {
	Carrier                               string
	SentCode, DeliveredCode               int
	SentAt, DeliveredAt, ReadAt, UpdateAt int64
}

func columnsOf(s State) columns {
	return columns{s.Carrier, s.SentCode, s.DeliveredCode, s.SentAt, s.DeliveredAt, s.ReadAt, s.UpdatedAt}
}

// TestFoldBills counts what Wavy bills: the segments the dispatcher
// recorded, once the carrier accepted the message (SENT_SUCCESS), the
// separate SMS of a Sercomtel recipient, and nothing for a refusal —
// whatever the order and repeats of the statuses.
func TestFoldBills(t *testing.T) {
	sent := t0.Add(2 * time.Second)
	arrive, now := t0.Add(time.Hour), t0.Add(2*time.Hour)
	tests := []struct {
		name    string
		carrier string
		code    int
		want    int64
	}{
		{"delivered by Vivo: its two segments", "VIVO", 2, 2},
		{"Sercomtel: three separate SMS", "SERCOMTEL", 2, 3},
		{"refused by the carrier: nothing billed", "CLARO", 103, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := accepted()
			st.Segments, st.SercomtelSegments = 2, 3
			w := newWorld(st)
			cb := event(1, KindSMSStatus, callback(corr, tt.carrier, tt.code, sent), arrive)
			w.apply(t, now, cb)
			w.apply(t, now, cb, cb)
			if got := w.counts[report.KeyBilled]; got != tt.want {
				t.Errorf("billed got %d, want %d", got, tt.want)
			}
			if got := (Status{SentCode: w.states[messageID].SentCode, Carrier: tt.carrier, Segments: 2, SercomtelSegments: 3}).Billed(); got != tt.want {
				t.Errorf("the message's own billed got %d, want %d (the same definition)", got, tt.want)
			}
		})
	}
}

// TestFold checks the fold as a pure function: given stored states and a
// sequence of batches, the columns and counters it leaves.
func TestFold(t *testing.T) {
	sent := t0.Add(2 * time.Second)
	deliv := sent.Add(7 * time.Second)
	read := deliv.Add(time.Minute)
	arrive := t0.Add(time.Hour)
	now := t0.Add(2 * time.Hour)
	delivered := map[string]int64{
		report.KeyStatus: 1, report.KeySent: 1, report.KeyDelivered: 1, report.KeyBilled: 1, // segments unrecorded: 1
		"carrier:VIVO:sent": 1, "carrier:VIVO:delivered": 1,
		report.TimelineKey(sent, report.SeriesSent): 1, report.TimelineKey(deliv, report.SeriesDelivered): 1,
		report.LatencyKey(7 * time.Second): 1,
	}
	cb := event(1, KindSMSStatus, callback(corr, "VIVO", 2, sent), arrive)
	dl := event(2, KindSMSStatus, dlr(corr, "VIVO", sent, 4, deliv), arrive)
	tests := []struct {
		name    string
		batches [][]Event
		want    State
		counts  map[string]int64
		applied []bool // of every event, in order
	}{
		{
			name:    "callback then DLR",
			batches: [][]Event{{cb}, {dl}},
			want:    State{Carrier: "VIVO", SentCode: 2, SentAt: sent.UnixMilli(), DeliveredCode: 4, DeliveredAt: deliv.UnixMilli(), UpdatedAt: deliv.UnixMilli()},
			counts:  delivered, applied: []bool{true, true},
		},
		{
			name:    "DLR before its callback",
			batches: [][]Event{{dl}, {cb}},
			want:    State{Carrier: "VIVO", SentCode: 2, SentAt: sent.UnixMilli(), DeliveredCode: 4, DeliveredAt: deliv.UnixMilli(), UpdatedAt: deliv.UnixMilli()},
			counts:  delivered, applied: []bool{true, true},
		},
		{
			name:    "duplicates in one batch and across batches",
			batches: [][]Event{{cb, dl, cb, dl}, {dl, cb}, {cb}},
			want:    State{Carrier: "VIVO", SentCode: 2, SentAt: sent.UnixMilli(), DeliveredCode: 4, DeliveredAt: deliv.UnixMilli(), UpdatedAt: deliv.UnixMilli()},
			counts:  delivered, applied: []bool{true, true, true, true, true, true, true},
		},
		{
			// A bare read receipt implies delivery (at the latest when
			// read) and so a send.
			name:    "read implies delivered",
			batches: [][]Event{{event(1, KindWhatsAppStatus, waRead(corr, read), arrive)}},
			want:    State{SentCode: 2, SentAt: read.UnixMilli(), DeliveredCode: 4, DeliveredAt: read.UnixMilli(), ReadAt: read.UnixMilli(), UpdatedAt: read.UnixMilli()},
			counts: map[string]int64{
				report.KeyStatus: 1, report.KeySent: 1, report.KeyDelivered: 1, report.KeyRead: 1, report.KeyBilled: 1,
				report.TimelineKey(read, report.SeriesSent): 1, report.TimelineKey(read, report.SeriesDelivered): 1,
				report.TimelineKey(read, report.SeriesRead): 1, report.LatencyKey(0): 1,
			},
			applied: []bool{true},
		},
		{
			name:    "a status for a message that is not ours changes nothing",
			batches: [][]Event{{event(1, KindSMSStatus, callback("client-id", "VIVO", 2, sent), arrive)}},
			counts:  map[string]int64{}, applied: []bool{true},
		},
		{
			name:    "an unreadable body is applied with a note",
			batches: [][]Event{{event(1, KindSMSStatus, `{"id":`, arrive)}},
			counts:  map[string]int64{}, applied: []bool{true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(accepted())
			for _, b := range tt.batches {
				w.apply(t, now, b...)
			}
			if got, want := columnsOf(*w.states[messageID]), columnsOf(tt.want); got != want {
				t.Errorf("got state %+v, want %+v", got, want)
			}
			wantCounts := maps.Clone(tt.counts)
			wantCounts["accepted"]++ // the message, as the dispatcher left it
			if !maps.Equal(w.counts, wantCounts) {
				t.Errorf("got counters %v, want %v", w.counts, wantCounts)
			}
			var applied []bool
			for _, e := range w.events {
				applied = append(applied, e.Applied)
			}
			if !slices.Equal(applied, tt.applied) {
				t.Errorf("got applied %v, want %v", applied, tt.applied)
			}
		})
	}
}

// TestFoldKeepsUnknownMessageWaiting checks that a status for a message of
// ours that does not exist yet leaves its event waiting, with backoff,
// until the message appears; and that it is given up after the horizon.
func TestFoldKeepsUnknownMessageWaiting(t *testing.T) {
	sent := t0.Add(time.Second)
	now := t0.Add(time.Hour)
	w := newWorld()
	ev := event(9, KindSMSStatus, callback(corr, "VIVO", 2, sent), now)
	c := w.apply(t, now, ev)
	if len(c.Events) != 1 || c.Events[0].Applied || !c.Events[0].RetryAt.Equal(now.Add(time.Second)) || !strings.Contains(c.Events[0].Note, "waiting for 1") {
		t.Fatalf("got %+v, want the event waiting a second", c.Events)
	}
	if len(c.Counts) != 0 || len(c.States) != 0 {
		t.Errorf("got %+v, want nothing counted for a message not seen", c)
	}
	ev.Attempts = 3
	if c := w.apply(t, now, ev); !c.Events[0].RetryAt.Equal(now.Add(8 * time.Second)) {
		t.Errorf("third retry at %v, want 8s later", c.Events[0].RetryAt)
	}
	// The message appears: the event applies.
	w.states[messageID] = &State{ID: messageID, CampaignID: campaignID}
	if c := w.apply(t, now, ev); !c.Events[0].Applied || w.counts[report.KeySent] != 1 {
		t.Errorf("got %+v and %v once the message exists, want it applied and sent counted", c.Events, w.counts)
	}
	// A status older than the horizon for a message never seen is given up.
	old := event(10, KindSMSStatus, callback(dispatch.CorrelationID(1, 2), "VIVO", 2, sent), now.Add(-StatusHorizon-time.Minute))
	if c := w.apply(t, now, old); !c.Events[0].Applied || !strings.Contains(c.Events[0].Note, "gave up") {
		t.Errorf("got %+v, want the old event given up", c.Events)
	}
}

// TestFoldSuppresses checks the 203/204 rules and opt-out replies.
func TestFoldSuppresses(t *testing.T) {
	now := t0.Add(time.Hour)
	states := []State{
		{ID: 1, CampaignID: 1, Phone: "5511900000001"},
		{ID: 2, CampaignID: 1, Phone: "5511900000002"},
		{ID: 3, CampaignID: 1, Phone: "5511900000003"},
	}
	w := newWorld(states...)
	c := func(i int64) string { return dispatch.CorrelationID(1, i) }
	w.apply(t, now,
		event(1, KindSMSStatus, callback(c(1), "VIVO", 203, t0), now),
		event(2, KindSMSStatus, callback(c(2), "VIVO", 204, t0), now),
		event(3, KindSMSStatus, callback(c(3), "VIVO", 202, t0), now),
	)
	got := map[string]string{}
	for p, s := range w.suppressions {
		got[p] = s.Reason
	}
	want := map[string]string{"5511900000001": SuppressBlacklisted, "5511900000002": SuppressOptedOut}
	if !maps.Equal(got, want) {
		t.Errorf("got suppressions %v, want %v", got, want)
	}
	if w.counts[report.KeyFailed] != 3 || w.counts[report.KeySent] != 0 {
		t.Errorf("got %v, want 3 failures and nothing sent", w.counts)
	}

	// Replies: an opt-out keyword suppresses the sender; a sentence does
	// not; a reply is stored and counted once however often it comes.
	optOut := event(4, KindSMSMO, smsReplyBody("mo-1", "+5511900000003", " Sair! ", c(3), now), now)
	chat := event(5, KindSMSMO, smsReplyBody("mo-2", "5511900000001", "quero sair da lista", c(1), now), now)
	w.apply(t, now, optOut, chat, optOut)
	w.apply(t, now, optOut)
	if len(w.replies) != 2 || !w.replies["mo-1"].OptOut || w.replies["mo-2"].OptOut || w.replies["mo-1"].MessageID != 3 {
		t.Errorf("got replies %+v, want two, the first an opt-out linked to message 3", w.replies)
	}
	if w.counts[report.KeyReplies] != 2 || w.counts[report.KeyOptOuts] != 1 {
		t.Errorf("got %v, want 2 replies and 1 opt-out counted", w.counts)
	}
	if s := w.suppressions["5511900000003"]; s.Reason != SuppressOptOut || !strings.HasPrefix(s.Note, "SAIR · ") {
		t.Errorf("got suppression %+v, want an opt-out naming its keyword", s)
	}
}
