package wavysender_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/message"
	"arauto/internal/sandbox"
	"arauto/internal/schedule"
	"arauto/internal/wavy"
)

// wireRig is a Sender whose client talks to a recorder in front of a
// sandbox (or of a canned answer), with the client's clock set to now.
type wireRig struct {
	mu     sync.Mutex
	bodies []string
	sender *wavysender.Sender
	sb     *sandbox.Sandbox
}

func newWireRig(t *testing.T, now time.Time, canned string) *wireRig {
	t.Helper()
	r := &wireRig{sb: sandbox.New(sandbox.Options{Seed: 9, DelayScale: 0, ReplyRate: -1, Now: func() time.Time { return now }})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, string(body))
		r.mu.Unlock()
		if canned != "" {
			w.Header().Set("Content-Type", "application/json")
			if strings.Contains(canned, "NO_CREDIT") {
				w.WriteHeader(http.StatusBadRequest)
			}
			_, _ = io.WriteString(w, canned)
			return
		}
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		r.sb.ServeHTTP(w, req)
	}))
	t.Cleanup(func() { srv.Close(); r.sb.Close() })
	client := wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: "sandbox", Token: "sandbox", Now: func() time.Time { return now }})
	r.sender = wavysender.New(func(context.Context) (*wavy.Client, error) { return client, nil }, wavysender.Config{})
	return r
}

func (r *wireRig) lastBody(t *testing.T) map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bodies) == 0 {
		t.Fatal("no request reached the provider")
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.bodies[len(r.bodies)-1]), &m); err != nil {
		t.Fatalf("request body %q: %v", r.bodies[len(r.bodies)-1], err)
	}
	return m
}

func smsBatch(c dispatch.Campaign) dispatch.Batch {
	c.ID, c.Channel, c.Alias = 5, "sms", "natal"
	return dispatch.Batch{Campaign: c, Messages: []dispatch.Message{
		{ID: 1, CampaignID: 5, Phone: "5511988887777", Text: "Oi"},
		{ID: 2, CampaignID: 5, Phone: "5511988886666", Text: "Oi"},
	}}
}

// TestExpiryDateOnTheWire sends a campaign valid until the end of a day
// and checks what the provider receives: that day's 23:59:59 in the
// campaign's zone, with the zone, accepted on the day itself.
func TestExpiryDateOnTheWire(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) // as the form stores it
	tests := []struct {
		name     string
		now      time.Time
		zone     string // the campaign's zone
		wantDate string
		wantZone string
	}{
		{"same day, morning in São Paulo", time.Date(2026, 12, 6, 10, 0, 0, 0, sp), "America/Sao_Paulo", "2026-12-06T23:59:59", "America/Sao_Paulo"},
		{"same day, 22:00 in São Paulo (already the 7th in UTC)", time.Date(2026, 12, 6, 22, 0, 0, 0, sp), "America/Sao_Paulo", "2026-12-06T23:59:59", "America/Sao_Paulo"},
		{"days before", time.Date(2026, 12, 1, 9, 0, 0, 0, sp), "America/Sao_Paulo", "2026-12-06T23:59:59", "America/Sao_Paulo"},
		{"no zone means Brasília time", time.Date(2026, 12, 6, 10, 0, 0, 0, sp), "", "2026-12-06T23:59:59", "America/Sao_Paulo"},
		{"Manaus ends its own day", time.Date(2026, 12, 6, 10, 0, 0, 0, sp), "America/Manaus", "2026-12-06T23:59:59", "America/Manaus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newWireRig(t, tt.now, "")
			acc, err := r.sender.Send(context.Background(), smsBatch(dispatch.Campaign{
				Schedule: schedule.Schedule{Zone: tt.zone, Expiry: schedule.Expiry{Date: day}}}))
			if err != nil || len(acc) != 2 {
				t.Fatalf("Send = %v, %v, want 2 accepted", acc, err)
			}
			body := r.lastBody(t)
			if body["expiresDate"] != tt.wantDate || body["timeZone"] != tt.wantZone {
				t.Errorf("wire expiresDate %v timeZone %v, want %s %s", body["expiresDate"], body["timeZone"], tt.wantDate, tt.wantZone)
			}
			for _, m := range r.sb.Messages() {
				if m.SentStatus == "EXPIRED" {
					t.Errorf("sandbox expired %s, want it sent before the deadline", m.Destination)
				}
			}
		})
	}
}

// TestBulkAnswerWithoutCorrelationIDs gives the dispatcher the ids of the
// seeds' own answer, which has none, by position.
func TestBulkAnswerWithoutCorrelationIDs(t *testing.T) {
	r := newWireRig(t, time.Now(), `{"id":"ce528d70-013b-11e7-98f2-e27c463c8809","messages":[{"id":"ce528d71-013b-11e7-98f2-e27c463c8809"},{"id":"ce528d72-013b-11e7-98f2-e27c463c8809"}]}`)
	acc, err := r.sender.Send(context.Background(), smsBatch(dispatch.Campaign{}))
	want := []dispatch.Accepted{{MessageID: 1, ProviderID: "ce528d71-013b-11e7-98f2-e27c463c8809"}, {MessageID: 2, ProviderID: "ce528d72-013b-11e7-98f2-e27c463c8809"}}
	if err != nil || !slices.EqualFunc(acc, want, func(a, b dispatch.Accepted) bool { return a.MessageID == b.MessageID && a.ProviderID == b.ProviderID }) {
		t.Errorf("Send = %+v, %v, want %+v", acc, err, want)
	}
}

// TestNoCreditIsNotARefusal checks that an answer naming NO_CREDIT leaves
// the messages to be sent later, of the class that pauses the campaign.
func TestNoCreditIsNotARefusal(t *testing.T) {
	r := newWireRig(t, time.Now(), `{"errorCode":201,"errorMessage":"NO_CREDIT"}`)
	_, err := r.sender.Send(context.Background(), smsBatch(dispatch.Campaign{}))
	if !errors.Is(err, wavy.ErrAccountLimit) || !errors.Is(err, dispatch.ErrAccountLimit) || errors.Is(err, dispatch.ErrRejected) {
		t.Errorf("Send error = %v, want wavy.ErrAccountLimit as dispatch.ErrAccountLimit, not a refusal", err)
	}
}

// TestWhatsAppMessageOnTheWire checks the API message built for each kind
// of WhatsApp content against the seeds' field names, and that the client
// accepts it.
func TestWhatsAppMessageOnTheWire(t *testing.T) {
	seedContact := message.WhatsAppContact{
		Name:     message.WhatsAppContactName{First: "John", Formatted: "John Smith", Last: "Smith"},
		Birthday: "2012-08-18",
		Addresses: []message.WhatsAppContactAddress{
			{City: "Menlo Park", Country: "United States", CountryCode: "us", State: "CA", Street: "1 Hacker Way", Type: "HOME", Zip: "94025"},
			{City: "Menlo Park", Country: "United States", CountryCode: "us", State: "CA", Street: "200 Jefferson Dr", Type: "WORK", Zip: "94025"},
		},
		Emails: []message.WhatsAppContactValue{{Value: "test@fb.com", Type: "WORK"}, {Value: "test@whatsapp.com", Type: "WORK"}},
		Org:    message.WhatsAppContactOrg{Company: "WhatsApp", Department: "Design", Title: "Manager"},
		Phones: []message.WhatsAppContactPhone{{Phone: "+1 (940) 555-1234", Type: "HOME"}, {Phone: "+1 (650) 555-1234", Type: "WORK", WaID: "16505551234"}},
		URLs:   []message.WhatsAppContactValue{{Value: "https://www.fb.com", Type: "WORK"}},
	}
	tests := []struct {
		name string
		w    message.WhatsApp
		r    message.WhatsAppRendered
		want string // the "message" object
	}{
		{"text with URL preview", message.WhatsApp{Kind: message.WhatsAppText, Text: "x", PreviewFirstURL: true},
			message.WhatsAppRendered{Text: "Veja https://loja.example"}, `{"messageText":"Veja https://loja.example","previewFirstUrl":true}`},
		{"uploaded image", message.WhatsApp{Kind: message.WhatsAppImage, Media: &message.WhatsAppMedia{Data: "ZmlsZQ==", Type: "JPG"}},
			message.WhatsAppRendered{Caption: "image description"}, `{"image":{"type":"JPG","data":"ZmlsZQ==","caption":"image description"}}`},
		{"document by URL", message.WhatsApp{Kind: message.WhatsAppDocument, Media: &message.WhatsAppMedia{URL: "http://x.example/a.pdf", Type: "PDF"}},
			message.WhatsAppRendered{Caption: "pdf description"}, `{"document":{"type":"PDF","url":"http://x.example/a.pdf","caption":"pdf description"}}`},
		{"uploaded audio", message.WhatsApp{Kind: message.WhatsAppAudio, Media: &message.WhatsAppMedia{Data: "ZmlsZQ==", Type: "MP3"}},
			message.WhatsAppRendered{}, `{"audio":{"type":"MP3","data":"ZmlsZQ=="}}`},
		{"location with address", message.WhatsApp{Kind: message.WhatsAppLocation, Location: &message.WhatsAppPlace{GeoPoint: "-22.894180,-47.047960", Name: "Wavy", Address: "Av. Cel. Silva Telles"}},
			message.WhatsAppRendered{}, `{"location":{"geoPoint":"-22.894180,-47.047960","name":"Wavy","address":"Av. Cel. Silva Telles"}}`},
		{"the seeds' contact and a simple card", message.WhatsApp{Kind: message.WhatsAppContacts, Contacts: []message.WhatsAppContact{seedContact},
			Contact: &message.WhatsAppCard{Name: "Loja", Phone: "+5511999990000"}}, message.WhatsAppRendered{},
			`{"contacts":[{"addresses":[{"city":"Menlo Park","country":"United States","country_code":"us","state":"CA","street":"1 Hacker Way","type":"HOME","zip":"94025"},
				{"city":"Menlo Park","country":"United States","country_code":"us","state":"CA","street":"200 Jefferson Dr","type":"WORK","zip":"94025"}],
				"birthday":"2012-08-18","emails":[{"email":"test@fb.com","type":"WORK"},{"email":"test@whatsapp.com","type":"WORK"}],
				"name":{"first_name":"John","formatted_name":"John Smith","last_name":"Smith"},
				"org":{"company":"WhatsApp","department":"Design","title":"Manager"},
				"phones":[{"phone":"+1 (940) 555-1234","type":"HOME"},{"phone":"+1 (650) 555-1234","type":"WORK","wa_id":"16505551234"}],
				"urls":[{"url":"https://www.fb.com","type":"WORK"}]},
				{"name":{"first_name":"Loja","formatted_name":"Loja"},"phones":[{"phone":"+5511999990000","type":"CELL"}]}]}`},
		{"template with header title and image", message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{
			Namespace: "ns", ElementName: "promo", LanguageCode: "pt_BR", HeaderKind: "image", HeaderTitle: "Oferta",
			HeaderMedia: &message.WhatsAppMedia{URL: "https://cdn.example/p.png", Type: "PNG"}}}, message.WhatsAppRendered{BodyParameters: []string{"Ana"}},
			`{"template":{"namespace":"ns","elementName":"promo","header":{"title":"Oferta","image":{"url":"https://cdn.example/p.png","type":"PNG"}},
				"bodyParameters":["Ana"],"languageCode":"pt_BR","languagePolicy":"DETERMINISTIC"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := wavysender.WhatsAppMessage(tt.w, tt.r)
			got, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(got, &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &b); err != nil {
				t.Fatalf("want: %v", err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("message =\n%s\nwant\n%s", got, tt.want)
			}
			req := wavy.WhatsAppRequest{Destinations: []wavy.WhatsAppDestination{{Destination: "5511988887777"}}, Message: m}
			if err := req.Validate(); err != nil {
				t.Errorf("the client refuses it: %v", err)
			}
		})
	}
}

// TestMediaLimitsAgree: what the composer accepts for upload, the client
// sends.
func TestMediaLimitsAgree(t *testing.T) {
	if message.MaxWhatsAppMediaData != wavy.MaxMediaData {
		t.Errorf("message allows %d bytes of uploaded media, the client %d", message.MaxWhatsAppMediaData, wavy.MaxMediaData)
	}
}

// TestWhatsAppBatchStopsOnlyForTheAccount: refused credentials stop a
// personalised batch at the first request (the rest is queued again); a
// refusal of one request does not stop the others.
func TestWhatsAppBatchStopsOnlyForTheAccount(t *testing.T) {
	tests := []struct {
		name         string
		status       int
		body         string
		wantRequests int
		wantUnsent   int
		wantClass    error
	}{
		{"401 stops the batch", http.StatusUnauthorized, `{"errorMessage":"bad token"}`, 1, 4, dispatch.ErrUnauthorized},
		{"NO_CREDIT stops the batch", http.StatusBadRequest, `{"errorMessage":"NO_CREDIT"}`, 1, 4, dispatch.ErrAccountLimit},
		{"400 for each is each one's", http.StatusBadRequest, `{"errorMessage":"invalid parameter"}`, 5, 0, dispatch.ErrRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests++
				mu.Unlock()
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			client := wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: "u", Token: "t", RequestsPerSecond: -1})
			// Four requests per second: one in flight at a time.
			s := wavysender.New(func(context.Context) (*wavy.Client, error) { return client, nil }, wavysender.Config{RequestsPerSecond: 4})
			tmpl := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{Namespace: "ns", ElementName: "promo",
				LanguageCode: "pt_BR", BodyText: "Oi {{1}}", BodyParameters: []string{"{{nome}}"}}}
			b := dispatch.Batch{Campaign: dispatch.Campaign{ID: 9, Channel: "whatsapp", WhatsApp: tmpl.JSON(), Columns: []string{"nome"}}}
			for i := range 5 {
				b.Messages = append(b.Messages, dispatch.Message{ID: int64(i + 1), CampaignID: 9, Phone: "551198888000" + string(rune('0'+i)), Fields: []string{string(rune('A' + i))}})
			}
			acc, err := s.Send(context.Background(), b)
			var stopped *dispatch.StoppedError
			if len(acc) != 0 || !errors.As(err, &stopped) || !errors.Is(err, tt.wantClass) {
				t.Fatalf("Send = %v, %v, want nothing accepted and a StoppedError of class %v", acc, err, tt.wantClass)
			}
			if len(stopped.Unsent) != tt.wantUnsent || requests != tt.wantRequests {
				t.Errorf("%d requests made, %d recipients unsent, want %d and %d", requests, len(stopped.Unsent), tt.wantRequests, tt.wantUnsent)
			}
		})
	}
}

// TestSendOptionsOnTheWire: a campaign's sub-account, bot flow and SMS
// template at Wavy travel with its messages; a template or flow supplies
// the text, so none is sent. A WhatsApp campaign's flow travels too.
func TestSendOptionsOnTheWire(t *testing.T) {
	tests := []struct {
		name     string
		campaign dispatch.Campaign
		root     map[string]any // fields of the request
		text     bool           // messageText sent
	}{
		{"sub-account only: the text goes", dispatch.Campaign{SubAccount: "Marketing"}, map[string]any{"subAccount": "Marketing"}, true},
		{"template by id and name", dispatch.Campaign{SubAccount: "Loja 12", TemplateID: 31, TemplateName: "boas-vindas"},
			map[string]any{"subAccount": "Loja 12", "templateId": float64(31), "templateName": "boas-vindas"}, false},
		{"bot flow", dispatch.Campaign{FlowID: "14f8142d-e731-4971-8220-5a76a12c413f"},
			map[string]any{"flowId": "14f8142d-e731-4971-8220-5a76a12c413f"}, false},
		{"none", dispatch.Campaign{}, map[string]any{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newWireRig(t, time.Now(), "")
			if _, err := r.sender.Send(context.Background(), smsBatch(tt.campaign)); err != nil {
				t.Fatal(err)
			}
			body := r.lastBody(t)
			for _, k := range []string{"subAccount", "flowId", "templateId", "templateName"} {
				if got, want := body[k], tt.root[k]; got != want {
					t.Errorf("%s on the wire got %v, want %v", k, got, want)
				}
			}
			msgs, _ := body["messages"].([]any)
			for _, m := range msgs {
				_, has := m.(map[string]any)["messageText"]
				if has != tt.text {
					t.Errorf("message %v: messageText sent %v, want %v", m, has, tt.text)
				}
			}
			for _, m := range r.sb.Messages() {
				if m.SubAccount != tt.campaign.SubAccount || m.FlowID != tt.campaign.FlowID {
					t.Errorf("provider recorded sub-account %q flow %q, want %q %q", m.SubAccount, m.FlowID, tt.campaign.SubAccount, tt.campaign.FlowID)
				}
			}
		})
	}
	// WhatsApp: the flow goes in the request.
	r := newWireRig(t, time.Now(), "")
	w := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{Namespace: "ns", ElementName: "oi",
		LanguageCode: "pt_BR", BodyText: "Oi"}}
	b := dispatch.Batch{Campaign: dispatch.Campaign{ID: 5, Channel: "whatsapp", WhatsApp: w.JSON(), FlowID: "bot-7"},
		Messages: []dispatch.Message{{ID: 1, CampaignID: 5, Phone: "5511988887777"}}}
	if _, err := r.sender.Send(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if got := r.lastBody(t)["flowId"]; got != "bot-7" {
		t.Errorf("whatsapp flowId on the wire got %v, want bot-7", got)
	}
}
