package sandbox

import (
	"strings"
	"testing"
)

func TestCarrierLookup(t *testing.T) {
	s := newTestSandbox(t, Options{})
	rec := call(t, s, "POST", "/v1/carrier/lookup", `{"destinations": ["+55(19)997712322", "5519997712322", "2312312", "551933334444", "14155550100"]}`)
	wantCode(t, rec, 200)
	var got lookupResponse
	decodeBody(t, rec, &got)
	if _, ok := parseUUID(got.ID); !ok {
		t.Errorf("id = %q, want a UUID", got.ID)
	}
	want := carriers[carrierFor("5519997712322")].name
	tests := []struct {
		dest, name, country string
		active              bool
	}{
		{"5519997712322", want, "BR", true},
		{"5519997712322", want, "BR", true},
		{"2312312", "UNKNOWN", "", false},
		{"551933334444", "UNKNOWN", "", false}, // landline
		{"14155550100", "UNKNOWN", "", false},
	}
	if len(got.Destinations) != len(tests) {
		t.Fatalf("got %d destinations, want %d", len(got.Destinations), len(tests))
	}
	for i, tt := range tests {
		d := got.Destinations[i]
		if d.Destination != tt.dest || d.Active != tt.active || d.Carrier.Name != tt.name || d.Carrier.CountryCode != tt.country {
			t.Errorf("destination %d = %+v, want %+v", i, d, tt)
		}
	}
	if strings.Contains(rec.Body.String(), `"countryCode":""`) {
		t.Errorf("body %s: unknown carriers must not carry countryCode", rec.Body.String())
	}
}

func TestCarrierLookupValidation(t *testing.T) {
	tests := []struct{ name, body string }{
		{"empty", `{"destinations":[]}`},
		{"missing", `{}`},
		{"too many", `{"destinations":[` + strings.TrimSuffix(strings.Repeat(`"5511900000000",`, 1001), ",") + `]}`},
		{"not a list", `{"destinations":"5511900000000"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			wantCode(t, call(t, s, "POST", "/v1/carrier/lookup", tt.body), 400)
		})
	}
}

func TestNumberClassification(t *testing.T) {
	tests := []struct {
		in   string
		want numberKind
	}{
		{"5511900000000", kindMobileBR},
		{"+55 (11) 90000-0000", kindMobileBR},
		{"551133334444", kindLandlineBR},
		{"5520900000000", kindInvalid}, // DDD 20 does not exist
		{"5511800000000", kindInvalid},
		{"14155550100", kindForeign},
		{"123", kindInvalid},
		{"55abc", kindInvalid},
	}
	for _, tt := range tests {
		d, ok := normalizeNumber(tt.in)
		got := kindInvalid
		if ok {
			got = classifyNumber(d)
		}
		if got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
