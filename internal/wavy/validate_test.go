package wavy

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// fieldsOf lists the fields named by the FieldErrors inside err.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrInvalidRequest) || !errors.Is(err, ErrRejected) {
		t.Errorf("error %v does not match ErrInvalidRequest and ErrRejected", err)
	}
	var out []string
	var walk func(error)
	walk = func(e error) {
		var fe *FieldError
		if errors.As(e, &fe) && fe == e {
			out = append(out, fe.Field)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if u := errors.Unwrap(e); u != nil {
			walk(u)
		}
	}
	walk(err)
	slices.Sort(out)
	return out
}

func TestSMSValidate(t *testing.T) {
	base := SMS{Destination: "5511900000000", MessageText: "oi"}
	with := func(f func(*SMS)) SMS { m := base; f(&m); return m }
	cases := []struct {
		label string
		msg   SMS
		want  []string
	}{
		{"minimal", base, nil},
		{"formatted number", with(func(m *SMS) { m.Destination = "+55 (19) 99771-2322" }), nil},
		{"no destination", with(func(m *SMS) { m.Destination = "" }), []string{"destination"}},
		{"letters in destination", with(func(m *SMS) { m.Destination = "55119abc" }), []string{"destination"}},
		{"no text", with(func(m *SMS) { m.MessageText = "" }), []string{"messageText"}},
		{"text from a flow", with(func(m *SMS) { m.MessageText, m.FlowID = "", "f" }), nil},
		{"text from a template id", with(func(m *SMS) { m.MessageText, m.TemplateID = "", 9 }), nil},
		{"text from a template name", with(func(m *SMS) { m.MessageText, m.TemplateName = "", "t" }), nil},
		{"text of 1280 accented characters", with(func(m *SMS) { m.MessageText = strings.Repeat("ã", 1280) }), nil},
		{"text of 1281 characters", with(func(m *SMS) { m.MessageText = strings.Repeat("a", 1281) }), []string{"messageText"}},
		{"correlationId of 64", with(func(m *SMS) { m.CorrelationID = strings.Repeat("c", 64) }), nil},
		{"correlationId of 65", with(func(m *SMS) { m.CorrelationID = strings.Repeat("c", 65) }), []string{"correlationId"}},
		{"extraInfo of 255", with(func(m *SMS) { m.ExtraInfo = strings.Repeat("é", 255) }), nil},
		{"extraInfo of 256", with(func(m *SMS) { m.ExtraInfo = strings.Repeat("e", 256) }), []string{"extraInfo"}},
		{"time window hours", with(func(m *SMS) { m.TimeWindow = []int{0, 23} }), nil},
		{"time window out of range", with(func(m *SMS) { m.TimeWindow = []int{8, 24, -1} }), []string{"timeWindow[1]", "timeWindow[2]"}},
		{"expiresAt and expiresInMinutes", with(func(m *SMS) { m.ExpiresAt, m.ExpiresInMinutes = testNow.Add(time.Hour), 10 }), []string{"expiresAt"}},
		{"expiresInMinutes and expiresDate", with(func(m *SMS) { m.ExpiresInMinutes, m.ExpiresDate = 10, testNow.Add(time.Hour) }), []string{"expiresInMinutes"}},
		{"all three expiries", with(func(m *SMS) {
			m.ExpiresAt, m.ExpiresInMinutes, m.ExpiresDate = testNow.Add(time.Hour), 10, testNow.Add(time.Hour)
		}), []string{"expiresAt"}},
		{"negative expiresInMinutes", with(func(m *SMS) { m.ExpiresInMinutes = -5 }), []string{"expiresInMinutes"}},
		{"expiry in the past", with(func(m *SMS) { m.ExpiresAt = testNow.Add(-time.Minute) }), []string{"expiresAt"}},
		{"scheduledDate 30 minutes ahead", with(func(m *SMS) { m.ScheduledDate = testNow.Add(30 * time.Minute) }), nil},
		{"scheduledDate 29 minutes ahead", with(func(m *SMS) { m.ScheduledDate = testNow.Add(29 * time.Minute) }), []string{"scheduledDate"}},
		{"scheduledDate in the past", with(func(m *SMS) { m.ScheduledDate = testNow.Add(-time.Hour) }), []string{"scheduledDate"}},
		{"scheduledAt 10 minutes ahead", with(func(m *SMS) { m.ScheduledAt = testNow.Add(10 * time.Minute) }), []string{"scheduledAt"}},
		{"delayedInMinutes 30", with(func(m *SMS) { m.DelayedInMinutes = 30 }), nil},
		{"delayedInMinutes 10", with(func(m *SMS) { m.DelayedInMinutes = 10 }), []string{"delayedInMinutes"}},
		{"two schedules", with(func(m *SMS) { m.ScheduledAt, m.ScheduledDate = testNow.Add(time.Hour), testNow.Add(time.Hour) }), []string{"scheduledAt"}},
		{"expiry before schedule", with(func(m *SMS) {
			m.ScheduledDate, m.ExpiresDate = testNow.Add(2*time.Hour), testNow.Add(time.Hour)
		}), []string{"expiresDate"}},
		{"expiry after schedule", with(func(m *SMS) {
			m.ScheduledDate, m.ExpiresDate = testNow.Add(time.Hour), testNow.Add(2*time.Hour)
		}), nil},
		{"unknown time zone", with(func(m *SMS) { m.TimeZone = "Mars/Olympus" }), []string{"timeZone"}},
		{"params without flow", with(func(m *SMS) { m.Params = map[string]string{"a": "b"} }), []string{"params"}},
		{"params with flow", with(func(m *SMS) { m.Params, m.FlowID = map[string]string{"a": "b"}, "f" }), nil},
		{"several problems at once", SMS{CorrelationID: strings.Repeat("c", 65)}, []string{"correlationId", "destination", "messageText"}},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			got := fieldsOf(t, tc.msg.Validate(testNow))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBulkSMSValidate(t *testing.T) {
	msgs := func(n int) []BulkMessage {
		out := make([]BulkMessage, n)
		for i := range out {
			out[i] = BulkMessage{Destination: "5511900000000", CorrelationID: fmt.Sprintf("c%d", i)}
		}
		return out
	}
	defaults := BulkMessage{MessageText: "Default message"}
	cases := []struct {
		label string
		bulk  BulkSMS
		want  []string
	}{
		{"one message with default text", BulkSMS{Messages: msgs(1), DefaultValues: defaults}, nil},
		{"1000 messages", BulkSMS{Messages: msgs(1000), DefaultValues: defaults}, nil},
		{"1001 messages", BulkSMS{Messages: msgs(1001), DefaultValues: defaults}, []string{"messages"}},
		{"no messages", BulkSMS{DefaultValues: defaults}, []string{"messages"}},
		{"no text anywhere", BulkSMS{Messages: []BulkMessage{{Destination: "5511900000000", MessageText: "own"}, {Destination: "5511900000001"}}},
			[]string{"messages[1].messageText"}},
		{"text from a template", BulkSMS{Messages: msgs(2), TemplateName: "name"}, nil},
		{"default text too long", BulkSMS{Messages: []BulkMessage{{Destination: "5511900000000", MessageText: "own"}},
			DefaultValues: BulkMessage{MessageText: strings.Repeat("a", 1281)}}, []string{"defaultValues.messageText"}},
		{"inherited text too long", BulkSMS{Messages: msgs(1), DefaultValues: BulkMessage{MessageText: strings.Repeat("a", 1281)}},
			[]string{"defaultValues.messageText", "messages[0].messageText"}},
		{"duplicate correlationId", BulkSMS{Messages: []BulkMessage{
			{Destination: "5511900000000", CorrelationID: "x"}, {Destination: "5511900000001", CorrelationID: "x"},
		}, DefaultValues: defaults}, []string{"messages[1].correlationId"}},
		{"message without destination", BulkSMS{Messages: []BulkMessage{{MessageText: "x"}}}, []string{"messages[0].destination"}},
		{"long extraInfo on a message", BulkSMS{Messages: []BulkMessage{{Destination: "5511900000000", ExtraInfo: strings.Repeat("e", 256)}},
			DefaultValues: defaults}, []string{"messages[0].extraInfo"}},
		{"root schedule too soon", BulkSMS{Messages: msgs(1), DefaultValues: defaults, ScheduledDate: testNow.Add(5 * time.Minute)}, []string{"scheduledDate"}},
		{"root expiries exclusive", BulkSMS{Messages: msgs(1), DefaultValues: defaults, ExpiresAt: testNow.Add(time.Hour), ExpiresDate: testNow.Add(time.Hour)},
			[]string{"expiresAt"}},
		{"root time window", BulkSMS{Messages: msgs(1), DefaultValues: defaults, TimeWindow: []int{25}}, []string{"timeWindow[0]"}},
		{"default params without flow", BulkSMS{Messages: msgs(1), DefaultValues: BulkMessage{MessageText: "x", Params: map[string]string{"a": "b"}}},
			[]string{"defaultValues.params"}},
		{"params with flow", BulkSMS{Messages: []BulkMessage{{Destination: "5511900000000", Params: map[string]string{"a": "b"}}}, FlowID: "f"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			got := fieldsOf(t, tc.bulk.Validate(testNow))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWhatsAppValidate(t *testing.T) {
	dest := []WhatsAppDestination{{CorrelationID: "a", Destination: "5519900001111"}}
	req := func(m WhatsAppMessage) WhatsAppRequest { return WhatsAppRequest{Destinations: dest, Message: m} }
	tmpl := func(f func(*Template)) WhatsAppRequest {
		tp := Template{Namespace: "ns", ElementName: "el"}
		f(&tp)
		return req(WhatsAppMessage{Template: &tp})
	}
	cases := []struct {
		label string
		req   WhatsAppRequest
		want  []string
	}{
		{"text", req(WhatsAppMessage{MessageText: "oi"}), nil},
		{"no destinations", WhatsAppRequest{Message: WhatsAppMessage{MessageText: "oi"}}, []string{"destinations"}},
		{"empty destination", WhatsAppRequest{Destinations: []WhatsAppDestination{{}}, Message: WhatsAppMessage{MessageText: "oi"}}, []string{"destinations[0].destination"}},
		{"bad recipientType", WhatsAppRequest{Destinations: []WhatsAppDestination{{Destination: "5511", RecipientType: "broadcast"}}, Message: WhatsAppMessage{MessageText: "oi"}},
			[]string{"destinations[0].recipientType"}},
		{"group id", WhatsAppRequest{Destinations: []WhatsAppDestination{{Destination: "abc-123@g.us", RecipientType: "group"}}, Message: WhatsAppMessage{MessageText: "oi"}}, nil},
		{"duplicate correlationId", WhatsAppRequest{Destinations: []WhatsAppDestination{{CorrelationID: "x", Destination: "1"}, {CorrelationID: "x", Destination: "2"}},
			Message: WhatsAppMessage{MessageText: "oi"}}, []string{"destinations[1].correlationId"}},
		{"long correlationId", WhatsAppRequest{Destinations: []WhatsAppDestination{{CorrelationID: strings.Repeat("x", 65), Destination: "1"}},
			Message: WhatsAppMessage{MessageText: "oi"}}, []string{"destinations[0].correlationId"}},
		{"no content", req(WhatsAppMessage{}), []string{"message"}},
		{"two contents", req(WhatsAppMessage{MessageText: "oi", Contacts: []Contact{{Birthday: "2000-01-01"}}}), []string{"message"}},
		{"image by url", req(WhatsAppMessage{Image: &Media{Type: "jpg", URL: "https://x/y.jpg", Caption: "c"}}), nil},
		{"image of a gif", req(WhatsAppMessage{Image: &Media{Type: "GIF", URL: "https://x/y.gif"}}), []string{"message.image.type"}},
		{"image without type", req(WhatsAppMessage{Image: &Media{URL: "https://x/y.gif"}}), []string{"message.image.type"}},
		{"image with url and data", req(WhatsAppMessage{Image: &Media{Type: "PNG", URL: "https://x/y.png", Data: "ZmlsZQ=="}}), []string{"message.image"}},
		{"image with neither", req(WhatsAppMessage{Image: &Media{Type: "PNG"}}), []string{"message.image"}},
		{"image over ftp", req(WhatsAppMessage{Image: &Media{Type: "PNG", URL: "ftp://x/y.png"}}), []string{"message.image.url"}},
		{"audio with a caption", req(WhatsAppMessage{Audio: &Media{Type: "OGG", Data: "ZmlsZQ==", Caption: "c"}}), []string{"message.audio.caption"}},
		{"audio of a wav", req(WhatsAppMessage{Audio: &Media{Type: "WAV", Data: "ZmlsZQ=="}}), []string{"message.audio.type"}},
		{"document base64", req(WhatsAppMessage{Document: &Media{Type: "PDF", Data: "ZmlsZQ==", Caption: "c"}}), nil},
		{"document of a docx", req(WhatsAppMessage{Document: &Media{Type: "DOCX", Data: "ZmlsZQ=="}}), []string{"message.document.type"}},
		{"image data of 5 MB", req(WhatsAppMessage{Image: &Media{Type: "PNG", Data: base64.StdEncoding.EncodeToString(make([]byte, MaxMediaData))}}), nil},
		{"image data over 5 MB", req(WhatsAppMessage{Image: &Media{Type: "PNG", Data: base64.StdEncoding.EncodeToString(make([]byte, MaxMediaData+1))}}), []string{"message.image.data"}},
		{"document data not base64", req(WhatsAppMessage{Document: &Media{Type: "PDF", Data: "%%PDF"}}), []string{"message.document.data"}},
		{"location with name and address", req(WhatsAppMessage{Location: &Location{GeoPoint: "-22.894180,-47.047960", Name: "Wavy", Address: "Av. Cel. Silva Telles"}}), nil},
		{"header title with image", tmpl(func(tp *Template) {
			tp.Header = &TemplateHeader{Title: "Oferta", Image: &TemplateMedia{URL: "https://x/y.png", Type: "PNG"}}
		}), nil},
		{"location", req(WhatsAppMessage{Location: &Location{GeoPoint: "-22.894180,-47.047960"}}), nil},
		{"location without point", req(WhatsAppMessage{Location: &Location{Name: "Wavy"}}), []string{"message.location.geoPoint"}},
		{"template", tmpl(func(*Template) {}), nil},
		{"template without names", req(WhatsAppMessage{Template: &Template{}}), []string{"message.template.elementName", "message.template.namespace"}},
		{"template language policy", tmpl(func(tp *Template) { tp.LanguagePolicy = "SOMETIMES" }), []string{"message.template.languagePolicy"}},
		{"template fallback policy", tmpl(func(tp *Template) { tp.LanguagePolicy = "fallback" }), nil},
		{"header parameters with title", tmpl(func(tp *Template) { tp.Header = &TemplateHeader{Parameters: []string{"p"}, Title: "t"} }), []string{"message.template.header"}},
		{"header title of 61", tmpl(func(tp *Template) { tp.Header = &TemplateHeader{Title: strings.Repeat("t", 61)} }), []string{"message.template.header.title"}},
		{"header image", tmpl(func(tp *Template) {
			tp.Header = &TemplateHeader{Image: &TemplateMedia{URL: "https://x/y.png", Type: "PNG"}}
		}), nil},
		{"header image without http", tmpl(func(tp *Template) { tp.Header = &TemplateHeader{Image: &TemplateMedia{URL: "/tmp/y.png", Type: "PNG"}} }),
			[]string{"message.template.header.image.url"}},
		{"header with two media", tmpl(func(tp *Template) {
			tp.Header = &TemplateHeader{Video: &TemplateMedia{URL: "https://x/v.mp4", Type: "MP4"}, Document: &TemplateMedia{URL: "https://x/d.pdf", Type: "PDF"}}
		}), []string{"message.template.header"}},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			got := fieldsOf(t, tc.req.Validate())
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSmallValidators(t *testing.T) {
	cases := []struct {
		label string
		err   error
		want  []string
	}{
		{"campaign ok", CampaignInput{Name: "My Campaign", Alias: "mycampaign"}.Validate(), nil},
		{"campaign without alias", CampaignInput{Name: "n"}.Validate(), nil},
		{"campaign blank name", CampaignInput{Name: "  "}.Validate(), []string{"campaign.name"}},
		{"campaign alias with space", CampaignInput{Name: "n", Alias: "my campaign"}.Validate(), []string{"campaign.alias"}},
		{"campaign alias too long", CampaignInput{Name: "n", Alias: strings.Repeat("a", 65)}.Validate(), []string{"campaign.alias"}},
		{"status query ok", StatusQuery{IDs: []string{"a"}}.Validate(), nil},
		{"status query empty entries", StatusQuery{IDs: []string{""}, CorrelationIDs: []string{"", "x"}}.Validate(),
			[]string{"correlationIds[0]", "ids[0]"}},
		{"mo search ok", MOSearch{Start: testNow.Add(-time.Hour), End: testNow}.Validate(), nil},
		{"mo search equal bounds", MOSearch{Start: testNow, End: testNow}.Validate(), []string{"start"}},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			got := fieldsOf(t, tc.err)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDocumentedBulkRequests decodes the bulk request examples, validates
// them and checks that encoding gives the same document back.
func TestDocumentedBulkRequests(t *testing.T) {
	now := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC) // the examples schedule for January 2017
	files, _ := filepath.Glob(filepath.Join("testdata", "sms_bulk_request_*.json"))
	if len(files) != 4 {
		t.Fatalf("found %d bulk request examples, want 4", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			doc := readTestdata(t, name)
			var b BulkSMS
			if err := json.Unmarshal([]byte(doc), &b); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err := b.Validate(now); err != nil {
				t.Errorf("Validate: %v", err)
			}
			got, err := json.Marshal(b)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			want := strings.ReplaceAll(doc, `"flashSMS":"true"`, `"flashSMS":true`)
			if !jsonEqual(t, got, []byte(want)) {
				t.Errorf("encoded = %s\nwant %s", got, want)
			}
		})
	}
	t.Run("scheduledDate is read in timeZone", func(t *testing.T) {
		var b BulkSMS
		if err := json.Unmarshal([]byte(readTestdata(t, "sms_bulk_request_ex2_000.json")), &b); err != nil {
			t.Fatal(err)
		}
		want := time.Date(2017, 1, 28, 4, 30, 43, 0, time.UTC) // São Paulo was UTC-2 in January 2017
		if !b.ScheduledDate.Equal(want) {
			t.Errorf("ScheduledDate = %v, want %v", b.ScheduledDate.UTC(), want)
		}
		if !reflect.DeepEqual(b.TimeWindow, []int{12, 15, 20}) {
			t.Errorf("TimeWindow = %v, want [12 15 20]", b.TimeWindow)
		}
	})
	t.Run("template example from edition 001", func(t *testing.T) {
		// The documentation quotes 'name' with single quotes; fixed here.
		doc := `{"messages":[{"destination":"5519900001111","params": {"param1": "other_value1","param2": "other_value2"}},{"destination":"5519900002222"}],"defaultValues":{"params": {"param1": "value1","param2": "value2"}},"templateId": 0,"templateName": "name"}`
		var b BulkSMS
		if err := json.Unmarshal([]byte(doc), &b); err != nil {
			t.Fatal(err)
		}
		if err := b.Validate(now); err != nil {
			t.Errorf("Validate: %v", err)
		}
		if b.TemplateName != "name" || len(b.Messages) != 2 || b.DefaultValues.Params["param2"] != "value2" {
			t.Errorf("decoded %+v, want templateName name, 2 messages and default params", b)
		}
	})
}

// TestDocumentedWhatsAppRequests decodes every WhatsApp request example
// (fixing the "destination" key the media examples use instead of
// "destinations"), validates it and checks the encoding round trip.
func TestDocumentedWhatsAppRequests(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "wa_request_*.json"))
	if len(files) != 9 {
		t.Fatalf("found %d WhatsApp request examples, want 9", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			var doc map[string]json.RawMessage
			if err := json.Unmarshal([]byte(readTestdata(t, name)), &doc); err != nil {
				t.Fatal(err)
			}
			if d, ok := doc["destination"]; ok {
				doc["destinations"] = d
				delete(doc, "destination")
			}
			fixed, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			var r WhatsAppRequest
			if err := json.Unmarshal(fixed, &r); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err := r.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, got, fixed) {
				t.Errorf("encoded = %s\nwant %s", got, fixed)
			}
		})
	}
}

func TestDocumentedStatusSearchRequest(t *testing.T) {
	doc := readTestdata(t, "sms_status_search_request_001.json")
	var q StatusQuery
	if err := json.Unmarshal([]byte(doc), &q); err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, got, []byte(doc)) {
		t.Errorf("encoded = %s, want %s", got, doc)
	}
}

func TestSMSJSONRoundTrip(t *testing.T) {
	in := SMS{
		Destination: "5511900000000", MessageText: "oi", CorrelationID: "c", ExtraInfo: "e", TimeWindow: []int{9},
		ExpiresAt: ms(1715385600000), ScheduledDate: time.Date(2024, 5, 10, 10, 0, 0, 0, time.UTC),
		TimeZone: "America/Sao_Paulo", CampaignAlias: "a", FlashSMS: true, FlowID: "f", SubAccount: "s",
		Params: map[string]string{"k": "v"}, TemplateID: 3, TemplateName: "t", DelayedInMinutes: 0,
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out SMS
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !out.ScheduledDate.Equal(in.ScheduledDate) || !out.ExpiresAt.Equal(in.ExpiresAt) {
		t.Errorf("dates = %v, %v, want %v, %v", out.ScheduledDate, out.ExpiresAt, in.ScheduledDate, in.ExpiresAt)
	}
	out.ScheduledDate, in.ScheduledDate = time.Time{}, time.Time{}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip = %+v\nwant %+v", out, in)
	}
	var bad SMS
	if err := json.Unmarshal([]byte(`{"destination":"1","scheduledDate":"tomorrow"}`), &bad); err == nil {
		t.Errorf("bad scheduledDate decoded without error")
	}
	if _, err := json.Marshal(SMS{Destination: "1", TimeZone: "Nowhere/Land"}); err == nil {
		t.Errorf("unknown timeZone encoded without error")
	}
}
