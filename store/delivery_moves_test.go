package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/report"
	"arauto/internal/wavy"
)

// TestApplyAccountLimit runs the applier over the store: a NO_CREDIT
// status for an accepted message puts it back in the queue and pauses the
// campaign with the reason, even after the campaign completed; the
// counters stay in step; resuming makes it claimable again.
func TestApplyAccountLimit(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	sd := seedCampaign(t, s, 3, campaign.SMS, true)
	if done, err := s.Finish(ctx, sd.campaignID, tAccept); err != nil || !done {
		t.Fatalf("finish got %v %v, want the campaign completed", done, err)
	}
	sent := tAccept.Add(time.Second)
	noCredit := callback(sd.corr(1), "VIVO", 201, sent)
	noCredit.ID = "uuid-" + itoa(sd.msgIDs[1])
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 2, sent)), time.Time{}},
		ev{delivery.KindSMSStatus, mustJSON(t, noCredit), time.Time{}},
	)
	applyAll(t, s, tAccept.Add(2*time.Hour))
	c, err := s.CampaignByID(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != campaign.Paused || c.LastError != "account limit: 201 NO_CREDIT" || !c.FinishedAt.IsZero() {
		t.Errorf("campaign got %s %q finished %v, want paused for the account limit and no longer finished", c.State, c.LastError, c.FinishedAt)
	}
	if key, detail := campaign.PauseReason(c.LastError); key != "campaigns.pause_reason.account_limit" || detail != "201" {
		t.Errorf("pause reason reads %s %q, want the account limit, 201", key, detail)
	}
	counts, err := s.CampaignCounts(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if counts["accepted"] != 2 || counts["queued"] != 1 {
		t.Errorf("counts got %v, want 2 accepted and 1 queued again", counts)
	}
	if rc := reportCounts(t, s, sd.campaignID); rc[report.KeyFailed] != 0 || rc[report.KeySent] != 1 {
		t.Errorf("report counters %v, want one sent and no failure", rc)
	}
	if m := status(t, s, sd.msgIDs[1]); m.State != "queued" || m.SentCode != 0 {
		t.Errorf("message got %s code %d, want queued without a code", m.State, m.SentCode)
	}
	if c.SentCount != 2 {
		t.Errorf("sent count %d, want 2", c.SentCount)
	}
	if err := s.ResumeCampaign(ctx, sd.campaignID, tAccept.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	again, err := s.Claim(ctx, sd.campaignID, 0, 10, tAccept.Add(3*time.Hour))
	if err != nil || len(again) != 1 || again[0].ID != sd.msgIDs[1] {
		t.Errorf("claim after resume got %v %v, want the refused message alone", again, err)
	}
}

// TestApplyPromotesUnknown: a WhatsApp message marked unknown (its send
// was answered 500 after the provider took it) becomes accepted when its
// statuses arrive, and the funnel counts it as sent to Wavy.
func TestApplyPromotesUnknown(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	sd := seedCampaign(t, s, 2, campaign.WhatsApp, false)
	if err := s.Accept(ctx, sd.campaignID, []dispatch.Accepted{{MessageID: sd.msgIDs[0], ProviderID: "w-0"}}, tAccept); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkUnknown(ctx, sd.campaignID, sd.msgIDs[1:], "unknown outcome: HTTP 500"); err != nil {
		t.Fatal(err)
	}
	at := tAccept.Add(time.Second)
	for i := range 2 {
		appendEvents(t, s, ev{delivery.KindWhatsAppStatus, waBody(t, wavy.WhatsAppStatus{ID: "w-" + itoa(int64(i)), CorrelationID: sd.corr(i),
			Sent: true, SentStatusCode: 2, SentAt: at, Delivered: true, DeliveredStatusCode: 4, DeliveredAt: at.Add(time.Second)}), time.Time{}})
	}
	applyAll(t, s, tAccept.Add(2*time.Hour))
	m := status(t, s, sd.msgIDs[1])
	if m.State != "accepted" || m.SentCode != 2 {
		t.Errorf("unknown message got %s code %d, want accepted and sent", m.State, m.SentCode)
	}
	var provider, errText string
	if err := s.r.QueryRowContext(ctx, "SELECT provider_id, error FROM messages WHERE id = ?", sd.msgIDs[1]).Scan(&provider, &errText); err != nil {
		t.Fatal(err)
	}
	if provider != "w-1" || errText != "" {
		t.Errorf("promoted message has id %q, error %q; want w-1 and no error", provider, errText)
	}
	rep, err := campaignReport(ctx, s, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if sub, sent := rep.Stage(report.StageSubmitted).N, rep.Stage(report.StageSent).N; sub != 2 || sent != 2 {
		t.Errorf("funnel sent to Wavy %d, to the carrier %d, want 2 and 2", sub, sent)
	}
	counts, _ := s.CampaignCounts(ctx, sd.campaignID)
	if counts["unknown"] != 0 || counts["accepted"] != 2 {
		t.Errorf("counts %v, want 2 accepted, none unknown", counts)
	}
	if c, _ := s.CampaignByID(ctx, sd.campaignID); c.SentCount != 2 {
		t.Errorf("sent count %d, want 2", c.SentCount)
	}
}

// TestApplyKeepsTimeRanks: the rank of each time survives the store, so
// a late DLR applied in a later batch does not rewrite the callback's
// sent time.
func TestApplyKeepsTimeRanks(t *testing.T) {
	s := openTestStore(t)
	sd := seedCampaign(t, s, 1, campaign.SMS, true)
	sent := tAccept.Add(2 * time.Second)
	appendEvents(t, s, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 2, sent)), time.Time{}})
	applyAll(t, s, tAccept.Add(2*time.Hour))
	appendEvents(t, s, ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(0), "VIVO", sent.Add(-time.Minute), 4, sent.Add(5*time.Second))), time.Time{}})
	applyAll(t, s, tAccept.Add(2*time.Hour))
	if m := status(t, s, sd.msgIDs[0]); !m.SentAt.Equal(sent) || !m.DeliveredAt.Equal(sent.Add(5*time.Second)) {
		t.Errorf("times got sent %v delivered %v, want the callback's %v kept", m.SentAt, m.DeliveredAt, sent)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
