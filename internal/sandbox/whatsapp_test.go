package sandbox

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const waContactsBody = `{"destinations":[{"correlationId":"c","destination":"5519900001111"}],"message":{"contacts":[{
	"addresses":[{"city":"Menlo Park","country":"United States","country_code":"us","state":"CA","street":"1 Hacker Way","type":"HOME","zip":"94025"}],
	"birthday":"2012-08-18","emails":[{"email":"test@fb.com","type":"WORK"}],
	"name":{"first_name":"John","formatted_name":"John Smith","last_name":"Smith"},
	"org":{"company":"WhatsApp","department":"Design","title":"Manager"},
	"phones":[{"phone":"+1 (650) 555-1234","type":"WORK","wa_id":"16505551234"}],
	"urls":[{"url":"https://www.fb.com","type":"WORK"}]}]}}`

func TestWhatsAppSend(t *testing.T) {
	tests := []struct {
		name, body string
		wantText   string
	}{
		{"text", `{"destinations":[{"correlationId":"MyCorrelationId","destination":"5519900001111"}],"message":{"messageText":"mensagem de teste"}}`, "mensagem de teste"},
		{"image url, singular key", `{"destination":[{"correlationId":"c","destination":"5519900001111"}],"message":{"image":{"type":"JPG","url":"http://example.com/a.jpg","caption":"image description"}}}`, "[image JPG] image description"},
		{"image base64", `{"destinations":[{"destination":"+5519900001111"}],"message":{"image":{"type":"PNG","data":"ZmlsZQ=="}}}`, "[image PNG]"},
		{"audio", `{"destinations":[{"destination":"5519900001111"}],"message":{"audio":{"type":"MP3","url":"https://example.com/a.mp3"}}}`, "[audio MP3]"},
		{"document", `{"destinations":[{"destination":"5519900001111"}],"message":{"document":{"type":"PDF","url":"http://example.com/a.pdf","caption":"pdf description"}}}`, "[document PDF] pdf description"},
		{"location", `{"destinations":[{"destination":"5519900001111"}],"message":{"location":{"geoPoint":"-22.894180,-47.047960","name":"Wavy","address":"Av. Cel. Silva Telles"}}}`, "[location -22.894180,-47.047960]"},
		{"contacts", waContactsBody, "[contacts 1]"},
		{"template", `{"destinations":[{"destination":"5519900001111"}],"message":{"template":{"namespace":"aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee","elementName":"some_approved_image_hsm","header":{"image":{"url":"https://upload.wikimedia.org/a.jpg","type":"JPEG"}},"bodyParameters":["x"],"languagePolicy":"DETERMINISTIC","languageCode":"pt_BR"}}}`, "[template aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee/some_approved_image_hsm]"},
		{"template with header parameters", `{"destinations":[{"destination":"5519900001111"}],"message":{"template":{"namespace":"n","elementName":"e","header":{"parameters":["p1"]}}},"campaignAlias":"wa","defaultExtraInfo":"x","flowId":"f"}`, "[template n/e]"},
		{"group", `{"destinations":[{"destination":"group-123","recipientType":"group"}],"message":{"template":{"namespace":"n","elementName":"e"}}}`, "[template n/e]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{WhatsAppOpenSessions: true})
			rec := call(t, s, "POST", "/v1/whatsapp/send", tt.body)
			wantCode(t, rec, 200)
			var got bulkResponse
			decodeBody(t, rec, &got)
			if _, ok := parseUUID(got.ID); !ok || len(got.Messages) != 1 {
				t.Fatalf("answer = %+v, want a batch id and one message", got)
			}
			m := s.Messages()[0]
			if m.Channel != "whatsapp" || m.Text != tt.wantText || m.ID != got.Messages[0].ID {
				t.Errorf("ledger = %+v, want whatsapp %q", m, tt.wantText)
			}
			if st := s.Ledger(); st.WhatsApp != 1 || st.SMS != 0 {
				t.Errorf("ledger = %+v, want one WhatsApp message", st)
			}
		})
	}
}

func TestWhatsAppValidation(t *testing.T) {
	dest := `"destinations":[{"destination":"5519900001111"}]`
	tests := []struct{ name, body string }{
		{"no destinations", `{"message":{"messageText":"oi"}}`},
		{"empty destination", `{"destinations":[{"destination":""}],"message":{"messageText":"oi"}}`},
		{"bad recipientType", `{"destinations":[{"destination":"5519900001111","recipientType":"broadcast"}],"message":{"messageText":"oi"}}`},
		{"no message", `{` + dest + `}`},
		{"empty message", `{` + dest + `,"message":{}}`},
		{"two kinds", `{` + dest + `,"message":{"messageText":"oi","location":{"geoPoint":"1,2"}}}`},
		{"blank text", `{` + dest + `,"message":{"messageText":"  "}}`},
		{"image without type", `{` + dest + `,"message":{"image":{"url":"http://e.com/a.jpg"}}}`},
		{"image gif", `{` + dest + `,"message":{"image":{"type":"GIF","url":"http://e.com/a.gif"}}}`},
		{"image without url or data", `{` + dest + `,"message":{"image":{"type":"JPG"}}}`},
		{"image url and data", `{` + dest + `,"message":{"image":{"type":"JPG","url":"http://e.com/a.jpg","data":"ZmlsZQ=="}}}`},
		{"image ftp url", `{` + dest + `,"message":{"image":{"type":"JPG","url":"ftp://e.com/a.jpg"}}}`},
		{"image bad base64", `{` + dest + `,"message":{"image":{"type":"JPG","data":"***"}}}`},
		{"audio wav", `{` + dest + `,"message":{"audio":{"type":"WAV","url":"http://e.com/a.wav"}}}`},
		{"document docx", `{` + dest + `,"message":{"document":{"type":"DOCX","url":"http://e.com/a.docx"}}}`},
		{"location without geoPoint", `{` + dest + `,"message":{"location":{"name":"Wavy"}}}`},
		{"location bad geoPoint", `{` + dest + `,"message":{"location":{"geoPoint":"north"}}}`},
		{"location out of range", `{` + dest + `,"message":{"location":{"geoPoint":"95,10"}}}`},
		{"no contacts", `{` + dest + `,"message":{"contacts":[]}}`},
		{"template without namespace", `{` + dest + `,"message":{"template":{"elementName":"e"}}}`},
		{"template without elementName", `{` + dest + `,"message":{"template":{"namespace":"n"}}}`},
		{"template bad policy", `{` + dest + `,"message":{"template":{"namespace":"n","elementName":"e","languagePolicy":"RANDOM"}}}`},
		{"template bad language", `{` + dest + `,"message":{"template":{"namespace":"n","elementName":"e","languageCode":"klingon"}}}`},
		{"template long title", `{` + dest + `,"message":{"template":{"namespace":"n","elementName":"e","header":{"title":"` + strings.Repeat("t", 61) + `"}}}}`},
		{"template header element without url", `{` + dest + `,"message":{"template":{"namespace":"n","elementName":"e","header":{"image":{"type":"JPEG"}}}}}`},
		{"template header parameters and title", `{` + dest + `,"message":{"template":{"namespace":"n","elementName":"e","header":{"parameters":["a"],"title":"t"}}}}`},
		{"too many destinations", `{"destinations":[` + strings.TrimSuffix(strings.Repeat(`{"destination":"5519900001111"},`, 1001), ",") + `],"message":{"messageText":"oi"}}`},
		{"invalid json", `{"destinations":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			rec := call(t, s, "POST", "/v1/whatsapp/send", tt.body)
			wantCode(t, rec, 400)
			if s.Ledger().Accepted != 0 {
				t.Errorf("accepted messages from an invalid request")
			}
		})
	}
}

func TestWhatsAppSessions(t *testing.T) {
	s := newTestSandbox(t, Options{Outcomes: Outcomes{Delivered: 1}, ReplyRate: -1})
	text := `{"destinations":[{"destination":"5519900001111","correlationId":"t"}],"message":{"messageText":"oi"}}`
	tmpl := `{"destinations":[{"destination":"5519900001111","correlationId":"h"}],"message":{"template":{"namespace":"n","elementName":"e"}}}`
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", text), 200)
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", tmpl), 200)
	msgs := s.Messages()
	if msgs[0].SentStatusCode != codeInvalidSession || msgs[0].SentStatus != "INVALID_SESSION" {
		t.Errorf("free-form without session: %d %s, want 210 INVALID_SESSION", msgs[0].SentStatusCode, msgs[0].SentStatus)
	}
	if msgs[1].SentStatusCode != codeSentSuccess || msgs[1].DeliveredStatusCode != codeDeliveredSuccess {
		t.Errorf("template: %+v, want sent and delivered", msgs[1])
	}

	// A reply opens a 24-hour session.
	clock := newFakeClock()
	s = newTestSandbox(t, Options{Now: clock.Now, Outcomes: Outcomes{Delivered: 1}, ReplyRate: 1})
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", tmpl), 200)
	if in := s.Inbound(); len(in) != 1 || in[0].Channel != "whatsapp" {
		t.Fatalf("inbound = %+v, want one WhatsApp reply", in)
	}
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", text), 200)
	if got := s.Messages()[1]; got.SentStatusCode == codeInvalidSession {
		t.Errorf("free-form inside the session failed with INVALID_SESSION")
	}
	clock.Advance(25 * time.Hour)
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", text), 200)
	if got := s.Messages()[2]; got.SentStatusCode != codeInvalidSession {
		t.Errorf("free-form after the session: %d, want 210", got.SentStatusCode)
	}
}

func TestSession(t *testing.T) {
	s := newTestSandbox(t, Options{Outcomes: Outcomes{Delivered: 1}, ReplyRate: 1})
	wantCode(t, call(t, s, "GET", "/v1/session", ""), 400)
	wantCode(t, call(t, s, "GET", "/v1/session?customerId=abc", ""), 400)
	wantCode(t, call(t, s, "GET", "/v1/session?customerId=42&subAccountId=x", ""), 400)
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", `{"destinations":[{"destination":"5519900001111"}],"message":{"template":{"namespace":"n","elementName":"e"}}}`), 200)

	fetch := func(customer string) string {
		t.Helper()
		rec := call(t, s, "GET", "/v1/session?customerId="+customer+"&subAccountId=0", "")
		wantCode(t, rec, 200)
		var got sessionResponse
		decodeBody(t, rec, &got)
		if !strings.HasPrefix(got.FileURL, "http://example.com/v1/session/files/") {
			t.Fatalf("file_url = %q, want a link served by the sandbox", got.FileURL)
		}
		req := httptest.NewRequest("GET", strings.TrimPrefix(got.FileURL, "http://example.com"), nil)
		frec := httptest.NewRecorder()
		s.ServeHTTP(frec, req) // the file link needs no credentials
		wantCode(t, frec, 200)
		b, _ := io.ReadAll(frec.Body)
		return string(b)
	}
	mine := fetch("42")
	if !strings.HasPrefix(mine, "source,session_created_at\n5519900001111,") {
		t.Errorf("sessions file = %q, want the header and 5519900001111", mine)
	}
	if other := fetch("7"); other != "source,session_created_at\n" {
		t.Errorf("other customer's file = %q, want only the header", other)
	}
	wantCode(t, call(t, s, "GET", "/v1/session/files/not-a-file.csv", ""), 404)
}
