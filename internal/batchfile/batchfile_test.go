package batchfile

import (
	"arauto/internal/i18n"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

func writeSMS(t *testing.T, rows []SMSRow) (string, []error) {
	t.Helper()
	var buf bytes.Buffer
	w := NewSMSWriter(&buf)
	var refused []error
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			if _, ok := AsProblem(err); !ok {
				t.Fatalf("write: %v", err)
			}
			refused = append(refused, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return buf.String(), refused
}

func readSMS(t *testing.T, data string) ([]SMSRow, error) {
	t.Helper()
	r, err := NewSMSReader(strings.NewReader(data))
	if err != nil {
		return nil, err
	}
	var rows []SMSRow
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
}

func TestSMSWriteMatchesTheSeedsLayout(t *testing.T) {
	got, refused := writeSMS(t, []SMSRow{
		{Phone: "5511900000000", Text: "mensagem 1"},
		{Phone: "5519900000000", Text: "Olá, João! Promoção: 50% off", CorrelationID: "a1-2"},
	})
	want := "numero;texto;correlationId;\n5511900000000;mensagem 1;;\n5519900000000;Olá, João! Promoção: 50% off;a1-2;\nEOF\n"
	if got != want || len(refused) != 0 {
		t.Errorf("file got %q (refused %v), want %q", got, refused, want)
	}
}

func TestSMSRoundTrip(t *testing.T) {
	in := []SMSRow{
		{Phone: "5511987654321", Text: "Oi Ana, seu código é 1234", CorrelationID: "a1-1"},
		{Phone: "5521912345678", Text: strings.Repeat("ç", MaxTextLen), CorrelationID: strings.Repeat("x", 64)},
		{Phone: "5531999998888", Text: "emoji 🎉 e aspas \"duplas\", vírgulas, | barras"},
	}
	data, refused := writeSMS(t, in)
	if len(refused) != 0 {
		t.Fatalf("refused %v, want none", refused)
	}
	out, err := readSMS(t, data)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d rows, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i] != in[i] {
			t.Errorf("row %d got %+v, want %+v", i+1, out[i], in[i])
		}
	}
}

func TestSMSWriterRefusesWhatTheLayoutCannotCarry(t *testing.T) {
	tests := []struct {
		name  string
		row   SMSRow
		field string
		code  Code
	}{
		{"semicolon in text", SMSRow{Phone: "5511900000000", Text: "a;b"}, FieldText, CodeSemicolon},
		{"line break in text", SMSRow{Phone: "5511900000000", Text: "linha 1\nlinha 2"}, FieldText, CodeLineBreak},
		{"carriage return in text", SMSRow{Phone: "5511900000000", Text: "a\rb"}, FieldText, CodeLineBreak},
		{"unicode line separator", SMSRow{Phone: "5511900000000", Text: "a\u2028b"}, FieldText, CodeLineBreak},
		{"empty text", SMSRow{Phone: "5511900000000"}, FieldText, CodeEmpty},
		{"text too long", SMSRow{Phone: "5511900000000", Text: strings.Repeat("🎉", MaxTextLen/2+1)}, FieldText, CodeTooLong},
		{"phone with a plus", SMSRow{Phone: "+5511900000000", Text: "x"}, FieldNumber, CodeNotDigits},
		{"empty phone", SMSRow{Text: "x"}, FieldNumber, CodeEmpty},
		{"semicolon in correlationId", SMSRow{Phone: "5511900000000", Text: "x", CorrelationID: "a;1"}, FieldCorrelationID, CodeSemicolon},
		{"correlationId too long", SMSRow{Phone: "5511900000000", Text: "x", CorrelationID: strings.Repeat("x", 65)}, FieldCorrelationID, CodeTooLong},
		{"bad UTF-8", SMSRow{Phone: "5511900000000", Text: "\xff"}, FieldText, CodeBadUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, refused := writeSMS(t, []SMSRow{{Phone: "5511911111111", Text: "ok"}, tt.row})
			if len(refused) != 1 {
				t.Fatalf("refused %v, want one problem", refused)
			}
			p, _ := AsProblem(refused[0])
			if p.Row != 2 || p.Field != tt.field || p.Code != tt.code {
				t.Errorf("problem got row %d field %q code %q, want row 2 field %q code %q", p.Row, p.Field, p.Code, tt.field, tt.code)
			}
			if strings.Count(data, "\n") != 3 {
				t.Errorf("file got %q, want the good row only", data)
			}
		})
	}
}

func TestSMSReaderNamesLineRowAndField(t *testing.T) {
	const head = "numero;texto;correlationId;\n"
	tests := []struct {
		name       string
		data       string
		line, row  int
		field      string
		code       Code
		rowsBefore int
	}{
		{"cut short", head + "5511900000000;a;;\n5511900000001;b;;\n", 3, 0, "", CodeNoEOF, 2},
		{"extra field from a semicolon", head + "5511900000000;a;b;c;\nEOF\n", 2, 1, "", CodeFieldCount, 0},
		{"letters in the number", head + "5511900000000;a;;\n55119000000x0;b;;\nEOF\n", 3, 2, FieldNumber, CodeNotDigits, 1},
		{"content after EOF", head + "5511900000000;a;;\nEOF\n5511900000001;b;;\n", 4, 0, "", CodeAfterEOF, 1},
		{"no rows", head + "EOF\n", 2, 0, "", CodeNoRows, 0},
		{"wrong header", "phone;text;id;\n5511900000000;a;;\nEOF\n", 1, 0, "", CodeHeader, 0},
		{"empty file", "", 0, 0, "", CodeNoRows, 0},
		{"bad bytes", head + "5511900000000;\xff;;\nEOF\n", 2, 1, "", CodeBadUTF8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readSMS(t, tt.data)
			p, ok := AsProblem(err)
			if !ok {
				t.Fatalf("read got %v, want a *Problem", err)
			}
			if p.Line != tt.line || p.Row != tt.row || p.Field != tt.field || p.Code != tt.code || len(rows) != tt.rowsBefore {
				t.Errorf("got line %d row %d field %q code %q after %d rows, want line %d row %d field %q code %q after %d",
					p.Line, p.Row, p.Field, p.Code, len(rows), tt.line, tt.row, tt.field, tt.code, tt.rowsBefore)
			}
		})
	}
}

func TestSMSReaderAcceptsTheSeedsExample(t *testing.T) {
	seed := "\xEF\xBB\xBFnumero;texto;correlationId(opcional);\r\n5511900000000;mensagem 1;;\r\n5519900000000;mensagem 2;;\r\n5521900000000;mensagem 3;;\r\nEOF\r\n\r\n"
	rows, err := readSMS(t, seed)
	if err != nil || len(rows) != 3 || rows[2] != (SMSRow{Phone: "5521900000000", Text: "mensagem 3"}) {
		t.Errorf("read got %+v %v, want the 3 rows of the example", rows, err)
	}
	if DetectLayout([]byte(seed)) != LayoutSMS {
		t.Errorf("layout got %v, want SMS", DetectLayout([]byte(seed)))
	}
}

func TestNames(t *testing.T) {
	n := Name{SubAccount: "PROJETO1", Date: time.Date(2017, 1, 1, 23, 0, 0, 0, time.UTC), Seq: 1001}
	if got := n.String(); got != "PROJETO1.20170101.1001.txt" {
		t.Errorf("name got %q, want PROJETO1.20170101.1001.txt", got)
	}
	tests := []struct {
		in   string
		want Name
		ok   bool
	}{
		{"3486.20170101.01.txt", Name{"3486", time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), 1}, true},
		{"PROJETO1.20170101.01", Name{"PROJETO1", time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), 1}, true},
		{"3486.20171301.01.txt", Name{}, false},
		{"3486.20170101.txt", Name{}, false},
		{"3486.20170101.1a.txt", Name{}, false},
		{"a b.20170101.1.txt", Name{}, false},
		{"3486.20170101.1.txt.log", Name{}, false},
		{"3486.20170101.1234567890123456789.txt", Name{}, false},
	}
	for _, tt := range tests {
		got, err := ParseName(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseName(%q) got %+v %v, want %+v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if err := (Name{SubAccount: "sub.conta"}).Check(); err == nil {
		t.Errorf("a sub-account with a dot got no error, want one")
	}
}

var seedHead = WhatsAppHead{
	Date: "2020-01-21", Start: "16:00", End: "16:00", ElementName: "chatclub_welcome",
	Namespace: "whatsapp:hsm:ecommerce:movile", Language: "pt_BR", LanguagePolicy: "DETERMINISTIC",
	Params:  []string{"nome", "empresa"},
	Media:   &WhatsAppMedia{Kind: "IMAGE", Source: "URL", Location: "https://upload.wikimedia.org/wikipedia/en/d/d2/Imagem_logo.png", Type: "PNG"},
	Columns: []string{"phone", "nome", "empresa"},
}

func TestWhatsAppWriteMatchesTheSeedsExample(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWhatsAppWriter(&buf, seedHead)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"5519981560597", "Nome1", "Wavy"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "2020-01-21;16:00;16:00;TEMPLATE;chatclub_welcome;whatsapp:hsm:ecommerce:movile;pt_BR;DETERMINISTIC;nome|empresa\n" +
		"IMAGE;URL;https://upload.wikimedia.org/wikipedia/en/d/d2/Imagem_logo.png;PNG\nphone;nome;empresa\n5519981560597;Nome1;Wavy\n"
	if buf.String() != want {
		t.Errorf("file got %q, want %q", buf.String(), want)
	}
}

func TestWhatsAppReadTheSeedsBlankSchedule(t *testing.T) {
	data := " ; ; ; TEMPLATE;chatclub_welcome;whatsapp:hsm:ecommerce:movile;pt_BR;;nome|empresa|Loja\n\nphone;nome;empresa;correlationId\n5519981560597;Nome1;Wavy;a1-9\n"
	if DetectLayout([]byte(data)) != LayoutWhatsApp {
		t.Fatalf("layout got %v, want WhatsApp", DetectLayout([]byte(data)))
	}
	r, err := NewWhatsAppReader(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Head()
	if h.Date != "" || h.Start != "" || h.Media != nil || h.CorrelationIndex() != 3 || len(h.Params) != 3 {
		t.Errorf("head got %+v, want blank schedule, no media, correlationId at 3, 3 params", h)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h.Values(row), ","); got != "Nome1,Wavy,Loja" {
		t.Errorf("values got %q, want Nome1,Wavy,Loja (Loja is a constant: no such column)", got)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("second row got %v, want io.EOF", err)
	}
}

func TestWhatsAppProblems(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		line, row int
		field     string
		code      Code
	}{
		{"not a template", ";;;TEXT;a;b;pt_BR;;\nphone\n5511900000000\n", 1, 0, "tipo", CodeBadValue},
		{"bad policy", ";;;TEMPLATE;a;b;pt_BR;MAYBE;\nphone\n5511900000000\n", 1, 0, "languagePolicy", CodeBadValue},
		{"no namespace", ";;;TEMPLATE;a; ;pt_BR;;\nphone\n5511900000000\n", 1, 0, "namespace", CodeEmpty},
		{"bad media type", ";;;TEMPLATE;a;b;pt_BR;;\n\nIMAGE;URL;https://x.test/a.gif;GIF\nphone\n5511900000000\n", 3, 0, "tipo da mídia", CodeBadValue},
		{"columns twice", ";;;TEMPLATE;a;b;pt_BR;;x\nphone;x;X\n5511900000000;1;2\n", 2, 0, "colunas", CodeBadValue},
		{"semicolon in a value", ";;;TEMPLATE;a;b;pt_BR;;nome\nphone;nome\n5511900000000;Ana\n5511900000001;Bia;Souza\n", 4, 2, "", CodeFieldCount},
		{"bad number", ";;;TEMPLATE;a;b;pt_BR;;nome\nphone;nome\n55 11;Ana\n", 3, 1, "phone", CodeNotDigits},
		{"no rows", ";;;TEMPLATE;a;b;pt_BR;;nome\nphone;nome\n", 2, 0, "", CodeNoRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewWhatsAppReader(strings.NewReader(tt.data))
			for err == nil {
				_, err = r.Next()
			}
			p, ok := AsProblem(err)
			if !ok {
				t.Fatalf("got %v, want a *Problem", err)
			}
			if p.Line != tt.line || p.Row != tt.row || p.Field != tt.field || p.Code != tt.code {
				t.Errorf("got line %d row %d field %q code %q, want line %d row %d field %q code %q (%v)",
					p.Line, p.Row, p.Field, p.Code, tt.line, tt.row, tt.field, tt.code, p)
			}
		})
	}
}

func TestWhatsAppWriterRefusesRows(t *testing.T) {
	h := WhatsAppHead{ElementName: "e", Namespace: "n", Language: "pt_BR", Params: []string{"nome"}, Columns: []string{"phone", "nome", CorrelationColumn}}
	var buf bytes.Buffer
	w, err := NewWhatsAppWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Write([]string{"5511900000000", "Ana\nMaria", "a1-1"})
	if p, ok := AsProblem(err); !ok || p.Row != 1 || p.Field != "nome" || p.Code != CodeLineBreak {
		t.Errorf("write got %v, want row 1 field nome line_break", err)
	}
	if p, ok := AsProblem(w.Close()); !ok || p.Code != CodeNoRows {
		t.Errorf("close of an empty file got %v, want no_rows", p)
	}
	if _, err := NewWhatsAppWriter(&buf, WhatsAppHead{ElementName: "e", Namespace: "n", Language: "pt_BR", Params: []string{"a|b"}, Columns: []string{"phone"}}); err == nil {
		t.Errorf("a parameter name with | got no error, want one")
	}
}

func TestProblemText(t *testing.T) {
	p := &Problem{Row: 17, Field: FieldText, Code: CodeSemicolon}
	if got := p.Error(); got != `batchfile: row 17, field texto: contains ";", which separates fields in the file` {
		t.Errorf("error got %q", got)
	}
	for _, c := range Codes {
		if codeText[c] == "" {
			t.Errorf("code %q has no English text", c)
		}
	}
}

func TestProblemsAreTranslated(t *testing.T) {
	for _, lang := range []string{"pt-BR", "en"} {
		for _, c := range Codes {
			p := &Problem{Row: 3, Field: FieldText, Code: c}
			got := p.Message(func(key string, args ...any) string { return i18n.T(lang, key, args...) })
			if got == c.I18nKey() || strings.Contains(got, "%!") {
				t.Errorf("%s %s: message got %q, want a translation with its arguments", lang, c, got)
			}
		}
	}
	p := &Problem{Row: 17, Field: FieldText, Code: CodeSemicolon}
	if got := p.Message(func(key string, args ...any) string { return i18n.T("pt-BR", key, args...) }); !strings.HasPrefix(got, "Linha 17, campo texto:") {
		t.Errorf("pt-BR message got %q, want it to name row 17 and the field texto", got)
	}
}
