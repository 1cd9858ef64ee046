package delivery

import (
	"errors"
	"testing"

	"arauto/internal/wavy"
)

func TestSingleObjectNaming(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{`{"id":"f9c1","correlationId":"a1-2","sentStatusCode":2}`, true},
		{` {"correlationId":"a1-2"} `, true},
		{`{"id":123}`, true},
		{`{"x":{"id":"nested"},"id":"top","mt":{"a":[1,2]}}`, true},
		{`{"extraInfo":"{\"id\":\"x\"}","correlationId":"c\"1"}`, true},
		{`{"id":"","correlationId":""}`, false},
		{`{"id":null}`, false},
		{`{"other":"x"}`, false},
		{`{"data":[{"id":"x"}],"id":"y"}`, false}, // a wrapper: the full parser decides
		{`[{"id":"x"}]`, false},
		{`{"id":"x",}`, false}, // not strict JSON: the lenient parser decides
		{`{"id":`, false},
		{``, false},
		{`"id"`, false},
	}
	for _, tt := range tests {
		if got := singleObjectNaming([]byte(tt.body), "id", "correlationId"); got != tt.want {
			t.Errorf("singleObjectNaming(%s) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

// TestWebhookFastPathAgrees checks that bodies the fast path accepts are
// ones the wavy parsers accept as one item, and that the others still get
// the parsers' verdict.
func TestWebhookFastPathAgrees(t *testing.T) {
	bodies := []string{
		`{"id":"f9c100ff-aed0-4456-898c-000000000007","correlationId":"a1-7","carrierId":1,"carrierName":"VIVO","destination":"5511900009999","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":1266660300000,"sentDate":"2010-02-20T10:05:00Z","campaignId":"64","extraInfo":""}`,
		`{"id":"8f5af680","correlationId":"myId","carrierId":5,"carrierName":"TIM","sentStatusCode":2,"sentStatusAt":1420732929252,"deliveredStatusCode":4,"deliveredAt":1420732954000}`,
		"{\n  \"id\":\"f9c1\",\n  \"correlationId\":\"client-id\",\n  \"extraInfo\":\"\",\n}", // the seeds' trailing comma
		`[{"id":"a"},{"id":"b"}]`,
		`{"data":[{"id":"a"}]}`,
		`{"carrierName":"VIVO"}`,
	}
	for _, b := range bodies {
		kind, items, err := Classify("sms-status", []byte(b))
		sts, werr := wavy.ParseSMSStatus([]byte(b))
		if (err == nil) != (werr == nil) || kind != KindSMSStatus || (err == nil && items != len(sts)) {
			t.Errorf("Classify(%s) = %s %d %v; the wavy parser gives %d items, %v", b, kind, items, err, len(sts), werr)
		}
	}
	mo := `{"id":"25950050","source":"5516981562820","messageText":"Eu quero pizza","mt":{"id":"8be5","correlationId":"a1-2"}}`
	if kind, items, err := Classify("sms-mo", []byte(mo)); kind != KindSMSMO || items != 1 || err != nil {
		t.Errorf("Classify(mo) = %s %d %v, want one sms-mo", kind, items, err)
	}
}

func TestClassifyUnknownPath(t *testing.T) {
	if kind, _, err := Classify("email", []byte(`{"id":"x"}`)); kind != "" || !errors.Is(err, ErrUnknownWebhook) {
		t.Errorf("Classify(email) = %q, %v; want ErrUnknownWebhook", kind, err)
	}
}
