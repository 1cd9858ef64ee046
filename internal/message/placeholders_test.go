package message

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		body      string
		want      []string // names
		wantErr   bool
		wantEmpty bool
	}{
		{"", nil, false, false},
		{"Olá, tudo bem?", nil, false, false},
		{"Olá {{nome}}!", []string{"nome"}, false, false},
		{"{{ nome }} de {{cidade}}", []string{"nome", "cidade"}, false, false},
		{"{{Data de nascimento}}", []string{"Data de nascimento"}, false, false},
		{"{{{nome}}}", []string{"nome"}, false, false},
		{"Olá {{nome", nil, true, false},
		{"Olá {{nome}} e {{cidade", []string{"nome"}, true, false},
		{"Olá {{nome\n}}", nil, true, false},
		{"Olá {{ }}", nil, true, true},
		{"Só chaves } { e }}", nil, false, false},
	}
	for _, tt := range tests {
		ps, err := Parse(tt.body)
		var names []string
		for _, p := range ps {
			names = append(names, p.Name)
			if got := tt.body[p.Start:p.End]; !strings.HasPrefix(got, "{{") || !strings.HasSuffix(got, "}}") {
				t.Errorf("Parse(%q) span got %q, want the braced placeholder", tt.body, got)
			}
		}
		if !reflect.DeepEqual(names, tt.want) {
			t.Errorf("Parse(%q) got names %q, want %q", tt.body, names, tt.want)
		}
		var se *SyntaxError
		if got := errors.As(err, &se); got != tt.wantErr {
			t.Errorf("Parse(%q) got error %v, want a syntax error: %v", tt.body, err, tt.wantErr)
		}
		if se != nil && se.Empty != tt.wantEmpty {
			t.Errorf("Parse(%q) got Empty %v, want %v", tt.body, se.Empty, tt.wantEmpty)
		}
	}
}

func TestUnclosedSaysWhere(t *testing.T) {
	_, err := Parse("Olá {{nome, sua fatura de hoje vence amanhã")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *SyntaxError", err)
	}
	if se.Offset != len("Olá ") || se.Near != "{{nome, sua fatura d…" {
		t.Errorf("got offset %d near %q, want %d near %q", se.Offset, se.Near, len("Olá "), "{{nome, sua fatura d…")
	}
}

func TestValidateNamesUnknownFields(t *testing.T) {
	columns := []string{"nome", "cidade", "Valor"}
	tests := []struct {
		body        string
		wantUnknown []string
	}{
		{"Olá {{nome}} de {{cidade}}", nil},
		{"{{NOME}}, {{valor}}", nil},
		{"Olá {{nome}}, {{cidad}} e {{cpf}} e {{cidad}}", []string{"cidad", "cpf"}},
	}
	for _, tt := range tests {
		err := Validate(tt.body, columns)
		var ue *UnknownFieldsError
		errors.As(err, &ue)
		if tt.wantUnknown == nil {
			if err != nil {
				t.Errorf("Validate(%q) got %v, want nil", tt.body, err)
			}
			continue
		}
		if ue == nil {
			t.Errorf("Validate(%q) got %v, want *UnknownFieldsError", tt.body, err)
			continue
		}
		if !reflect.DeepEqual(ue.Unknown, tt.wantUnknown) || !reflect.DeepEqual(ue.Available, columns) {
			t.Errorf("Validate(%q) got unknown %q available %q, want %q and %q", tt.body, ue.Unknown, ue.Available, tt.wantUnknown, columns)
		}
		if got, want := err.Error(), "message: unknown field {{cidad}}, {{cpf}}; available: {{nome}}, {{cidade}}, {{Valor}}"; got != want {
			t.Errorf("Error() got %q, want %q", got, want)
		}
	}
}

func TestRender(t *testing.T) {
	columns := []string{"nome", "cidade"}
	tests := []struct {
		body   string
		fields []string
		want   string
	}{
		{"Olá {{nome}}!", []string{"João", "Campinas"}, "Olá João!"},
		{"{{nome}} de {{ cidade }}, {{Nome}}", []string{"Ana", "Itu"}, "Ana de Itu, Ana"},
		{"Olá {{nome}} de {{cidade}}", []string{"Bia"}, "Olá Bia de "},
		{"Sem campos", []string{"x"}, "Sem campos"},
		{"{{nome}}", nil, ""},
		{"<b>{{nome}}</b>", []string{"<script>"}, "<b><script></b>"},
	}
	for _, tt := range tests {
		got, err := Render(tt.body, columns, tt.fields)
		if err != nil || got != tt.want {
			t.Errorf("Render(%q, %q) got %q, %v, want %q", tt.body, tt.fields, got, err, tt.want)
		}
	}
	if _, err := Render("{{cpf}}", columns, nil); err == nil {
		t.Errorf("Render with an unknown field got nil error, want one")
	}
}

func TestAppendReusesBuffer(t *testing.T) {
	c, err := Compile("Olá {{nome}}, {{cidade}}", []string{"nome", "cidade"})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	fields := []string{"Conceição", "Niterói"}
	allocs := testing.AllocsPerRun(100, func() { buf = c.Append(buf[:0], fields) })
	if allocs != 0 {
		t.Errorf("Append got %v allocations, want 0", allocs)
	}
	if got := string(buf); got != "Olá Conceição, Niterói" {
		t.Errorf("Append got %q, want %q", got, "Olá Conceição, Niterói")
	}
}

func TestHighlight(t *testing.T) {
	columns := []string{"nome"}
	body := "Olá {{nome}}, promoção {{cpf}} <script>"
	pieces := Highlight(body, columns)
	var b strings.Builder
	type got struct {
		text string
		kind PieceKind
		col  int
	}
	var gots []got
	for _, p := range pieces {
		b.WriteString(p.Text)
		if p.Kind != Plain {
			gots = append(gots, got{p.Text, p.Kind, p.Column})
		}
	}
	if b.String() != body {
		t.Errorf("pieces rejoin to %q, want %q", b.String(), body)
	}
	want := []got{{"á", NonGSM, -1}, {"{{nome}}", Field, 0}, {"ç", NonGSM, -1}, {"ã", NonGSM, -1}, {"{{cpf}}", Field, -1}}
	if !reflect.DeepEqual(gots, want) {
		t.Errorf("highlights got %v, want %v", gots, want)
	}
	// After a syntax error the rest is text, still with its highlights.
	pieces = Highlight("{{nome}} {{ã", columns)
	if n := len(pieces); n != 3 || pieces[0].Kind != Field || pieces[1].Text != " {{" || pieces[2].Kind != NonGSM {
		t.Errorf("highlight after an unclosed placeholder got %+v, want field, text, ã", pieces)
	}
}

func FuzzCompileRender(f *testing.F) {
	f.Add("Olá {{nome}} de {{cidade}}", "João", "Itu")
	f.Add("{{{{}}}}{{", "", "")
	f.Fuzz(func(t *testing.T, body, a, b string) {
		pieces := Highlight(body, []string{"nome", "cidade"})
		var sb strings.Builder
		for _, p := range pieces {
			sb.WriteString(p.Text)
		}
		if sb.String() != body {
			t.Fatalf("Highlight(%q) rejoins to %q", body, sb.String())
		}
		c, err := Compile(body, []string{"nome", "cidade"})
		if err != nil {
			return
		}
		if got := c.Render([]string{a, b}); !strings.Contains(body, "{{") && got != body {
			t.Fatalf("Render of a body without placeholders got %q, want %q", got, body)
		}
	})
}
