package batchfile

import (
	"bytes"
	"io"
	"testing"
)

// FuzzReaders feeds arbitrary bytes to both readers: they must never panic
// nor loop, every refusal is a *Problem or an I/O error, and whatever they
// accept can be written back and read again to the same rows.
func FuzzReaders(f *testing.F) {
	f.Add([]byte("numero;texto;correlationId;\n5511900000000;mensagem 1;;\nEOF\n"))
	f.Add([]byte("numero;texto;correlationId(opcional);\r\n5511900000000;a;b\r\nEOF"))
	f.Add([]byte("2020-01-21;16:00;16:00;TEMPLATE;e;n;pt_BR;DETERMINISTIC;nome|empresa\nIMAGE;URL;https://x.test/a.png;PNG\nphone;nome;empresa\n5519981560597;Nome1;Wavy\n"))
	f.Add([]byte(" ; ; ; TEMPLATE;e;n;pt_BR;;\nphone;correlationId\n5511;a1-1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if r, err := NewSMSReader(bytes.NewReader(data)); err == nil {
			var rows []SMSRow
			for i := 0; ; i++ {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					if _, ok := AsProblem(err); !ok {
						t.Fatalf("SMS reader error %v is not a *Problem", err)
					}
					rows = nil
					break
				}
				rows = append(rows, row)
				if i > len(data) {
					t.Fatalf("SMS reader returned more rows than bytes")
				}
			}
			if len(rows) > 0 {
				var buf bytes.Buffer
				w := NewSMSWriter(&buf)
				for _, row := range rows {
					if err := w.Write(row); err != nil {
						t.Fatalf("writer refused a row the reader accepted: %+v: %v", row, err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				r2, err := NewSMSReader(&buf)
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range rows {
					got, err := r2.Next()
					if err != nil || got != want {
						t.Fatalf("round trip got %+v %v, want %+v", got, err, want)
					}
				}
			}
		} else if _, ok := AsProblem(err); !ok {
			t.Fatalf("SMS header error %v is not a *Problem", err)
		}
		if r, err := NewWhatsAppReader(bytes.NewReader(data)); err == nil {
			if err := r.Head().Check(); err != nil {
				t.Fatalf("reader accepted a head that Check refuses: %v", err)
			}
			for i := 0; ; i++ {
				row, err := r.Next()
				if err != nil {
					if _, ok := AsProblem(err); !ok && err != io.EOF {
						t.Fatalf("WhatsApp reader error %v is not a *Problem", err)
					}
					break
				}
				if len(row) != len(r.Head().Columns) {
					t.Fatalf("row got %d values, want %d", len(row), len(r.Head().Columns))
				}
				_ = r.Head().Values(row)
				if i > len(data) {
					t.Fatalf("WhatsApp reader returned more rows than bytes")
				}
			}
		} else if _, ok := AsProblem(err); !ok {
			t.Fatalf("WhatsApp head error %v is not a *Problem", err)
		}
		_, _ = ParseName(string(data))
		_ = DetectLayout(data)
	})
}
