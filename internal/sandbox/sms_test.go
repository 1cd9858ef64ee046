package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSendSMS(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		wantCorr                 string
	}{
		{"post", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"linha\nquebrada","correlationId":"myId"}`, "myId"},
		{"post without correlationId", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi"}`, ""},
		{"get", http.MethodGet, "/v1/send-sms?destination=5511900000000&messageText=ol%C3%A1&correlationId=g1", "", "g1"},
		{"trailing slash", http.MethodPost, "/v1/send-sms/", `{"destination":"5511900000000","messageText":"oi","correlationId":"s1"}`, "s1"},
		{"flashSMS as string", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","flashSMS":"true"}`, ""},
		{"templateId instead of text", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","templateId":"12"}`, ""},
		{"time window and zone", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","timeWindow":[9,10],"timeZone":"America/Sao_Paulo","expiresInMinutes":600}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			rec := call(t, s, tt.method, tt.path, tt.body)
			wantCode(t, rec, http.StatusOK)
			if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			var got []sendResult
			decodeBody(t, rec, &got)
			if len(got) != 1 {
				t.Fatalf("got %d results, want 1", len(got))
			}
			if _, ok := parseUUID(got[0].ID); !ok {
				t.Errorf("id = %q, want a UUID", got[0].ID)
			}
			if got[0].CorrelationID != tt.wantCorr {
				t.Errorf("correlationId = %q, want %q", got[0].CorrelationID, tt.wantCorr)
			}
			msgs := s.Messages()
			if len(msgs) != 1 || msgs[0].ID != got[0].ID {
				t.Fatalf("ledger = %+v, want the one message %s", msgs, got[0].ID)
			}
		})
	}
}

func TestSendSMSValidation(t *testing.T) {
	long := strings.Repeat("a", MaxMessageTextLen+1)
	emoji := strings.Repeat("😀", MaxMessageTextLen/2+1) // 641 runes, 1282 UTF-16 units
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"missing destination", http.MethodPost, "/v1/send-sms", `{"messageText":"oi"}`, 400},
		{"blank destination", http.MethodPost, "/v1/send-sms", `{"destination":"  ","messageText":"oi"}`, 400},
		{"missing messageText", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000"}`, 400},
		{"messageText 1281 chars", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"` + long + `"}`, 400},
		{"messageText 1280 chars", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"` + long[1:] + `"}`, 200},
		{"messageText 1280 accented chars", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"` + strings.Repeat("ç", 1280) + `"}`, 200},
		{"messageText over 1280 UTF-16 units", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"` + emoji + `"}`, 400},
		{"correlationId 65 chars", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","correlationId":"` + strings.Repeat("c", 65) + `"}`, 400},
		{"correlationId 64 chars", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","correlationId":"` + strings.Repeat("c", 64) + `"}`, 200},
		{"extraInfo 256 chars", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","extraInfo":"` + strings.Repeat("e", 256) + `"}`, 400},
		{"expiresAt with expiresInMinutes", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","expiresAt":1700000000,"expiresInMinutes":5}`, 400},
		{"expiresDate with expiresAt", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","expiresDate":"2030-01-01T00:00:00","expiresAt":1700000000}`, 400},
		{"bad expiresDate", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","expiresDate":"01/01/2030"}`, 400},
		{"zero expiresInMinutes", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","expiresInMinutes":0}`, 400},
		{"scheduledAt with delayedInMinutes", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","scheduledAt":1900000000,"delayedInMinutes":40}`, 400},
		{"bad scheduledDate", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","scheduledDate":"tomorrow"}`, 400},
		{"unknown timeZone", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","timeZone":"Mars/Olympus","expiresInMinutes":5}`, 400},
		{"unknown timeZone alone", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","timeZone":"Nowhere/Town"}`, 400},
		{"timeWindow hour 24", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","timeWindow":[24]}`, 400},
		{"expiresAt as string", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","expiresAt":"1700000000"}`, 200},
		{"expiresAt not a number", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","expiresAt":"soon"}`, 400},
		{"invalid JSON", http.MethodPost, "/v1/send-sms", `{"destination":`, 400},
		{"trailing data", http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi"} {}`, 400},
		{"empty body", http.MethodPost, "/v1/send-sms", ``, 400},
		{"array body", http.MethodPost, "/v1/send-sms", `[{"destination":"5511900000000","messageText":"oi"}]`, 400},
		{"get missing text", http.MethodGet, "/v1/send-sms?destination=5511900000000", "", 400},
		{"get bad expiresAt", http.MethodGet, "/v1/send-sms?destination=5511900000000&messageText=oi&expiresAt=x", "", 400},
		{"get bad flashSMS", http.MethodGet, "/v1/send-sms?destination=5511900000000&messageText=oi&flashSMS=maybe", "", 400},
		{"get time window", http.MethodGet, "/v1/send-sms?destination=5511900000000&messageText=oi&timeWindow=11,12,18", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			rec := call(t, s, tt.method, tt.path, tt.body)
			wantCode(t, rec, tt.want)
			if tt.want == http.StatusBadRequest {
				var e apiError
				decodeBody(t, rec, &e)
				if e.ErrorCode != 400 || e.ErrorMessage == "" {
					t.Errorf("error body = %+v, want errorCode 400 and a message", e)
				}
				if got := s.Ledger().Accepted; got != 0 {
					t.Errorf("accepted = %d after a 400, want 0", got)
				}
			}
		})
	}
}

func TestSendBulk(t *testing.T) {
	s := newTestSandbox(t, Options{})
	if rec := call(t, s, http.MethodPost, "/api/v1/campaigns", `{"campaign":{"name":"Outono","alias":"outono"}}`); rec.Code != http.StatusCreated {
		t.Fatalf("create campaign: %d %s", rec.Code, rec.Body.String())
	}
	body := `{"messages":[
		{"destination":"5519900001111","messageText":"First message","correlationId":"b1"},
		{"destination":"5519900002222","correlationId":"b2","extraInfo":"x"},
		{"destination":"+55 (19) 90000-3333","correlationId":"b3"}],
		"defaultValues":{"messageText":"Default message","flashSMS":"true"},
		"campaignAlias":"outono","subAccount":"mkt","timeZone":"America/Sao_Paulo"}`
	rec := call(t, s, http.MethodPost, "/v1/send-bulk-sms", body)
	wantCode(t, rec, http.StatusOK)
	var got bulkResponse
	decodeBody(t, rec, &got)
	if _, ok := parseUUID(got.ID); !ok {
		t.Errorf("batch id = %q, want a UUID", got.ID)
	}
	if len(got.Messages) != 3 {
		t.Fatalf("got %d messages, want 3", len(got.Messages))
	}
	msgs := s.Messages()
	wantText := []string{"First message", "Default message", "Default message"}
	for i, m := range msgs {
		if m.ID != got.Messages[i].ID {
			t.Errorf("message %d id = %s, want %s", i, m.ID, got.Messages[i].ID)
		}
		if got.Messages[i].CorrelationID != fmt.Sprintf("b%d", i+1) {
			t.Errorf("message %d correlationId = %q, want b%d", i, got.Messages[i].CorrelationID, i+1)
		}
		if m.Text != wantText[i] {
			t.Errorf("message %d text = %q, want %q", i, m.Text, wantText[i])
		}
		if m.CampaignAlias != "outono" || m.CampaignID != 1 || m.SubAccount != "mkt" || !m.Flash {
			t.Errorf("message %d = %+v, want alias outono, campaign 1, subAccount mkt, flash", i, m)
		}
		if m.BatchID != got.ID {
			t.Errorf("message %d batch = %s, want %s", i, m.BatchID, got.ID)
		}
	}
	if msgs[2].Destination != "5519900003333" {
		t.Errorf("normalised destination = %q, want 5519900003333", msgs[2].Destination)
	}
}

func TestSendBulkLimits(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"1000 messages", bulkBody(1000, "ok"), 200},
		{"1001 messages", bulkBody(1001, "big"), 400},
		{"no messages", `{"messages":[],"defaultValues":{"messageText":"x"}}`, 400},
		{"messages missing", `{"defaultValues":{"messageText":"x"}}`, 400},
		{"one without text", `{"messages":[{"destination":"5511900000001","messageText":"a"},{"destination":"5511900000002"}]}`, 400},
		{"one without destination", `{"messages":[{"destination":"5511900000001"},{"messageText":"b"}],"defaultValues":{"messageText":"x"}}`, 400},
		{"one text too long", `{"messages":[{"destination":"5511900000001","messageText":"` + strings.Repeat("x", 1281) + `"}]}`, 400},
		{"conflicting expiry in defaults", `{"messages":[{"destination":"5511900000001"}],"defaultValues":{"messageText":"x","expiresAt":1,"expiresInMinutes":1}}`, 400},
		{"root text", `{"messages":[{"destination":"5511900000001"}],"messageText":"root"}`, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			rec := call(t, s, http.MethodPost, "/v1/send-bulk-sms", tt.body)
			wantCode(t, rec, tt.want)
			if tt.want == 400 && s.Ledger().Accepted != 0 {
				t.Errorf("accepted = %d after a 400, want 0 (all or nothing)", s.Ledger().Accepted)
			}
			if tt.name == "1000 messages" {
				var got bulkResponse
				decodeBody(t, rec, &got)
				if len(got.Messages) != 1000 || s.Ledger().SMS != 1000 {
					t.Errorf("got %d ids and %d recorded, want 1000", len(got.Messages), s.Ledger().SMS)
				}
			}
		})
	}
}

func TestExpiryAndScheduling(t *testing.T) {
	clock := newFakeClock() // 2024-03-12 15:04:05 UTC = 12:04:05 in São Paulo
	s := newTestSandbox(t, Options{Now: clock.Now, Outcomes: Outcomes{Delivered: 1}})
	now := clock.Now()
	tests := []struct {
		name     string
		body     string
		wantCode int
		wantSent string // time the sent status is planned, RFC 3339
	}{
		{"expired before sending", fmt.Sprintf(`{"destination":"5511900000000","messageText":"a","expiresAt":%d}`, now.Add(-time.Hour).Unix()), codeExpired, now.Format(rfc)},
		{"expiresAt in milliseconds", fmt.Sprintf(`{"destination":"5511900000000","messageText":"a","expiresAt":%d}`, now.Add(time.Hour).UnixMilli()), codeSentSuccess, now.Format(rfc)},
		{"delayed", `{"destination":"5511900000000","messageText":"a","delayedInMinutes":45}`, codeSentSuccess, now.Add(45 * time.Minute).Format(rfc)},
		{"window later today", `{"destination":"5511900000000","messageText":"a","timeWindow":[18,19]}`, codeSentSuccess, "2024-03-12T21:00:00Z"},
		{"window now", `{"destination":"5511900000000","messageText":"a","timeWindow":[12]}`, codeSentSuccess, now.Format(rfc)},
		{"scheduled after expiry", `{"destination":"5511900000000","messageText":"a","scheduledDate":"2024-03-13T08:00:00","expiresDate":"2024-03-12T20:00:00"}`, codeExpired, "2024-03-12T23:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := call(t, s, "POST", "/v1/send-sms", tt.body)
			wantCode(t, rec, 200)
			msgs := s.Messages()
			m := msgs[len(msgs)-1]
			if m.SentStatusCode != tt.wantCode {
				t.Errorf("sent status = %d, want %d", m.SentStatusCode, tt.wantCode)
			}
			if got := m.SentAt.Format(rfc); got != tt.wantSent {
				t.Errorf("sent at %s, want %s", got, tt.wantSent)
			}
		})
	}
}

const rfc = time.RFC3339
