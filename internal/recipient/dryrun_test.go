package recipient

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunDryRunCLI(t *testing.T) {
	good := writeFile(t, "lista.csv", []byte("nome;telefone;cidade\nAna;(19) 99771-2322;Campinas\nBia;19 3234-5678;Campinas\nCaio;5519997712322;Rio\nDani;xyz;Natal\n"))
	empty := writeFile(t, "vazio.csv", nil)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring
		wantStderr string // substring
	}{
		{"report", []string{"--dry-run", good}, 0, `"phone_column": "telefone"`, ""},
		{"file before flag", []string{good, "--dry-run"}, 0, `"valid": 1`, ""},
		{"rejected sample", []string{"--dry-run", "--rejected=2", good}, 0, `"rejected_sample"`, ""},
		{"refused file", []string{"--dry-run", empty}, 1, "", "the file is empty"},
		{"missing file", []string{"--dry-run", empty + ".nope"}, 1, "", "no such file"},
		{"without dry-run", []string{good}, 2, "", "only --dry-run"},
		{"no file", []string{"--dry-run"}, 2, "", "no file given"},
		{"unknown flag", []string{"--dry-run", "--fast", good}, 2, "", "unknown flag --fast"},
		{"two files", []string{"--dry-run", good, good}, 2, "", "more than one file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := RunDryRunCLI(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("got exit %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("got stdout %q, want it to contain %q", stdout.String(), tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("got stderr %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
			if code == 1 && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("got stderr %q, want one line", stderr.String())
			}
		})
	}
}

func TestDryRunJSONContract(t *testing.T) {
	path := writeFile(t, "lista.csv", []byte("nome;telefone\nAna;(19) 99771-2322\nBia;19 3234-5678\nCaio;5519997712322\nDani;xyz\n"))
	var stdout, stderr bytes.Buffer
	if code := RunDryRunCLI([]string{"--dry-run", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("got exit %d: %s", code, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout.String())
	}
	for _, key := range []string{"rows", "valid", "invalid", "duplicates", "landlines", "columns", "phone_column"} {
		if _, ok := got[key]; !ok {
			t.Errorf("report JSON lacks %q: %s", key, stdout.String())
		}
	}
	invalid, ok := got["invalid"].(map[string]any)
	if !ok || invalid["landline"] != 1.0 || invalid["invalid"] != 1.0 {
		t.Errorf("got invalid %v, want an object {landline: 1, invalid: 1}", got["invalid"])
	}
	if got["rows"] != 4.0 || got["valid"] != 1.0 || got["duplicates"] != 1.0 || got["landlines"] != 1.0 {
		t.Errorf("got %v, want rows 4 valid 1 duplicates 1 landlines 1", got)
	}

	rep, err := DryRun(context.Background(), path, DryRunOptions{})
	if err != nil || rep.Valid != 1 {
		t.Errorf("DryRun: got %+v, %v; want 1 valid", rep, err)
	}
}
