package sms

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestRunSegments(t *testing.T) {
	long := strings.Repeat("a", 200_000)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty input", "", ""},
		{"good lines", "\"Olá mundo\"\n\"Ola mundo\"\n", `{"encoding":"UCS-2","units":9,"segments":1}
{"encoding":"GSM-7","units":9,"segments":1}
`},
		{"escapes and no final newline (the euro is outside Wavy's table)", `"a\nb\u20ac"`, `{"encoding":"UCS-2","units":4,"segments":1}
`},
		{"CRLF lines and blank lines skipped", "\r\n\"\"\r\n   \n\"😀\"\r\n", `{"encoding":"GSM-7","units":0,"segments":0}
{"encoding":"UCS-2","units":2,"segments":1}
`},
		{"bad lines continue", "oi\n\"ok\"\nnull\n42\n\"a\" \"b\"\n\"unterminated\n", `{"error":"line 1: not a JSON string: oi"}
{"encoding":"GSM-7","units":2,"segments":1}
{"error":"line 3: not a JSON string: null"}
{"error":"line 4: not a JSON string: 42"}
{"error":"line 5: not a JSON string: invalid character '\"' after top-level value"}
{"error":"line 6: not a JSON string: unexpected end of JSON input"}
`},
		{"very long line", `"` + long + `"` + "\n", `{"encoding":"GSM-7","units":200000,"segments":1308}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := RunSegments(nil, strings.NewReader(tt.in), &out); err != nil {
				t.Fatalf("RunSegments error = %v, want nil", err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("output =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

var errWrite = errors.New("disk full")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errRead }

var errRead = errors.New("broken pipe")

func TestRunSegmentsIOErrors(t *testing.T) {
	if err := RunSegments(nil, strings.NewReader("\"a\"\n"), failingWriter{}); !errors.Is(err, errWrite) {
		t.Errorf("write failure: error = %v, want %v", err, errWrite)
	}
	if err := RunSegments(nil, failingReader{}, &bytes.Buffer{}); !errors.Is(err, errRead) {
		t.Errorf("read failure: error = %v, want %v", err, errRead)
	}
}

func TestRunSegmentsRule(t *testing.T) {
	const in = "\"Café {x}\"\n"
	tests := []struct {
		args    []string
		want    string
		wantErr string
	}{
		{nil, `{"encoding":"UCS-2","units":8,"segments":1}` + "\n", ""},
		{[]string{"--rule", "wavy"}, `{"encoding":"UCS-2","units":8,"segments":1}` + "\n", ""},
		{[]string{"--rule=gsm"}, `{"encoding":"GSM-7","units":10,"segments":1}` + "\n", ""},
		{[]string{"-rule", "gsm"}, `{"encoding":"GSM-7","units":10,"segments":1}` + "\n", ""},
		{[]string{"--rule", "ucs"}, "", `unknown billing rule "ucs"`},
		{[]string{"--rules", "gsm"}, "", "flag provided but not defined"},
		{[]string{"extra"}, "", `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := RunSegments(tt.args, strings.NewReader(in), &out)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("RunSegments(%q) error = %v, want nil", tt.args, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("RunSegments(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
		}
		if got := out.String(); got != tt.want {
			t.Errorf("RunSegments(%q) output = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// testCase is one entry of testdata/cases.json, a file other consumers
// (the UI counter, end-to-end checks) can reuse.
type testCase struct {
	Name     string   `json:"name"`
	Rule     Rule     `json:"rule"`
	Text     string   `json:"text"`
	Encoding Encoding `json:"encoding"`
	Units    int      `json:"units"`
	Segments int      `json:"segments"`
}

func loadCases(t *testing.T) []testCase {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatalf("read cases: %v", err)
	}
	var cases []testCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("parse cases: %v", err)
	}
	if len(cases) == 0 {
		t.Fatal("testdata/cases.json holds no cases")
	}
	return cases
}

func TestCasesFile(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			a := Analyze(tc.Text, tc.Rule)
			if c := a.Count; c.Encoding != tc.Encoding || c.Units != tc.Units || c.Segments != tc.Segments {
				t.Errorf("Analyze(%s) = %s/%d units/%d segments, want %s/%d/%d",
					tc.Rule, c.Encoding, c.Units, c.Segments, tc.Encoding, tc.Units, tc.Segments)
			}
			if got := len(a.Parts); got != tc.Segments {
				t.Errorf("len(Parts) = %d, want %d", got, tc.Segments)
			}
			if got := tc.Rule.Measure(tc.Text); got != a.Count {
				t.Errorf("Measure = %+v, want Analyze's %+v", got, a.Count)
			}
		})
	}
}

// TestCasesFileThroughCLI feeds every case to RunSegments, as the
// `arauto segments` command would see them.
func TestCasesFileThroughCLI(t *testing.T) {
	cases := loadCases(t)
	for _, rule := range []Rule{Wavy, GSM} {
		var in, want bytes.Buffer
		for _, tc := range cases {
			if tc.Rule != rule {
				continue
			}
			b, _ := json.Marshal(tc.Text)
			in.Write(append(b, '\n'))
			b, _ = json.Marshal(segmentsResult{tc.Encoding, tc.Units, tc.Segments})
			want.Write(append(b, '\n'))
		}
		if want.Len() == 0 {
			t.Fatalf("no cases for rule %s", rule)
		}
		var out bytes.Buffer
		if err := RunSegments([]string{"--rule", string(rule)}, &in, &out); err != nil {
			t.Fatalf("RunSegments --rule %s error = %v, want nil", rule, err)
		}
		if got := out.String(); got != want.String() {
			t.Errorf("--rule %s output =\n%s\nwant\n%s", rule, got, want.String())
		}
	}
}
