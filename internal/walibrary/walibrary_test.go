package walibrary

import (
	"slices"
	"strings"
	"testing"

	"arauto/internal/message"
)

func valid() Template {
	return Template{
		Namespace: "aaaaaaaa_bbbb_cccc_dddd_eeeeeeeeeeee", ElementName: "boas_vindas", LanguageCode: "pt_BR",
		BodyText: "Olá {{1}}, seu pedido {{2}} saiu.", BodyParams: []string{"nome", "pedido"}, Status: Approved,
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Template)
		want   []string // "field key", in order
	}{
		{"valid", func(*Template) {}, nil},
		{"namespace missing", func(t *Template) { t.Namespace = " " }, []string{"namespace walibrary.problem.required"}},
		{"element with spaces", func(t *Template) { t.ElementName = "boas vindas" }, []string{"element_name walibrary.problem.spaces"}},
		{"unknown language", func(t *Template) { t.LanguageCode = "pt" }, []string{"language_code walibrary.problem.language"}},
		{"unknown status", func(t *Template) { t.Status = "draft" }, []string{"status walibrary.problem.status"}},
		{"one name short", func(t *Template) { t.BodyParams = t.BodyParams[:1] }, []string{"body_params walibrary.problem.param_count"}},
		{"gap in variables", func(t *Template) { t.BodyText = "Olá {{1}} e {{3}}" }, []string{"body_params walibrary.problem.variables_order"}},
		{"bad parameter name", func(t *Template) { t.BodyParams[1] = "{{pedido}}" }, []string{"body_params walibrary.problem.param_name"}},
		{"decorated body limit", func(t *Template) {
			t.FooterText = "Loja"
			t.BodyText = strings.Repeat("a", 161)
			t.BodyParams = nil
		}, []string{"body_text walibrary.problem.body_too_long_decorated"}},
		{"header text with its parameter", func(t *Template) {
			t.HeaderKind, t.HeaderText, t.HeaderParams = "text", "Pedido {{1}}", []string{"pedido"}
		}, nil},
		{"header text without names", func(t *Template) { t.HeaderKind, t.HeaderText = "text", "Pedido {{1}}" }, []string{"header_params walibrary.problem.param_count"}},
		{"header names without text", func(t *Template) { t.HeaderParams = []string{"x"} }, []string{"header_params walibrary.problem.params_without_text"}},
		{"buttons", func(t *Template) {
			t.Buttons = []Button{{Kind: ButtonReply, Text: "Sim"}, {Kind: ButtonURL, Text: "Ver", Value: "ftp://x"}, {Kind: ButtonCall, Text: "Ligar", Value: "+5511999"}}
		}, []string{"button_2 walibrary.problem.button_url", "button_3 walibrary.problem.button_phone"}},
		{"four buttons", func(t *Template) {
			b := Button{Kind: ButtonReply, Text: "Sim"}
			t.Buttons = []Button{b, b, b, b}
		}, []string{"buttons walibrary.problem.buttons_count"}},
		{"button text too long", func(t *Template) {
			t.Buttons = []Button{{Kind: ButtonReply, Text: strings.Repeat("x", MaxButtonText+1)}}
		}, []string{"button_1 walibrary.problem.button_too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := valid()
			tpl.BodyParams = slices.Clone(tpl.BodyParams)
			tt.change(&tpl)
			var got []string
			for _, p := range tpl.Problems() {
				got = append(got, p.Field+" "+p.Key)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Problems() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFill(t *testing.T) {
	tpl := valid()
	tpl.HeaderKind, tpl.HeaderText, tpl.HeaderParams = "text", "Pedido {{1}}", []string{"Pedido"}
	tpl.Buttons = []Button{{Kind: ButtonReply, Text: "Sim"}}
	tests := []struct {
		name        string
		columns     []string
		wantBody    []string
		wantHeader  []string
		wantMissing []string
	}{
		{"fields spelled as the list does", []string{"Nome", "pedido"}, []string{"{{Nome}}", "{{pedido}}"}, []string{"{{pedido}}"}, nil},
		{"a field the list lacks", []string{"nome"}, []string{"{{nome}}", "{{pedido}}"}, []string{"{{Pedido}}"}, []string{"Pedido"}},
		{"no list", nil, []string{"{{nome}}", "{{pedido}}"}, []string{"{{Pedido}}"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, missing := tpl.Fill(tt.columns)
			if !slices.Equal(m.BodyParameters, tt.wantBody) || !slices.Equal(m.HeaderParameters, tt.wantHeader) || !slices.Equal(missing, tt.wantMissing) {
				t.Errorf("Fill(%q) = body %q header %q missing %q, want %q %q %q", tt.columns, m.BodyParameters, m.HeaderParameters, missing, tt.wantBody, tt.wantHeader, tt.wantMissing)
			}
			if m.Namespace != tpl.Namespace || m.ElementName != tpl.ElementName || m.LanguageCode != "pt_BR" || !slices.Equal(m.Buttons, []string{"Sim"}) {
				t.Errorf("Fill() = %+v, want the template's names, language and buttons", m)
			}
			w := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &m}
			if tt.wantMissing == nil && tt.columns != nil {
				if ps := w.Problems(tt.columns); len(ps) != 0 {
					t.Errorf("the filled message has problems %+v, want none", ps)
				}
			}
			if tt.wantMissing != nil {
				if ps := w.Problems(tt.columns); len(ps) == 0 {
					t.Errorf("the filled message naming %q has no problems, want the unknown fields named", tt.wantMissing)
				}
			}
		})
	}
}
