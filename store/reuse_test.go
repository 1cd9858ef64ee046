package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
)

// TestNonRespondersAreTheSentWhoDidNotReply builds the list from a
// campaign of five: one replied, one opted out by reply, one was never
// taken by the provider; the other two make the list, with their fields,
// renumbered, and a number suppressed since is marked.
func TestNonRespondersAreTheSentWhoDidNotReply(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 5, campaign.SMS, true)
	// Recipient 4 was refused before the provider took it.
	if _, err := s.w.Exec(`UPDATE messages SET state = 'failed' WHERE id = ?`, sd.msgIDs[4]); err != nil {
		t.Fatal(err)
	}
	at := tAccept.Add(10 * time.Minute)
	appendEvents(t, s,
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("mo-1", sd.phones[0], "Quero!", sd.corr(0), at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("mo-2", sd.phones[1], "SAIR", sd.corr(1), at)), time.Time{}},
	)
	applyAll(t, s, tAccept.Add(time.Hour))
	if _, err := s.w.Exec(`INSERT INTO suppressions (phone, reason, created_at) VALUES (?, 'manual', 0)`, sd.phones[3]); err != nil {
		t.Fatal(err)
	}

	l := &recipient.List{Name: "Não responderam"}
	if err := s.CreateListOfNonResponders(ctx, l, sd.campaignID); err != nil {
		t.Fatal(err)
	}
	if l.Rows != 2 || l.Valid != 2 || l.Suppressed != 1 || !slices.Equal(l.Columns, []string{"nome"}) {
		t.Errorf("list got rows %d valid %d suppressed %d columns %v, want 2 2 1 [nome]", l.Rows, l.Valid, l.Suppressed, l.Columns)
	}
	stored, err := s.ListByID(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != recipient.ListReady || stored.Valid != 2 {
		t.Errorf("stored list got state %s valid %d, want ready 2", stored.State, stored.Valid)
	}
	var got []string
	if err := s.EachRecipient(ctx, l.ID, func(r *recipient.Recipient) error {
		got = append(got, r.Phone+" "+r.Fields[0])
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{sd.phones[2] + " Cliente 2", sd.phones[3] + " Cliente 3"}
	if !slices.Equal(got, want) {
		t.Errorf("recipients got %v, want %v", got, want)
	}
	var rows []int
	r, err := s.r.Query(`SELECT row FROM recipients WHERE list_id = ? ORDER BY row`, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var n int
		if err := r.Scan(&n); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, n)
	}
	if !slices.Equal(rows, []int{1, 2}) {
		t.Errorf("rows got %v, want [1 2]", rows)
	}
}

// TestCopyCampaignCarriesWhatItSends copies a scheduled campaign with a
// schedule and options: the copy is a new draft with the same channel,
// list, message, schedule and options, nothing sent, and the start given.
func TestCopyCampaignCarriesWhatItSends(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 2, campaign.SMS, true)
	sc := schedule.Schedule{Zone: "America/Manaus", Window: schedule.Window{Weekdays: []time.Weekday{time.Monday}}}
	if _, err := s.w.Exec(`UPDATE campaigns SET schedule = ?, flash = 1, extra_info = 'x', sub_account = 'loja', replace_accents = 1 WHERE id = ?`,
		string(mustJSON(t, sc)), sd.campaignID); err != nil {
		t.Fatal(err)
	}
	start := tAccept.Add(48 * time.Hour)
	cp := &campaign.Campaign{RemoteID: 77_000, Name: "Cópia", Alias: "copia"}
	if err := s.CopyCampaign(ctx, cp, sd.campaignID, start); err != nil {
		t.Fatal(err)
	}
	src, err := s.CampaignByID(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.ID == src.ID || cp.State != campaign.Draft || cp.SentCount != 0 || !cp.StartedAt.IsZero() {
		t.Errorf("copy got id %d state %s sent %d started %v, want a new draft that sent nothing", cp.ID, cp.State, cp.SentCount, cp.StartedAt)
	}
	if cp.Channel != src.Channel || cp.ListID != src.ListID || cp.Message != src.Message || !cp.Flash || cp.ExtraInfo != "x" ||
		cp.Options.SubAccount != "loja" || !cp.ReplaceAccents || !cp.ScheduledAt.Equal(start) || cp.Name != "Cópia" || cp.Alias != "copia" {
		t.Errorf("copy got %+v, want the source's message, list and options with start %v", cp, start)
	}
	gotSc, err := s.CampaignSchedule(ctx, cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gotSc.Zone != "America/Manaus" || !slices.Equal(gotSc.Window.Weekdays, sc.Window.Weekdays) {
		t.Errorf("copy's schedule got %+v, want %+v", gotSc, sc)
	}

	// As the dispatcher and the test sends see the copy: options included.
	dc, err := s.DispatchCampaign(ctx, cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if dc.SubAccount != "loja" || !dc.ReplaceAccents || !dc.Flash || dc.Message != src.Message || dc.Schedule.Zone != "America/Manaus" {
		t.Errorf("dispatch view of the copy got %+v, want its sub-account, accents, flash, message and schedule", dc)
	}

	again := &campaign.Campaign{RemoteID: 77_001, Name: "Outra", Alias: "copia"}
	if err := s.CopyCampaign(ctx, again, sd.campaignID, time.Time{}); !errors.Is(err, ErrConflict) {
		t.Errorf("copy with a taken alias got %v, want ErrConflict", err)
	}
	gone := &campaign.Campaign{RemoteID: 77_002, Name: "Nada", Alias: "nada"}
	if err := s.CopyCampaign(ctx, gone, 999, time.Time{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("copy of a missing campaign got %v, want ErrNotFound", err)
	}
}

// TestNonRespondersAfterPruning: once retention pruned a campaign's
// results, the list is refused rather than made empty.
func TestNonRespondersAfterPruning(t *testing.T) {
	s := openTestStore(t)
	sd := seedCampaign(t, s, 3, campaign.SMS, true)
	if _, err := s.w.Exec(`UPDATE campaigns SET first_message_id = 0, last_message_id = 0 WHERE id = ?`, sd.campaignID); err != nil {
		t.Fatal(err)
	}
	l := &recipient.List{Name: "x"}
	if err := s.CreateListOfNonResponders(context.Background(), l, sd.campaignID); !errors.Is(err, ErrResultsPruned) {
		t.Errorf("got %v, want ErrResultsPruned", err)
	}
	if l.ID != 0 {
		t.Errorf("a list %d was made, want none", l.ID)
	}
}
