package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"arauto/internal/recipient"
	"arauto/internal/user"
)

// addReadyList imports a list with the columns nome and cidade.
func (e *testEnv) addReadyList(t *testing.T, name string, rows ...recipient.Recipient) *recipient.List {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: name, FileName: name + ".csv", Mapping: recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1}}
	if err := e.store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := e.store.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		t.Fatal(err)
	}
	if err := e.store.AddRecipients(ctx, l.ID, rows); err != nil {
		t.Fatal(err)
	}
	rep := recipient.Report{Rows: len(rows), Valid: len(rows), Columns: []string{"nome", "cidade"}}
	for _, r := range rows {
		if r.Suppressed {
			// The import flags the numbers on the suppression list.
			if _, err := e.store.AddSuppressions(ctx, []string{r.Phone}, "opt-out", ""); err != nil {
				t.Fatal(err)
			}
			rep.Suppressed++
		}
	}
	if err := e.store.FinishListImport(ctx, l.ID, rep); err != nil {
		t.Fatal(err)
	}
	return l
}

var clientes = []recipient.Recipient{
	{Row: 2, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}},
	{Row: 3, Phone: "5521998765432", Fields: []string{"Ana", "Niterói"}},
	{Row: 4, Phone: "5519997712322", Fields: []string{"Maximiliano", "Campinas"}},
}

func tplForm(name, body string, listID int64, extra ...string) url.Values {
	f := url.Values{"name": {name}, "channel": {"sms"}, "body": {body}, "list_id": {fmt.Sprint(listID)}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

func TestTemplateCRUD(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	l := e.addReadyList(t, "Clientes", clientes...)
	b := e.browser(t)
	b.signIn("mkt@example.com")

	if r := b.do("GET", "/templates", nil); r.status != 200 || !strings.Contains(r.body, "Nenhum modelo ainda") || !strings.Contains(r.body, `href="/templates/new"`) {
		t.Fatalf("empty list got %d, want 200 with the empty state and a new button", r.status)
	}
	r := b.do("GET", "/templates/new", nil)
	if r.status != 200 || !strings.Contains(r.body, `id="compose-body"`) || !strings.Contains(r.body, "Clientes (3 contatos)") {
		t.Fatalf("new page got %d, want 200 with the composer and the ready list to choose", r.status)
	}
	r = b.post("/templates", tplForm("Boas-vindas", "Olá {{nome}}, de {{ cidade }}!\r\nAté logo.", l.ID, "flash", "1", "extra_info", "lote-7"))
	if r.status != 303 || r.location != "/templates" {
		t.Fatalf("create got %d %q, want 303 /templates", r.status, r.location)
	}
	r = b.do("GET", "/templates", nil)
	if !strings.Contains(r.body, "Modelo Boas-vindas salvo.") || !strings.Contains(r.body, `href="/templates/1"`) || !strings.Contains(r.body, "Clientes") {
		t.Errorf("list after create lacks the flash, the link or the preview list")
	}
	tpl, err := e.store.TemplateByID(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Body != "Olá {{nome}}, de {{ cidade }}!\nAté logo." || !tpl.Flash || tpl.ExtraInfo != "lote-7" || tpl.ListID != l.ID {
		t.Errorf("stored template got %+v, want the body with LF, flash, extraInfo and the list", tpl)
	}

	r = b.do("GET", "/templates/1", nil)
	for _, want := range []string{"Olá {{nome}}, de {{ cidade }}!", `value="lote-7"`, `name="flash" value="1" checked`, "Excluir modelo"} {
		if !strings.Contains(html.UnescapeString(r.body), html.UnescapeString(want)) {
			t.Errorf("edit page lacks %q", want)
		}
	}
	r = b.post("/templates/1", tplForm("Boas-vindas 2", "Oi {{nome}}", 0))
	if r.status != 303 {
		t.Fatalf("update got %d, want 303", r.status)
	}
	if tpl, _ := e.store.TemplateByID(context.Background(), 1); tpl.Name != "Boas-vindas 2" || tpl.Flash || tpl.ListID != 0 || tpl.ExtraInfo != "" {
		t.Errorf("updated template got %+v, want renamed without flash, list or extraInfo", tpl)
	}
	b.do("GET", "/templates/1", nil)
	if r := b.post("/templates/1/delete", nil); r.status != 303 || r.location != "/templates" {
		t.Errorf("delete got %d %q, want 303 /templates", r.status, r.location)
	}
	if r := b.do("GET", "/templates", nil); !strings.Contains(r.body, "Modelo Boas-vindas 2 excluído.") {
		t.Errorf("list after delete lacks the flash")
	}
	for _, path := range []string{"/templates/1", "/templates/abc"} {
		if r := b.do("GET", path, nil); r.status != 404 {
			t.Errorf("GET %s got %d, want 404", path, r.status)
		}
	}
	if r := b.post("/templates/1/delete", nil); r.status != 404 {
		t.Errorf("deleting again got %d, want 404", r.status)
	}
}

func TestTemplateValidation(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	l := e.addReadyList(t, "Clientes", clientes...)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/templates/new", nil)
	if r := b.post("/templates", tplForm("Aviso", "Aviso", 0)); r.status != 303 {
		t.Fatalf("first template got %d, want 303", r.status)
	}
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"unknown field", tplForm("T1", "Olá {{nome}} de {{cidad}}", l.ID),
			"O campo {{cidad}} não existe na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}."},
		{"unknown fields", tplForm("T1", "{{cpf}} {{email}}", l.ID),
			"Os campos {{cpf}}, {{email}} não existem na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}."},
		{"unclosed", tplForm("T1", "Olá {{nome", 0), "não foi fechado com }}"},
		{"extraInfo too long", tplForm("T1", "Oi", 0, "extra_info", strings.Repeat("x", 256)),
			"A anotação pode ter até 255 caracteres (tem 256)."},
		{"body over 1280", tplForm("T1", strings.Repeat("a", 1281), 0), "A mensagem pode ter até 1280 caracteres (tem 1281)."},
		{"empty body", tplForm("T1", " ", 0), "Escreva o texto da mensagem."},
		{"no name", tplForm("", "Oi", 0), "Dê um nome ao modelo."},
		{"name taken", tplForm("AVISO", "Oi", 0), "Já existe um modelo com esse nome."},
		{"missing list", tplForm("T1", "Oi", 999), "Escolha uma lista pronta como lista de prévia."},
		{"whatsapp", tplForm("T1", "Oi", 0, "channel", "whatsapp"), "Por enquanto os modelos são só de SMS."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post("/templates", tt.form)
			if r.status != 422 {
				t.Errorf("got %d, want 422", r.status)
			}
			if got := html.UnescapeString(r.body); !strings.Contains(got, tt.want) || !strings.Contains(got, "Corrija os campos destacados") {
				t.Errorf("page lacks %q", tt.want)
			}
			// What was typed is kept.
			if body := tt.form.Get("body"); len(body) < 100 && !strings.Contains(html.UnescapeString(r.body), body) {
				t.Errorf("page lost the typed body %q", body)
			}
		})
	}
	if ts, _ := e.store.Templates(context.Background()); len(ts) != 1 {
		t.Errorf("got %d templates, want only the first one saved", len(ts))
	}
	// Without a preview list the names are not checked (the campaign's list
	// will be).
	if r := b.post("/templates", tplForm("Sem lista", "Olá {{qualquer}}", 0)); r.status != 303 {
		t.Errorf("unchecked field without a list got %d, want 303", r.status)
	}
}

func TestTemplateRoles(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	e.addUser(t, "view@example.com", user.Viewer)
	mkt := e.browser(t)
	mkt.signIn("mkt@example.com")
	mkt.do("GET", "/templates/new", nil)
	if r := mkt.post("/templates", tplForm("Aviso", "Aviso importante", 0)); r.status != 303 {
		t.Fatalf("create got %d, want 303", r.status)
	}

	v := e.browser(t)
	v.signIn("view@example.com")
	if r := v.do("GET", "/templates", nil); r.status != 200 || !strings.Contains(r.body, "Aviso") || strings.Contains(r.body, `href="/templates/new"`) {
		t.Errorf("viewer list got %d, want 200 with the template and no new button", r.status)
	}
	r := v.do("GET", "/templates/1", nil)
	if r.status != 200 || !strings.Contains(r.body, "Aviso importante") || strings.Contains(r.body, "Salvar modelo") || strings.Contains(r.body, "Excluir modelo") ||
		!regexp.MustCompile(`<textarea[^>]*readonly`).MatchString(r.body) || strings.Contains(r.body, `hx-post="/compose/count"`) {
		t.Errorf("viewer page got %d, want it read-only", r.status)
	}
	changed := tplForm("Mudado", "Mudado", 0)
	runHandlerTests(t, e, []handlerTest{
		{as: "view@example.com", method: "GET", path: "/templates/new", want: 403},
		{as: "view@example.com", method: "POST", path: "/templates", form: changed, want: 403},
		{as: "view@example.com", method: "POST", path: "/templates/1", form: changed, want: 403},
		{as: "view@example.com", method: "POST", path: "/templates/1/delete", form: changed, want: 403},
		{as: "view@example.com", method: "POST", path: "/compose/count", form: changed, want: 403},
		{as: "view@example.com", method: "POST", path: "/compose/transliterate", form: changed, want: 403},
		{as: "view@example.com", method: "POST", path: "/compose/cost", form: changed, want: 403},
	})
	if tpl, _ := e.store.TemplateByID(context.Background(), 1); tpl == nil || tpl.Name != "Aviso" {
		t.Errorf("template after the viewer's attempts got %+v, want it unchanged", tpl)
	}
	anon := e.browser(t)
	if r := anon.do("POST", "/compose/count", url.Values{"body": {"x"}}, "HX-Request", "true"); r.status != 403 && r.status != 401 {
		t.Errorf("anonymous count got %d, want refused", r.status)
	}
}

// meterStat reads a data-stat value from the meter.
func meterStat(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`data-stat="` + name + `">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in %s", name, body)
	}
	return m[1]
}

func TestComposeCount(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/templates/new", nil)
	tests := []struct {
		name                                    string
		body                                    string
		encoding, chars, segments, left, perSeg string
		parts                                   int
	}{
		{"empty", "", "GSM-7", "0", "0", "160", "160", 0},
		{"160 GSM-7", strings.Repeat("a", 160), "GSM-7", "160", "1", "0", "160", 1},
		{"161 GSM-7", strings.Repeat("a", 161), "GSM-7", "161", "2", "145", "153", 2},
		{"euro is outside Wavy's table", strings.Repeat("€", 80), "UCS-2", "80", "2", "54", "67", 2},
		{"70 UCS-2", strings.Repeat("ã", 70), "UCS-2", "70", "1", "0", "70", 1},
		{"71 UCS-2", strings.Repeat("ã", 71), "UCS-2", "71", "2", "63", "67", 2},
		{"one ã turns 100 chars UCS-2", strings.Repeat("a", 99) + "ã", "UCS-2", "100", "2", "34", "67", 2},
		{"CRLF counts as one line break", "a\r\nb", "GSM-7", "3", "1", "157", "160", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.post("/compose/count", url.Values{"body": {tt.body}, "compose_field": {"body"}})
			if r.status != 200 {
				t.Fatalf("got %d, want 200", r.status)
			}
			got := []string{meterStat(t, r.body, "encoding"), meterStat(t, r.body, "chars"), meterStat(t, r.body, "segments"), meterStat(t, r.body, "remaining"), meterStat(t, r.body, "per-segment")}
			want := []string{tt.encoding, tt.chars, tt.segments, tt.left, tt.perSeg}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("encoding, chars, segments, left, per segment got %v, want %v", got, want)
			}
			if n := strings.Count(r.body, "data-part"); n != tt.parts {
				t.Errorf("got %d phone bubbles, want %d", n, tt.parts)
			}
			if !strings.Contains(r.body, `id="composer-phone"`) || !strings.Contains(r.body, `hx-swap-oob="true"`) {
				t.Errorf("the phone is not swapped out of band")
			}
		})
	}

	// The text comes back escaped, with each character that forces UCS-2 marked.
	r := b.post("/compose/count", url.Values{"body": {`<script>alert("oi")</script> Promoção`}})
	if strings.Contains(r.body, "<script>") || !strings.Contains(r.body, "&lt;script&gt;alert(&#34;oi&#34;)&lt;/script&gt;") {
		t.Errorf("the text is not escaped: %s", r.body)
	}
	if n := strings.Count(r.body, `<mark class="ucs2" title=`); n != 2 || !strings.Contains(r.body, `title="U+00E7">ç</mark>`) {
		t.Errorf("got %d marks, want ç and ã marked", n)
	}
	// Two bubbles numbered (1/2), (2/2).
	r = b.post("/compose/count", url.Values{"body": {strings.Repeat("Olá ", 20)}})
	if !strings.Contains(r.body, "(1/2)") || !strings.Contains(r.body, "(2/2)") {
		t.Errorf("bubbles are not numbered")
	}
	// Replacing accents is only suggested, with the saving and the counts.
	body := "Atenção: sua fatura vence amanhã. Pague pelo app e evite juros; dúvidas? Ligue até sexta."
	r = b.post("/compose/count", url.Values{"body": {body}})
	if !strings.Contains(r.body, "Trocar acentos no texto") || !strings.Contains(r.body, "Trocar os acentos economiza 1 segmento: de 2 para 1.") {
		t.Errorf("the accent suggestion lacks the button or the before/after counts")
	}
	r = b.post("/compose/transliterate", url.Values{"body": {body}})
	if r.status != 200 || !strings.Contains(r.body, "Atencao: sua fatura vence amanha. Pague pelo app e evite juros; duvidas? Ligue ate sexta.</textarea>") {
		t.Errorf("transliterate got %d %s, want the text box with the accents replaced", r.status, r.body)
	}
	if r := b.post("/compose/count", url.Values{"body": {"Oi, tudo bem?"}}); strings.Contains(r.body, "Trocar acentos") {
		t.Errorf("a GSM-7 text got the accent suggestion")
	}
}

func TestComposeWithPreviewList(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	l := e.addReadyList(t, "Clientes", append([]recipient.Recipient{{Row: 1, Phone: "5511900000000", Fields: []string{"Bloqueado", "X"}, Suppressed: true}}, clientes...)...)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/templates/new", nil)
	id := fmt.Sprint(l.ID)

	r := b.do("GET", "/compose/fields?list_id="+id, nil)
	if !strings.Contains(r.body, `data-insert="{{nome}}"`) || !strings.Contains(r.body, `data-insert="{{cidade}}"`) {
		t.Errorf("fields got %s, want chips for nome and cidade", r.body)
	}
	if r := b.do("GET", "/compose/fields?list_id=0", nil); !strings.Contains(r.body, "Escolha uma lista de prévia") {
		t.Errorf("fields without a list do not say to choose one")
	}

	// With a list, the counter, the phone and the sample show the list's
	// longest message (the suppressed recipient left out).
	r = b.post("/compose/count", url.Values{"body": {"Olá {{nome}}, de {{cidade}}!"}, "list_id": {id}})
	if !strings.Contains(r.body, "Olá Maximiliano, de Campinas!") || !strings.Contains(r.body, "+55 19 99771-2322") || strings.Contains(r.body, "Bloqueado") {
		t.Errorf("count with a list lacks the longest (unsuppressed) recipient's message")
	}
	if got := meterStat(t, r.body, "chars"); got != "29" {
		t.Errorf("chars got %s, want 29: the longest message is counted", got)
	}
	r = b.post("/compose/count", url.Values{"body": {"Olá {{nom}}"}, "list_id": {id}})
	if got := html.UnescapeString(r.body); !strings.Contains(got, "O campo {{nom}} não existe na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}.") || !strings.Contains(got, `class="ph ph-bad">{{nom}}`) {
		t.Errorf("an unknown field is not named live")
	}

	r = b.post("/compose/cost", url.Values{"body": {"Olá {{nome}}, tudo bem?"}, "list_id": {id}})
	for name, want := range map[string]string{"recipients": "3", "billed": "3", "longest": "1", "average": "1,00"} {
		if m := regexp.MustCompile(`data-cost="` + name + `">([^<]*)<`).FindStringSubmatch(r.body); m == nil || m[1] != want {
			t.Errorf("cost %s got %v, want %s", name, m, want)
		}
	}
	if !strings.Contains(r.body, "Olá Maximiliano, tudo bem?") || !strings.Contains(r.body, "Contatos na lista de bloqueio, fora da conta: 1.") {
		t.Errorf("cost lacks the longest message or the blocked count: %s", r.body)
	}
	if r := b.post("/compose/cost", url.Values{"body": {"{{cpf}}"}, "list_id": {id}}); !strings.Contains(html.UnescapeString(r.body), "O campo {{cpf}} não existe") {
		t.Errorf("cost of an unknown field does not say so")
	}
	if r := b.post("/compose/cost", url.Values{"body": {"Oi"}}); !strings.Contains(r.body, "Escolha uma lista de prévia") {
		t.Errorf("cost without a list does not say to choose one")
	}
}
