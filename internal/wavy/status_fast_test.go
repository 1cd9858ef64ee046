package wavy

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// statusFastBodies are status bodies of every kind: the documented flat
// ones the fast path takes, and the odd ones it must leave to the general
// parser (or read the same).
var statusFastBodies = []string{
	`{"id":"f9c1","correlationId":"a1-3","carrierId":1,"carrierName":"VIVO","destination":"5511900009999","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":1266660300000,"sentDate":"2010-02-20T10:05:00Z","campaignId":"64","extraInfo":""}`,
	`{"id":"8f5a","correlationId":"myId","carrierId":5,"carrierName":"TIM","destination":"5519900001111","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentStatusAt":1420732929252,"sentStatusDate":"2015-01-08T16:02:09Z","deliveredStatusCode":4,"deliveredStatus":"DELIVERED_SUCCESS","deliveredAt":1420732954000,"deliveredDate":"2015-01-08T16:02:34Z","campaignId":1234}`,
	` {"id": 77, "carrierId": "5", "sentStatusCode": " 2 ", "sentAt": "2015-01-08T16:02:09Z", "extraInfo": 12.50, "campaignId": true} `,
	`{"correlationId":"c","sentStatusCode":2.0,"deliveredStatusCode":null,"deliveredAt":null,"deliveredDate":"2015-01-08T16:02:34Z"}`,
	`{"id":"x","sentAt":"","sentDate":"2010-02-20T10:05:00Z"}`,
	`{"id":"x","sentAt":1266660300,"unknown":"kept out"}`,
	`{"id":"x","id":"y"}`,
	`{"ID":"x"}`,
	`{"id":"x","data":[{"id":"y"}]}`,
	`[{"id":"x"},{"id":"y"}]`,
	`{"id":"x","extraInfo":{"a":1}}`,
	`{"id":"caf\u00e9"}`,
	`{"id":"x","carrierId":01}`,
	`{"id":"x","carrierId":true}`,
	`{"id":"x","carrierName":"a	b"}`,
	`{"id":"x",}`,
	`{"sentStatus":"SENT_SUCCESS"}`,
	"\xef\xbb\xbf{\"id\":\"x\"}",
	`{"id":"x"} {"id":"y"}`,
	`{"id":"ação","destination":"+55 (11) 98765-4321"}`,
}

// TestStatusFastPathAgrees reads every sample body, and the provider's
// documented ones, both ways: where the fast path takes a body, it must
// read it as the general parser does; the documented flat bodies must be
// taken by it.
func TestStatusFastPathAgrees(t *testing.T) {
	bodies := append([]string(nil), statusFastBodies...)
	files, _ := filepath.Glob(filepath.Join("testdata", "sms_*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	taken := 0
	for _, body := range bodies {
		fast, ok := parseStatusFast([]byte(body))
		if !ok {
			continue
		}
		taken++
		general, err := parseSMSStatusGeneral([]byte(body))
		if err != nil || len(general) != 1 {
			t.Errorf("fast path took %q; the general parser got %+v, %v", body, general, err)
			continue
		}
		if !reflect.DeepEqual(fast, general[0]) {
			t.Errorf("fast path read %q as\n%+v, want\n%+v", body, fast, general[0])
		}
	}
	for _, body := range statusFastBodies[:6] {
		if _, ok := parseStatusFast([]byte(body)); !ok {
			t.Errorf("fast path left %q to the general parser, want it taken", body)
		}
	}
	for _, body := range []string{`{"ID":"x"}`, `{"id":"x","data":[{"id":"y"}]}`, `{"id":"caf\u00e9"}`, `{"id":"x","carrierId":01}`,
		`{"id":"x","carrierName":"a	b"}`, `{"sentStatus":"SENT_SUCCESS"}`, `{"id":"x","extraInfo":{"a":1}}`} {
		if s, ok := parseStatusFast([]byte(body)); ok {
			t.Errorf("fast path took %q as %+v, want it left to the general parser", body, s)
		}
	}
	if taken < 6 {
		t.Errorf("fast path took %d bodies, want at least the 6 flat samples", taken)
	}
}
