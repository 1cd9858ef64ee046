package recipient

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"arauto/internal/i18n"
	"arauto/internal/recipient/recipienttest"
)

func TestInspectText(t *testing.T) {
	tests := []struct {
		name, file string
		content    func(t *testing.T) []byte
		want       Preview // compared on the fields set below
		wantRows   int
	}{
		{
			name: "latin-1 semicolon with header", file: "clientes.csv",
			content: func(t *testing.T) []byte {
				return latin1(t, "Nome;Telefone;Cidade;Observação\r\nJosé da Conceição;(19) 99771-2322;São Paulo;cliente antigo\r\nInês;19 3234-5678;Campinas;fixo\r\n")
			},
			want: Preview{Format: FormatCSV, Encoding: EncodingWindows1252, Delimiter: ';', HasHeader: true, FirstRow: 1,
				Columns: []string{"nome", "telefone", "cidade", "observacao"}, PhoneColumn: 1, CorrelationColumn: -1, AreaCodeColumn: -1},
			wantRows: 2,
		},
		{
			name: "utf-8 bom comma with quotes and repeated names", file: "lista.csv",
			content: func(t *testing.T) []byte {
				return []byte("\ufeffNome,E-mail,Celular,Nome\n\"Silva, Ana\",ana@example.com,+55 19 99771-2322,x\n\"Souza, Bia\",bia@example.com,21988887777,y\n")
			},
			want: Preview{Format: FormatCSV, Encoding: EncodingUTF8, BOM: true, Delimiter: ',', HasHeader: true, FirstRow: 1,
				Columns: []string{"nome", "e_mail", "celular", "nome_2"}, PhoneColumn: 2, CorrelationColumn: -1, AreaCodeColumn: -1},
			wantRows: 2,
		},
		{
			name: "tab txt without header", file: "numeros.txt",
			content: func(t *testing.T) []byte {
				return []byte("Ana\t19997712322\tx\nBia\t21988887777\ty\nCaio\t(11) 97654-3210\tz\n")
			},
			want: Preview{Format: FormatTXT, Encoding: EncodingUTF8, Delimiter: '\t', FirstRow: 1,
				Columns: []string{"coluna_1", "coluna_2", "coluna_3"}, PhoneColumn: 1, CorrelationColumn: -1, AreaCodeColumn: -1},
			wantRows: 3,
		},
		{
			name: "wavy sftp layout without header", file: "3486.20170101.01.txt",
			content: func(t *testing.T) []byte {
				return []byte("5511900000000;mensagem 1;;\n5519900000000;mensagem 2;abc-1;\n5521900000000;mensagem 3;;\nEOF\n")
			},
			want: Preview{Format: FormatTXT, Encoding: EncodingUTF8, Delimiter: ';', FirstRow: 1, Layout: LayoutWavySFTP,
				Columns: []string{"numero", "texto", "correlationid"}, PhoneColumn: 0, CorrelationColumn: 2, AreaCodeColumn: -1},
			wantRows: 3,
		},
		{
			name: "wavy sftp layout with header", file: "PROJETO1.20170101.01.txt",
			content: func(t *testing.T) []byte {
				return []byte("numero;texto;correlationId(opcional);\n5511900000000;mensagem 1;;\n5519900000000;mensagem 2;abc-1;\nEOF\n")
			},
			want: Preview{Format: FormatTXT, Encoding: EncodingUTF8, Delimiter: ';', HasHeader: true, FirstRow: 1,
				Columns: []string{"numero", "texto", "correlationid_opcional"}, PhoneColumn: 0, CorrelationColumn: 2, AreaCodeColumn: -1},
			wantRows: 2,
		},
		{
			name: "single column of numbers with sci notation commas", file: "fones.csv",
			content: func(t *testing.T) []byte {
				return []byte("5,519997712322E+12\n5,521988887777E+12\n19997712399\n")
			},
			want: Preview{Format: FormatCSV, Encoding: EncodingUTF8, Delimiter: ';', FirstRow: 1,
				Columns: []string{"coluna_1"}, PhoneColumn: 0, CorrelationColumn: -1, AreaCodeColumn: -1},
			wantRows: 3,
		},
		{
			name: "utf-16 tab text as Excel exports it", file: "unicode.txt",
			content: func(t *testing.T) []byte {
				return utf16le(t, "Nome\tTelefone\r\nJosé\t19997712322\r\nÂngela\t21988887777\r\n")
			},
			want: Preview{Format: FormatTXT, Encoding: EncodingUTF16LE, BOM: true, Delimiter: '\t', HasHeader: true, FirstRow: 1,
				Columns: []string{"nome", "telefone"}, PhoneColumn: 1, CorrelationColumn: -1, AreaCodeColumn: -1},
			wantRows: 2,
		},
		{
			name: "classic mac line endings and title rows", file: "mac.csv",
			content: func(t *testing.T) []byte {
				return []byte("Campanha de maio\r\rnome;fone;id_correlacao\rAna;19997712322;a1\rBia;21988887777;b2\r")
			},
			want: Preview{Format: FormatCSV, Encoding: EncodingUTF8, Delimiter: ';', HasHeader: true, FirstRow: 3,
				Columns: []string{"nome", "fone", "id_correlacao"}, PhoneColumn: 1, CorrelationColumn: 2, AreaCodeColumn: -1},
			wantRows: 2,
		},
		{
			name: "separate ddd column", file: "ddd.csv",
			content: func(t *testing.T) []byte {
				return []byte("Nome;DDD;Telefone\nAna;19;99771-2322\nBia;21;98888-7777\n")
			},
			want: Preview{Format: FormatCSV, Encoding: EncodingUTF8, Delimiter: ';', HasHeader: true, FirstRow: 1,
				Columns: []string{"nome", "ddd", "telefone"}, PhoneColumn: 2, CorrelationColumn: -1, AreaCodeColumn: 1},
			wantRows: 2,
		},
		{
			name: "separate ddd column without header", file: "ddd.txt",
			content: func(t *testing.T) []byte {
				return []byte("Ana;19;997712322\nBia;21;988887777\nCaio;11;976543210\n")
			},
			want: Preview{Format: FormatTXT, Encoding: EncodingUTF8, Delimiter: ';', FirstRow: 1,
				Columns: []string{"coluna_1", "coluna_2", "coluna_3"}, PhoneColumn: 2, CorrelationColumn: -1, AreaCodeColumn: 1},
			wantRows: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content(t))
			got := mustInspect(t, path, InspectOptions{})
			w := tt.want
			if got.Format != w.Format || got.Encoding != w.Encoding || got.BOM != w.BOM || got.Delimiter != w.Delimiter {
				t.Errorf("got format %q encoding %q bom %v delimiter %q, want %q %q %v %q",
					got.Format, got.Encoding, got.BOM, got.Delimiter, w.Format, w.Encoding, w.BOM, w.Delimiter)
			}
			if got.HasHeader != w.HasHeader || got.FirstRow != w.FirstRow || got.Layout != w.Layout {
				t.Errorf("got header %v first row %d layout %q, want %v %d %q",
					got.HasHeader, got.FirstRow, got.Layout, w.HasHeader, w.FirstRow, w.Layout)
			}
			if !equal(got.Columns, w.Columns) {
				t.Errorf("got columns %q, want %q", got.Columns, w.Columns)
			}
			if got.PhoneColumn != w.PhoneColumn || got.CorrelationColumn != w.CorrelationColumn || got.AreaCodeColumn != w.AreaCodeColumn {
				t.Errorf("got phone %d correlation %d ddd %d, want %d %d %d",
					got.PhoneColumn, got.CorrelationColumn, got.AreaCodeColumn, w.PhoneColumn, w.CorrelationColumn, w.AreaCodeColumn)
			}
			if len(got.Rows) != tt.wantRows || len(got.RowNumbers) != tt.wantRows {
				t.Errorf("got %d preview rows (%d numbers), want %d", len(got.Rows), len(got.RowNumbers), tt.wantRows)
			}
			if got.Region != "BR" {
				t.Errorf("got region %q, want BR", got.Region)
			}
		})
	}
}

func TestImportLatin1(t *testing.T) {
	path := writeFile(t, "clientes.csv", latin1(t, "Nome;Telefone;Cidade;Observação\r\n"+
		"José da Conceição;(19) 99771-2322;São Paulo;cliente antigo\r\n"+
		"Inês;19 3234-5678;Campinas;fixo\r\n"+
		";;;\r\n"+
		"\r\n"+
		"Luíza;+55 21 98888-7777;Rio;\r\n"+
		"João;5519997712322;Campinas;duplicado\r\n"+
		"Ana;0800 123 4567;Recife\r\n"+
		"Bia;5,52E+12;Natal;x;extra\r\n"))
	rep, sink := mustImport(t, path, ImportOptions{MaxRejectedKept: 10})
	want := Report{
		Rows: 6, Valid: 2, Invalid: 3, Duplicates: 1, Landlines: 1, TollFree: 1, Ragged: 2, Blank: 1,
		InvalidByReason: map[Reason]int{ReasonLandline: 1, ReasonTollFree: 1, ReasonLostDigits: 1},
		Columns:         []string{"nome", "cidade", "observacao"}, PhoneColumn: "telefone",
	}
	rejected := rep.Rejected
	rep.Rejected = nil
	if !equal(rep, want) {
		t.Errorf("got report %+v, want %+v", rep, want)
	}
	wantRecs := []Recipient{
		{Row: 2, Phone: "5519997712322", Fields: []string{"José da Conceição", "São Paulo", "cliente antigo"}},
		{Row: 6, Phone: "5521988887777", Fields: []string{"Luíza", "Rio", ""}},
	}
	if !equal(sink.recs, wantRecs) {
		t.Errorf("got recipients %+v, want %+v", sink.recs, wantRecs)
	}
	var reasons []Reason
	for _, r := range rejected {
		reasons = append(reasons, r.Reason)
	}
	wantReasons := []Reason{ReasonLandline, ReasonDuplicate, ReasonTollFree, ReasonLostDigits}
	if !equal(reasons, wantReasons) {
		t.Errorf("got rejected reasons %q, want %q", reasons, wantReasons)
	}
	if len(rejected) > 0 && (rejected[0].Row != 3 || rejected[0].Phone != "19 3234-5678" || rejected[0].Fields[0] != "Inês") {
		t.Errorf("got first rejected %+v, want row 3 with the raw phone and fields", rejected[0])
	}
}

func TestImportSFTPLayout(t *testing.T) {
	path := writeFile(t, "3486.20170101.01.txt", []byte(
		"5511900000000;mensagem 1;;\n5519900000000;mensagem 2;abc-1;\n5521900000000;mensagem 3;;\nEOF\n"))
	rep, sink := mustImport(t, path, ImportOptions{})
	if rep.Rows != 3 || rep.Valid != 3 || rep.Ragged != 0 || rep.CorrelationColumn != "correlationid" || rep.PhoneColumn != "numero" {
		t.Errorf("got report %+v, want 3 valid rows, no ragged, correlationid column", rep)
	}
	if !equal(rep.Columns, []string{"texto"}) {
		t.Errorf("got columns %q, want [texto]", rep.Columns)
	}
	if len(sink.recs) != 3 || sink.recs[1].CorrelationID != "abc-1" || sink.recs[1].Fields[0] != "mensagem 2" {
		t.Errorf("got recipients %+v, want the correlationId of row 2", sink.recs)
	}
}

func TestImportDDDColumn(t *testing.T) {
	path := writeFile(t, "ddd.csv", []byte("Nome;DDD;Telefone\nAna;19;99771-2322\nBia;(021);98888-7777\nCaio;19;(11) 97654-3210\nDani;xx;99771-0000\n"))
	rep, sink := mustImport(t, path, ImportOptions{})
	if got, want := sink.phones(), []string{"5519997712322", "5521988887777", "5511976543210"}; !equal(got, want) {
		t.Errorf("got phones %q, want %q", got, want)
	}
	if rep.InvalidByReason[ReasonNoAreaCode] != 1 || !equal(rep.Columns, []string{"nome"}) {
		t.Errorf("got report %+v, want one no_area_code and columns [nome]", rep)
	}
}

func TestImportOptionsAndSink(t *testing.T) {
	path := writeFile(t, "l.csv", []byte("telefone;nome\n19997712322;a\n21988887777;b\n19997712322;c\n11976543210;d\n31991234567;e\n"+
		"47991234567;f\n48991234567;g\n"))
	p := mustInspect(t, path, InspectOptions{})

	t.Run("batches and suppression", func(t *testing.T) {
		sink := &collectSink{}
		var progress []Progress
		rep, err := Import(context.Background(), path, p.Mapping(), sink, ImportOptions{
			BatchSize:  2,
			Suppressed: func(phone string) bool { return phone == "5521988887777" },
			Progress:   func(pr Progress) { progress = append(progress, pr) },
		})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if !equal(sink.batches, []int{2, 2, 2}) {
			t.Errorf("got batch sizes %v, want [2 2 2]", sink.batches)
		}
		if rep.Suppressed != 1 || !sink.recs[1].Suppressed || sink.recs[0].Suppressed {
			t.Errorf("got suppressed %d, flags %v %v; want only the second recipient", rep.Suppressed, sink.recs[0].Suppressed, sink.recs[1].Suppressed)
		}
		if len(progress) != 1 || !progress[0].Done || progress[0].Rows != 7 || progress[0].BytesRead != progress[0].TotalBytes {
			t.Errorf("got progress %+v, want one final call with 7 rows and all bytes", progress)
		}
		for i, r := range sink.recs {
			if len(r.Fields) != 1 || r.Fields[0] == "" {
				t.Errorf("recipient %d: got fields %q, want the name", i, r.Fields)
			}
		}
	})
	t.Run("rejected stream", func(t *testing.T) {
		var rows []RejectedRow
		rep, err := Import(context.Background(), path, p.Mapping(), Discard, ImportOptions{
			Rejected: func(r RejectedRow) error { rows = append(rows, r); return nil },
		})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if len(rows) != 1 || rows[0].Reason != ReasonDuplicate || rows[0].Row != 4 || len(rep.Rejected) != 0 {
			t.Errorf("got rejected %+v (kept %d), want the duplicate on row 4 streamed and none kept", rows, len(rep.Rejected))
		}
	})
	t.Run("rejected callback error aborts", func(t *testing.T) {
		boom := errors.New("disk full")
		_, err := Import(context.Background(), path, p.Mapping(), Discard, ImportOptions{
			Rejected: func(RejectedRow) error { return boom },
		})
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want the callback error", err)
		}
	})
	t.Run("sink error", func(t *testing.T) {
		boom := errors.New("database is locked")
		_, err := Import(context.Background(), path, p.Mapping(), &collectSink{err: boom}, ImportOptions{BatchSize: 1})
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want the sink error", err)
		}
	})
	t.Run("mapping override", func(t *testing.T) {
		m := p.Mapping()
		m.PhoneColumn, m.CorrelationColumn = 0, 1
		sink := &collectSink{}
		rep, err := Import(context.Background(), path, m, sink, ImportOptions{})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if rep.CorrelationColumn != "nome" || len(rep.Columns) != 0 || sink.recs[0].CorrelationID != "a" {
			t.Errorf("got %+v / %+v, want the name column as correlationId", rep, sink.recs[0])
		}
	})
	t.Run("phone column out of range", func(t *testing.T) {
		m := p.Mapping()
		m.PhoneColumn = 7
		if _, err := Import(context.Background(), path, m, Discard, ImportOptions{}); !errors.Is(err, ErrNoPhoneColumn) {
			t.Errorf("got %v, want ErrNoPhoneColumn", err)
		}
	})
	t.Run("zero mapping reads column 0 without correlation or DDD", func(t *testing.T) {
		sink := &collectSink{}
		rep, err := Import(context.Background(), path, Mapping{HasHeader: true}, sink, ImportOptions{})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		if rep.Valid != 6 || rep.CorrelationColumn != "" || sink.recs[0].CorrelationID != "" || !equal(rep.Columns, []string{"nome"}) {
			t.Errorf("got %+v, want 6 valid and the name as a field", rep)
		}
	})
}

func TestImportProgressAndCancel(t *testing.T) {
	path := writeFile(t, "big.csv", nil)
	if err := recipienttest.GenerateCSV(path, 30_000, 1); err != nil {
		t.Fatalf("GenerateCSV: %v", err)
	}
	p := mustInspect(t, path, InspectOptions{})
	if p.PhoneColumn != 1 || !p.HasHeader || p.Delimiter != ';' {
		t.Fatalf("got preview %+v, want header and phone column 1", p)
	}
	t.Run("progress", func(t *testing.T) {
		var calls []Progress
		rep, err := Import(context.Background(), path, p.Mapping(), Discard, ImportOptions{
			ProgressInterval: time.Nanosecond,
			Progress:         func(pr Progress) { calls = append(calls, pr) },
		})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		// Checked every 1024 rows, never per row.
		if len(calls) < 2 || len(calls) > rep.Rows/1024+2 {
			t.Errorf("got %d progress calls for %d rows, want between 2 and %d", len(calls), rep.Rows, rep.Rows/1024+2)
		}
		for i := 1; i < len(calls); i++ {
			if calls[i].Rows < calls[i-1].Rows || calls[i].BytesRead < calls[i-1].BytesRead {
				t.Errorf("progress went backwards: %+v then %+v", calls[i-1], calls[i])
			}
		}
		if last := calls[len(calls)-1]; !last.Done || last.Rows != 30_000 {
			t.Errorf("got last progress %+v, want done with 30000 rows", last)
		}
		if rep.Rows != rep.Valid+rep.Invalid+rep.Duplicates {
			t.Errorf("got rows %d != valid %d + invalid %d + duplicates %d", rep.Rows, rep.Valid, rep.Invalid, rep.Duplicates)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Import(ctx, path, p.Mapping(), Discard, ImportOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

func TestRefusedFiles(t *testing.T) {
	long := make([]byte, 2<<20)
	for i := range long {
		long[i] = "0123456789;"[i%11]
	}
	unclosed := []byte("telefone;nome\n19997712322;\"Ana\n" + strings.Repeat("21988887777;Bia\n", 150_000))
	tests := []struct {
		name, file string
		content    []byte
		want       error
	}{
		{"empty file", "vazio.csv", nil, ErrEmpty},
		{"only blanks", "brancos.csv", []byte(" \r\n\t\n"), ErrEmpty},
		{"only delimiters", "sep.csv", []byte(";;;\n;;\n"), ErrEmpty},
		{"utf-8 bom only", "bom.csv", []byte("\ufeff"), ErrEmpty},
		{"binary garbage", "lixo.csv", []byte("\x00\x01\x02\xff\xfe garbage \x00\x00\x10\x11"), ErrBinary},
		{"control characters", "ctl.csv", []byte(strings.Repeat("\x01\x02\x03abc", 100)), ErrBinary},
		{"png renamed", "foto.csv", []byte("\x89PNG\r\n\x1a\nrest"), ErrBinary},
		{"pdf renamed", "doc.txt", []byte("%PDF-1.7\n1 0 obj"), ErrBinary},
		{"text renamed xlsx", "planilha.xlsx", []byte("telefone\n19997712322\n"), ErrNotXLSX},
		{"old xls", "antiga.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), ErrLegacyXLS},
		{"2 MB single line", "linha.csv", long, ErrLineTooLong},
		{"unclosed quote swallowing the file", "aspas.csv", unclosed, ErrLineTooLong},
		{"no phone column", "nomes.csv", []byte("nome;cidade\nAna;Campinas\nBia;Recife\n"), ErrNoPhoneColumn},
		{"header only", "cabecalho.csv", []byte("nome;telefone;cidade\n"), ErrNoRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			start := time.Now()
			_, err := Inspect(path, InspectOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Inspect: got %v, want %v", err, tt.want)
			}
			if time.Since(start) > 2*time.Second {
				t.Errorf("Inspect took %v, want a fast failure", time.Since(start))
			}
			if code, key := ErrorCode(err), ErrorKey(err); code == "" || !i18n.Has("pt-BR", key) || i18n.T("pt-BR", key) == i18n.T("en", key) {
				t.Errorf("got code %q and untranslated message for %v", code, err)
			}
			m := Mapping{CorrelationColumn: -1, AreaCodeColumn: -1}
			if _, err := Import(context.Background(), path, m, Discard, ImportOptions{}); err == nil && tt.want != ErrNoPhoneColumn && tt.want != ErrNoRows {
				t.Errorf("Import: got nil error, want %v", tt.want)
			}
		})
	}
}

func TestImportLineTooLongMidFile(t *testing.T) {
	// Past the rows Inspect samples, so only Import meets it.
	content := "telefone\n" + strings.Repeat("19997712322\n", 300) + strings.Repeat("9", 3<<20) + "\n11976543210\n"
	path := writeFile(t, "meio.csv", []byte(content))
	p := mustInspect(t, path, InspectOptions{})
	_, err := Import(context.Background(), path, p.Mapping(), Discard, ImportOptions{})
	if !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("got %v, want ErrLineTooLong", err)
	}
	if !strings.Contains(err.Error(), "line 301") {
		t.Errorf("got %q, want the line before the long record named", err)
	}
}

func TestImportEncodingOverride(t *testing.T) {
	path := writeFile(t, "x.csv", latin1(t, "telefone;nome\n19997712322;Conceição\n"))
	p := mustInspect(t, path, InspectOptions{})
	m := p.Mapping()
	m.Encoding = "latin-1"
	_, sink := func() (Report, *collectSink) {
		s := &collectSink{}
		rep, err := Import(context.Background(), path, m, s, ImportOptions{})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		return rep, s
	}()
	if got := sink.recs[0].Fields[0]; got != "Conceição" {
		t.Errorf("got %q, want Conceição decoded", got)
	}
	m.Encoding = "ebcdic"
	if _, err := Import(context.Background(), path, m, Discard, ImportOptions{}); !errors.Is(err, ErrEncoding) {
		t.Errorf("got %v, want ErrEncoding", err)
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nome", "nome"},
		{"  Nome Completo ", "nome_completo"},
		{"Observação", "observacao"},
		{"Nº do pedido", "no_do_pedido"},
		{"E-mail", "e_mail"},
		{"correlationId(opcional)", "correlationid_opcional"},
		{"CIDADE/UF", "cidade_uf"},
		{"çÃÕ", "cao"},
		{"***", ""},
	}
	for _, tt := range tests {
		if got := normalizeName(tt.in); got != tt.want {
			t.Errorf("normalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := normalizeNames([]string{"Nome", "", "nome", "Nome_2"}, 5), []string{"nome", "coluna_2", "nome_2", "nome_2_2", "coluna_5"}; !equal(got, want) {
		t.Errorf("normalizeNames = %q, want %q", got, want)
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name, text string
		want       rune
	}{
		{"semicolon", "a;b;c\n1;2;3\n", ';'},
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"tab", "a\tb\n1\t2\n", '\t'},
		{"pipe", "a|b\n1|2\n", '|'},
		{"semicolon with decimal commas", "nome;valor\nAna;1,5\nBia;2,75\n", ';'},
		{"comma with quoted semicolons", "\"a;x\",b\n\"c;y\",d\n\"e;z\",f\n", ','},
		{"quoted newline", "a,\"b\nc\",d\ne,f,g\n", ','},
		{"single column", "19997712322\n21988887777\n", ';'},
		{"single column sci", "5,519997712322E+12\n5,52E+12\n", ';'},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.text)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestImportLatin1AfterSniffWindow(t *testing.T) {
	// 64 KB of ASCII rows, then Windows-1252 accents the sniffer never saw.
	var b strings.Builder
	b.WriteString("telefone;nome\n")
	for i := 0; b.Len() < 70<<10; i++ {
		b.WriteString("1999771" + strconv.Itoa(1000+i%9000) + ";Ana\n")
	}
	content := append([]byte(b.String()), latin1(t, "21988887777;Conceição\n")...)
	path := writeFile(t, "tarde.csv", content)
	p := mustInspect(t, path, InspectOptions{})
	if p.Encoding != EncodingUTF8 {
		t.Fatalf("got encoding %q, want utf-8 from the sniffed window", p.Encoding)
	}
	_, sink := mustImport(t, path, ImportOptions{})
	last := sink.recs[len(sink.recs)-1]
	if last.Phone != "5521988887777" || last.Fields[0] != "Conceição" {
		t.Errorf("got last recipient %+v, want Conceição decoded as Windows-1252", last)
	}
}

func TestImportStripsFieldSeparator(t *testing.T) {
	path := writeFile(t, "sep.csv", []byte("telefone;nome;id\n19997712322;Ana\x1fMaria;c\x1f1\n"))
	p := mustInspect(t, path, InspectOptions{})
	m := p.Mapping()
	m.CorrelationColumn = 2
	sink := &collectSink{}
	if _, err := Import(context.Background(), path, m, sink, ImportOptions{}); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got := sink.recs[0]; got.Fields[0] != "Ana Maria" || got.CorrelationID != "c 1" {
		t.Errorf("got %+v, want the 0x1F separators replaced by spaces", got)
	}
}
