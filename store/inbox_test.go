package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/message"
	"arauto/internal/report"
	"arauto/internal/wavy"
)

func smsMO(id, source, text, mtCorr string, at time.Time) wavy.SMSMO {
	mo := wavy.SMSMO{ID: id, Source: source, ShortCode: "28128", MessageText: text, ReceivedAt: at, CarrierName: "VIVO"}
	if mtCorr != "" {
		mo.MT = &wavy.MTRef{ID: "mt-" + mtCorr, CorrelationID: mtCorr}
	}
	return mo
}

func waMOBody(t testing.TB, mos ...wavy.WhatsAppMO) []byte {
	return mustJSON(t, map[string]any{"total": len(mos), "data": mos})
}

func inboxAll(t testing.TB, s *Store, q InboxQuery) []Inbound {
	t.Helper()
	p, err := s.Inbox(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

func suppressionsOf(t testing.TB, s *Store) map[string][2]string {
	t.Helper()
	rows, err := s.r.Query("SELECT phone, reason, note FROM suppressions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][2]string{}
	for rows.Next() {
		var p, r, n string
		if err := rows.Scan(&p, &r, &n); err != nil {
			t.Fatal(err)
		}
		out[p] = [2]string{r, n}
	}
	return out
}

func TestInboxLinksRepliesAndOptOuts(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sms := seedCampaign(t, s, 3, campaign.SMS, true)
	wa := seedCampaign(t, s, 2, campaign.WhatsApp, true)
	at := tAccept.Add(10 * time.Minute)
	events := []ev{
		{delivery.KindSMSMO, mustJSON(t, smsMO("mo-1", sms.phones[0], "Eu quero pizza", sms.corr(0), at)), time.Time{}},
		{delivery.KindSMSMO, mustJSON(t, smsMO("mo-2", "+"+sms.phones[1], "  Sair! ", sms.corr(1), at.Add(time.Minute))), time.Time{}},
		{delivery.KindSMSMO, mustJSON(t, smsMO("mo-3", sms.phones[2], "quero sair da lista", sms.corr(2), at.Add(2*time.Minute))), time.Time{}},
		// A reply to a message that is not ours, and one without its MT.
		{delivery.KindSMSMO, mustJSON(t, smsMO("mo-4", "5521999990000", "oi", "1876", at.Add(3*time.Minute))), time.Time{}},
		{delivery.KindSMSMO, mustJSON(t, smsMO("mo-5", "5521999990001", "STOP", "", at.Add(4*time.Minute))), time.Time{}},
		{delivery.KindWhatsAppMO, waMOBody(t,
			wavy.WhatsAppMO{ID: "wa-1", Source: wa.phones[0], CorrelationID: wa.corr(0), UserProfile: wavy.UserProfile{Name: "Maria Silva"},
				Message: wavy.InboundMessage{Type: "BUTTON", MessageText: "Não quero mais", Payload: "stop"}, ReceivedAt: at.Add(5 * time.Minute)},
			wavy.WhatsAppMO{ID: "wa-2", Source: wa.phones[1], CorrelationID: wa.corr(1), UserProfile: wavy.UserProfile{Name: "João Santos"},
				Message: wavy.InboundMessage{Type: "IMAGE", MediaURL: "https://example.com/a.jpg", MimeType: "image/jpeg", Caption: "Olha isso"}, ReceivedAt: at.Add(6 * time.Minute)},
		), time.Time{}},
	}
	appendEvents(t, s, events...)
	if res := applyAll(t, s, tAccept.Add(time.Hour)); res.Applied != len(events) {
		t.Fatalf("got %d applied, want %d", res.Applied, len(events))
	}
	got := inboxAll(t, s, InboxQuery{})
	var ids []string
	for _, in := range got {
		ids = append(ids, in.ProviderID)
	}
	if want := []string{"wa-2", "wa-1", "mo-5", "mo-4", "mo-3", "mo-2", "mo-1"}; !slices.Equal(ids, want) {
		t.Fatalf("got inbox %v, want %v (newest first)", ids, want)
	}
	byID := map[string]Inbound{}
	for _, in := range got {
		byID[in.ProviderID] = in
	}
	tests := []struct {
		id                    string
		campaignID, messageID int64
		optOut                bool
		kind, text, phone     string
	}{
		{"mo-1", sms.campaignID, sms.msgIDs[0], false, "TEXT", "Eu quero pizza", sms.phones[0]},
		{"mo-2", sms.campaignID, sms.msgIDs[1], true, "TEXT", "  Sair! ", sms.phones[1]},
		{"mo-3", sms.campaignID, sms.msgIDs[2], false, "TEXT", "quero sair da lista", sms.phones[2]},
		{"mo-4", 0, 0, false, "TEXT", "oi", "5521999990000"},
		{"mo-5", 0, 0, true, "TEXT", "STOP", "5521999990001"},
		{"wa-1", wa.campaignID, wa.msgIDs[0], true, "BUTTON", "Não quero mais", wa.phones[0]},
		{"wa-2", wa.campaignID, wa.msgIDs[1], false, "IMAGE", "Olha isso", wa.phones[1]},
	}
	for _, tt := range tests {
		in := byID[tt.id]
		if in.CampaignID != tt.campaignID || in.MessageID != tt.messageID || in.OptOut != tt.optOut || in.Kind != tt.kind || in.Text != tt.text || in.Phone != tt.phone {
			t.Errorf("%s: got campaign %d message %d opt-out %v %s %q from %s; want %d %d %v %s %q from %s", tt.id,
				in.CampaignID, in.MessageID, in.OptOut, in.Kind, in.Text, in.Phone, tt.campaignID, tt.messageID, tt.optOut, tt.kind, tt.text, tt.phone)
		}
	}
	if in := byID["wa-2"]; in.MediaURL != "https://example.com/a.jpg" || in.ProfileName != "João Santos" || !strings.Contains(in.Payload, "image/jpeg") {
		t.Errorf("got %+v, want the media URL, the profile name and the payload kept", in)
	}
	if in := byID["mo-1"]; in.CampaignName == "" || !in.ReceivedAt.Equal(at) {
		t.Errorf("got campaign name %q received %v, want the name and %v", in.CampaignName, in.ReceivedAt, at)
	}
	sup := suppressionsOf(t, s)
	if len(sup) != 3 {
		t.Errorf("got suppressions %v, want the three opt-outs", sup)
	}
	for _, p := range []string{sms.phones[1], "5521999990001", wa.phones[0]} {
		if sup[p][0] != delivery.SuppressOptOut || !strings.HasPrefix(sup[p][1], "SAIR · ") && !strings.HasPrefix(sup[p][1], "STOP · ") && !strings.Contains(sup[p][1], " · WHATSAPP · ") {
			t.Errorf("got suppression of %s %v, want opt-out with the keyword noted", p, sup[p])
		}
	}
	if !strings.Contains(sup[sms.phones[1]][1], "SAIR") || !strings.Contains(sup[sms.phones[1]][1], at.Format("2006-01-02")) {
		t.Errorf("got note %q, want the keyword and the date", sup[sms.phones[1]][1])
	}
	if c := reportCounts(t, s, sms.campaignID); c[report.KeyReplies] != 3 || c[report.KeyOptOuts] != 1 {
		t.Errorf("got sms counters %v, want 3 replies, 1 opt-out", c)
	}
	if c := reportCounts(t, s, wa.campaignID); c[report.KeyReplies] != 2 || c[report.KeyOptOuts] != 1 {
		t.Errorf("got whatsapp counters %v, want 2 replies, 1 opt-out", c)
	}
	// The provider repeats itself: nothing changes.
	appendEvents(t, s, events...)
	applyAll(t, s, tAccept.Add(time.Hour))
	if again := inboxAll(t, s, InboxQuery{}); len(again) != len(got) {
		t.Errorf("after duplicates got %d replies, want %d", len(again), len(got))
	}
	if c := reportCounts(t, s, sms.campaignID); c[report.KeyReplies] != 3 || c[report.KeyOptOuts] != 1 {
		t.Errorf("after duplicates got %v, want 3 replies, 1 opt-out", c)
	}
	// A later campaign to the opted-out number starts it suppressed.
	claimedSuppressed, err := s.SuppressedPhones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := claimedSuppressed[sms.phones[1]]; !ok {
		t.Errorf("got %v, want %s suppressed for dispatch", claimedSuppressed, sms.phones[1])
	}
}

func TestOptOutKeywordsFromSettings(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := s.SaveSettings(ctx, map[string]string{config.SettingOptOutKeywords: "PARE, Não quero"}); err != nil {
		t.Fatal(err)
	}
	at := tAccept.Add(time.Minute)
	appendEvents(t, s,
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("m1", "5511900000001", "pare.", "", at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("m2", "5511900000002", "SAIR", "", at)), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("m3", "5511900000003", "nao QUERO!", "", at)), time.Time{}},
	)
	if _, err := delivery.NewApplier(s, delivery.Options{Batch: 10}).Step(ctx); err != nil {
		t.Fatal(err)
	}
	sup := suppressionsOf(t, s)
	if _, ok := sup["5511900000001"]; !ok || len(sup) != 2 {
		t.Errorf("got %v, want the PARE and NÃO QUERO senders only", sup)
	}
	if _, ok := sup["5511900000002"]; ok {
		t.Errorf("got SAIR suppressed, want only the configured words")
	}
}

func TestReplyToUnknownMessageWaitsThenStoresUnlinked(t *testing.T) {
	s := openTestStore(t)
	now := tAccept.Add(time.Hour)
	corr := dispatch.CorrelationID(3, 999)
	appendEvents(t, s, ev{delivery.KindSMSMO, mustJSON(t, smsMO("late", "5511900000009", "oi", corr, now)), now})
	if res := applyAll(t, s, now); res.Deferred != 1 || len(inboxAll(t, s, InboxQuery{})) != 0 {
		t.Fatalf("got %+v, want the reply waiting for its message", res)
	}
	if res := applyAll(t, s, now.Add(delivery.StatusHorizon+time.Hour)); res.Applied != 1 {
		t.Fatalf("got %+v after the horizon, want it applied", res)
	}
	got := inboxAll(t, s, InboxQuery{})
	if len(got) != 1 || got[0].MessageID != 0 || got[0].Text != "oi" {
		t.Errorf("got %+v, want the reply stored without a link", got)
	}
}

func TestInboxSearchAndPaging(t *testing.T) {
	s := openTestStore(t)
	sd := seedCampaign(t, s, 1, campaign.SMS, true)
	at := tAccept.Add(time.Minute)
	var evs []ev
	for i := range 7 {
		text := fmt.Sprintf("mensagem %d", i)
		if i == 3 {
			text = "Quero PIZZA 100% agora"
		}
		evs = append(evs, ev{delivery.KindSMSMO, mustJSON(t, smsMO(fmt.Sprintf("m%d", i), fmt.Sprintf("55219876500%02d", i), text, "", at.Add(time.Duration(i)*time.Second))), time.Time{}})
	}
	evs = append(evs, ev{delivery.KindWhatsAppMO, waMOBody(t, wavy.WhatsAppMO{ID: "w1", Source: sd.phones[0], CorrelationID: sd.corr(0),
		UserProfile: wavy.UserProfile{Name: "Beatriz Almeida"}, Message: wavy.InboundMessage{Type: "TEXT", MessageText: "SAIR"}, ReceivedAt: at}), time.Time{}})
	appendEvents(t, s, evs...)
	applyAll(t, s, tAccept.Add(time.Hour))
	ids := func(items []Inbound) []string {
		var out []string
		for _, in := range items {
			out = append(out, in.ProviderID)
		}
		return out
	}
	tests := []struct {
		name string
		q    InboxQuery
		want []string
	}{
		{"by text, any case", InboxQuery{Search: "pizza"}, []string{"m3"}},
		{"percent is literal", InboxQuery{Search: "100%"}, []string{"m3"}},
		{"underscore is literal", InboxQuery{Search: "_"}, nil},
		{"by typed number", InboxQuery{Search: "+55 (21) 98765-0005"}, []string{"m5"}},
		{"by part of a number", InboxQuery{Search: "98765-0000"}, []string{"m0"}},
		{"by profile name", InboxQuery{Search: "beatriz"}, []string{"w1"}},
		{"channel", InboxQuery{Channel: "whatsapp"}, []string{"w1"}},
		{"opt-outs", InboxQuery{OptOutOnly: true}, []string{"w1"}},
		{"campaign", InboxQuery{CampaignID: sd.campaignID}, []string{"w1"}},
	}
	for _, tt := range tests {
		if got := ids(inboxAll(t, s, tt.q)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	// Pages of three, newest first, cover everything once.
	var all []string
	q := InboxQuery{Limit: 3}
	for pages := 0; ; pages++ {
		p, err := s.Inbox(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ids(p.Items)...)
		if p.Next == 0 {
			if pages != 2 {
				t.Errorf("got %d pages, want 3", pages+1)
			}
			break
		}
		q.Before = p.Next
	}
	if want := []string{"w1", "m6", "m5", "m4", "m3", "m2", "m1", "m0"}; !slices.Equal(all, want) {
		t.Errorf("paging got %v, want %v", all, want)
	}
}

func TestConversation(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	first := seedCampaign(t, s, 2, campaign.SMS, true)
	phone := first.phones[0]
	sent := tAccept.Add(time.Second)
	appendEvents(t, s,
		ev{delivery.KindSMSStatus, dlrBody(t, dlr(first.corr(0), "VIVO", sent, 4, sent.Add(5*time.Second))), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("r1", phone, "Quanto custa?", first.corr(0), tAccept.Add(time.Minute))), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("r2", phone, "Obrigado", first.corr(0), tAccept.Add(2*time.Hour))), time.Time{}},
		ev{delivery.KindSMSMO, mustJSON(t, smsMO("x", first.phones[1], "outra pessoa", first.corr(1), tAccept.Add(time.Minute))), time.Time{}},
	)
	applyAll(t, s, tAccept.Add(3*time.Hour))
	// A queued (never sent) message to the number is not part of it.
	if _, err := s.w.Exec("UPDATE messages SET state = 'queued' WHERE id = ?", first.msgIDs[1]); err != nil {
		t.Fatal(err)
	}
	conv, err := s.Conversation(ctx, "+"+phone, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var texts message.Renderer // as the conversation page renders them
	for _, e := range conv {
		if e.Out != nil {
			got = append(got, fmt.Sprintf("out:%s:%d", texts.Render(e.Out.Template, e.Out.Columns, e.Out.Fields), e.Out.DeliveredCode))
		} else {
			got = append(got, "in:"+e.In.Text)
		}
	}
	want := []string{"out:Olá Cliente 0!:4", "in:Quanto custa?", "in:Obrigado"}
	if !slices.Equal(got, want) {
		t.Errorf("got conversation %v, want %v (oldest first, newest last)", got, want)
	}
	if conv[0].Out.CampaignName == "" || !conv[0].Out.SentAt.Equal(sent) || conv[0].Out.Carrier != "VIVO" {
		t.Errorf("got %+v, want the campaign, sent time and carrier", conv[0].Out)
	}
	last, err := s.Conversation(ctx, phone, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 2 || last[1].In == nil || last[1].In.Text != "Obrigado" {
		t.Errorf("got %d entries ending %+v, want the last two ending with the newest reply", len(last), last[len(last)-1])
	}
}
