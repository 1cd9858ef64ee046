package wavy

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// apiCase is one endpoint exchange: the call, the request the provider must
// see, its canned answer, and what the call must return.
type apiCase struct {
	label   string
	apigw   bool // the exchange happens on the apigw host
	call    func(ctx context.Context, c *Client) (any, error)
	want    []exchange
	wantOut any
	wantErr error // a sentinel for errors.Is; nil means success
}

func runAPICases(t *testing.T, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			p := newProvider(t, tc.want...)
			var c *Client
			if tc.apigw {
				c = newTestClient(t, nil, p.srv)
			} else {
				c = newTestClient(t, p.srv, nil)
			}
			got, err := tc.call(ctxT(t), c)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("error = %v, want none", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && !reflect.DeepEqual(got, tc.wantOut) {
				t.Errorf("result = %#v\nwant %#v", got, tc.wantOut)
			}
			if n := p.requests(); n != len(tc.want) {
				t.Errorf("provider saw %d requests, want %d", n, len(tc.want))
			}
		})
	}
}

func TestSMSSendEndpoints(t *testing.T) {
	saoPaulo, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	inOneHour := testNow.Add(time.Hour)
	cases := []apiCase{
		{
			label: "send-sms POST minimal, array response from the docs",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMS(ctx, SMS{Destination: "5511900000000", MessageText: "linha\nquebrada"})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-sms",
				body:    `{"destination": "5511900000000" , "messageText": "linha\nquebrada"}`,
				respond: readTestdata(t, "sms_send_response_000.json"),
			}},
			wantOut: SendSMSResponse{ID: "9cb87d36-79af-11e5-89f3-1b0591cdf807", CorrelationID: "myId"},
		},
		{
			label: "send-sms POST every field, object response",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMS(ctx, SMS{
					Destination: "5511900000000", MessageText: "Olá {{nome}}", CorrelationID: "msg-42",
					ExtraInfo: "lote 7", TimeWindow: []int{11, 12, 18}, ExpiresInMinutes: 240,
					ScheduledDate: inOneHour.In(saoPaulo), TimeZone: "America/Sao_Paulo",
					CampaignAlias: "promo", FlashSMS: true, FlowID: "14f8142d", SubAccount: "mkt",
					Params: map[string]string{"nome": "Ana"}, TemplateID: 7, TemplateName: "boas-vindas",
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-sms",
				body: `{"destination":"5511900000000","messageText":"Olá {{nome}}","correlationId":"msg-42",
					"extraInfo":"lote 7","timeWindow":[11,12,18],"expiresInMinutes":240,
					"scheduledDate":"2024-05-10T10:00:00","timeZone":"America/Sao_Paulo","campaignAlias":"promo",
					"flashSMS":true,"flowId":"14f8142d","subAccount":"mkt","params":{"nome":"Ana"},
					"templateId":7,"templateName":"boas-vindas"}`,
				status:  http.StatusCreated,
				respond: `{"id":"0b9f5e0c-0000-4000-8000-000000000001","correlationId":"msg-42"}`,
			}},
			wantOut: SendSMSResponse{ID: "0b9f5e0c-0000-4000-8000-000000000001", CorrelationID: "msg-42"},
		},
		{
			label: "send-sms POST epoch fields in milliseconds, UTC dates get timeZone UTC",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMS(ctx, SMS{
					Destination: "5511900000000", MessageText: "x",
					ScheduledAt: time.Date(2024, 5, 10, 13, 0, 0, 0, time.UTC),
					ExpiresDate: time.Date(2024, 5, 11, 0, 0, 0, 0, time.UTC),
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-sms",
				body:    `{"destination":"5511900000000","messageText":"x","scheduledAt":1715346000000,"expiresDate":"2024-05-11T00:00:00","timeZone":"UTC"}`,
				respond: readTestdata(t, "sms_send_response_001.json"),
			}},
			wantOut: SendSMSResponse{ID: "9cb87d36-79af-11e5-89f3-1b0591cdf807", CorrelationID: "myId"},
		},
		{
			label: "send-sms GET query string",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMSGet(ctx, SMS{
					Destination: "5511900000000", MessageText: "oi & tchau", CorrelationID: "c1",
					TimeWindow: []int{9, 10}, ExpiresAt: time.Date(2024, 5, 11, 0, 0, 0, 0, time.UTC),
					CampaignAlias: "promo", FlashSMS: true, SubAccount: "mkt",
				})
			},
			want: []exchange{{
				method: "GET", path: "/v1/send-sms",
				query: url.Values{
					"destination": {"5511900000000"}, "messageText": {"oi & tchau"}, "correlationId": {"c1"},
					"timeWindow": {"9", "10"}, "expiresAt": {"1715385600000"}, "campaignAlias": {"promo"},
					"flashSMS": {"true"}, "subAccount": {"mkt"},
				},
				respond: readTestdata(t, "sms_send_response_002.json"),
			}},
			wantOut: SendSMSResponse{ID: "9cb87d36-79af-11e5-89f3-1b0591cdf807", CorrelationID: "myId"},
		},
		{
			label: "send-bulk-sms with defaults and root options",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendBulkSMS(ctx, BulkSMS{
					Messages: []BulkMessage{
						{Destination: "5519900001111", MessageText: "First message", CorrelationID: "a"},
						{Destination: "5519900002222", CorrelationID: "b"},
					},
					DefaultValues: BulkMessage{MessageText: "Default message"},
					TimeZone:      "America/Sao_Paulo", ScheduledDate: inOneHour, TimeWindow: []int{12, 15, 20},
					CampaignAlias: "promo", ExpiresInMinutes: 600,
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-bulk-sms",
				body: `{"messages":[{"destination":"5519900001111","messageText":"First message","correlationId":"a"},
					{"destination":"5519900002222","correlationId":"b"}],
					"defaultValues":{"messageText":"Default message"},"timeZone":"America/Sao_Paulo",
					"scheduledDate":"2024-05-10T10:00:00","timeWindow":[12,15,20],"expiresInMinutes":600,"campaignAlias":"promo"}`,
				respond: readTestdata(t, "sms_bulk_response_000.json"),
			}},
			// The seeds' answer has no correlationIds: they are matched by position.
			wantOut: BulkSMSResponse{ID: "ce528d70-013b-11e7-98f2-e27c463c8809", Messages: []SendSMSResponse{
				{ID: "ce528d71-013b-11e7-98f2-e27c463c8809", CorrelationID: "a"}, {ID: "ce528d72-013b-11e7-98f2-e27c463c8809", CorrelationID: "b"},
			}},
		},
		{
			label: "send-bulk-sms answer shorter than the request is not matched by position",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendBulkSMS(ctx, BulkSMS{Messages: []BulkMessage{
					{Destination: "5519900001111", MessageText: "a", CorrelationID: "a"},
					{Destination: "5519900002222", MessageText: "b", CorrelationID: "b"},
					{Destination: "5519900003333", MessageText: "c", CorrelationID: "c"},
				}})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-bulk-sms",
				body: `{"messages":[{"destination":"5519900001111","messageText":"a","correlationId":"a"},
					{"destination":"5519900002222","messageText":"b","correlationId":"b"},
					{"destination":"5519900003333","messageText":"c","correlationId":"c"}]}`,
				respond: readTestdata(t, "sms_bulk_response_000.json"),
			}},
			wantOut: BulkSMSResponse{ID: "ce528d70-013b-11e7-98f2-e27c463c8809", Messages: []SendSMSResponse{
				{ID: "ce528d71-013b-11e7-98f2-e27c463c8809"}, {ID: "ce528d72-013b-11e7-98f2-e27c463c8809"},
			}},
		},
		{
			label: "send-bulk-sms answer with correlationIds keeps them",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendBulkSMS(ctx, BulkSMS{Messages: []BulkMessage{
					{Destination: "5519900001111", MessageText: "a", CorrelationID: "a"},
					{Destination: "5519900002222", MessageText: "b", CorrelationID: "b"},
				}})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-bulk-sms",
				body: `{"messages":[{"destination":"5519900001111","messageText":"a","correlationId":"a"},
					{"destination":"5519900002222","messageText":"b","correlationId":"b"}]}`,
				respond: `{"id":"batch","messages":[{"id":"m2","correlationId":"b"},{"id":"m1","correlationId":"a"}]}`,
			}},
			wantOut: BulkSMSResponse{ID: "batch", Messages: []SendSMSResponse{{ID: "m2", CorrelationID: "b"}, {ID: "m1", CorrelationID: "a"}}},
		},
		{
			label: "send-bulk-sms with template and params",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendBulkSMS(ctx, BulkSMS{
					Messages: []BulkMessage{
						{Destination: "5519900001111", Params: map[string]string{"param1": "other_value1"}},
						{Destination: "5519900002222"},
					},
					DefaultValues: BulkMessage{Params: map[string]string{"param1": "value1"}},
					TemplateID:    3, TemplateName: "name",
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/send-bulk-sms",
				body: `{"messages":[{"destination":"5519900001111","params":{"param1":"other_value1"}},{"destination":"5519900002222"}],
					"defaultValues":{"params":{"param1":"value1"}},"templateId":3,"templateName":"name"}`,
				respond: `{"id":"b1","messages":[{"id":"m1","correlationId":"x"},{"id":"m2"}]}`,
			}},
			wantOut: BulkSMSResponse{ID: "b1", Messages: []SendSMSResponse{{ID: "m1", CorrelationID: "x"}, {ID: "m2"}}},
		},
		{
			label: "send-sms response without id is a bad response",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMS(ctx, SMS{Destination: "5511900000000", MessageText: "x"})
			},
			want:    []exchange{{method: "POST", path: "/v1/send-sms", body: `{"destination":"5511900000000","messageText":"x"}`, respond: `[]`}},
			wantErr: ErrBadResponse,
		},
		{
			label: "invalid SMS is refused before sending",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMS(ctx, SMS{Destination: "5511900000000", MessageText: strings.Repeat("a", 1281)})
			},
			wantErr: ErrInvalidRequest,
		},
		{
			label: "GET cannot carry params",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendSMSGet(ctx, SMS{Destination: "5511900000000", FlowID: "f", Params: map[string]string{"a": "b"}})
			},
			wantErr: ErrRejected,
		},
	}
	runAPICases(t, cases)
}

func TestReadEndpoints(t *testing.T) {
	dlr := readTestdata(t, "sms_dlr_000.json")
	cases := []apiCase{
		{
			label: "status search by ids and correlationIds",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchSMSStatus(ctx, StatusQuery{
					IDs:            []string{"918F3591-9AD6-11E7-9C9B-E255B01A8B1A", "234F3591-6AD6-11E7-9C9B-E255B01A8B1A"},
					CorrelationIDs: []string{"2468"},
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/sms/status/search",
				body:    readTestdata(t, "sms_status_search_request_001.json"),
				respond: "[" + dlr + "]",
			}},
			wantOut: []SMSStatus{wantDLR},
		},
		{
			label: "status search answer wrapped in an envelope",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchSMSStatus(ctx, StatusQuery{CorrelationIDs: []string{"myId"}})
			},
			want: []exchange{{
				method: "POST", path: "/v1/sms/status/search", body: `{"correlationIds":["myId"]}`,
				respond: `{"total":1,"statuses":[` + dlr + `]}`,
			}},
			wantOut: []SMSStatus{wantDLR},
		},
		{
			label: "status list with one object",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListSMSStatus(ctx)
			},
			want:    []exchange{{method: "GET", path: "/v1/sms/status/list", respond: dlr}},
			wantOut: []SMSStatus{wantDLR},
		},
		{
			label: "status list empty",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListSMSStatus(ctx)
			},
			want:    []exchange{{method: "GET", path: "/v1/sms/status/list", respond: `[]`}},
			wantOut: []SMSStatus{},
		},
		{
			label: "status list 204 No Content",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListSMSStatus(ctx)
			},
			want:    []exchange{{method: "GET", path: "/v1/sms/status/list", status: http.StatusNoContent}},
			wantOut: []SMSStatus{},
		},
		{
			label: "MO list for a sub-account",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListMO(ctx, "referencia_subconta")
			},
			want: []exchange{{
				method: "GET", path: "/v1/sms/receive/list", query: url.Values{"subAccount": {"referencia_subconta"}},
				respond: readTestdata(t, "sms_mo_list_000.json"),
			}},
			wantOut: wantMOList000,
		},
		{
			label: "MO list for everything",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListMO(ctx, "")
			},
			want:    []exchange{{method: "GET", path: "/v1/sms/receive/list", respond: `{"total":0,"messages":[]}`}},
			wantOut: MOList{Messages: []SMSMO{}},
		},
		{
			label: "MO search with start and end, answer as printed in edition 001",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchMO(ctx, MOSearch{
					Start:      time.Date(2016, 9, 12, 0, 0, 0, 0, time.UTC),
					End:        time.Date(2016, 9, 15, 0, 0, 0, 0, time.UTC),
					SubAccount: "iFoodMarketing",
				})
			},
			want: []exchange{{
				method: "GET", path: "/v1/sms/receive/search",
				query:   url.Values{"start": {"2016-09-12T00:00:00"}, "end": {"2016-09-15T00:00:00"}, "subAccount": {"iFoodMarketing"}},
				respond: readTestdata(t, "sms_mo_list_001_fragment.json"),
			}},
			wantOut: wantMOList001,
		},
		{
			label: "MO search with defaults",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchMO(ctx, MOSearch{})
			},
			want:    []exchange{{method: "GET", path: "/v1/sms/receive/search", respond: `{"total":0,"messages":[]}`}},
			wantOut: MOList{Messages: []SMSMO{}},
		},
		{
			label: "carrier lookup",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LookupCarriers(ctx, []string{"+55(19)997712322", "5519997712322", "2312312"})
			},
			want: []exchange{{
				method: "POST", path: "/v1/carrier/lookup",
				body:    "{\n\t\"destinations\": [\"+55(19)997712322\", \"5519997712322\", \"2312312\"]\n}",
				respond: readTestdata(t, "carrier_lookup_response_000.json"),
			}},
			wantOut: wantCarrierLookup,
		},
		{
			label: "open WhatsApp sessions with sub-account 0",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.OpenSessions(ctx, SessionQuery{CustomerID: 42, SubAccountID: ptr(int64(0))})
			},
			want: []exchange{{
				method: "GET", path: "/v1/session", query: url.Values{"customerId": {"42"}, "subAccountId": {"0"}},
				respond: readTestdata(t, "wa_session_response_000.json"),
			}},
			wantOut: SessionExport{FileURL: "https://chatclub-cdn.wavy.global/2019/02/13/633e33fc-3a3f-4ca5-a8b0-4b747fb67137/5bd46e2b-5990-4681-9b29-98ab6598960e"},
		},
		{
			label: "open WhatsApp sessions without sub-account",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.OpenSessions(ctx, SessionQuery{CustomerID: 42})
			},
			want: []exchange{{
				method: "GET", path: "/v1/session", query: url.Values{"customerId": {"42"}},
				respond: `{"file_url":"https://cdn/x.csv"}`,
			}},
			wantOut: SessionExport{FileURL: "https://cdn/x.csv"},
		},
		{
			label: "status search needs an id",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchSMSStatus(ctx, StatusQuery{})
			},
			wantErr: ErrInvalidRequest,
		},
		{
			label: "carrier lookup needs a number",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.LookupCarriers(ctx, nil)
			},
			wantErr: ErrInvalidRequest,
		},
		{
			label: "sessions need a customer",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.OpenSessions(ctx, SessionQuery{})
			},
			wantErr: ErrInvalidRequest,
		},
		{
			label: "MO search with start after end",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchMO(ctx, MOSearch{Start: testNow, End: testNow.Add(-time.Hour)})
			},
			wantErr: ErrInvalidRequest,
		},
	}
	runAPICases(t, cases)
}

func TestWhatsAppSend(t *testing.T) {
	cases := []apiCase{
		{
			label: "text message as in the docs",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWhatsApp(ctx, WhatsAppRequest{
					Destinations: []WhatsAppDestination{{CorrelationID: "MyCorrelationId", Destination: "5519900001111"}},
					Message:      WhatsAppMessage{MessageText: "mensagem de teste"},
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/whatsapp/send",
				body:    readTestdata(t, "wa_request_text_000.json"),
				respond: `{"id":"req-1","destinations":[{"correlationId":"MyCorrelationId","destination":"5519900001111","id":"msg-1"}]}`,
			}},
			wantOut: WhatsAppResponse{ID: "req-1", Destinations: []WhatsAppAccepted{{ID: "msg-1", CorrelationID: "MyCorrelationId", Destination: "5519900001111"}}},
		},
		{
			label: "template with header parameters, body parameters and language",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWhatsApp(ctx, WhatsAppRequest{
					Destinations: []WhatsAppDestination{{CorrelationID: "MyCorrelationId", Destination: "5519900001111"}},
					Message: WhatsAppMessage{Template: &Template{
						Namespace: "aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee", ElementName: "some_approved_image_hsm",
						Header:         &TemplateHeader{Parameters: []string{"header_parameter_1"}},
						BodyParameters: []string{"https://upload.wikimedia.org/wikipedia/commons/c/c3/Arquivo.jpg"},
						LanguagePolicy: "DETERMINISTIC", LanguageCode: "pt_BR",
					}},
					CampaignAlias: "promo", DefaultExtraInfo: "lote-1", FlowID: "flow-9",
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/whatsapp/send",
				// The documented example, with its stray brace removed.
				body: `{"destinations":[{"correlationId":"MyCorrelationId","destination":"5519900001111"}],
					"message":{"template":{"namespace":"aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee",
					"elementName":"some_approved_image_hsm","header":{"parameters":["header_parameter_1"]},
					"bodyParameters":["https://upload.wikimedia.org/wikipedia/commons/c/c3/Arquivo.jpg"],
					"languagePolicy":"DETERMINISTIC","languageCode":"pt_BR"}},
					"flowId":"flow-9","defaultExtraInfo":"lote-1","campaignAlias":"promo"}`,
				respond: `{"id":"req-2"}`,
			}},
			wantOut: WhatsAppResponse{ID: "req-2"},
		},
		{
			label: "template with image header to a group",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWhatsApp(ctx, WhatsAppRequest{
					Destinations: []WhatsAppDestination{{Destination: "grp-123@g.us", RecipientType: "group"}},
					Message: WhatsAppMessage{Template: &Template{
						Namespace: "ns", ElementName: "promo",
						Header: &TemplateHeader{Image: &TemplateMedia{URL: "https://cdn.example/p.png", Type: "PNG"}},
					}},
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/whatsapp/send",
				body: `{"destinations":[{"destination":"grp-123@g.us","recipientType":"group"}],
					"message":{"template":{"namespace":"ns","elementName":"promo","header":{"image":{"url":"https://cdn.example/p.png","type":"PNG"}}}}}`,
				respond: `[{"id":"m-9","destination":"grp-123@g.us"}]`,
			}},
			wantOut: WhatsAppResponse{Destinations: []WhatsAppAccepted{{ID: "m-9", Destination: "grp-123@g.us"}}},
		},
		{
			label: "bulk-shaped answer without correlationIds is matched by position",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWhatsApp(ctx, WhatsAppRequest{
					Destinations: []WhatsAppDestination{{CorrelationID: "c1", Destination: "5519900001111"}, {CorrelationID: "c2", Destination: "5519900002222"}},
					Message:      WhatsAppMessage{MessageText: "oi", PreviewFirstURL: true},
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/whatsapp/send",
				body: `{"destinations":[{"correlationId":"c1","destination":"5519900001111"},{"correlationId":"c2","destination":"5519900002222"}],
					"message":{"messageText":"oi","previewFirstUrl":true}}`,
				respond: `{"id":"batch","messages":[{"id":"m1"},{"id":"m2"}]}`,
			}},
			wantOut: WhatsAppResponse{ID: "batch", Destinations: []WhatsAppAccepted{
				{ID: "m1", CorrelationID: "c1", Destination: "5519900001111"}, {ID: "m2", CorrelationID: "c2", Destination: "5519900002222"}}},
		},
		{
			label: "answer without any id",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWhatsApp(ctx, WhatsAppRequest{
					Destinations: []WhatsAppDestination{{Destination: "5519900001111"}},
					Message:      WhatsAppMessage{MessageText: "oi"},
				})
			},
			want: []exchange{{
				method: "POST", path: "/v1/whatsapp/send",
				body:    `{"destinations":[{"destination":"5519900001111"}],"message":{"messageText":"oi"}}`,
				respond: `{"ok":true}`,
			}},
			wantErr: ErrBadResponse,
		},
		{
			label: "two kinds of content are refused before sending",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SendWhatsApp(ctx, WhatsAppRequest{
					Destinations: []WhatsAppDestination{{Destination: "5519900001111"}},
					Message:      WhatsAppMessage{MessageText: "oi", Location: &Location{GeoPoint: "-22.89,-47.04"}},
				})
			},
			wantErr: ErrInvalidRequest,
		},
	}
	runAPICases(t, cases)
}

func TestCampaignAPI(t *testing.T) {
	cases := []apiCase{
		{
			label: "list with name and paging reads the headers",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListCampaigns(ctx, "MyCampaign", 1, 10)
			},
			want: []exchange{{
				method: "GET", path: "/api/v1/campaigns",
				query:   url.Values{"name": {"MyCampaign"}, "page": {"1"}, "page_size": {"10"}},
				header:  map[string]string{"page-number": "1", "per-page": "10", "total": "2", "total-pages": "1"},
				respond: readTestdata(t, "campaign_list_response_000.json"),
			}},
			wantOut: CampaignList{
				Campaigns: []Campaign{{ID: 1, Name: "My first campaign", Alias: "first"}, {ID: 2, Name: "My second campaign", Alias: "second"}},
				Page:      Page{Number: 1, PerPage: 10, Total: 2, TotalPages: 1},
			},
		},
		{
			label: "list without filters or headers",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListCampaigns(ctx, "", 0, 0)
			},
			want:    []exchange{{method: "GET", path: "/api/v1/campaigns", respond: `{"status":{"error":false},"campaigns":[]}`}},
			wantOut: CampaignList{Campaigns: []Campaign{}},
		},
		{
			label: "get uses the singular path",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetCampaign(ctx, 1234)
			},
			want:    []exchange{{method: "GET", path: "/api/v1/campaign/1234", respond: readTestdata(t, "campaign_get_response_000.json")}},
			wantOut: Campaign{ID: 1234, Name: "My Campaign", Alias: "mycampaign"},
		},
		{
			label: "create",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateCampaign(ctx, CampaignInput{Name: "My Campaign", Alias: "mycampaign"})
			},
			want: []exchange{{
				method: "POST", path: "/api/v1/campaigns",
				body:   `{"campaign":{"name":"My Campaign","alias":"mycampaign"}}`,
				status: http.StatusCreated, respond: readTestdata(t, "campaign_create_response_000.json"),
			}},
			wantOut: Campaign{ID: 1234, Name: "My Campaign", Alias: "mycampaign"},
		},
		{
			label: "update",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateCampaign(ctx, 1234, CampaignInput{Name: "My Campaign", Alias: "mycampaign"})
			},
			want: []exchange{{
				method: "PUT", path: "/api/v1/campaigns/1234",
				body:    `{"campaign":{"name":"My Campaign","alias":"mycampaign"}}`,
				respond: readTestdata(t, "campaign_update_response_000.json"),
			}},
			wantOut: Campaign{ID: 1234, Name: "My Campaign", Alias: "mycampaign"},
		},
		{
			label: "delete",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteCampaign(ctx, 1234)
			},
			want:    []exchange{{method: "DELETE", path: "/api/v1/campaigns/1234", respond: readTestdata(t, "campaign_delete_response_000.json")}},
			wantOut: nil,
		},
		{
			label: "delete with 204 and no body",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.DeleteCampaign(ctx, 7)
			},
			want:    []exchange{{method: "DELETE", path: "/api/v1/campaigns/7", status: http.StatusNoContent}},
			wantOut: nil,
		},
		{
			label: "error flag in a 200 envelope is a rejection",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateCampaign(ctx, CampaignInput{Name: "Dup", Alias: "dup"})
			},
			want: []exchange{{
				method: "POST", path: "/api/v1/campaigns", body: `{"campaign":{"name":"Dup","alias":"dup"}}`,
				respond: `{"status":{"error":true,"message":"alias already exists"}}`,
			}},
			wantErr: ErrRejected,
		},
		{
			label: "create needs a name",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateCampaign(ctx, CampaignInput{Alias: "x"})
			},
			wantErr: ErrInvalidRequest,
		},
		{
			label: "get needs a positive id",
			apigw: true,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetCampaign(ctx, 0)
			},
			wantErr: ErrInvalidRequest,
		},
	}
	runAPICases(t, cases)
}

func TestCampaignEnvelopeErrorMessage(t *testing.T) {
	p := newProvider(t, exchange{
		method: "POST", path: "/api/v1/campaigns", body: `{"campaign":{"name":"Dup","alias":"dup"}}`,
		respond: `{"status":{"error":true,"message":"alias already exists"}}`,
	})
	c := newTestClient(t, nil, p.srv)
	_, err := c.CreateCampaign(ctxT(t), CampaignInput{Name: "Dup", Alias: "dup"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an *APIError", err)
	}
	if apiErr.Message != "alias already exists" || apiErr.Op != "campaign-create" || apiErr.StatusCode != 200 {
		t.Errorf("APIError = %+v, want message %q, op campaign-create, status 200", apiErr, "alias already exists")
	}
}
