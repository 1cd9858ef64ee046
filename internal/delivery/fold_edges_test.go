package delivery

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"arauto/internal/dispatch"
	"arauto/internal/report"
)

// waStatus is a WhatsApp status webhook body for one message: the level
// it reached (sent, delivered or read) with that level's time.
func waStatus(corr, id, level string, at time.Time) string {
	switch level {
	case "sent":
		return fmt.Sprintf(`{"data":[{"id":%q,"correlationId":%q,"sent":true,"sentStatusCode":2,"sentAt":%d}]}`, id, corr, at.UnixMilli())
	case "delivered":
		return fmt.Sprintf(`{"data":[{"id":%q,"correlationId":%q,"sent":true,"delivered":true,"deliveredStatusCode":4,"deliveredAt":%d}]}`, id, corr, at.UnixMilli())
	}
	return fmt.Sprintf(`{"data":[{"id":%q,"correlationId":%q,"read":true,"readAt":%d}]}`, id, corr, at.UnixMilli())
}

// smsStatus is an SMS callback naming the provider's id.
func smsStatus(corr, id string, code int, at time.Time) string {
	return fmt.Sprintf(`{"id":%q,"correlationId":%q,"carrierName":"VIVO","sentStatusCode":%d,"sentAt":%d}`, id, corr, code, at.UnixMilli())
}

// TestFoldTimesKeepTheirBestEvidence: a time given by the status of its
// own level is not rewritten by another level's status repeating or
// implying an older one (a late DLR), in any order; a time only implied
// gives way to the level's own.
func TestFoldTimesKeepTheirBestEvidence(t *testing.T) {
	sent := t0.Add(2 * time.Second)
	deliv := sent.Add(7 * time.Second)
	read := deliv.Add(time.Minute)
	arrive := t0.Add(time.Hour)
	now := t0.Add(2 * time.Hour)
	cb := event(1, KindSMSStatus, callback(corr, "VIVO", 2, sent), arrive)
	// A late DLR whose repeated sent time is a minute older.
	lateDLR := event(2, KindSMSStatus, dlr(corr, "VIVO", sent.Add(-time.Minute), 4, deliv), arrive)
	// A callback without a time: its arrival stands in.
	bare := event(3, KindSMSStatus, fmt.Sprintf(`{"id":"x","correlationId":%q,"sentStatusCode":2}`, corr), arrive)
	waSent := event(4, KindWhatsAppStatus, waStatus(corr, "w", "sent", sent), arrive)
	waDeliv := event(5, KindWhatsAppStatus, waStatus(corr, "w", "delivered", deliv), arrive)
	waRd := event(6, KindWhatsAppStatus, waStatus(corr, "w", "read", read), arrive)
	tests := []struct {
		name   string
		events []Event
		want   columns
	}{
		{"the callback's sent time stands against a late DLR", []Event{cb, lateDLR},
			columns{Carrier: "VIVO", SentCode: 2, DeliveredCode: 4, SentAt: sent.UnixMilli(), DeliveredAt: deliv.UnixMilli(), UpdateAt: deliv.UnixMilli()}},
		{"a DLR's sent time fills in for a callback without one", []Event{bare, lateDLR},
			columns{Carrier: "VIVO", SentCode: 2, DeliveredCode: 4, SentAt: sent.Add(-time.Minute).UnixMilli(), DeliveredAt: deliv.UnixMilli(), UpdateAt: arrive.UnixMilli()}},
		{"WhatsApp: each level's own time, whatever came first", []Event{waSent, waDeliv, waRd},
			columns{SentCode: 2, DeliveredCode: 4, SentAt: sent.UnixMilli(), DeliveredAt: deliv.UnixMilli(), ReadAt: read.UnixMilli(), UpdateAt: read.UnixMilli()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, perm := range permutations(len(tt.events)) {
				// Every order, one event per batch, and each event twice.
				w := newWorld(accepted())
				for _, i := range append(perm, perm...) {
					w.apply(t, now, tt.events[i])
				}
				if got := columnsOf(*w.states[messageID]); got != tt.want {
					t.Errorf("order %v: got %+v, want %+v", perm, got, tt.want)
				}
				if w.counts[report.KeySent] != 1 {
					t.Errorf("order %v: counters %v, want the message counted once", perm, w.counts)
				}
			}
		})
	}
}

// TestFoldPromotesGhostAnswers: 200 WhatsApp messages, a fifth of them
// sent in requests answered 500 after the provider took them (the
// dispatcher marked them unknown, or had not yet recorded the answer);
// their statuses arrive in any order, some twice, across batches. Every
// message ends accepted with its provider id, and the funnel adds up:
// sent to Wavy = 200 = delivered to the carrier.
func TestFoldPromotesGhostAnswers(t *testing.T) {
	const n = 200
	now := t0.Add(time.Hour)
	var states []State
	for i := int64(1); i <= n; i++ {
		s := State{ID: i, CampaignID: campaignID, Phone: fmt.Sprintf("55119%08d", i), Dispatch: "accepted", ProviderID: fmt.Sprintf("p%d", i)}
		switch {
		case i%5 == 0:
			s.Dispatch, s.ProviderID = "unknown", ""
		}
		states = append(states, s)
	}
	var evs []Event
	for i := int64(1); i <= n; i++ {
		c := dispatch.CorrelationID(campaignID, i)
		for j, level := range []string{"sent", "delivered", "read"} {
			at := t0.Add(time.Duration(i)*time.Second + time.Duration(j)*time.Minute)
			evs = append(evs, event(int64(len(evs)+1), KindWhatsAppStatus, waStatus(c, fmt.Sprintf("p%d", i), level, at), now))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
	evs = append(evs, evs[:100]...) // repeats
	w := newWorld(states...)
	for len(evs) > 0 {
		k := min(len(evs), 1+rng.IntN(80))
		w.apply(t, now, evs[:k]...)
		evs = evs[k:]
	}
	want := map[string]int64{"accepted": n, report.KeyStatus: n, report.KeySent: n, report.KeyDelivered: n, report.KeyRead: n}
	for k, v := range want {
		if w.counts[k] != v {
			t.Errorf("counter %s = %d, want %d", k, w.counts[k], v)
		}
	}
	for _, k := range []string{"unknown"} {
		if w.counts[k] != 0 {
			t.Errorf("counter %s = %d, want 0", k, w.counts[k])
		}
	}
	for id, s := range w.states {
		if s.Dispatch != "accepted" || s.ProviderID != fmt.Sprintf("p%d", id) {
			t.Errorf("message %d ended %s with id %q, want accepted with p%d", id, s.Dispatch, s.ProviderID, id)
		}
	}
	rep := report.Build(w.counts, report.Options{})
	if sub, sent := rep.Stage(report.StageSubmitted).N, rep.Stage(report.StageSent).N; sub != n || sent != n {
		t.Errorf("funnel: sent to Wavy %d, delivered to the carrier %d; want %d and %d", sub, sent, n, n)
	}
}

// TestFoldAccountLimit: a status saying the account had no credit (201)
// or quota (215) for a message puts it back in the queue, not counted as
// a failure, and pauses its campaign with the reason; the status of an
// earlier attempt, or one that comes again, changes nothing; a message
// whose send is not recorded yet waits for it.
func TestFoldAccountLimit(t *testing.T) {
	now := t0.Add(time.Hour)
	at := t0.Add(time.Minute)
	msg := func(dispatchState, providerID string) State {
		s := accepted()
		s.Dispatch, s.ProviderID = dispatchState, providerID
		return s
	}
	noCredit := func(id string, code int) Event {
		return event(1, KindSMSStatus, smsStatus(corr, id, code, at), now)
	}
	tests := []struct {
		name      string
		state     State
		campaign  string
		ev        Event
		dispatch  string // the message's state after
		pause     string // the reason recorded, "" for none
		applied   bool
		dispatchN map[string]int64
	}{
		{"201 for the attempt on record: queued again, campaign paused", msg("accepted", "p1"), "running", noCredit("p1", 201),
			"queued", "account limit: 201 NO_CREDIT", true, map[string]int64{"queued": 1}},
		{"215 the same, naming the quota", msg("accepted", "p1"), "running", noCredit("p1", 215),
			"queued", "account limit: 215 CUSTOMER_QUOTA_BLOCKED", true, map[string]int64{"queued": 1}},
		{"a campaign completed before the statuses came is paused again", msg("accepted", "p1"), "completed", noCredit("p1", 201),
			"queued", "account limit: 201 NO_CREDIT", true, map[string]int64{"queued": 1}},
		{"in a cancelled campaign the message is cancelled", msg("accepted", "p1"), "cancelled", noCredit("p1", 201),
			"cancelled", "", true, map[string]int64{"cancelled": 1}},
		{"an unknown WhatsApp send refused for credit goes again", msg("unknown", ""), "running", noCredit("p1", 201),
			"queued", "account limit: 201 NO_CREDIT", true, map[string]int64{"queued": 1}},
		{"an earlier attempt's 201 changes nothing", msg("accepted", "p2"), "running", noCredit("p1", 201),
			"accepted", "", true, map[string]int64{"accepted": 1}},
		{"again after the requeue changes nothing", msg("queued", "p1"), "paused", noCredit("p1", 201),
			"queued", "", true, map[string]int64{"queued": 1}},
		{"the send not recorded yet: the event waits", msg("submitting", ""), "running", noCredit("p1", 201),
			"submitting", "", false, map[string]int64{"submitting": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(tt.state)
			w.campaigns[campaignID] = tt.campaign
			c := w.apply(t, now, tt.ev)
			s := w.states[messageID]
			if s.Dispatch != tt.dispatch {
				t.Errorf("message got %s, want %s", s.Dispatch, tt.dispatch)
			}
			if w.pauses[campaignID] != tt.pause {
				t.Errorf("pause got %q, want %q", w.pauses[campaignID], tt.pause)
			}
			if c.Events[0].Applied != tt.applied {
				t.Errorf("event applied %v (%q), want %v", c.Events[0].Applied, c.Events[0].Note, tt.applied)
			}
			if !maps.Equal(w.counts, tt.dispatchN) {
				t.Errorf("counters got %v, want %v (no delivery fact counted)", w.counts, tt.dispatchN)
			}
			if s.SentCode != 0 {
				t.Errorf("sent code %d recorded, want none: the message was not sent", s.SentCode)
			}
		})
	}

	// The whole life: refused for credit, queued, sent again with a new
	// id; the first attempt's 201 arriving once more changes nothing and
	// the new attempt is counted once.
	w := newWorld(msg("accepted", "p1"))
	w.apply(t, now, noCredit("p1", 201))
	w.states[messageID].Dispatch, w.states[messageID].ProviderID = "accepted", "p2" // resumed and sent again
	w.counts["queued"]--
	w.counts["accepted"]++
	w.apply(t, now, event(2, KindSMSStatus, smsStatus(corr, "p2", 2, at), now), noCredit("p1", 201))
	if s := w.states[messageID]; s.Dispatch != "accepted" || s.SentCode != 2 || w.counts[report.KeySent] != 1 || w.counts["queued"] != 0 {
		t.Errorf("after the second attempt got %+v and %v, want accepted, sent once", *s, w.counts)
	}
	if !strings.HasPrefix(w.pauses[campaignID], dispatch.AccountLimitPrefix) {
		t.Errorf("pause reason %q, want one starting %q", w.pauses[campaignID], dispatch.AccountLimitPrefix)
	}
}

// TestFoldWaitsForTheDispatcher: a status that arrives before the
// dispatcher has recorded the provider's answer (the message still
// submitting) waits, and changes nothing; once the answer is recorded,
// with what the message is billed, it applies and bills that.
func TestFoldWaitsForTheDispatcher(t *testing.T) {
	now := t0.Add(time.Hour)
	s := accepted()
	s.Dispatch, s.ProviderID = "submitting", ""
	w := newWorld(s)
	ev := event(1, KindSMSStatus, callback(dispatch.CorrelationID(campaignID, messageID), "VIVO", 2, t0), now)
	c := w.apply(t, now, ev)
	if len(c.Events) != 1 || c.Events[0].Applied {
		t.Fatalf("status for a message still submitting got %+v, want it waiting", c.Events)
	}
	if got := w.counts[report.KeySent]; got != 0 {
		t.Errorf("sent counted %d while the send is not recorded, want 0", got)
	}
	// The dispatcher records the answer: two segments.
	w.states[messageID].Dispatch, w.states[messageID].ProviderID, w.states[messageID].Segments = "accepted", "p1", 2
	w.apply(t, now, ev)
	if got := w.counts[report.KeyBilled]; got != 2 {
		t.Errorf("billed %d, want the 2 segments the dispatcher recorded", got)
	}
}
