package store

import (
	"context"
	"testing"
	"time"

	"arauto/internal/breaker"
	"arauto/internal/campaign"
	"arauto/internal/delivery"
)

// TestBreakerPausesOnTheFirstMessagesOnly feeds statuses and replies
// through the applier, then lets the guard judge: only the first Window
// messages count, each signal is counted as what it is, the campaign
// pauses once with the reason, and resumed it is not paused again.
func TestBreakerPausesOnTheFirstMessagesOnly(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 8, campaign.SMS, true)
	at := tAccept.Add(time.Minute)
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 203, at)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(1), "VIVO", 204, at)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(2), "VIVO", 2, at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("mo-1", sd.phones[2], "SAIR", sd.corr(2), at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("mo-2", sd.phones[3], "Vou reclamar no Procon!", sd.corr(3), at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("mo-3", sd.phones[4], "Obrigado", sd.corr(4), at)), time.Time{}},
		// Beyond the window of 5: not counted.
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(6), "VIVO", 205, at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("mo-4", sd.phones[7], "denunciar", sd.corr(7), at)), time.Time{}},
	)
	applyAll(t, s, tAccept.Add(time.Hour))

	w, err := s.BreakerWindow(ctx, sd.campaignID, 5, breaker.BlockedCodes)
	if err != nil {
		t.Fatal(err)
	}
	if w.Messages != 5 || w.Blocked != 2 || w.OptOuts != 1 || len(w.Replies) != 2 {
		t.Fatalf("window got %+v, want 5 messages, 2 blocked, 1 opt-out, 2 other replies", w)
	}

	settings := breaker.Settings{Enabled: true, Window: 5, Limits: map[breaker.Signal]int{breaker.Complaints: 2, breaker.OptOuts: 2, breaker.Blocked: 3},
		Phrases: breaker.DefaultPhrases()}
	var tripped []int64
	g := &breaker.Guard{Store: s, Settings: func(context.Context) (breaker.Settings, error) { return settings, nil },
		OnTrip: func(id int64) { tripped = append(tripped, id) }, Now: func() time.Time { return tAccept.Add(time.Hour) }}
	trips, err := g.Check(ctx, []int64{sd.campaignID})
	if err != nil || len(trips) != 0 {
		t.Fatalf("below every limit got %v %v, want no trip", trips, err)
	}

	settings.Limits[breaker.Blocked] = 2
	trips, err = g.Check(ctx, []int64{sd.campaignID, 999})
	if err != nil {
		t.Fatal(err)
	}
	want := breaker.Trip{Signal: breaker.Blocked, Count: 2, Limit: 2, Window: 5}
	if trips[sd.campaignID] != want || len(tripped) != 1 {
		t.Fatalf("trips got %v (callbacks %v), want %+v once", trips, tripped, want)
	}
	cp, err := s.CampaignByID(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := breaker.ParseReason(cp.LastError); cp.State != campaign.Paused || !ok || got != want {
		t.Errorf("campaign got %s %q, want paused with the trip's reason", cp.State, cp.LastError)
	}

	// Resumed by the person: the same signals do not pause it again.
	if err := s.ResumeCampaign(ctx, sd.campaignID, tAccept.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	settings.Limits[breaker.Complaints] = 1
	trips, err = g.Check(ctx, []int64{sd.campaignID})
	if err != nil || len(trips) != 0 || len(tripped) != 1 {
		t.Errorf("after resuming got %v %v (callbacks %v), want no second trip", trips, err, tripped)
	}
	if cp, _ := s.CampaignByID(ctx, sd.campaignID); cp.State != campaign.Running {
		t.Errorf("after resuming the campaign is %s, want running", cp.State)
	}
}
