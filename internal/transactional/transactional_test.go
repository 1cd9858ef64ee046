package transactional

import (
	"strings"
	"testing"
)

func TestCheckNamesTheField(t *testing.T) {
	s := &Service{Region: "BR"}
	tpl := func(mod func(*Template)) *Template {
		t := &Template{Namespace: "ns", ElementName: "pedido_confirmado", LanguageCode: "pt_BR", BodyParameters: []string{"Ana", "98765"}}
		if mod != nil {
			mod(t)
		}
		return t
	}
	tests := []struct {
		name  string
		req   Request
		field string
	}{
		{"good sms", Request{Channel: SMS, To: "(11) 98123-4567", Text: "Pedido confirmado"}, ""},
		{"good whatsapp", Request{Channel: WhatsApp, To: "11981234567", Template: tpl(nil)}, ""},
		{"no number", Request{Channel: SMS, Text: "oi"}, "to"},
		{"landline", Request{Channel: SMS, To: "1132654321", Text: "oi"}, "to"},
		{"no text", Request{Channel: SMS, To: "11981234567", Text: "  "}, "text"},
		{"text too long", Request{Channel: SMS, To: "11981234567", Text: strings.Repeat("a", 1281)}, "text"},
		{"template on sms", Request{Channel: SMS, To: "11981234567", Text: "oi", Template: tpl(nil)}, "template"},
		{"text on whatsapp", Request{Channel: WhatsApp, To: "11981234567", Text: "oi", Template: tpl(nil)}, "text"},
		{"no template", Request{Channel: WhatsApp, To: "11981234567"}, "template"},
		{"bad language", Request{Channel: WhatsApp, To: "11981234567", Template: tpl(func(t *Template) { t.LanguageCode = "xx" })}, "template.language_code"},
		{"empty parameter", Request{Channel: WhatsApp, To: "11981234567", Template: tpl(func(t *Template) { t.BodyParameters[1] = " " })}, "template.body_parameters[1]"},
		{"unknown channel", Request{Channel: "rcs", To: "11981234567"}, "channel"},
		{"correlation id with a newline", Request{Channel: SMS, To: "11981234567", Text: "oi", CorrelationID: "a\nb"}, "correlation_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phone, _, _, problems := s.Check(tt.req)
			if tt.field == "" {
				if len(problems) > 0 || phone != "5511981234567" {
					t.Fatalf("got %q and problems %+v, want 5511981234567 and none", phone, problems)
				}
				return
			}
			if len(problems) == 0 || problems[0].Field != tt.field {
				t.Fatalf("got problems %+v, want the first on %q", problems, tt.field)
			}
		})
	}
}

func TestStreamsOfOneTemplateAreOne(t *testing.T) {
	s := &Service{Region: "BR"}
	a := &Template{Namespace: "ns", ElementName: "pedido", LanguageCode: "pt_BR", BodyParameters: []string{"Ana"}}
	b := &Template{Namespace: "ns", ElementName: "pedido", LanguageCode: "pt_BR", BodyParameters: []string{"Bia"}}
	c := &Template{Namespace: "ns", ElementName: "entrega", LanguageCode: "pt_BR", BodyParameters: []string{"Ana"}}
	_, sa, fa, _ := s.Check(Request{Channel: WhatsApp, To: "11981234567", Template: a})
	_, sb, fb, _ := s.Check(Request{Channel: WhatsApp, To: "11981234567", Template: b})
	_, sc, _, _ := s.Check(Request{Channel: WhatsApp, To: "11981234567", Template: c})
	if sa.Key != sb.Key || sa.Key == sc.Key {
		t.Errorf("got streams %s, %s, %s: want one per template, whatever the parameters", sa.Key, sb.Key, sc.Key)
	}
	if fa[0] != "Ana" || fb[0] != "Bia" || sa.Columns[0] != "b1" || !strings.Contains(sa.WhatsApp, "{{b1}}") {
		t.Errorf("got fields %v %v, columns %v, message %s: want the parameters as the fields of {{b1}}", fa, fb, sa.Columns, sa.WhatsApp)
	}
}
