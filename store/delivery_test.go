package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/internal/wavy"
	"arauto/store/internal/pgtest"
)

// These tests run delivery's applier over the SQLite store, inside the
// package to look at rows no method returns; the storetest helper would be
// an import cycle here.

func openTestStore(t testing.TB) *Store {
	t.Helper()
	if pgtest.Enabled() {
		s, err := OpenPostgres(pgtest.Schema(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s, err := Open(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var tAccept = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

type seeded struct {
	campaignID int64
	msgIDs     []int64
	phones     []string
}

func (sd seeded) corr(i int) string { return dispatch.CorrelationID(sd.campaignID, sd.msgIDs[i]) }

var remoteIDs int64

// seedCampaign makes a running campaign of n recipients, all accepted by
// the provider at tAccept (unless accept is false: then they stay queued).
func seedCampaign(t testing.TB, s *Store, n int, channel campaign.Channel, accept bool) seeded {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var sd seeded
	batch := make([]recipient.Recipient, 0, n)
	for i := range n {
		p := fmt.Sprintf("55119%04d%04d", l.ID, i)
		sd.phones = append(sd.phones, p)
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: p, Fields: []string{fmt.Sprintf("Cliente %d", i)}})
	}
	if err := s.AddRecipients(ctx, l.ID, batch); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	remoteIDs++
	c := &campaign.Campaign{RemoteID: 1000 + remoteIDs, Name: fmt.Sprintf("Campanha %d", remoteIDs), Alias: fmt.Sprintf("c%d", remoteIDs),
		Channel: channel, ListID: l.ID, Message: "Olá {{nome}}!", State: campaign.Scheduled, ScheduledAt: tAccept.Add(-time.Minute)}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	sd.campaignID = c.ID
	if err := s.StartCampaign(ctx, c.ID, tAccept); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.Claim(ctx, c.ID, 0, n, tAccept)
	if err != nil || len(claimed) != n {
		t.Fatalf("claim got %d %v, want %d", len(claimed), err, n)
	}
	var acc []dispatch.Accepted
	for _, m := range claimed {
		sd.msgIDs = append(sd.msgIDs, m.ID)
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("uuid-%d", m.ID)})
	}
	if accept {
		if err := s.Accept(ctx, c.ID, acc, tAccept); err != nil {
			t.Fatal(err)
		}
	}
	return sd
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Payload builders, in the provider's webhook forms.
func callback(corr, carrier string, code int, at time.Time) wavy.SMSStatus {
	return wavy.SMSStatus{ID: "id-" + corr, CorrelationID: corr, CarrierName: carrier, Destination: "5511900000000",
		SentStatusCode: code, SentStatus: statusName(code), SentAt: at}
}

func dlr(corr, carrier string, sentAt time.Time, code int, at time.Time) wavy.SMSStatus {
	st := callback(corr, carrier, 2, sentAt)
	st.DeliveredStatusCode, st.DeliveredStatus, st.DeliveredAt = code, statusName(code), at
	return st
}

func statusName(code int) string {
	sc, _ := wavy.LookupStatus(code)
	return sc.Name
}

// dlrBody writes a DLR with the sentStatusAt spelling the seeds show.
func dlrBody(t testing.TB, st wavy.SMSStatus) []byte {
	b := mustJSON(t, st)
	return []byte(strings.Replace(strings.Replace(string(b), `"sentAt"`, `"sentStatusAt"`, 1), `"sentDate"`, `"sentStatusDate"`, 1))
}

func waBody(t testing.TB, sts ...wavy.WhatsAppStatus) []byte {
	return mustJSON(t, map[string]any{"total": len(sts), "data": sts, "clientInfo": map[string]int{"customerId": 42}})
}

type ev struct {
	kind string
	body []byte
	at   time.Time // received; zero for tAccept + 1h
}

func appendEvents(t testing.TB, s *Store, evs ...ev) {
	t.Helper()
	for _, e := range evs {
		at := e.at
		if at.IsZero() {
			at = tAccept.Add(time.Hour)
		}
		if err := s.AppendEvent(context.Background(), &delivery.Event{Kind: e.kind, ReceivedAt: at, Items: 1, Body: e.body}); err != nil {
			t.Fatal(err)
		}
	}
}

// applierAt is an applier whose clock stands at now.
func applierAt(s *Store, now time.Time, batch int) *delivery.Applier {
	return delivery.NewApplier(s, delivery.Options{Batch: batch, Now: func() time.Time { return now }})
}

// applyAll applies every due event at now.
func applyAll(t testing.TB, s *Store, now time.Time) delivery.Result {
	t.Helper()
	a := applierAt(s, now, 100)
	var total delivery.Result
	for {
		res, err := a.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		total.Read += res.Read
		total.Applied += res.Applied
		total.Deferred += res.Deferred
		if res.Read < 100 {
			return total
		}
	}
}

// reportCounts returns a campaign's counters other than dispatcher states.
func reportCounts(t testing.TB, s *Store, campaignID int64) map[string]int64 {
	t.Helper()
	all, err := s.CampaignCounters(context.Background(), campaignID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for k, n := range all {
		if strings.Contains(k, ":") && n != 0 {
			out[k] = n
		}
	}
	return out
}

// campaignReport builds a campaign's report from its stored counters, as
// the report page does.
func campaignReport(ctx context.Context, s *Store, id int64) (report.Report, error) {
	counts, err := s.CampaignCounters(ctx, id)
	if err != nil {
		return report.Report{}, err
	}
	return report.Build(counts, report.Options{}), nil
}

func status(t testing.TB, s *Store, id int64) MessageStatus {
	t.Helper()
	m, err := s.MessageStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := slices.Insert(slices.Clone(p), i, n-1)
			out = append(out, q)
		}
	}
	return out
}

func minuteKey(t time.Time, series string) string { return report.TimelineKey(t, series) }

// TestApplyOrderIndependent applies the statuses of one message in every
// order (each also repeated) and checks that the columns and the counters
// always come out the same, and as expected.
func TestApplyOrderIndependent(t *testing.T) {
	sent := tAccept.Add(2 * time.Second)
	deliv := sent.Add(7 * time.Second)
	read := deliv.Add(time.Minute)
	type want struct {
		carrier                 string
		sentCode, deliveredCode int
		sentAt, deliveredAt     time.Time
		readAt                  time.Time
		counts                  map[string]int64
	}
	delivered := func(carrier string) map[string]int64 {
		return map[string]int64{
			report.KeyStatus: 1, report.KeySent: 1, report.KeyBilled: 1, report.KeyDelivered: 1,
			report.CarrierKey(carrier, "sent"): 1, report.CarrierKey(carrier, "delivered"): 1,
			minuteKey(sent, "sent"): 1, minuteKey(deliv, "delivered"): 1,
			report.LatencyKey(7 * time.Second): 1,
		}
	}
	tests := []struct {
		name    string
		channel campaign.Channel
		events  func(corr string) []ev
		want    want
	}{
		{
			name: "sms callback and DLR", channel: campaign.SMS,
			events: func(c string) []ev {
				return []ev{
					{delivery.KindSMSStatus, mustJSON(t, callback(c, "VIVO", 2, sent)), time.Time{}},
					{delivery.KindSMSStatus, dlrBody(t, dlr(c, "VIVO", sent, 4, deliv)), time.Time{}},
				}
			},
			want: want{carrier: "VIVO", sentCode: 2, deliveredCode: 4, sentAt: sent, deliveredAt: deliv, counts: delivered("VIVO")},
		},
		{
			name: "sms not delivered", channel: campaign.SMS,
			events: func(c string) []ev {
				return []ev{
					{delivery.KindSMSStatus, mustJSON(t, callback(c, "TIM", 2, sent)), time.Time{}},
					{delivery.KindSMSStatus, dlrBody(t, dlr(c, "TIM", sent, 104, deliv)), time.Time{}},
				}
			},
			want: want{carrier: "TIM", sentCode: 2, deliveredCode: 104, sentAt: sent, deliveredAt: deliv, counts: map[string]int64{
				report.KeyStatus: 1, report.KeySent: 1, report.KeyBilled: 1, report.KeyFailed: 1, report.CodeKey(104): 1,
				"carrier:TIM:sent": 1, "carrier:TIM:failed": 1, minuteKey(sent, "sent"): 1,
			}},
		},
		{
			// The callback has no time: its arrival stands in until the
			// DLR's earlier sentStatusAt wins, whatever the order.
			name: "sms callback without a time", channel: campaign.SMS,
			events: func(c string) []ev {
				cb := callback(c, "CLARO", 2, time.Time{})
				return []ev{
					{delivery.KindSMSStatus, mustJSON(t, cb), deliv.Add(time.Hour)},
					{delivery.KindSMSStatus, dlrBody(t, dlr(c, "CLARO", sent, 4, deliv)), time.Time{}},
				}
			},
			want: want{carrier: "CLARO", sentCode: 2, deliveredCode: 4, sentAt: sent, deliveredAt: deliv, counts: delivered("CLARO")},
		},
		{
			name: "whatsapp sent, delivered, read", channel: campaign.WhatsApp,
			events: func(c string) []ev {
				base := wavy.WhatsAppStatus{ID: "w-" + c, CorrelationID: c, Destination: "5511900000000", Sent: true,
					SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: sent, UpdatedAt: sent}
				d := base
				d.Delivered, d.DeliveredStatusCode, d.DeliveredStatus, d.DeliveredAt, d.UpdatedAt = true, 4, "DELIVERED_SUCCESS", deliv, deliv
				r := d
				r.Read, r.ReadAt, r.UpdatedAt = true, read, read
				return []ev{
					{delivery.KindWhatsAppStatus, waBody(t, base), time.Time{}},
					{delivery.KindWhatsAppStatus, waBody(t, d), time.Time{}},
					{delivery.KindWhatsAppStatus, waBody(t, r), time.Time{}},
				}
			},
			want: want{sentCode: 2, deliveredCode: 4, sentAt: sent, deliveredAt: deliv, readAt: read, counts: map[string]int64{
				report.KeyStatus: 1, report.KeySent: 1, report.KeyBilled: 1, report.KeyDelivered: 1, report.KeyRead: 1,
				minuteKey(sent, "sent"): 1, minuteKey(deliv, "delivered"): 1, minuteKey(read, "read"): 1,
				report.LatencyKey(7 * time.Second): 1,
			}},
		},
		{
			// A bare read receipt implies delivery (at the latest when
			// read); the real delivered status, in any order, refines it.
			name: "whatsapp read receipt alone implies delivered", channel: campaign.WhatsApp,
			events: func(c string) []ev {
				sentOnly := wavy.WhatsAppStatus{ID: "w-" + c, CorrelationID: c, Sent: true, SentStatusCode: 2, SentAt: sent}
				readOnly := wavy.WhatsAppStatus{ID: "w-" + c, CorrelationID: c, Read: true, ReadAt: read}
				d := sentOnly
				d.Delivered, d.DeliveredStatusCode, d.DeliveredAt = true, 4, deliv
				return []ev{
					{delivery.KindWhatsAppStatus, waBody(t, readOnly), time.Time{}},
					{delivery.KindWhatsAppStatus, waBody(t, sentOnly), time.Time{}},
					{delivery.KindWhatsAppStatus, waBody(t, d), time.Time{}},
				}
			},
			want: want{sentCode: 2, deliveredCode: 4, sentAt: sent, deliveredAt: deliv, readAt: read, counts: map[string]int64{
				report.KeyStatus: 1, report.KeySent: 1, report.KeyBilled: 1, report.KeyDelivered: 1, report.KeyRead: 1,
				minuteKey(sent, "sent"): 1, minuteKey(deliv, "delivered"): 1, minuteKey(read, "read"): 1,
				report.LatencyKey(7 * time.Second): 1,
			}},
		},
		{
			name: "whatsapp expired after sent", channel: campaign.WhatsApp,
			events: func(c string) []ev {
				s1 := wavy.WhatsAppStatus{ID: "w-" + c, CorrelationID: c, Sent: true, SentStatusCode: 2, SentAt: sent}
				s2 := s1
				s2.DeliveredStatusCode, s2.DeliveredStatus, s2.DeliveredAt = 101, "EXPIRED", deliv
				return []ev{{delivery.KindWhatsAppStatus, waBody(t, s1), time.Time{}}, {delivery.KindWhatsAppStatus, waBody(t, s2), time.Time{}}}
			},
			want: want{sentCode: 2, deliveredCode: 101, sentAt: sent, deliveredAt: deliv, counts: map[string]int64{
				report.KeyStatus: 1, report.KeySent: 1, report.KeyBilled: 1, report.KeyExpired: 1, report.CodeKey(101): 1, minuteKey(sent, "sent"): 1,
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			probe := tt.events("x")
			for _, perm := range permutations(len(probe)) {
				sd := seedCampaign(t, s, 1, tt.channel, true)
				evs := tt.events(sd.corr(0))
				var ordered []ev
				for _, i := range perm {
					ordered = append(ordered, evs[i])
				}
				// Every event once in this order, then all again, one
				// batch at a time.
				for _, e := range append(ordered, ordered...) {
					appendEvents(t, s, e)
					applyAll(t, s, tAccept.Add(2*time.Hour))
				}
				m := status(t, s, sd.msgIDs[0])
				got := want{carrier: m.Carrier, sentCode: m.SentCode, deliveredCode: m.DeliveredCode, sentAt: m.SentAt,
					deliveredAt: m.DeliveredAt, readAt: m.ReadAt, counts: reportCounts(t, s, sd.campaignID)}
				if got.carrier != tt.want.carrier || got.sentCode != tt.want.sentCode || got.deliveredCode != tt.want.deliveredCode ||
					!got.sentAt.Equal(tt.want.sentAt) || !got.deliveredAt.Equal(tt.want.deliveredAt) || !got.readAt.Equal(tt.want.readAt) {
					t.Errorf("order %v: got columns %+v, want %+v", perm, m, tt.want)
				}
				if !maps.Equal(got.counts, tt.want.counts) {
					t.Errorf("order %v: got counters %v, want %v", perm, got.counts, tt.want.counts)
				}
				if m.State != "accepted" {
					t.Errorf("order %v: got state %q, want the dispatcher's accepted untouched", perm, m.State)
				}
			}
		})
	}
}

func TestDuplicateBurstChangesNothing(t *testing.T) {
	s := openTestStore(t)
	sd := seedCampaign(t, s, 3, campaign.SMS, true)
	sent := tAccept.Add(time.Second)
	var evs []ev
	for i := range sd.msgIDs {
		evs = append(evs, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(i), "VIVO", 2, sent)), time.Time{}},
			ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(i), "VIVO", sent, 4, sent.Add(3*time.Second))), time.Time{}})
	}
	appendEvents(t, s, evs...)
	applyAll(t, s, tAccept.Add(time.Hour))
	first := reportCounts(t, s, sd.campaignID)
	if first[report.KeyDelivered] != 3 || first[report.KeySent] != 3 {
		t.Fatalf("got %v, want 3 sent and 3 delivered", first)
	}
	before := status(t, s, sd.msgIDs[1])
	// The provider retries: every event fifty more times, in one batch
	// and across batches.
	for range 50 {
		appendEvents(t, s, evs...)
	}
	res := applyAll(t, s, tAccept.Add(time.Hour))
	if res.Applied != 50*len(evs) || res.Deferred != 0 {
		t.Errorf("got %d applied %d deferred, want %d applied", res.Applied, res.Deferred, 50*len(evs))
	}
	if got := reportCounts(t, s, sd.campaignID); !maps.Equal(got, first) {
		t.Errorf("after duplicates got %v, want %v", got, first)
	}
	if after := status(t, s, sd.msgIDs[1]); after != before {
		t.Errorf("after duplicates got %+v, want %+v", after, before)
	}
}

func TestEventForUnknownMessageAppliedLater(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 2, campaign.SMS, true)
	// The next message id does not exist yet.
	next := sd.msgIDs[1] + 1
	corr := dispatch.CorrelationID(sd.campaignID+1, next)
	now := tAccept.Add(time.Hour)
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, mustJSON(t, callback(corr, "VIVO", 2, tAccept)), now},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 2, tAccept)), now},
		ev{delivery.KindSMSStatus, mustJSON(t, callback("client-id", "VIVO", 2, tAccept)), now},
	)
	res := applyAll(t, s, now)
	if res.Applied != 2 || res.Deferred != 1 {
		t.Fatalf("got %d applied %d deferred, want 2 applied (ours and a foreign one) and 1 waiting", res.Applied, res.Deferred)
	}
	if p, d, _ := s.PendingEvents(ctx); p != 1 || d != 1 {
		t.Errorf("got %d pending %d deferred, want 1 and 1", p, d)
	}
	var note string
	s.r.QueryRow("SELECT note FROM events WHERE id = 3").Scan(&note)
	if !strings.Contains(note, "not ours") {
		t.Errorf("got note %q for a foreign correlationId, want it to say not ours", note)
	}
	// Not due yet: nothing read.
	if res := applyAll(t, s, now); res.Read != 0 {
		t.Errorf("got %d events read before the retry, want 0", res.Read)
	}
	// The message appears (the next campaign's first one).
	sd2 := seedCampaign(t, s, 1, campaign.SMS, true)
	if sd2.msgIDs[0] != next || sd2.campaignID != sd.campaignID+1 {
		t.Fatalf("got message %d of campaign %d, want %d of %d", sd2.msgIDs[0], sd2.campaignID, next, sd.campaignID+1)
	}
	res = applyAll(t, s, now.Add(2*time.Second))
	if res.Applied != 1 || res.Deferred != 0 {
		t.Errorf("got %d applied %d deferred once the message exists, want 1 applied", res.Applied, res.Deferred)
	}
	if got := reportCounts(t, s, sd2.campaignID)[report.KeySent]; got != 1 {
		t.Errorf("got %d sent for the late message, want 1", got)
	}
	if p, _, _ := s.PendingEvents(ctx); p != 0 {
		t.Errorf("got %d pending, want 0", p)
	}
}

func TestEventGivesUpAfterHorizon(t *testing.T) {
	s := openTestStore(t)
	now := tAccept.Add(time.Hour)
	corr := dispatch.CorrelationID(7, 12345)
	appendEvents(t, s, ev{delivery.KindSMSStatus, mustJSON(t, callback(corr, "VIVO", 2, tAccept)), now.Add(-delivery.StatusHorizon - time.Minute)})
	res := applyAll(t, s, now)
	if res.Applied != 1 {
		t.Fatalf("got %d applied, want the event given up", res.Applied)
	}
	var note string
	s.r.QueryRow("SELECT note FROM events").Scan(&note)
	if !strings.Contains(note, "gave up") {
		t.Errorf("got note %q, want it to say it gave up", note)
	}
}

func TestNoReceiptCarriersAndHorizon(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 4, campaign.SMS, true)
	sent := tAccept.Add(time.Second)
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "OI", 2, sent)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(1), "Sercomtel", 2, sent)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(2), "VIVO", 2, sent)), time.Time{}},
		// message 3 never gets a status
	)
	applyAll(t, s, tAccept.Add(time.Hour))
	got := reportCounts(t, s, sd.campaignID)
	if got[report.KeyNoReceipt] != 2 || got[report.KeySent] != 3 || got["carrier:OI:sent"] != 1 || got["carrier:SERCOMTEL:sent"] != 1 {
		t.Errorf("got %v, want 3 sent of which 2 without receipt (OI, SERCOMTEL)", got)
	}
	// Before the horizon nothing is unknown.
	closeStale := func(now time.Time) (int64, error) { return applierAt(s, now, 100).CloseStale(ctx, now) }
	if n, err := closeStale(tAccept.Add(delivery.StatusHorizon - time.Minute)); err != nil || n != 0 {
		t.Errorf("closing early got %d %v, want 0", n, err)
	}
	n, err := closeStale(tAccept.Add(delivery.StatusHorizon + time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("closing got %d %v, want the one message without status", n, err)
	}
	if n, _ := closeStale(tAccept.Add(delivery.StatusHorizon + time.Hour)); n != 0 {
		t.Errorf("closing again got %d, want 0", n)
	}
	got = reportCounts(t, s, sd.campaignID)
	if got[report.KeyUnknown] != 1 || got[report.KeyNoReceipt] != 2 {
		t.Errorf("got %v, want 1 unknown and the no-receipt ones untouched", got)
	}
	r, err := campaignReport(ctx, s, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Unknown != 1 || r.NoReceipt != 2 || r.Awaiting != 0 || r.Stage(report.StageSent).N != 3 {
		t.Errorf("report got unknown %d no-receipt %d awaiting %d sent %d, want 1, 2, 0, 3", r.Unknown, r.NoReceipt, r.Awaiting, r.Stage(report.StageSent).N)
	}
	// A status that still arrives takes the message out of unknown.
	appendEvents(t, s, ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(3), "TIM", sent, 4, sent.Add(time.Minute))), time.Time{}})
	applyAll(t, s, tAccept.Add(delivery.StatusHorizon+2*time.Hour))
	got = reportCounts(t, s, sd.campaignID)
	if got[report.KeyUnknown] != 0 || got[report.KeyDelivered] != 1 || got[report.KeySent] != 4 {
		t.Errorf("after a late DLR got %v, want no unknown, 4 sent, 1 delivered", got)
	}
}

func TestSuppressOnStatus(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 3, campaign.SMS, true)
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 203, tAccept)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(1), "VIVO", 204, tAccept)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(2), "VIVO", 202, tAccept)), time.Time{}},
	)
	applyAll(t, s, tAccept.Add(time.Hour))
	got := map[string]string{}
	rows, err := s.r.Query("SELECT phone, reason, note FROM suppressions")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p, r, n string
		rows.Scan(&p, &r, &n)
		got[p] = r
		if !strings.Contains(n, "203 ") && !strings.Contains(n, "204 ") {
			t.Errorf("got note %q, want the status named", n)
		}
	}
	rows.Close()
	want := map[string]string{sd.phones[0]: delivery.SuppressBlacklisted, sd.phones[1]: delivery.SuppressOptedOut}
	if !maps.Equal(got, want) {
		t.Errorf("got suppressions %v, want %v", got, want)
	}
	counts := reportCounts(t, s, sd.campaignID)
	if counts[report.KeyFailed] != 3 || counts[report.CodeKey(203)] != 1 || counts[report.CodeKey(204)] != 1 || counts[report.CodeKey(202)] != 1 || counts[report.KeySent] != 0 {
		t.Errorf("got %v, want 3 failures by code and nothing sent", counts)
	}
	// The dispatcher honours the list: a new campaign to the same numbers
	// starts them suppressed.
	if _, err := s.SuppressedPhones(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCampaignReportReadsCounters(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := campaignReport(ctx, s, 999); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing campaign got %v, want ErrNotFound", err)
	}
	sd := seedCampaign(t, s, 10, campaign.SMS, true)
	sent := tAccept.Add(time.Second)
	for i := range 6 {
		appendEvents(t, s, ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(i), "VIVO", sent, 4, sent.Add(time.Duration(i+1)*time.Second))), time.Time{}})
	}
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(6), "TIM", sent, 104, sent.Add(time.Hour))), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(7), "CLARO", 202, sent)), time.Time{}},
	)
	applyAll(t, s, tAccept.Add(2*time.Hour))
	r, err := campaignReport(ctx, s, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]int64{}
	for _, st := range r.Funnel {
		stages[st.Key] = st.N
	}
	want := map[string]int64{"recipients": 10, "submitted": 10, "sent": 7, "delivered": 6, "read": 0, "failed": 2, "expired": 0, "suppressed": 0}
	if !maps.Equal(stages, want) {
		t.Errorf("got funnel %v, want %v", stages, want)
	}
	if r.Awaiting != 2 {
		t.Errorf("got %d awaiting, want 2", r.Awaiting)
	}
	if len(r.Failures) != 2 || r.Failures[0].MeaningPT == "" || r.Failures[0].MeaningEN == "" {
		t.Errorf("got failures %+v, want two codes with meanings", r.Failures)
	}
	if r.Latency.Samples != 6 || r.Latency.Median < 3*time.Second || r.Latency.Median > 4*time.Second {
		t.Errorf("got latency %d samples median %v, want 6 around 3.5s", r.Latency.Samples, r.Latency.Median)
	}
	if len(r.Carriers) != 3 || r.Carriers[0].Name != "VIVO" || r.Carriers[0].DeliveryRate != 100 {
		t.Errorf("got carriers %+v, want VIVO first at 100%%", r.Carriers)
	}
}

// The report of a million-message campaign is a read of its counters,
// whose number depends on the campaign's span, not its size: a campaign
// whose statuses span three days at one-minute resolution has about
// 13,000 counters.
func TestCampaignReportIsFastForALargeCampaign(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 1, campaign.SMS, true)
	start := tAccept.Truncate(time.Minute)
	count := func(key string, n int64) delivery.Count {
		return delivery.Count{CampaignID: sd.campaignID, Key: key, N: n}
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		deltas := []delivery.Count{count("accepted", 999_999), count(report.KeySent, 990_000), count(report.KeyDelivered, 950_000)}
		for m := range 3 * 24 * 60 {
			at := start.Add(time.Duration(m) * time.Minute)
			for _, series := range []string{"sent", "delivered", "read"} {
				deltas = append(deltas, count(report.TimelineKey(at, series), int64(100+m%50)))
			}
		}
		for i := range 90 {
			deltas = append(deltas, count(fmt.Sprintf("lat:%d", i), int64(1000+i)))
		}
		for _, c := range []string{"VIVO", "TIM", "CLARO", "OI", "SERCOMTEL", "ALGAR", "NEXTEL"} {
			for _, series := range []string{"sent", "delivered", "failed"} {
				deltas = append(deltas, count(report.CarrierKey(c, series), 12345))
			}
		}
		return addCounts(ctx, tx, deltas)
	})
	if err != nil {
		t.Fatal(err)
	}
	var best time.Duration
	for i := range 5 {
		t0 := time.Now()
		r, err := campaignReport(ctx, s, sd.campaignID)
		d := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 || d < best {
			best = d
		}
		if r.Stage(report.StageSubmitted).N != 1_000_000 || len(r.Timeline.Points) == 0 || len(r.Timeline.Points) > 120 {
			t.Fatalf("got submitted %d and %d points, want a million and at most 120", r.Stage(report.StageSubmitted).N, len(r.Timeline.Points))
		}
	}
	t.Logf("report with ~13,000 counters built in %v", best)
	if best > 100*time.Millisecond {
		t.Errorf("got %v for the report, want < 100ms", best)
	}
}

// BenchmarkApplyEvents measures applying statuses (a callback and a DLR
// per message) in batches of 500.
func BenchmarkApplyEvents(b *testing.B) {
	s := openTestStore(b)
	const n = 5000
	sd := seedCampaign(b, s, n, campaign.SMS, true)
	sent := tAccept.Add(time.Second)
	carriers := []string{"VIVO", "TIM", "CLARO", "OI"}
	bodies := make([][]byte, 0, 2*n)
	for i := range n {
		c := carriers[i%len(carriers)]
		bodies = append(bodies, mustJSON(b, callback(sd.corr(i), c, 2, sent)))
		bodies = append(bodies, dlrBody(b, dlr(sd.corr(i), c, sent, 4, sent.Add(time.Duration(i)*time.Millisecond))))
	}
	a := applierAt(s, tAccept.Add(time.Hour), 500)
	b.ResetTimer()
	events := 0
	for b.Loop() {
		b.StopTimer()
		for _, body := range bodies {
			if err := s.AppendEvent(context.Background(), &delivery.Event{Kind: delivery.KindSMSStatus, ReceivedAt: tAccept, Items: 1, Body: body}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		for {
			res, err := a.Step(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			events += res.Applied
			if res.Read < 500 {
				break
			}
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

func TestAppendEventGroupCommit(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := s.AppendEvent(ctx, &delivery.Event{Kind: "email", Body: []byte("{}")}); err == nil {
		t.Errorf("unknown kind got no error, want one")
	}
	const writers, each = 32, 50
	type stored struct {
		id   int64
		body string
	}
	ids := make(chan stored, writers*each)
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			for i := range each {
				e := &delivery.Event{Kind: delivery.KindSMSStatus, Body: fmt.Appendf(nil, `{"id":"%d-%d"}`, w, i)}
				if err := s.AppendEvent(ctx, e); err != nil {
					errs <- err
					return
				}
				ids <- stored{e.ID, string(e.Body)}
			}
			errs <- nil
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(ids)
	seen := map[int64]bool{}
	for st := range ids {
		if st.id == 0 || seen[st.id] {
			t.Fatalf("got id %d twice or zero", st.id)
		}
		seen[st.id] = true
		e, err := s.Event(ctx, st.id)
		if err != nil || string(e.Body) != st.body || e.ReceivedAt.IsZero() {
			t.Fatalf("event %d holds %q received %v (%v), want the caller's %q with a time", st.id, e.Body, e.ReceivedAt, err, st.body)
		}
	}
	counts, err := s.EventCounts(ctx)
	if err != nil || counts[delivery.KindSMSStatus] != writers*each {
		t.Fatalf("got %v %v, want %d stored", counts, err, writers*each)
	}
	var chunks int
	if err := s.r.QueryRow(`SELECT count(*) FROM event_chunks`).Scan(&chunks); err != nil || chunks >= writers*each {
		t.Errorf("got %d chunks (%v) for %d events, want group commits sharing chunks", chunks, err, writers*each)
	}
}

func TestEventWriterStopsWhenIdleAndRestarts(t *testing.T) {
	old := groupIdle
	groupIdle = 20 * time.Millisecond
	defer func() { groupIdle = old }()
	s := openTestStore(t)
	ctx := context.Background()
	for i := range 3 {
		if err := s.AppendEvent(ctx, &delivery.Event{Kind: delivery.KindSMSMO, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Second)
		for {
			if s.events.commit.idle() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the writer still runs after being idle", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if c, _ := s.EventCounts(ctx); c[delivery.KindSMSMO] != 3 {
		t.Errorf("got %v, want 3 events", c)
	}
}

func TestApplierAppliesOnKick(t *testing.T) {
	s := openTestStore(t)
	sd := seedCampaign(t, s, 1, campaign.SMS, true)
	ctx, cancel := context.WithCancel(context.Background())
	touched := make(chan []int64, 10)
	// A long interval: only the kick after each commit can apply in time.
	a := delivery.NewApplier(s, delivery.Options{Interval: time.Hour, MinGap: time.Millisecond, CloseStaleEvery: time.Hour,
		OnApplied: func(ids []int64) { touched <- ids }})
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	// Let Run register before the event arrives; its first pass finds
	// nothing.
	time.Sleep(50 * time.Millisecond)
	appendEvents(t, s, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 2, tAccept.Add(time.Second))), time.Time{}})
	select {
	case ids := <-touched:
		if !slices.Equal(ids, []int64{sd.campaignID}) {
			t.Errorf("got campaigns %v, want [%d]", ids, sd.campaignID)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the event was not applied within 2s of its commit")
	}
	if m := status(t, s, sd.msgIDs[0]); m.SentCode != 2 {
		t.Errorf("got sent code %d, want 2", m.SentCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run got %v, want nil on cancel", err)
	}
	if s.events.hook.Load() != nil {
		t.Errorf("the kick hook outlived Run")
	}
}
