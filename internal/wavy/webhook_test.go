package wavy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Expected values of the documented examples.
var (
	wantCallback = SMSStatus{
		ID: "f9c100ff-aed0-4456-898c-e57d754c439c", CorrelationID: "client-id", CarrierID: 1, CarrierName: "VIVO",
		Destination: "5511900009999", SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
		SentAt: time.Date(2010, 2, 20, 10, 5, 0, 0, time.UTC), CampaignID: "64",
	}
	wantDLR = SMSStatus{
		ID: "8f5af680-973e-11e4-ad43-4ee58e9a13a6", CorrelationID: "myId", CarrierID: 5, CarrierName: "TIM",
		Destination: "5519900001111", SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: ms(1420732929252),
		DeliveredStatusCode: 4, DeliveredStatus: "DELIVERED_SUCCESS", DeliveredAt: ms(1420732954000), CampaignID: "1234",
	}
	wantMO000 = SMSMO{
		ID: "25950050-7362-11e6-be62-001b7843e7d4", SubAccount: "iFoodMarketing", CampaignAlias: "iFoodPromo",
		CarrierID: 1, CarrierName: "VIVO", Source: "5516981562820", ShortCode: "28128", MessageText: "Eu quero pizza",
		ReceivedAt: ms(1473088405588),
		MT:         &MTRef{ID: "8be584fd-2554-439b-9ba9-aab507278992", CorrelationID: "1876", Username: "iFoodCS", Email: "customer.support@ifood.com"},
	}
	wantMOList000 = MOList{
		Total: 1, Start: time.Date(2016, 9, 4, 11, 12, 41, 0, time.UTC), End: time.Date(2016, 9, 8, 11, 17, 39, 113e6, time.UTC),
		Messages: []SMSMO{wantMO000, {
			ID: "d3afc42a-1fd9-49ff-8b8b-34299c070ef3", SubAccount: "iFoodMarketing", CampaignAlias: "iFoodPromo",
			CarrierID: 5, CarrierName: "TIM", Source: "5519987565020", ShortCode: "28128",
			MessageText: "Meu hamburguer está chegando?", ReceivedAt: ms(1473088405588),
			MT: &MTRef{ID: "302db832-3527-4e3c-b57b-6a481644d88b", CorrelationID: "1893", Username: "iFoodCS", Email: "customer.support@ifood.com"},
		}},
	}
	wantMOList001 = MOList{
		Total: 1, Start: time.Date(2016, 9, 4, 11, 12, 41, 0, time.UTC), End: time.Date(2016, 9, 8, 11, 17, 39, 113e6, time.UTC),
		Messages: []SMSMO{{
			ID: "25950050-7362-11e6-be62-001b7843e7d4", SubAccount: "Marketing", CampaignAlias: "Promo",
			CarrierID: 1, CarrierName: "VIVO", Source: "5516981562820", ShortCode: "28128", MessageText: "Eu quero pizza",
			ReceivedAt: ms(1473088405588),
			MT:         &MTRef{ID: "8be584fd-2554-439b-9ba9-aab507278992", CorrelationID: "1876", Username: "CS", Email: "[email protected]"},
		}, {
			ID: "d3afc42a-1fd9-49ff-8b8b-34299c070ef3", SubAccount: "Marketing", CampaignAlias: "Promo",
			CarrierID: 5, CarrierName: "TIM", Source: "5519987565020", ShortCode: "28128",
			MessageText: "Meu hamburguer está chegando?", ReceivedAt: ms(1473088405588),
			MT: &MTRef{ID: "302db832-3527-4e3c-b57b-6a481644d88b", CorrelationID: "1893", Username: "CS", Email: "[email protected]"},
		}},
	}
	wantCarrierLookup = CarrierLookup{ID: "aadb5130-7dd7-11e7-baac-a6aabe61edb5", Destinations: []CarrierInfo{
		{Destination: "5519997712322", BelongsToCarrier: true, Carrier: Carrier{Name: "VIVO", CountryCode: "BR"}},
		{Destination: "5519997712322", BelongsToCarrier: true, Carrier: Carrier{Name: "VIVO", CountryCode: "BR"}},
		{Destination: "2312312", BelongsToCarrier: false, Carrier: Carrier{Name: "UNKNOWN"}},
	}}
	waMOTime     = ms(1513616971473)
	waProfile    = UserProfile{Name: "nome do usuário"}
	waClientInfo = ClientInfo{CustomerID: 42, SubAccountID: 1291, UserID: 1}
	wantContact  = Contact{
		Addresses: []ContactAddress{
			{City: "Menlo Park", Country: "United States", CountryCode: "us", State: "CA", Street: "1 Hacker Way", Type: "HOME", Zip: "94025"},
			{City: "Menlo Park", Country: "United States", CountryCode: "us", State: "CA", Street: "200 Jefferson Dr", Type: "WORK", Zip: "94025"},
		},
		Birthday: "2012-08-18",
		Emails:   []ContactEmail{{Email: "test@fb.com", Type: "WORK"}, {Email: "test@whatsapp.com", Type: "WORK"}},
		Name:     &ContactName{FirstName: "John", FormattedName: "John Smith", LastName: "Smith"},
		Org:      &ContactOrg{Company: "WhatsApp", Department: "Design", Title: "Manager"},
		Phones:   []ContactPhone{{Phone: "+1 (940) 555-1234", Type: "HOME"}, {Phone: "+1 (650) 555-1234", Type: "WORK", WaID: "16505551234"}},
		URLs:     []ContactURL{{URL: "https://www.fb.com", Type: "WORK"}},
	}
)

// waMO returns the fields shared by the documented WhatsApp MO examples.
func waMO(msg InboundMessage) WhatsAppMO {
	return WhatsAppMO{
		ID: "ce425ffe-bc62-421f-9261-e6819a5eab43", Source: "5519900000000", Origin: "5519900000000",
		UserProfile: waProfile, CampaignID: "100", CorrelationID: "...", CampaignAlias: "...", FlowID: "....",
		ExtraInfo: "...", Message: msg, ReceivedAt: waMOTime,
	}
}

func TestParseSMSStatusExamples(t *testing.T) {
	cases := []struct {
		file string
		want []SMSStatus
	}{
		{"sms_callback_000.json", []SMSStatus{wantCallback}},
		{"sms_callback_001.json", []SMSStatus{wantCallback}},
		{"sms_dlr_000.json", []SMSStatus{wantDLR}},
		{"sms_dlr_001.json", []SMSStatus{wantDLR}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ParseSMSStatus([]byte(readTestdata(t, tc.file)))
			if err != nil {
				t.Fatalf("ParseSMSStatus: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseSMSStatusVariants(t *testing.T) {
	cases := []struct {
		label   string
		body    string
		want    []SMSStatus
		wantErr bool
	}{
		{
			label: "strings for codes and ids, dates only as strings",
			body: `{"id":"a","correlationId":17,"carrierId":"5","sentStatusCode":"2","sentStatus":"SENT_SUCCESS",
				"sentDate":"2015-01-08T16:02:09Z","deliveredStatusCode":"104","deliveredDate":"2015-01-08T16:03:00+0000","campaignId":99}`,
			want: []SMSStatus{{ID: "a", CorrelationID: "17", CarrierID: 5, SentStatusCode: 2, SentStatus: "SENT_SUCCESS",
				SentAt: time.Date(2015, 1, 8, 16, 2, 9, 0, time.UTC), DeliveredStatusCode: 104,
				DeliveredAt: time.Date(2015, 1, 8, 16, 3, 0, 0, time.UTC), CampaignID: "99"}},
		},
		{
			label: "sentStatusDate alone",
			body:  `{"id":"b","sentStatusCode":2,"sentStatusDate":"2015-01-08T16:02:09Z"}`,
			want:  []SMSStatus{{ID: "b", SentStatusCode: 2, SentAt: time.Date(2015, 1, 8, 16, 2, 9, 0, time.UTC)}},
		},
		{
			label: "epoch as a digit string and unknown fields",
			body:  `{"id":"c","sentAt":"1420732929252","shiny":{"new":true},"sentStatusCode":203}`,
			want:  []SMSStatus{{ID: "c", SentStatusCode: 203, SentAt: ms(1420732929252)}},
		},
		{
			label: "a list of two",
			body:  `[{"id":"a","sentStatusCode":2},{"id":"b","sentStatusCode":4}]`,
			want:  []SMSStatus{{ID: "a", SentStatusCode: 2}, {ID: "b", SentStatusCode: 4}},
		},
		{
			label: "unparseable date is left zero",
			body:  `{"id":"d","sentDate":"yesterday"}`,
			want:  []SMSStatus{{ID: "d"}},
		},
		{label: "empty list", body: `[]`, want: []SMSStatus{}},
		{label: "empty body", body: ``, wantErr: true},
		{label: "garbage", body: `blargh`, wantErr: true},
		{label: "HTML", body: `<html><body>oops</body></html>`, wantErr: true},
		{label: "no id", body: `{"sentStatusCode":2}`, wantErr: true},
		{label: "code not a number", body: `{"id":"a","sentStatusCode":"two"}`, wantErr: true},
		{label: "a string", body: `"hello"`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			got, err := ParseSMSStatus([]byte(tc.body))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseSMSStatus = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSMSStatus: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseSMSMOExamples(t *testing.T) {
	want001 := wantMO000
	want001.SubAccount, want001.CampaignAlias = "Marketing", "Promo"
	want001.MT = &MTRef{ID: "8be584fd-2554-439b-9ba9-aab507278992", CorrelationID: "1876", Username: "iFoodCS", Email: "[email protected]"}
	cases := []struct {
		file string
		want []SMSMO
	}{
		{"sms_mo_webhook_000.json", []SMSMO{wantMO000}},
		{"sms_mo_webhook_001.json", []SMSMO{want001}},
		{"sms_mo_list_000.json", wantMOList000.Messages},
		{"sms_mo_list_001_fragment.json", wantMOList001.Messages},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ParseSMSMO([]byte(readTestdata(t, tc.file)))
			if err != nil {
				t.Fatalf("ParseSMSMO: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseMOListExamples(t *testing.T) {
	cases := []struct {
		file string
		want MOList
	}{
		{"sms_mo_list_000.json", wantMOList000},
		{"sms_mo_list_001_fragment.json", wantMOList001},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ParseMOList([]byte(readTestdata(t, tc.file)))
			if err != nil {
				t.Fatalf("ParseMOList: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseWhatsAppStatusExample(t *testing.T) {
	at := ms(1513616971891)
	want := []WhatsAppStatus{{
		ID: "8995c40f-1c3a-48d0-98ee-bbc603622a91", CorrelationID: "...", Destination: "5519900000000",
		Origin: "5519900000000", CampaignID: "100", CampaignAlias: "...", FlowID: "...", ExtraInfo: "...",
		Sent: true, SentStatusCode: 1, SentStatus: "sent status", SentAt: at,
		Delivered: true, DeliveredStatusCode: 1, DeliveredStatus: "delivered status", DeliveredAt: at,
		Read: true, ReadAt: at, UpdatedAt: at, Type: "MESSAGE", ClientInfo: waClientInfo,
	}}
	got, err := ParseWhatsAppStatus([]byte(readTestdata(t, "wa_status_000.json")))
	if err != nil {
		t.Fatalf("ParseWhatsAppStatus: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	sc, ok := got[0].Status()
	if !ok || sc.Name != "READ_SUCCESS" {
		t.Errorf("Status() = %v, %v, want READ_SUCCESS, true", sc.Name, ok)
	}
}

func TestParseWhatsAppMOExamples(t *testing.T) {
	button := WhatsAppMO{
		ID: "ce425ffe-bc62-421f-9261-e6819a5eab43", MessageID: "aae959ca-5944-405a-809a-75ff142bc234",
		Source: "5511900000000", Origin: "5511900000000",
		UserProfile: UserProfile{Name: "username", WhatsAppID: "5511900000000"}, CorrelationID: "...",
		Message:    InboundMessage{Type: "BUTTON", MessageText: "Sim", Payload: "sim"},
		ReceivedAt: waMOTime,
		Session:    &Session{ID: "06deff90-cc27-11ea-b94f-0050569e62ca", CreatedAt: waMOTime},
		ClientInfo: ClientInfo{CustomerID: 10, SubAccountID: 0, UserID: 101010},
	}
	referral := waMO(InboundMessage{Type: "TEXT", MessageText: "Hi, this is a message from the user"})
	referral.UserProfile = UserProfile{Name: "name of the user"}
	referral.Referral = &Referral{HeadLine: "...", Body: "...", SourceType: "...", SourceID: "...", SourceURL: "...", MediaType: "...", MediaURL: "..."}
	referral.MTSentAt = waMOTime

	cases := []struct {
		file     string
		want     WhatsAppMO
		wantKind string
	}{
		{"wa_mo_text_000.json", waMO(InboundMessage{Type: "TEXT", MessageText: "Olá, essa é uma mensagem do usuário."}), "TEXT"},
		{"wa_mo_button_000.json", button, "BUTTON"},
		{"wa_mo_media_000.json", waMO(InboundMessage{Type: "IMAGE", MediaURL: "https://...", MimeType: "image/jpg", Caption: "..."}), "IMAGE"},
		{"wa_mo_location_000.json", waMO(InboundMessage{Location: &Location{GeoPoint: "-22.894180,-47.047960", Name: "Wavy", Address: "Av. Cel. Silva Telles"}}), "LOCATION"},
		{"wa_mo_contacts_000.json", waMO(InboundMessage{Contacts: []Contact{wantContact}}), "CONTACTS"},
		{"wa_mo_referral_000.json", referral, "TEXT"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ParseWhatsAppMO([]byte(readTestdata(t, tc.file)))
			if err != nil {
				t.Fatalf("ParseWhatsAppMO: %v", err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d messages, want 1", len(got))
			}
			if !reflect.DeepEqual(got[0], tc.want) {
				t.Errorf("got %+v\nwant %+v", got[0], tc.want)
			}
			if k := got[0].Message.Kind(); k != tc.wantKind {
				t.Errorf("Kind() = %q, want %q", k, tc.wantKind)
			}
		})
	}
}

func TestWhatsAppMOVariants(t *testing.T) {
	cases := []struct {
		label   string
		body    string
		want    []WhatsAppMO
		wantErr bool
	}{
		{
			label: "sessionId spelling, extraInfo as an object, dates as strings",
			body: `{"total":"1","data":[{"id":"x","source":"5511","message":{"type":"AUDIO","mediaUrl":"https://a/b.ogg","mimeType":"audio/ogg"},
				"extraInfo":{"segmentation_lists":[{"id":26,"name":"L"}]},"receivedDate":"2017-12-18T17:09:31.473Z",
				"session":{"sessionId":"s-1","createdAt":"2017-12-18T17:09:31Z"}}]}`,
			want: []WhatsAppMO{{ID: "x", Source: "5511",
				Message:    InboundMessage{Type: "AUDIO", MediaURL: "https://a/b.ogg", MimeType: "audio/ogg"},
				ExtraInfo:  `{"segmentation_lists":[{"id":26,"name":"L"}]}`,
				ReceivedAt: waMOTime, Session: &Session{ID: "s-1", CreatedAt: time.Date(2017, 12, 18, 17, 9, 31, 0, time.UTC)}}},
		},
		{label: "bare entry", body: `{"id":"y","source":"55","message":{"type":"DOCUMENT","mediaUrl":"u"}}`,
			want: []WhatsAppMO{{ID: "y", Source: "55", Message: InboundMessage{Type: "DOCUMENT", MediaURL: "u"}}}},
		{label: "empty data", body: `{"total":0,"data":[]}`, want: []WhatsAppMO{}},
		{label: "null data", body: `{"total":0,"data":null}`, want: []WhatsAppMO{}},
		{label: "entry without id and source", body: `{"data":[{"message":{"type":"TEXT"}}]}`, wantErr: true},
		{label: "bad clientInfo", body: `{"data":[{"id":"a"}],"clientInfo":{"customerId":"x"}}`, wantErr: true},
		{label: "truncated", body: `{"data":[{"id":"a"`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			got, err := ParseWhatsAppMO([]byte(tc.body))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseWhatsAppMO = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWhatsAppMO: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestSegmentationLists(t *testing.T) {
	want := []SegmentationList{
		{ID: 26, CustomerID: 42, SubAccountID: 0, Name: "Wavy WhatsApp Segmentation List", Active: true},
		{ID: 27, CustomerID: 43, SubAccountID: 0, Name: "Wavy WhatsApp Segmentation List 2", Active: true},
	}
	got, err := ParseSegmentationLists(readTestdata(t, "wa_mo_extrainfo_segmentation_000.json"))
	if err != nil {
		t.Fatalf("ParseSegmentationLists: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	mo := WhatsAppMO{ExtraInfo: `{"segmentation_lists":[{"id":"5","active":"true"}]}`}
	got, err = mo.SegmentationLists()
	if err != nil || !reflect.DeepEqual(got, []SegmentationList{{ID: 5, Active: true}}) {
		t.Errorf("SegmentationLists() = %+v, %v, want [{ID:5 Active:true}], nil", got, err)
	}
	for _, extra := range []string{"", "...", `{"other":1}`} {
		if _, err := ParseSegmentationLists(extra); !errors.Is(err, ErrNoSegmentationLists) {
			t.Errorf("ParseSegmentationLists(%q) error = %v, want ErrNoSegmentationLists", extra, err)
		}
	}
}

func TestParseResponsesExamples(t *testing.T) {
	bulk := BulkSMSResponse{ID: "ce528d70-013b-11e7-98f2-e27c463c8809", Messages: []SendSMSResponse{
		{ID: "ce528d71-013b-11e7-98f2-e27c463c8809"}, {ID: "ce528d72-013b-11e7-98f2-e27c463c8809"},
	}}
	single := SendSMSResponse{ID: "9cb87d36-79af-11e5-89f3-1b0591cdf807", CorrelationID: "myId"}
	campaign := Campaign{ID: 1234, Name: "My Campaign", Alias: "mycampaign"}
	cases := []struct {
		file  string
		parse func([]byte) (any, error)
		want  any
	}{
		{"sms_send_response_000.json", func(b []byte) (any, error) { return ParseSendSMSResponse(b) }, single},
		{"sms_send_response_001.json", func(b []byte) (any, error) { return ParseSendSMSResponse(b) }, single},
		{"sms_send_response_002.json", func(b []byte) (any, error) { return ParseSendSMSResponse(b) }, single},
		{"sms_bulk_response_000.json", func(b []byte) (any, error) { return ParseBulkSMSResponse(b) }, bulk},
		{"sms_bulk_response_001.json", func(b []byte) (any, error) { return ParseBulkSMSResponse(b) }, bulk},
		{"sms_bulk_response_002.json", func(b []byte) (any, error) { return ParseBulkSMSResponse(b) }, bulk},
		{"carrier_lookup_response_000.json", func(b []byte) (any, error) { return ParseCarrierLookup(b) }, wantCarrierLookup},
		{"campaign_get_response_000.json", func(b []byte) (any, error) { return ParseCampaignResponse(b) }, campaign},
		{"campaign_create_response_000.json", func(b []byte) (any, error) { return ParseCampaignResponse(b) }, campaign},
		{"campaign_update_response_000.json", func(b []byte) (any, error) { return ParseCampaignResponse(b) }, campaign},
		{"campaign_delete_response_000.json", func(b []byte) (any, error) { return ParseCampaignResponse(b) }, campaign},
		{"campaign_list_response_000.json", func(b []byte) (any, error) { return ParseCampaignList(nil, b) },
			CampaignList{Campaigns: []Campaign{{ID: 1, Name: "My first campaign", Alias: "first"}, {ID: 2, Name: "My second campaign", Alias: "second"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			got, err := tc.parse([]byte(readTestdata(t, tc.file)))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestEveryExampleParses makes sure no documented response or webhook
// example in testdata is left without a parser that accepts it.
func TestEveryExampleParses(t *testing.T) {
	parsers := map[string]func([]byte) error{
		"sms_send_response_":    func(b []byte) error { _, err := ParseSendSMSResponse(b); return err },
		"sms_bulk_response_":    func(b []byte) error { _, err := ParseBulkSMSResponse(b); return err },
		"sms_callback_":         func(b []byte) error { _, err := ParseSMSStatus(b); return err },
		"sms_dlr_":              func(b []byte) error { _, err := ParseSMSStatus(b); return err },
		"sms_mo_webhook_":       func(b []byte) error { _, err := ParseSMSMO(b); return err },
		"sms_mo_list_":          func(b []byte) error { _, err := ParseMOList(b); return err },
		"carrier_lookup_resp":   func(b []byte) error { _, err := ParseCarrierLookup(b); return err },
		"wa_status_":            func(b []byte) error { _, err := ParseWhatsAppStatus(b); return err },
		"wa_mo_extrainfo_":      func(b []byte) error { _, err := ParseSegmentationLists(string(b)); return err },
		"wa_mo_":                func(b []byte) error { _, err := ParseWhatsAppMO(b); return err },
		"wa_session_response_":  func(b []byte) error { return decodeLenient(b, &SessionExport{}) },
		"campaign_list_":        func(b []byte) error { _, err := ParseCampaignList(nil, b); return err },
		"campaign_":             func(b []byte) error { _, err := ParseCampaignResponse(b); return err },
		"sms_bulk_request_":     func(b []byte) error { return json.Unmarshal(b, &BulkSMS{}) },
		"sms_status_search_req": func(b []byte) error { return json.Unmarshal(b, &StatusQuery{}) },
		"wa_request_":           func(b []byte) error { return json.Unmarshal(b, &map[string]any{}) },
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		var parse func([]byte) error
		longest := 0
		for prefix, p := range parsers {
			if strings.HasPrefix(name, prefix) && len(prefix) > longest {
				parse, longest = p, len(prefix)
			}
		}
		if parse == nil {
			t.Errorf("%s: no parser registered", name)
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := parse(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestWebhookRoundTrip(t *testing.T) {
	t.Run("sms status", func(t *testing.T) {
		b, err := json.Marshal(wantDLR)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseSMSStatus(b)
		if err != nil || !reflect.DeepEqual(got, []SMSStatus{wantDLR}) {
			t.Errorf("round trip = %+v, %v, want %+v", got, err, wantDLR)
		}
	})
	t.Run("sms mo", func(t *testing.T) {
		b, err := json.Marshal(wantMO000)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseSMSMO(b)
		if err != nil || !reflect.DeepEqual(got, []SMSMO{wantMO000}) {
			t.Errorf("round trip = %+v, %v, want %+v", got, err, wantMO000)
		}
	})
	t.Run("whatsapp status", func(t *testing.T) {
		in, err := ParseWhatsAppStatus([]byte(readTestdata(t, "wa_status_000.json")))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseWhatsAppStatus(b)
		in[0].ClientInfo = ClientInfo{} // clientInfo lives in the envelope
		if err != nil || !reflect.DeepEqual(got, in) {
			t.Errorf("round trip = %+v, %v, want %+v", got, err, in)
		}
	})
	t.Run("whatsapp mo", func(t *testing.T) {
		in, err := ParseWhatsAppMO([]byte(readTestdata(t, "wa_mo_button_000.json")))
		if err != nil {
			t.Fatal(err)
		}
		in[0].ClientInfo = ClientInfo{}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseWhatsAppMO(b)
		if err != nil || !reflect.DeepEqual(got, in) {
			t.Errorf("round trip = %+v, %v, want %+v", got, err, in)
		}
	})
}

func TestStatusOfPayloads(t *testing.T) {
	cases := []struct {
		label string
		got   func() (StatusCode, bool)
		want  string
	}{
		{"callback", wantCallback.Status, "SENT_SUCCESS"},
		{"dlr", wantDLR.Status, "DELIVERED_SUCCESS"},
		{"dlr by name only", SMSStatus{DeliveredStatus: "NOT_DELIVERED"}.Status, "NOT_DELIVERED"},
		{"opt-out", SMSStatus{SentStatusCode: 204}.Status, "DESTINATION_BLOCKED_BY_OPTOUT"},
		{"whatsapp sent flag only", WhatsAppStatus{Sent: true, SentStatusCode: 1}.Status, "SENT_SUCCESS"},
		{"whatsapp delivered by code", WhatsAppStatus{Sent: true, SentStatusCode: 2, DeliveredStatusCode: 104}.Status, "NOT_DELIVERED"},
		{"whatsapp typo name", WhatsAppStatus{SentStatus: "EXPIREDINVALID_DESTINATION_NUMBER"}.Status, "INVALID_DESTINATION_NUMBER"},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			sc, ok := tc.got()
			if !ok || sc.Name != tc.want {
				t.Errorf("Status() = %q, %v, want %q, true", sc.Name, ok, tc.want)
			}
		})
	}
	if _, ok := (SMSStatus{SentStatusCode: 999}).Status(); ok {
		t.Errorf("Status() of unknown code = ok, want not found")
	}
}

func TestLocationLatLng(t *testing.T) {
	cases := []struct {
		geo      string
		lat, lng float64
		ok       bool
	}{
		{"-22.894180,-47.047960", -22.894180, -47.047960, true},
		{" 1.5 , 2 ", 1.5, 2, true},
		{"91,0", 0, 0, false},
		{"abc", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tc := range cases {
		lat, lng, ok := Location{GeoPoint: tc.geo}.LatLng()
		if lat != tc.lat || lng != tc.lng || ok != tc.ok {
			t.Errorf("LatLng(%q) = %v, %v, %v, want %v, %v, %v", tc.geo, lat, lng, ok, tc.lat, tc.lng, tc.ok)
		}
	}
}

// FuzzParsers checks that no input makes a parser panic.
func FuzzParsers(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "{", "[", `"`, `{"a":,}`, `[1,]`, "<html>", "null", `{"data":{"x":1}}`, `"total": 1,`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseSMSStatus(b)
		_, _ = ParseSMSMO(b)
		_, _ = ParseMOList(b)
		_, _ = ParseWhatsAppStatus(b)
		_, _ = ParseWhatsAppMO(b)
		_, _ = ParseSendSMSResponse(b)
		_, _ = ParseBulkSMSResponse(b)
		_, _ = ParseWhatsAppResponse(b)
		_, _ = ParseCarrierLookup(b)
		_, _ = ParseCampaignResponse(b)
		_, _ = ParseCampaignList(nil, b)
		_, _ = ParseSegmentationLists(string(b))
		_ = errorMessage(b)
	})
}
