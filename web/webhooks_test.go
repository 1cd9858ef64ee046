package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWebhooks(t *testing.T) {
	e := newTestServer(t)
	good := `{"id":"f9c100ff-aed0-4456-898c-e57d754c439c","correlationId":"c-1","carrierName":"VIVO","destination":"5511900009999","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":1266660300000}`
	mo := `{"id":"25950050-7362-4e7f-a7a3-2b8bd2d5ab46","source":"5519997712322","shortCode":"28128","messageText":"SAIR","receivedAt":1266660300000,"mt":{"id":"f9c100ff-aed0-4456-898c-e57d754c439c","correlationId":"c-1"}}`
	tests := []struct {
		name   string
		path   string
		body   string
		status int
	}{
		{"status callback", "/webhooks/wavy/" + testSecret + "/sms-status", good, 200},
		{"list of callbacks", "/webhooks/wavy/" + testSecret + "/sms-status", "[" + good + "," + good + "]", 200},
		{"mo", "/webhooks/wavy/" + testSecret + "/sms-mo", mo, 200},
		{"wrong secret", "/webhooks/wavy/guess/sms-status", good, 404},
		{"unknown kind", "/webhooks/wavy/" + testSecret + "/email", good, 404},
		{"malformed json", "/webhooks/wavy/" + testSecret + "/sms-status", `{"id":`, 400},
		{"not json at all", "/webhooks/wavy/" + testSecret + "/sms-mo", `<html>hi</html>`, 400},
		{"empty body", "/webhooks/wavy/" + testSecret + "/whatsapp", ``, 400},
		{"oversized", "/webhooks/wavy/" + testSecret + "/sms-status", `[` + strings.Repeat(good+",", 7000) + good + `]`, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := e.srv.App().Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("got %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
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
