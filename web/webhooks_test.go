package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"arauto/store"
)

func TestWebhooks(t *testing.T) {
	e := newTestServer(t)
	good := `{"id":"f9c100ff-aed0-4456-898c-e57d754c439c","correlationId":"c-1","carrierName":"VIVO","destination":"5511900009999","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":1266660300000}`
	mo := `{"id":"25950050-7362-4e7f-a7a3-2b8bd2d5ab46","source":"5519997712322","shortCode":"28128","messageText":"SAIR","receivedAt":1266660300000,"mt":{"id":"f9c100ff-aed0-4456-898c-e57d754c439c","correlationId":"c-1"}}`
	hook := "/webhooks/wavy/" + testSecret
	runHandlerTests(t, e, []handlerTest{
		{name: "status callback", webhook: true, path: hook + "/sms-status", json: good, want: 200},
		{name: "list of callbacks", webhook: true, path: hook + "/sms-status", json: "[" + good + "," + good + "]", want: 200},
		{name: "mo", webhook: true, path: hook + "/sms-mo", json: mo, want: 200},
		{name: "wrong secret", webhook: true, path: "/webhooks/wavy/guess/sms-status", json: good, want: 404},
		{name: "unknown kind", webhook: true, path: hook + "/email", json: good, want: 404},
		{name: "malformed json", webhook: true, path: hook + "/sms-status", json: `{"id":`, want: 400},
		{name: "not json at all", webhook: true, path: hook + "/sms-mo", json: `<html>hi</html>`, want: 400},
		{name: "empty body", webhook: true, path: hook + "/whatsapp", json: ``, want: 400},
		{name: "oversized", webhook: true, path: hook + "/sms-status", json: `[` + strings.Repeat(good+",", 7000) + good + `]`, want: 413},
	})
	counts, err := e.store.EventCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts["sms-status"] != 2 || counts["sms-mo"] != 1 || len(counts) != 2 {
		t.Errorf("got stored events %v, want 2 sms-status and 1 sms-mo", counts)
	}
	if !strings.Contains(e.logs.String(), "webhook body rejected") {
		t.Errorf("malformed webhook bodies were not logged")
	}
}

// TestWebhookReplyByGet: an SMS reply Wavy forwards by GET, its fields in
// the query string (seed 001), is stored and applied like the POST form:
// it reaches the inbox, and SAIR suppresses the number. Only the sms-mo
// URL takes GET, with the right secret; neither the secret nor the
// reply's words reach the log.
func TestWebhookReplyByGet(t *testing.T) {
	e := newTestServer(t)
	hook := "/webhooks/wavy/" + testSecret
	q := url.Values{"id": {"mo-get-1"}, "source": {"5519997712322"}, "shortCode": {"28128"}, "messageText": {"SAIR"},
		"receivedAt": {"1766660300000"}, "mt.correlationId": {"c-1"}}
	b := e.browser(t)
	tests := []struct {
		path string
		want int
	}{
		{hook + "/sms-mo?" + q.Encode(), 200},
		{"/webhooks/wavy/guess/sms-mo?" + q.Encode(), 404},
		{hook + "/sms-status?" + q.Encode(), 404},
		{hook + "/sms-mo?foo=bar", 400},
	}
	for _, tt := range tests {
		if r := b.do("GET", tt.path, nil); r.status != tt.want {
			t.Errorf("GET %s got %d, want %d", logPath(tt.path), r.status, tt.want)
		}
	}
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
	page, err := e.store.Inbox(context.Background(), store.InboxQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Text != "SAIR" || !page.Items[0].OptOut || page.Items[0].Phone != "5519997712322" {
		t.Errorf("inbox got %+v, want the reply SAIR as an opt-out", page.Items)
	}
	suppressed, err := e.store.SuppressedPhones(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := suppressed["5519997712322"]; !ok {
		t.Errorf("the number that replied SAIR by GET is not suppressed")
	}
	if logs := e.logs.String(); strings.Contains(logs, testSecret) || strings.Contains(logs, "SAIR") {
		t.Errorf("the log shows the secret or the reply's words:\n%s", logs)
	}
}
