package message

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"arauto/internal/i18n"
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
		{"image uploaded", WhatsApp{Kind: WhatsAppImage, Media: &WhatsAppMedia{Data: "ZmlsZQ==", Type: "PNG"}}, nil},
		{"document uploaded at 5 MB", WhatsApp{Kind: WhatsAppDocument, Media: &WhatsAppMedia{Data: b64(MaxWhatsAppMediaData), Type: "PDF", Caption: "Boleto {{nome}}"}}, nil},
		{"document uploaded over 5 MB", WhatsApp{Kind: WhatsAppDocument, Media: &WhatsAppMedia{Data: b64(MaxWhatsAppMediaData + 1), Type: "PDF"}},
			[]string{"media_data:media_data_too_large"}},
		{"upload not base64", WhatsApp{Kind: WhatsAppAudio, Media: &WhatsAppMedia{Data: "%PDF-1.4", Type: "MP3"}}, []string{"media_data:media_data"}},
		{"url and upload", WhatsApp{Kind: WhatsAppImage, Media: &WhatsAppMedia{URL: "https://x.br/a.png", Data: "ZmlsZQ==", Type: "PNG"}},
			[]string{"media_url:media_url_or_upload"}},
		{"neither url nor upload", WhatsApp{Kind: WhatsAppImage, Media: &WhatsAppMedia{Type: "PNG"}}, []string{"media_url:media_url_or_upload_required"}},
		{"header media cannot be uploaded", tpl(func(t *WhatsAppTemplateMsg) {
			t.HeaderKind, t.HeaderMedia = "image", &WhatsAppMedia{Data: "ZmlsZQ==", Type: "PNG"}
		}), []string{"header_media_url:media_url_required"}},
		{"header title with image", tpl(func(t *WhatsAppTemplateMsg) {
			t.BodyText, t.BodyParameters = "Oi", nil
			t.HeaderKind, t.HeaderMedia, t.HeaderTitle = "image", &WhatsAppMedia{URL: "https://x.br/a.png", Type: "PNG"}, "Oferta"
		}), nil},
		{"header title of 61", tpl(func(t *WhatsAppTemplateMsg) { t.HeaderTitle = strings.Repeat("t", 61) }), []string{"header_title:header_too_long"}},
		{"header title with parameters", tpl(func(t *WhatsAppTemplateMsg) {
			t.HeaderKind, t.HeaderText, t.HeaderParameters, t.HeaderTitle = "text", "Oi {{1}}", []string{"{{nome}}"}, "T"
		}), []string{"header_title:header_title_with_params"}},
		{"location with address", WhatsApp{Kind: WhatsAppLocation, Location: &WhatsAppPlace{GeoPoint: "-22.894180,-47.047960", Name: "Wavy", Address: "Av. Cel. Silva Telles"}}, nil},
		{"several full contacts", WhatsApp{Kind: WhatsAppContacts, Contacts: []WhatsAppContact{fullContact(), {Name: WhatsAppContactName{First: "Ana"}}}}, nil},
		{"bad contact fields", WhatsApp{Kind: WhatsAppContacts, Contacts: []WhatsAppContact{fullContact(), {
			Birthday: "18/08/2012", Phones: []WhatsAppContactPhone{{Phone: "", Type: "FAX"}}, Emails: []WhatsAppContactValue{{Value: "ana@"}},
			URLs: []WhatsAppContactValue{{Value: "www.fb.com", Type: "HOME"}}, Addresses: []WhatsAppContactAddress{{CountryCode: "BRA", Type: "PO"}},
		}}}, []string{"contact_2_name:required", "contact_2_birthday:contact_birthday", "contact_2_phone_1:required", "contact_2_phone_1:contact_type",
			"contact_2_email_1:contact_email", "contact_2_url_1:media_url", "contact_2_address_1:contact_type", "contact_2_address_1_country_code:contact_country_code"}},
		{"no contact at all", WhatsApp{Kind: WhatsAppContacts}, []string{"contact_name:required"}},
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

// fullContact is the seeds' example card.
func fullContact() WhatsAppContact {
	return WhatsAppContact{
		Name:     WhatsAppContactName{First: "John", Formatted: "John Smith", Last: "Smith"},
		Birthday: "2012-08-18",
		Addresses: []WhatsAppContactAddress{
			{City: "Menlo Park", Country: "United States", CountryCode: "us", State: "CA", Street: "1 Hacker Way", Type: "HOME", Zip: "94025"},
			{City: "Menlo Park", Country: "United States", CountryCode: "us", State: "CA", Street: "200 Jefferson Dr", Type: "WORK", Zip: "94025"},
		},
		Emails: []WhatsAppContactValue{{Value: "test@fb.com", Type: "WORK"}, {Value: "test@whatsapp.com", Type: "WORK"}},
		Org:    WhatsAppContactOrg{Company: "WhatsApp", Department: "Design", Title: "Manager"},
		Phones: []WhatsAppContactPhone{{Phone: "+1 (940) 555-1234", Type: "HOME"}, {Phone: "+1 (650) 555-1234", Type: "WORK", WaID: "16505551234"}},
		URLs:   []WhatsAppContactValue{{Value: "https://www.fb.com", Type: "WORK"}},
	}
}

// b64 is n zero bytes in base64.
func b64(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

// TestWhatsAppProblemKeysTranslated checks that every problem key the
// checks can produce exists in both languages.
func TestWhatsAppProblemKeysTranslated(t *testing.T) {
	bad := []WhatsApp{
		{}, {Kind: "x"}, {Kind: WhatsAppText}, {Kind: WhatsAppText, Text: strings.Repeat("a", MaxWhatsAppText+1)},
		{Kind: WhatsAppImage, Media: &WhatsAppMedia{URL: "ftp://x", Data: "x"}}, {Kind: WhatsAppImage, Media: &WhatsAppMedia{Type: "GIF"}},
		{Kind: WhatsAppImage, Media: &WhatsAppMedia{Data: "%%"}}, {Kind: WhatsAppImage, Media: &WhatsAppMedia{Data: b64(MaxWhatsAppMediaData + 1)}},
		{Kind: WhatsAppImage, Media: &WhatsAppMedia{URL: "ftp://x"}}, {Kind: WhatsAppAudio, Media: &WhatsAppMedia{URL: "https://x/a", Caption: "c"}},
		{Kind: WhatsAppLocation}, {Kind: WhatsAppContacts},
		{Kind: WhatsAppContacts, Contacts: []WhatsAppContact{{Birthday: "x", Phones: []WhatsAppContactPhone{{Type: "FAX"}}, Emails: []WhatsAppContactValue{{Value: "x"}},
			URLs: []WhatsAppContactValue{{Value: "x"}}, Addresses: []WhatsAppContactAddress{{CountryCode: "x"}}}}},
		tpl(func(t *WhatsAppTemplateMsg) {
			*t = WhatsAppTemplateMsg{LanguagePolicy: "x", HeaderKind: "text", HeaderText: strings.Repeat("{{1}}", 20), HeaderTitle: strings.Repeat("t", 61),
				HeaderParameters: []string{" "}, BodyText: strings.Repeat("a", 2000), FooterText: strings.Repeat("f", 61)}
		}),
		tpl(func(t *WhatsAppTemplateMsg) { t.HeaderKind = "gif" }),
		tpl(func(t *WhatsAppTemplateMsg) {
			t.HeaderKind, t.BodyText, t.FooterText = "image", strings.Repeat("a", 200), "f"
		}),
		tpl(func(t *WhatsAppTemplateMsg) { t.BodyText = "" }),
	}
	seen := map[string]bool{}
	for _, w := range bad {
		for _, p := range w.Problems([]string{"nome"}) {
			seen[p.Key] = true
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, p.Key) {
					t.Errorf("%s lacks %q (field %s)", lang, p.Key, p.Field)
				}
			}
		}
	}
	if len(seen) < 25 {
		t.Errorf("the bad messages produced %d distinct keys, want the checks to be exercised (at least 25)", len(seen))
	}
}

func TestWhatsAppContactsAndUploadPreview(t *testing.T) {
	w := WhatsApp{Kind: WhatsAppContacts, Contacts: []WhatsAppContact{fullContact()}, Contact: &WhatsAppCard{Name: "Loja", Phone: "+5511999990000"}}
	p := w.Preview(nil, nil)
	if len(p.Contacts) != 2 || p.Contacts[0].Name.Display() != "John Smith" || p.Contacts[1].Name.Display() != "Loja" || p.Contacts[1].Phones[0].Type != "CELL" {
		t.Errorf("contacts preview = %+v, want John Smith then the simple card", p.Contacts)
	}
	if got := w.Summary(); got != "[contact] John Smith, Loja" {
		t.Errorf("Summary = %q", got)
	}
	img := WhatsApp{Kind: WhatsAppImage, Media: &WhatsAppMedia{Data: "ZmlsZQ==", Type: "png", Caption: "Oi {{nome}}"}}
	if p := img.Preview([]string{"nome"}, []string{"Ana"}); !p.MediaUploaded || p.MediaURL != "" || p.Body != "Oi Ana" {
		t.Errorf("upload preview = %+v, want uploaded, no URL, caption filled", p)
	}
	if got := (WhatsAppContactName{Prefix: "Dr.", First: "Ana", Last: "Souza"}).Display(); got != "Dr. Ana Souza" {
		t.Errorf("Display = %q, want %q", got, "Dr. Ana Souza")
	}
	back, err := ParseWhatsApp(w.JSON())
	if err != nil || len(back.Contacts) != 1 || back.Contacts[0].Org.Company != "WhatsApp" || back.Contact == nil {
		t.Errorf("round trip = %+v, %v", back, err)
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
