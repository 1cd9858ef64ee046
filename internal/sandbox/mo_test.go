package sandbox

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestMOListAndSearch(t *testing.T) {
	clock := newFakeClock()
	s := newTestSandbox(t, Options{Now: clock.Now, DelayScale: 1, ReplyRate: 1, Outcomes: Outcomes{Delivered: 1}})
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", `{"messages":[
		{"destination":"5511900000001","correlationId":"m1"},
		{"destination":"5511900000002","correlationId":"m2","subAccount":"vendas"}],
		"defaultValues":{"messageText":"Responda SIM"},"campaignAlias":"promo"}`), 200)
	sent := s.Messages()

	list := func(query string) moListResponse {
		t.Helper()
		rec := call(t, s, "GET", "/v1/sms/receive/list"+query, "")
		wantCode(t, rec, 200)
		var got moListResponse
		decodeBody(t, rec, &got)
		return got
	}
	if got := list(""); got.Total != 0 || len(got.Messages) != 0 {
		t.Fatalf("before replies: %+v, want none", got)
	}
	clock.Advance(2 * time.Hour)
	got := list("?subAccount=vendas")
	if got.Total != 1 || len(got.Messages) != 1 {
		t.Fatalf("subAccount list = %+v, want 1 MO", got)
	}
	mo := got.Messages[0]
	if mo.Source != "5511900000002" || mo.MT == nil || mo.MT.ID != sent[1].ID || mo.MT.CorrelationID != "m2" ||
		mo.MT.Username != DefaultUsername || mo.SubAccount != "vendas" || mo.CampaignAlias != "promo" || mo.ShortCode != ShortCode {
		t.Errorf("MO = %+v (mt %+v), want a reply to m2", mo, mo.MT)
	}
	if mo.ReceivedDate != formatDate(mo.ReceivedAt) || mo.ReceivedAt <= sent[1].DeliveredAt.UnixMilli() {
		t.Errorf("MO received %d (%s), want after the DLR %v", mo.ReceivedAt, mo.ReceivedDate, sent[1].DeliveredAt)
	}
	if got.Start != formatDate(clock.Now().Add(-72*time.Hour).UnixMilli()) {
		t.Errorf("start = %s, want 3 days ago", got.Start)
	}
	got = list("")
	if got.Total != 1 || got.Messages[0].MT.CorrelationID != "m1" {
		t.Fatalf("list = %+v, want only the reply to m1", got)
	}
	if got := list(""); got.Total != 0 {
		t.Errorf("third list = %+v, want nothing (consumed)", got)
	}

	search := func(query string, want int) {
		t.Helper()
		rec := call(t, s, "GET", "/v1/sms/receive/search"+query, "")
		wantCode(t, rec, want)
		if want != 200 {
			return
		}
		var got moListResponse
		decodeBody(t, rec, &got)
		if got.Total != 2 {
			t.Errorf("search%s = %d MOs, want 2 (search does not consume)", query, got.Total)
		}
	}
	search("", 200)
	search("?start="+clock.Now().Add(-3*time.Hour).UTC().Format("2006-01-02T15:04:05"), 200)
	search("?start=2016-09-12T00:00:00", 200) // clamped to 5 days back
	search("?end=not-a-date", 400)
	search("?start=2030-01-01T00:00:00&end=2029-01-01T00:00:00", 400)
	rec := call(t, s, "GET", "/v1/sms/receive/search?end="+clock.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339), "")
	var none moListResponse
	decodeBody(t, rec, &none)
	if none.Total != 0 {
		t.Errorf("search before the replies = %d MOs, want 0", none.Total)
	}
}

func TestOptOutBlocksLaterSends(t *testing.T) {
	s := newTestSandbox(t, Options{ReplyRate: 1, Outcomes: Outcomes{Delivered: 1}})
	// Find a correlationId whose reply is an opt-out word.
	var n, corr string
	for i := range 1000 {
		c := fmt.Sprint("opt-", i)
		d := fmt.Sprintf("55119%08d", i)
		p := s.planSMS(d, true, c)
		if p.reply && IsOptOutWord(replyPhrases[p.phrase]) {
			n, corr = d, c
			break
		}
	}
	if n == "" {
		t.Fatal("no opt-out reply among 1000 messages")
	}
	wantCode(t, call(t, s, http.MethodPost, "/v1/send-sms", fmt.Sprintf(`{"destination":%q,"messageText":"a","correlationId":%q}`, n, corr)), 200)
	in := s.Inbound()
	if len(in) != 1 || !in[0].OptOut || in[0].MTCorrelationID != corr {
		t.Fatalf("inbound = %+v, want one opt-out reply to %s", in, corr)
	}
	wantCode(t, call(t, s, http.MethodPost, "/v1/send-sms", fmt.Sprintf(`{"destination":%q,"messageText":"b","correlationId":"after"}`, n)), 200)
	msgs := s.Messages()
	if got := msgs[1].SentStatusCode; got != codeOptOut {
		t.Errorf("send after SAIR: status %d, want %d DESTINATION_BLOCKED_BY_OPTOUT", got, codeOptOut)
	}
	if st := s.Ledger(); st.OptOuts != 1 || st.MOs != 1 {
		t.Errorf("ledger = %+v, want 1 MO and 1 opt-out", st)
	}
}

func TestReplyRate(t *testing.T) {
	tests := []struct {
		rate     float64
		min, max int
	}{
		{-1, 0, 0}, {0, 10, 60}, {0.5, 380, 520}, {1, 850, 950}, // about 90% are delivered and can reply
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rate), func(t *testing.T) {
			s := newTestSandbox(t, Options{ReplyRate: tt.rate})
			wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(1000, "r")), 200)
			got := len(s.Inbound())
			if got < tt.min || got > tt.max {
				t.Errorf("%d replies, want %d..%d", got, tt.min, tt.max)
			}
		})
	}
}
