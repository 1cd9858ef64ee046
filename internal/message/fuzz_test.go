package message

import (
	"errors"
	"strings"
	"testing"
)

// FuzzPlaceholders checks what Parse promises about any body a marketer (or
// a pasted spreadsheet cell) can produce: placeholders in order, inside the
// body, braces included, named without surrounding spaces; a syntax error
// only with a *SyntaxError pointing at a "{{"; and Validate agreeing.
func FuzzPlaceholders(f *testing.F) {
	for _, s := range []string{"Olá {{nome}}!", "{{ nome }} e {{cidade}}", "{{", "{{}}", "{{{nome}}}", "{{a\n}}", "}}{{x}}{{", "sem campos", "{{ñ}}{{ }}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ps, err := Parse(body)
		prev := 0
		for _, p := range ps {
			if p.Start < prev || p.End > len(body) || p.Start >= p.End {
				t.Fatalf("Parse(%q): placeholder %+v out of order or outside the body", body, p)
			}
			whole := body[p.Start:p.End]
			if !strings.HasPrefix(whole, Open) || !strings.HasSuffix(whole, Close) || p.Name == "" || p.Name != strings.TrimSpace(p.Name) {
				t.Fatalf("Parse(%q): placeholder %+v reads %q", body, p, whole)
			}
			if strings.TrimSpace(whole[len(Open):len(whole)-len(Close)]) != p.Name {
				t.Fatalf("Parse(%q): name %q is not what the braces hold (%q)", body, p.Name, whole)
			}
			prev = p.End
		}
		var se *SyntaxError
		if err != nil {
			if !errors.As(err, &se) || se.Offset < prev || !strings.HasPrefix(body[se.Offset:], Open) {
				t.Fatalf("Parse(%q): error %v does not point at a {{ after the last placeholder", body, err)
			}
		}
		if cerr := CheckSyntax(body); (cerr == nil) != (err == nil) {
			t.Fatalf("CheckSyntax(%q) = %v but Parse = %v", body, cerr, err)
		}
		names := make([]string, 0, len(ps))
		for _, p := range ps {
			names = append(names, p.Name)
		}
		if err == nil {
			if verr := Validate(body, names); verr != nil {
				t.Fatalf("Validate(%q) with its own fields %v: %v", body, names, verr)
			}
		}
	})
}
