package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"arauto/internal/delivery"
	"arauto/internal/user"
	"arauto/store"
)

// upload posts a file as multipart form data with the CSRF token.
func (b *browser) upload(path, name string, content []byte) result {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", b.csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(cs, "; "))
	resp, err := b.env.srv.App().Test(req, -1)
	if err != nil {
		b.t.Fatalf("upload %s: %v", name, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, string(raw), resp.Header.Get("Location")}
}

func TestSuppressionRoles(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "view@example.com", user.Viewer)
	e.addUser(t, "mkt@example.com", user.Marketer)
	phone := url.Values{"phone": {"11 99999-0000"}}
	runHandlerTests(t, e, []handlerTest{
		{as: "", method: "GET", path: "/suppression", want: 303},
		{as: "view@example.com", method: "GET", path: "/suppression", want: 200},
		{as: "view@example.com", method: "GET", path: "/inbox", want: 200},
		{as: "view@example.com", method: "GET", path: "/suppression/export.csv", want: 200},
		{as: "view@example.com", method: "POST", path: "/suppression", form: phone, want: 403},
		{as: "view@example.com", method: "POST", path: "/suppression/5511999990000/delete", form: phone, want: 403},
		{as: "view@example.com", method: "POST", path: "/suppression/import", form: phone, want: 403},
		{as: "view@example.com", method: "POST", path: "/settings/polling", form: phone, want: 403},
		{as: "mkt@example.com", method: "POST", path: "/suppression", form: phone, want: 303},
		{as: "mkt@example.com", method: "POST", path: "/settings/polling", form: phone, want: 403},
	})
	if r := e.browser(t); true {
		r.signIn("view@example.com")
		page := r.do("GET", "/suppression", nil)
		if strings.Contains(page.body, `action="/suppression/import"`) || strings.Contains(page.body, "Remover") {
			t.Errorf("viewer sees the forms that change the list")
		}
	}
}

func TestSuppressionAddRemoveSearch(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	ctx := context.Background()
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/suppression", nil)

	tests := []struct {
		name   string
		phone  string
		status int
		want   string
	}{
		{"empty", "  ", 422, "Informe o número a bloquear."},
		{"letters", "abc", 422, "não é um celular válido"},
		{"landline", "(11) 3333-4444", 422, "não é um celular válido"},
		{"formula", "=HYPERLINK(1)", 422, "não é um celular válido"},
		{"good", "(11) 99999-0000", 303, ""},
		{"again", "+55 11 99999 0000", 303, ""},
	}
	for _, tt := range tests {
		r := b.post("/suppression", url.Values{"phone": {tt.phone}})
		if r.status != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("%s: got %d, want %d with %q", tt.name, r.status, tt.status, tt.want)
		}
	}
	sp, err := e.store.SuppressionByPhone(ctx, "5511999990000")
	if err != nil || sp.Reason != store.SuppressManual || !strings.Contains(sp.Note, "mkt@example.com") {
		t.Fatalf("added number got %+v, %v, want manual, noting who", sp, err)
	}
	r := b.do("GET", "/suppression", nil)
	if !strings.Contains(r.body, "+55 11 99999-0000 já estava na lista de bloqueio.") || !strings.Contains(r.body, "Adicionado à mão") {
		t.Errorf("page after adding twice lacks the already-there flash or the row")
	}
	if r := b.do("GET", "/suppression?q=99999", nil); !strings.Contains(r.body, `data-phone="5511999990000"`) {
		t.Errorf("search by digits did not find the number")
	}
	if r := b.do("GET", "/suppression?q=nobody", nil); !strings.Contains(r.body, "Nenhum número encontrado") {
		t.Errorf("search for nothing did not say so")
	}
	if r := b.post("/suppression/5511999990000/delete", nil); r.status != 303 {
		t.Errorf("remove got %d, want 303", r.status)
	}
	if _, err := e.store.SuppressionByPhone(ctx, "5511999990000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed number still there: %v", err)
	}
	b.do("GET", "/suppression", nil)
	if r := b.post("/suppression/5511999990000/delete", nil); r.status != 303 {
		t.Errorf("removing an absent number got %d, want 303 with a flash", r.status)
	}
	if r := b.post("/suppression/abc/delete", nil); r.status != 404 {
		t.Errorf("removing a non-number got %d, want 404", r.status)
	}
	// From a conversation, the button goes back there.
	b.do("GET", "/inbox/5511988887777", nil)
	if r := b.post("/suppression", url.Values{"phone": {"+5511988887777"}, "back": {"/inbox/5511988887777"}}); r.location != "/inbox/5511988887777" {
		t.Errorf("suppress from a conversation went to %q, want back to it", r.location)
	}
	if r := b.post("/suppression", url.Values{"phone": {"+5511988887770"}, "back": {"//evil.example.com"}}); r.location != "/suppression" {
		t.Errorf("a foreign back went to %q, want /suppression", r.location)
	}
}

func TestSuppressionImport(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	ctx := context.Background()
	if _, err := e.store.AddSuppressions(ctx, []string{"5511999990001"}, delivery.SuppressOptOut, "SAIR"); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/suppression", nil)

	csv := "telefone\n11 99999-0001\n(11) 99999-0002\n+55 11 99999-0003\nnão é número\n11 99999-0002\n"
	tests := []struct {
		name, file string
		content    []byte
		status     int
		want       string
	}{
		{"csv", "bloqueios.csv", []byte(csv), 200, "bloqueios.csv — novos na lista de bloqueio: 2 · já estavam: 2 · inválidos: 1."},
		{"txt, one a line", "lista.txt", []byte("21988887777\n21988887778\n"), 200, "lista.txt — novos na lista de bloqueio: 2 ·"},
		{"empty", "vazio.csv", nil, 422, "vazio.csv"},
		{"wrong format", "foto.png", []byte("\x89PNG"), 422, "foto.png"},
		{"too large", "big.csv", bytes.Repeat([]byte("11999990000\n"), (1<<20)/12+10), 413, "o limite é 1 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.upload("/suppression/import", tt.file, tt.content)
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				i := strings.Index(r.body, "alert")
				t.Errorf("got %d, want %d with %q; alert: %.300s", r.status, tt.status, tt.want, r.body[max(i, 0):])
			}
		})
	}
	sp, err := e.store.SuppressionByPhone(ctx, "5511999990002")
	if err != nil || sp.Reason != store.SuppressImport || !strings.Contains(sp.Note, "bloqueios.csv") {
		t.Errorf("imported number got %+v, %v, want reason import noting the file", sp, err)
	}
	if sp, _ := e.store.SuppressionByPhone(ctx, "5511999990001"); sp.Reason != delivery.SuppressOptOut {
		t.Errorf("a number already there got reason %q, want it kept (opt-out)", sp.Reason)
	}
}

func TestSuppressionExport(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "view@example.com", user.Viewer)
	ctx := context.Background()
	e.store.AddSuppressions(ctx, []string{"5511999990001"}, delivery.SuppressOptOut, "=cmd|' /C calc'!A0")
	e.store.AddSuppressions(ctx, []string{"5511999990002"}, delivery.SuppressBlacklisted, "status 203")
	b := e.browser(t)
	b.signIn("view@example.com")

	r := b.do("GET", "/suppression/export.csv", nil)
	if r.status != 200 {
		t.Fatalf("csv got %d", r.status)
	}
	for _, want := range []string{"\ufeffNúmero,Motivo,Observação,Desde", "5511999990001,Pediu para sair,'=cmd", "5511999990002,Bloqueado na Wavy,status 203"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("csv lacks %q:\n%s", want, r.body)
		}
	}

	r = b.do("GET", "/suppression/export.xlsx", nil)
	if r.status != 200 {
		t.Fatalf("xlsx got %d", r.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Número" {
		t.Fatalf("xlsx rows got %v, want a header and 2 rows", rows)
	}
	for _, row := range rows[1:] {
		if row[0] == "5511999990001" && !strings.HasPrefix(row[2], "'=") {
			t.Errorf("xlsx note got %q, want it neutralised", row[2])
		}
	}
}
