package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"arauto/internal/campaign"
	"arauto/internal/user"
	"arauto/internal/walibrary"
)

func libraryForm(mod func(url.Values)) url.Values {
	v := url.Values{"namespace": {"aaaa_bbbb"}, "element_name": {"pedido_enviado"}, "language_code": {"pt_BR"}, "status": {"approved"},
		"header_kind": {"text"}, "header_text": {"Pedido {{1}}"}, "header_params": {"pedido"},
		"body_text": {"Olá {{1}}, seu pedido saiu de {{2}}."}, "body_params": {"nome\r\ncidade"}, "footer_text": {"Loja Arauto"},
		"button_kind_1": {"reply"}, "button_text_1": {"Obrigado"}, "button_kind_3": {"url"}, "button_text_3": {"Rastrear"},
		"button_value_3": {"ftp://x"}}
	if mod != nil {
		mod(v)
	}
	return v
}

// TestLibraryTemplates: a marketer saves an approved template with its
// parameter names and buttons, each problem told on its field (a button's
// in its own row), and a viewer sees the library but cannot change it.
func TestLibraryTemplates(t *testing.T) {
	e := newSendEnv(t)
	refused := func(name string, v url.Values, wantIn ...string) handlerTest {
		return handlerTest{name: name, as: marketer, method: "POST", path: "/templates/whatsapp", form: v, want: 422, wantIn: wantIn}
	}
	runHandlerTests(t, e.testEnv, []handlerTest{
		refused("the link button of row 3", libraryForm(nil), `id="wa-button_value_3"`, "Escreva o endereço completo, começando com https://."),
		refused("a name short", libraryForm(func(v url.Values) { v.Set("button_value_3", "https://x.example"); v.Set("body_params", "nome") }),
			"Variáveis no texto: 2; nomes de parâmetros: 1."),
		refused("spaces in the element name", libraryForm(func(v url.Values) {
			v.Set("button_value_3", "https://x.example")
			v.Set("element_name", "pedido enviado")
		}), "Sem espaços"),
	})
	e.b.do("GET", "/templates/whatsapp/new", nil)
	r := e.b.post("/templates/whatsapp", libraryForm(func(v url.Values) { v.Set("button_value_3", "https://x.example/r") }))
	if r.status != 303 || r.location != "/templates/whatsapp" {
		t.Fatalf("create got %d %q, want 303 to the library: %s", r.status, r.location, excerpt(r.body))
	}
	list := e.b.do("GET", "/templates/whatsapp", nil)
	wantIn(t, "library", html.UnescapeString(list.body), "Modelo salvo na biblioteca.", "pedido_enviado", "Aprovado", "{{pedido}}, {{nome}}, {{cidade}}")
	if r := e.b.post("/templates/whatsapp", libraryForm(func(v url.Values) { v.Set("button_value_3", "https://x.example/r") })); r.status != 422 ||
		!strings.Contains(html.UnescapeString(r.body), "A biblioteca já tem um modelo com este namespace, nome e idioma.") {
		t.Errorf("the same template again got %d, want 422 saying the library has it", r.status)
	}
	ts, err := e.store.LibraryTemplates(context.Background(), false)
	if err != nil || len(ts) != 1 {
		t.Fatalf("library got %d templates, %v, want 1", len(ts), err)
	}
	got := ts[0]
	if fmt.Sprint(got.BodyParams, got.HeaderParams) != "[nome cidade] [pedido]" || len(got.Buttons) != 2 || got.Buttons[1].Value != "https://x.example/r" {
		t.Errorf("stored %+v, want the parameter names and both buttons", got)
	}
	page := e.b.do("GET", fmt.Sprintf("/templates/whatsapp/%d", got.ID), nil)
	wantIn(t, "template page", html.UnescapeString(page.body), "data-wa-buttons", "<li>Rastrear</li>", "Olá {{nome}}, seu pedido saiu de {{cidade}}.")

	e.addUser(t, "viewer@example.com", user.Viewer)
	v := e.browser(t)
	v.signIn("viewer@example.com")
	if r := v.do("GET", "/templates/whatsapp", nil); r.status != 200 || strings.Contains(r.body, "/templates/whatsapp/new") {
		t.Errorf("viewer's library got %d, want 200 without the new button", r.status)
	}
	if r := v.post(fmt.Sprintf("/templates/whatsapp/%d/delete", got.ID), nil); r.status != 403 {
		t.Errorf("viewer's delete got %d, want 403", r.status)
	}
	if r := e.b.post(fmt.Sprintf("/templates/whatsapp/%d/delete", got.ID), nil); r.status != 303 {
		t.Errorf("delete got %d, want 303", r.status)
	}
	if ts, _ := e.store.LibraryTemplates(context.Background(), false); len(ts) != 0 {
		t.Errorf("after delete the library has %d templates, want 0", len(ts))
	}
}

// TestLibraryInComposer: an approved template fills the composer with its
// names and parameters from the list's fields, keeping what else was
// typed; a field the list lacks is named; a paused template is neither
// offered nor saved.
func TestLibraryInComposer(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	ok := &walibrary.Template{Namespace: "ns_9", ElementName: "boas_vindas", LanguageCode: "pt_BR", BodyText: "Olá {{1}} de {{2}}",
		BodyParams: []string{"Nome", "cidade"}, Buttons: []walibrary.Button{{Kind: walibrary.ButtonReply, Text: "Quero"}}, Status: walibrary.Approved}
	lacking := &walibrary.Template{Namespace: "ns_9", ElementName: "cupom", LanguageCode: "pt_BR", BodyText: "Seu cupom {{1}}",
		BodyParams: []string{"cupom"}, Status: walibrary.Approved}
	paused := &walibrary.Template{Namespace: "ns_9", ElementName: "pausado", LanguageCode: "pt_BR", BodyText: "Oi", Status: walibrary.Paused}
	for _, tpl := range []*walibrary.Template{ok, lacking, paused} {
		if err := e.store.CreateLibraryTemplate(ctx, tpl, e.clock.now()); err != nil {
			t.Fatal(err)
		}
	}
	c := newWhatsAppDraft(t, e, 961)
	editor := e.b.do("GET", e.path(c, "/message"), nil)
	wantIn(t, "editor", editor.body, "boas_vindas (pt_BR)", "cupom (pt_BR)")
	if strings.Contains(editor.body, "pausado") {
		t.Errorf("the editor offers the paused template, want only approved ones")
	}
	typed := url.Values{"kind": {"text"}, "text": {"rascunho"}, "extra_info": {"lote-3"}, "library_id": {fmt.Sprint(ok.ID)}}
	r := e.b.post(e.path(c, "/whatsapp/library"), typed)
	body := html.UnescapeString(r.body)
	if r.status != 200 {
		t.Fatalf("use got %d, want 200: %s", r.status, excerpt(r.body))
	}
	wantIn(t, "used", body, "Modelo boas_vindas (pt_BR) aplicado.", `value="ns_9"`, `value="boas_vindas"`, "{{nome}}\n{{cidade}}</textarea>",
		`value="lote-3"`, "rascunho</textarea>", "<li>Quero</li>", "Olá João de São Paulo")
	r = e.b.post(e.path(c, "/whatsapp/library"), url.Values{"library_id": {fmt.Sprint(lacking.ID)}})
	wantIn(t, "lacking", html.UnescapeString(r.body), "a lista não tem os campos {{cupom}}")
	if r := e.b.post(e.path(c, "/whatsapp/library"), url.Values{"library_id": {fmt.Sprint(paused.ID)}}); r.status != 422 {
		t.Errorf("using a paused template got %d, want 422", r.status)
	}
	save := url.Values{"kind": {"template"}, "namespace": {"ns_9"}, "element_name": {"pausado"}, "language_code": {"pt_BR"},
		"language_policy": {"DETERMINISTIC"}, "body_text": {"Oi"}}
	r = e.b.post(e.path(c, "/message"), save)
	if r.status != 422 || !strings.Contains(html.UnescapeString(r.body), "Este modelo está marcado como Pausado na biblioteca de modelos") {
		t.Errorf("saving a paused template got %d, want 422 naming its status", r.status)
	}
	save = url.Values{"kind": {"template"}, "namespace": {"ns_9"}, "element_name": {"boas_vindas"}, "language_code": {"pt_BR"},
		"language_policy": {"DETERMINISTIC"}, "body_text": {"Olá {{1}} de {{2}}"}, "body_params": {"{{nome}}\n{{cidade}}"}, "buttons": {"Quero"}}
	if r := e.b.post(e.path(c, "/message"), save); r.status != 303 {
		t.Fatalf("save got %d, want 303: %s", r.status, excerpt(r.body))
	}
	w, err := e.store.CampaignWhatsApp(ctx, c.ID)
	if err != nil || w.Template == nil || fmt.Sprint(w.Template.Buttons) != "[Quero]" {
		t.Errorf("stored %+v %v, want the buttons kept for the preview", w.Template, err)
	}
	again := e.b.do("GET", e.path(c, "/message"), nil)
	wantIn(t, "saved editor", again.body, fmt.Sprintf(`<option value="%d" selected>`, ok.ID))
	if c.Channel != campaign.WhatsApp {
		t.Fatal("the draft is not a WhatsApp campaign")
	}
}

// TestLibraryTemplateEdit: editing a saved template checks it as creating
// does, refuses a name another template has, keeps it when the form is
// wrong, and is for marketers only.
func TestLibraryTemplateEdit(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	first := &walibrary.Template{Namespace: "ns_1", ElementName: "pedido_enviado", LanguageCode: "pt_BR", BodyText: "Olá", Status: walibrary.Approved}
	other := &walibrary.Template{Namespace: "ns_1", ElementName: "boas_vindas", LanguageCode: "pt_BR", BodyText: "Oi", Status: walibrary.Approved}
	for _, tpl := range []*walibrary.Template{first, other} {
		if err := e.store.CreateLibraryTemplate(ctx, tpl, e.clock.now()); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(t, "viewer@example.com", user.Viewer)
	path := fmt.Sprintf("/templates/whatsapp/%d", first.ID)
	edit := func(mod func(url.Values)) url.Values {
		return libraryForm(func(v url.Values) {
			v.Set("namespace", "ns_1")
			v.Set("button_value_3", "https://x.example/r")
			if mod != nil {
				mod(v)
			}
		})
	}
	runHandlerTests(t, e.testEnv, []handlerTest{
		{name: "the edit page", as: marketer, method: "GET", path: path, want: 200, wantIn: []string{`value="pedido_enviado"`}},
		{name: "a problem is told on its field", as: marketer, method: "POST", path: path,
			form: edit(func(v url.Values) { v.Set("element_name", "pedido enviado") }), want: 422, wantIn: []string{"Sem espaços"}},
		{name: "another template's name", as: marketer, method: "POST", path: path,
			form: edit(func(v url.Values) { v.Set("element_name", "boas_vindas") }), want: 422,
			wantIn: []string{"A biblioteca já tem um modelo com este namespace, nome e idioma."}},
		{name: "a viewer may not edit", as: "viewer@example.com", method: "POST", path: path, form: edit(nil), want: 403},
		{name: "saved", as: marketer, method: "POST", path: path, form: edit(func(v url.Values) { v.Set("status", "paused") }),
			want: 303, location: "/templates/whatsapp"},
		{name: "the library says so", as: marketer, method: "GET", path: "/templates/whatsapp", want: 200,
			wantIn: []string{"Modelo salvo na biblioteca."}},
	})
	got, err := e.store.LibraryTemplate(ctx, first.ID)
	if err != nil || got.Status != walibrary.Paused || got.ElementName != "pedido_enviado" || len(got.Buttons) != 2 {
		t.Errorf("after editing got %+v %v, want pedido_enviado paused with its two buttons", got, err)
	}
}
