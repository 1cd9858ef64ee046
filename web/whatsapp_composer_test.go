package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/user"
)

// pngBytes is a small file that passes for a PNG by its name.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 2000)...)

func newWhatsAppDraft(t *testing.T, e *sendEnv, remoteID int64) *campaign.Campaign {
	t.Helper()
	c := &campaign.Campaign{RemoteID: remoteID, Name: fmt.Sprint("Zap ", remoteID), Alias: fmt.Sprint("zap-", remoteID), Channel: campaign.WhatsApp, ListID: e.list.ID}
	if err := e.store.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	wantIn(t, "editor", e.b.do("GET", e.path(c, "/message"), nil).body, `id="whatsapp-form"`)
	return c
}

// TestWhatsAppMediaUpload: a file uploaded in the editor goes with the
// message as base64, within the documented limit and of a type its kind
// takes; the upload is refused in plain words otherwise; a viewer cannot
// upload.
func TestWhatsAppMediaUpload(t *testing.T) {
	e := newSendEnv(t)
	c := newWhatsAppDraft(t, e, 951)
	path := fmt.Sprintf("%s?campaign=%d", mediaUploadPath, c.ID)
	up := func(kind, name string, content []byte) result {
		body, ct := multipartBody(part{"_csrf", "", []byte(e.b.csrf)}, part{"kind", "", []byte(kind)}, part{"file", name, content})
		return e.b.send("POST", path, ct, body)
	}
	tests := []struct {
		name, kind, file string
		content          []byte
		status           int
		want             string
	}{
		{"image", "image", "oferta.png", pngBytes, 200, "Enviar o arquivo oferta.png (PNG, 2 KB) com a mensagem"},
		{"a PNG as a document", "document", "oferta.png", pngBytes, 422, "Para Documento, envie um arquivo .pdf."},
		{"a spreadsheet", "document", "lista.xlsx", pngBytes, 422, "Este tipo de arquivo não vai no WhatsApp"},
		{"too large", "image", "grande.jpg", bytes.Repeat([]byte{1}, message.MaxWhatsAppMediaData+1), 413, "vai junto com a mensagem até 5 MB"},
	}
	var uploadID string
	for _, tt := range tests {
		r := up(tt.kind, tt.file, tt.content)
		if r.status != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("%s: got %d %q, want %d with %q", tt.name, r.status, excerpt(r.body), tt.status, tt.want)
		}
		if m := regexp.MustCompile(`name="media_upload" value="(\d+)"`).FindStringSubmatch(r.body); m != nil {
			uploadID = m[1]
		}
	}
	if uploadID == "" {
		t.Fatal("no upload to use")
	}
	// The preview names the file; the saved message carries its data.
	form := url.Values{"kind": {"image"}, "media_upload": {uploadID}, "media_caption": {"Olá {{nome}}, veja a oferta"}}
	wantIn(t, "preview", e.b.post(e.path(c, "/whatsapp/preview"), form).body, "Arquivo: oferta.png", "Olá João, veja a oferta")
	if r := e.b.post(e.path(c, "/message"), form); r.status != 303 {
		t.Fatalf("save got %d: %s", r.status, excerpt(r.body))
	}
	w, err := e.store.CampaignWhatsApp(context.Background(), c.ID)
	if err != nil || w.Media == nil || w.Media.Data != base64.StdEncoding.EncodeToString(pngBytes) || w.Media.Type != "PNG" || w.Media.URL != "" {
		t.Fatalf("stored media got %+v, %v; want the PNG as base64", w.Media, err)
	}
	// Editing again shows the file, ticked.
	wantIn(t, "editor again", e.b.do("GET", e.path(c, "/message"), nil).body, `name="media_upload" value="`+uploadID+`" checked`, "oferta.png")
	// A URL and a file at once are refused.
	form.Set("media_url", "https://cdn.example.com/a.png")
	form.Set("media_type", "PNG")
	if r := e.b.post(e.path(c, "/message"), form); r.status != 422 || !strings.Contains(r.body, "Informe a URL ou envie o arquivo, não os dois.") {
		t.Errorf("url and file got %d, want 422 saying one or the other", r.status)
	}
	// Another campaign's file is not this one's.
	other := newWhatsAppDraft(t, e, 952)
	if r := e.b.post(e.path(other, "/message"), url.Values{"kind": {"image"}, "media_upload": {uploadID}}); r.status != 422 {
		t.Errorf("saving with another campaign's file got %d, want 422", r.status)
	}
	e.addUser(t, "viewer@example.com", user.Viewer)
	v := e.browser(t)
	v.signIn("viewer@example.com")
	v.do("GET", "/campaigns", nil)
	body, ct := multipartBody(part{"_csrf", "", []byte(v.csrf)}, part{"kind", "", []byte("image")}, part{"file", "x.png", pngBytes})
	if r := v.send("POST", path, ct, body); r.status != 403 {
		t.Errorf("viewer upload got %d, want 403", r.status)
	}
}

// TestWhatsAppComposerContent: location with its address, contact cards
// with the vCard fields, a template's header title and media, and the
// link preview of free text are saved and previewed; a bad e-mail on a
// card is refused on its field.
func TestWhatsAppComposerContent(t *testing.T) {
	e := newSendEnv(t)
	c := newWhatsAppDraft(t, e, 961)
	save := func(v url.Values) result { return e.b.post(e.path(c, "/message"), v) }

	loc := url.Values{"kind": {"location"}, "geo_point": {"-23.561414,-46.655881"}, "location_name": {"Loja Paulista"}, "location_address": {"Av. Paulista, 1578"}}
	wantIn(t, "location preview", e.b.post(e.path(c, "/whatsapp/preview"), loc).body, "Loja Paulista", "Av. Paulista, 1578", "data-wa-place")
	if r := save(loc); r.status != 303 {
		t.Fatalf("location got %d: %s", r.status, excerpt(r.body))
	}
	if w, _ := e.store.CampaignWhatsApp(context.Background(), c.ID); w.Location == nil || w.Location.Address != "Av. Paulista, 1578" {
		t.Errorf("stored location %+v", w.Location)
	}

	cards := url.Values{"kind": {"contacts"},
		"contact_1_name": {"Loja Arauto"}, "contact_1_org_company": {"Arauto"}, "contact_1_phone_1": {"+55 11 3000-0000"}, "contact_1_phone_1_type": {"MAIN"},
		"contact_1_phone_2": {"+55 11 98888-7777"}, "contact_1_phone_2_type": {"CELL"}, "contact_1_phone_2_waid": {"5511988887777"},
		"contact_1_email_1": {"contato@arauto.example"}, "contact_1_email_1_type": {"WORK"}, "contact_1_url_1": {"https://arauto.example"},
		"contact_1_address_1_street": {"Av. Paulista, 1578"}, "contact_1_address_1_city": {"São Paulo"}, "contact_1_address_1_state": {"SP"},
		"contact_1_address_1_country_code": {"BR"}, "contact_1_address_1_type": {"WORK"}, "contact_1_birthday": {"2020-05-01"},
		"contact_2_name_first": {"Maria"}, "contact_2_name_last": {"Silva"}, "contact_2_org_title": {"Gerente"}, "contact_2_phone_1": {"+55 11 97777-6666"}}
	wantIn(t, "contacts preview", e.b.post(e.path(c, "/whatsapp/preview"), cards).body, "Loja Arauto", "Maria Silva", "Gerente", "+55 11 98888-7777", "Celular")
	bad := url.Values{}
	for k, v := range cards {
		bad[k] = v
	}
	bad.Set("contact_2_email_1", "maria-sem-arroba")
	r := save(bad)
	if r.status != 422 {
		t.Fatalf("bad e-mail got %d, want 422", r.status)
	}
	wantIn(t, "bad e-mail", r.body, `id="wa-contact_2_email_1-error"`, "Este e-mail não parece válido.")
	if r := save(cards); r.status != 303 {
		t.Fatalf("contacts got %d: %s", r.status, excerpt(r.body))
	}
	w, _ := e.store.CampaignWhatsApp(context.Background(), c.ID)
	if len(w.Contacts) != 2 || len(w.Contacts[0].Phones) != 2 || w.Contacts[0].Phones[1].WaID != "5511988887777" ||
		len(w.Contacts[0].Addresses) != 1 || w.Contacts[0].Addresses[0].City != "São Paulo" || w.Contacts[1].Name.Display() != "Maria Silva" {
		t.Errorf("stored contacts %+v", w.Contacts)
	}
	wantIn(t, "contacts again", e.b.do("GET", e.path(c, "/message"), nil).body, `value="5511988887777"`, `value="Maria"`)

	tpl := url.Values{"kind": {"template"}, "namespace": {"ns"}, "element_name": {"promo"}, "language_code": {"pt_BR"}, "language_policy": {"DETERMINISTIC"},
		"header_kind": {"image"}, "header_media_url": {"https://cdn.example.com/natal.jpg"}, "header_media_type": {"JPG"}, "header_title": {"Natal"},
		"body_text": {"Oi {{1}}"}, "body_params": {"{{nome}}"}}
	wantIn(t, "template preview", e.b.post(e.path(c, "/whatsapp/preview"), tpl).body, "data-wa-header-title", "Natal", "https://cdn.example.com/natal.jpg")
	if r := save(tpl); r.status != 303 {
		t.Fatalf("template got %d: %s", r.status, excerpt(r.body))
	}
	if w, _ := e.store.CampaignWhatsApp(context.Background(), c.ID); w.Template.HeaderTitle != "Natal" || w.Template.HeaderMedia == nil {
		t.Errorf("stored template %+v", w.Template)
	}

	text := url.Values{"kind": {"text"}, "text": {"Veja https://loja.example/natal e aproveite"}, "preview_first_url": {"1"}}
	wantIn(t, "text preview", e.b.post(e.path(c, "/whatsapp/preview"), text).body, "data-wa-link", "https://loja.example/natal")
	if r := save(text); r.status != 303 {
		t.Fatalf("text got %d", r.status)
	}
	if w, _ := e.store.CampaignWhatsApp(context.Background(), c.ID); !w.PreviewFirstURL {
		t.Errorf("previewFirstUrl not stored")
	}
}
