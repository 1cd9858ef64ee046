package message

import (
	"reflect"
	"strings"
	"testing"
)

func TestTemplateProblems(t *testing.T) {
	columns := []string{"nome", "cidade"}
	ok := Template{Name: "Boas-vindas", Channel: ChannelSMS, Body: "Olá {{nome}}!", ListID: 1}
	tests := []struct {
		name string
		edit func(*Template)
		want []Problem
	}{
		{"ok", func(*Template) {}, nil},
		{"no name", func(t *Template) { t.Name = "  " }, []Problem{{"name", "templates.problem.name_required", nil}}},
		{"long name", func(t *Template) { t.Name = strings.Repeat("a", 101) }, []Problem{{"name", "templates.problem.name_too_long", []any{100, 101}}}},
		{"whatsapp", func(t *Template) { t.Channel = "whatsapp" }, []Problem{{"channel", "templates.problem.channel", nil}}},
		{"extraInfo 255", func(t *Template) { t.ExtraInfo = strings.Repeat("ç", 255) }, nil},
		{"extraInfo 256", func(t *Template) { t.ExtraInfo = strings.Repeat("ç", 256) }, []Problem{{"extra_info", "templates.problem.extra_info_too_long", []any{255, 256}}}},
		{"empty body", func(t *Template) { t.Body = "\n" }, []Problem{{"body", "templates.problem.body_required", nil}}},
		{"body 1280", func(t *Template) { t.Body = strings.Repeat("ã", 1280) }, nil},
		{"body 1281", func(t *Template) { t.Body = strings.Repeat("a", 1281) }, []Problem{{"body", "templates.problem.body_too_long", []any{1280, 1281}}}},
		{"unknown field", func(t *Template) { t.Body = "Olá {{nom}}" }, []Problem{{"body", "templates.problem.unknown_field", []any{"{{nom}}", "{{nome}}, {{cidade}}"}}}},
		{"unknown fields", func(t *Template) { t.Body = "{{a}} {{b}}" }, []Problem{{"body", "templates.problem.unknown_fields", []any{"{{a}}, {{b}}", "{{nome}}, {{cidade}}"}}}},
		{"no list: names unchecked", func(t *Template) { t.Body, t.ListID = "Olá {{nom}}", 0 }, nil},
		{"no list: syntax checked", func(t *Template) { t.Body, t.ListID = "Olá {{nom", 0 }, []Problem{{"body", "templates.problem.unclosed", []any{"{{nom"}}}},
		{"empty placeholder", func(t *Template) { t.Body = "Olá {{}}" }, []Problem{{"body", "templates.problem.empty_placeholder", nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := ok
			tt.edit(&tpl)
			if got := tpl.Problems(columns); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestBodyProblemWithoutFields(t *testing.T) {
	p, ok := BodyProblem("Olá {{nome}}", nil, true)
	want := Problem{"body", "templates.problem.no_fields", []any{"{{nome}}"}}
	if !ok || !reflect.DeepEqual(p, want) {
		t.Errorf("got %#v %v, want %#v", p, ok, want)
	}
}
