package wavy

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestFlexInt(t *testing.T) {
	cases := []struct {
		in      string
		want    FlexInt
		wantErr bool
	}{
		{`2`, 2, false},
		{`"2"`, 2, false},
		{`" 204 "`, 204, false},
		{`null`, 0, false},
		{`""`, 0, false},
		{`2.0`, 2, false},
		{`-7`, -7, false},
		{`1420732929252`, 1420732929252, false},
		{`"abc"`, 0, true},
		{`2.5`, 0, true},
		{`true`, 0, true},
		{`{}`, 0, true},
	}
	for _, tc := range cases {
		var got FlexInt
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("FlexInt(%s) = %d, %v, want %d, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestFlexString(t *testing.T) {
	cases := []struct {
		in      string
		want    FlexString
		wantErr bool
	}{
		{`"64"`, "64", false},
		{`64`, "64", false},
		{`1234.5`, "1234.5", false},
		{`true`, "true", false},
		{`null`, "", false},
		{`"a\"b"`, `a"b`, false},
		{`{}`, "", true},
		{`[1]`, "", true},
	}
	for _, tc := range cases {
		var got FlexString
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("FlexString(%s) = %q, %v, want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestFlexBool(t *testing.T) {
	cases := []struct {
		in      string
		want    FlexBool
		wantErr bool
	}{
		{`true`, true, false},
		{`false`, false, false},
		{`"true"`, true, false},
		{`"TRUE"`, true, false},
		{`1`, true, false},
		{`"0"`, false, false},
		{`null`, false, false},
		{`""`, false, false},
		{`"maybe"`, false, true},
	}
	for _, tc := range cases {
		var got FlexBool
		err := json.Unmarshal([]byte(tc.in), &got)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("FlexBool(%s) = %v, %v, want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseTime(t *testing.T) {
	cases := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"1266660300000", time.Date(2010, 2, 20, 10, 5, 0, 0, time.UTC), true},
		{"1266660300", time.Date(2010, 2, 20, 10, 5, 0, 0, time.UTC), true},
		{"2010-02-20T10:05:00Z", time.Date(2010, 2, 20, 10, 5, 0, 0, time.UTC), true},
		{"2017-12-18T17:09:31.891Z", time.Date(2017, 12, 18, 17, 9, 31, 891e6, time.UTC), true},
		{"2016-09-08T11:17:39.113Z", time.Date(2016, 9, 8, 11, 17, 39, 113e6, time.UTC), true},
		{"2015-01-08T16:02:09+0000", time.Date(2015, 1, 8, 16, 2, 9, 0, time.UTC), true},
		{"2015-01-08T13:02:09-0300", time.Date(2015, 1, 8, 16, 2, 9, 0, time.UTC), true},
		{"2015-01-08T13:02:09-03:00", time.Date(2015, 1, 8, 16, 2, 9, 0, time.UTC), true},
		{"2015-01-08T13:02:09.5-03", time.Date(2015, 1, 8, 16, 2, 9, 5e8, time.UTC), true},
		{"2016-09-12T00:00:00", time.Date(2016, 9, 12, 0, 0, 0, 0, time.UTC), true},
		{"2016-09-12 08:30:00", time.Date(2016, 9, 12, 8, 30, 0, 0, time.UTC), true},
		{"2012-08-18", time.Date(2012, 8, 18, 0, 0, 0, 0, time.UTC), true},
		{" 1420732954000 ", time.Date(2015, 1, 8, 16, 2, 34, 0, time.UTC), true},
		{"", time.Time{}, false},
		{"0", time.Time{}, false},
		{"...", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tc := range cases {
		got, ok := ParseTime(tc.in)
		if ok != tc.wantOK || !got.Equal(tc.want) || (ok && got.Location() != time.UTC) {
			t.Errorf("ParseTime(%q) = %v, %v, want %v, %v in UTC", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestDecodeLenient(t *testing.T) {
	cases := []struct {
		label   string
		in      string
		want    map[string]any
		wantErr bool
	}{
		{"valid", `{"a":1}`, map[string]any{"a": 1.0}, false},
		{"byte order mark", "\xef\xbb\xbf{\"a\":1}", map[string]any{"a": 1.0}, false},
		{"trailing comma in object", "{\"a\":\"\",\n}", map[string]any{"a": ""}, false},
		{"trailing comma in array", `{"a":[1,2,]}`, map[string]any{"a": []any{1.0, 2.0}}, false},
		{"comma inside a string is kept", `{"a":"x,}", "b":[",]"],}`, map[string]any{"a": "x,}", "b": []any{",]"}}, false},
		{"escaped quote before a comma", `{"a":"q\",}",}`, map[string]any{"a": `q",}`}, false},
		{"missing opening brace", "\"total\": 1,\n\"messages\": []\n}", map[string]any{"total": 1.0, "messages": []any{}}, false},
		{"empty", "  ", nil, true},
		{"garbage", "blargh", nil, true},
		{"truncated", `{"a":`, nil, true},
		{"double comma is not repaired", `{"a":1,,}`, nil, true},
		{"wrong type is not repaired", `[1,2]`, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			var got map[string]any
			err := decodeLenient([]byte(tc.in), &got)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("decodeLenient = %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeLenient: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{`{"message":"bad destination"}`, "bad destination"},
		{`{"errorCode":1,"errorMessage":"x"}`, "x"},
		{`{"error":{"description":"nested"}}`, "nested"},
		{`{"errors":["first","second"]}`, "first"},
		{`{"errors":[{"message":"m"}]}`, "m"},
		{`{"status":{"error":true,"message":"in status"}}`, "in status"},
		{`{"message":"  "}`, ""},
		{`{"id":1}`, ""},
		{"Service down\nretry later", "Service down"},
		{"<html><title>502</title></html>", ""},
		{"", ""},
	}
	for _, tc := range cases {
		if got := errorMessage([]byte(tc.in)); got != tc.want {
			t.Errorf("errorMessage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc…"},
		{"ããã", 3, "ã…"}, // never cuts inside a rune
	}
	for _, tc := range cases {
		if got := truncate([]byte(tc.in), tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
