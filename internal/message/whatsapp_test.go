package message

import (
	"slices"
	"strings"
	"testing"
)

func tpl(mod func(t *WhatsAppTemplateMsg)) WhatsApp {
	t := &WhatsAppTemplateMsg{Namespace: "ns", ElementName: "promo", LanguageCode: "pt_BR", LanguagePolicy: "DETERMINISTIC",
		BodyText: "Olá {{1}}, seu cupom é {{2}}.", BodyParameters: []string{"{{nome}}", "NATAL10"}}
	if mod != nil {
		mod(t)
	}
	return WhatsApp{Kind: WhatsAppTemplate, Template: t}
}

func problemFields(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field+":"+strings.TrimPrefix(p.Key, "whatsapp.problem."))
	}
	return out
}

func TestWhatsAppProblems(t *testing.T) {
	cols := []string{"nome", "cidade"}
	tests := []struct {
		name string
		w    WhatsApp
		want []string
	}{
		{"valid template", tpl(nil), nil},
		{"body at 1024", tpl(func(t *WhatsAppTemplateMsg) { t.BodyText, t.BodyParameters = strings.Repeat("a", 1024), nil }), nil},
		{"body over 1024", tpl(func(t *WhatsAppTemplateMsg) { t.BodyText, t.BodyParameters = strings.Repeat("a", 1025), nil }),
			[]string{"body_text:body_too_long"}},
		{"body at 160 with footer", tpl(func(t *WhatsAppTemplateMsg) {
			t.BodyText, t.BodyParameters, t.FooterText = strings.Repeat("á", 160), nil, "Loja"
		}), nil},
		{"body over 160 with footer", tpl(func(t *WhatsAppTemplateMsg) {
			t.BodyText, t.BodyParameters, t.FooterText = strings.Repeat("a", 161), nil, "Loja"
		}), []string{"body_text:body_too_long_decorated"}},
		{"body over 160 with media header", tpl(func(t *WhatsAppTemplateMsg) {
			t.BodyText, t.BodyParameters = strings.Repeat("a", 161), nil
			t.HeaderKind, t.HeaderMedia = "image", &WhatsAppMedia{URL: "https://x.br/a.png", Type: "PNG"}
		}), []string{"body_text:body_too_long_decorated"}},
		{"header title 60", tpl(func(t *WhatsAppTemplateMsg) { t.HeaderKind, t.HeaderText = "text", strings.Repeat("b", 60) }), nil},
		{"header title 61", tpl(func(t *WhatsAppTemplateMsg) { t.HeaderKind, t.HeaderText = "text", strings.Repeat("b", 61) }),
			[]string{"header_text:header_too_long"}},
		{"header params count", tpl(func(t *WhatsAppTemplateMsg) { t.HeaderKind, t.HeaderText = "text", "Oi {{1}}" }),
			[]string{"header_params:param_count"}},
		{"missing ids and bad language", tpl(func(t *WhatsAppTemplateMsg) { t.Namespace, t.ElementName, t.LanguageCode = "", " ", "pt" }),
			[]string{"namespace:required", "element_name:required", "language_code:language"}},
		{"bad policy", tpl(func(t *WhatsAppTemplateMsg) { t.LanguagePolicy = "fallback" }), []string{"language_policy:policy"}},
		{"fewer params than variables", tpl(func(t *WhatsAppTemplateMsg) { t.BodyParameters = t.BodyParameters[:1] }),
			[]string{"body_params:param_count"}},
		{"unknown field", tpl(func(t *WhatsAppTemplateMsg) { t.BodyParameters[0] = "{{sobrenome}}" }),
			[]string{"body_param_1:templates.problem.unknown_field"}},
		{"empty param", tpl(func(t *WhatsAppTemplateMsg) { t.BodyParameters[1] = " " }), []string{"body_param_2:param_empty"}},
		{"bad media", tpl(func(t *WhatsAppTemplateMsg) {
			t.HeaderKind, t.HeaderMedia = "document", &WhatsAppMedia{URL: "ftp://x", Type: "DOC"}
		}), []string{"header_media_url:media_url", "header_media_type:media_type"}},
		{"text", WhatsApp{Kind: WhatsAppText, Text: "Oi {{nome}}"}, nil},
		{"empty text", WhatsApp{Kind: WhatsAppText}, []string{"text:text_required"}},
		{"image", WhatsApp{Kind: WhatsAppImage, Media: &WhatsAppMedia{URL: "https://x.br/a.jpg", Type: "jpg"}}, nil},
		{"audio caption", WhatsApp{Kind: WhatsAppAudio, Media: &WhatsAppMedia{URL: "https://x.br/a.mp3", Type: "MP3", Caption: "x"}},
			[]string{"media_caption:caption_audio"}},
		{"location", WhatsApp{Kind: WhatsAppLocation, Location: &WhatsAppPlace{GeoPoint: "-23.55,-46.63"}}, nil},
		{"bad location", WhatsApp{Kind: WhatsAppLocation, Location: &WhatsAppPlace{GeoPoint: "São Paulo"}}, []string{"geo_point:geo_point"}},
		{"contact", WhatsApp{Kind: WhatsAppContacts, Contact: &WhatsAppCard{Name: "Loja", Phone: "+5511999990000"}}, nil},
		{"no kind", WhatsApp{}, []string{"kind:kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemFields(tt.w.Problems(cols))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompileWhatsApp(t *testing.T) {
	cols := []string{"nome", "cidade"}
	render, err := CompileWhatsApp(tpl(nil), cols)
	if err != nil {
		t.Fatal(err)
	}
	a, b := render([]string{"Ana", "Recife"}), render([]string{"Bia", "Natal"})
	if !slices.Equal(a.BodyParameters, []string{"Ana", "NATAL10"}) {
		t.Errorf("body parameters got %v, want [Ana NATAL10]", a.BodyParameters)
	}
	if a.Key() == b.Key() || a.Key() != render([]string{"Ana", "Olinda"}).Key() {
		t.Errorf("keys got %q %q, want equal only for equal parameters", a.Key(), b.Key())
	}
	if _, err := CompileWhatsApp(tpl(func(t *WhatsAppTemplateMsg) { t.BodyParameters[0] = "{{x}}" }), cols); err == nil {
		t.Errorf("unknown field compiled, want an error")
	}
	txt, err := CompileWhatsApp(WhatsApp{Kind: WhatsAppText, Text: "Oi {{nome}} de {{cidade}}"}, cols)
	if err != nil {
		t.Fatal(err)
	}
	if got := txt([]string{"Ana", "Recife"}).Text; got != "Oi Ana de Recife" {
		t.Errorf("text got %q, want %q", got, "Oi Ana de Recife")
	}
}

func TestWhatsAppPreview(t *testing.T) {
	w := tpl(func(t *WhatsAppTemplateMsg) {
		t.HeaderKind, t.HeaderText, t.HeaderParameters, t.FooterText = "text", "Oferta para {{1}}", []string{"{{cidade}}"}, "Loja Arauto"
	})
	p := w.Preview([]string{"nome", "cidade"}, []string{"Ana", "Recife"})
	if p.HeaderText != "Oferta para Recife" || p.Body != "Olá Ana, seu cupom é NATAL10." || p.Footer != "Loja Arauto" {
		t.Errorf("preview got %+v, want header, body and footer filled", p)
	}
	back, err := ParseWhatsApp(w.JSON())
	if err != nil || back.Template.BodyParameters[0] != "{{nome}}" || back.NeedsSession() {
		t.Errorf("round trip got %+v %v", back, err)
	}
	if !(WhatsApp{Kind: WhatsAppText}).NeedsSession() {
		t.Errorf("free-form text does not need a session, want it to")
	}
}
