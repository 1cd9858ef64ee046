package recipient

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// writeFile writes content to name in a fresh temp dir and returns the path.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	return path
}

// latin1 encodes s as Windows-1252, as Excel saves CSV in Brazil.
func latin1(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode latin1: %v", err)
	}
	return b
}

// utf16le encodes s as UTF-16LE with BOM, as Excel's "Unicode text" does.
func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode utf-16: %v", err)
	}
	return b
}

// sheetSpec is a worksheet for buildXLSX: cell name -> value.
type sheetSpec struct {
	name  string
	cells map[string]any
}

// buildXLSX writes a workbook with excelize and returns its path.
func buildXLSX(t *testing.T, name string, sheets ...sheetSpec) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatalf("rename sheet: %v", err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatalf("new sheet: %v", err)
		}
		for c, v := range s.cells {
			if err := f.SetCellValue(s.name, c, v); err != nil {
				t.Fatalf("set %s!%s: %v", s.name, c, err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatalf("save xlsx: %v", err)
	}
	return path
}

// rewriteZip copies the zip at src to a new file, letting edit replace
// entries: edit gets each entry's name and returns false to copy it as is.
func rewriteZip(t *testing.T, src, name string, edit func(w *zip.Writer, f *zip.File) bool) string {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if edit(zw, f) {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatalf("zip create: %v", err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("zip open entry: %v", err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatalf("zip copy: %v", err)
		}
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("zip close: %v", err)
	}
	return writeFile(t, name, buf.Bytes())
}

// collectSink keeps copies of everything it receives.
type collectSink struct {
	mu      sync.Mutex
	recs    []Recipient
	batches []int
	err     error // returned from every call when set
}

func (s *collectSink) AddRecipients(_ context.Context, batch []Recipient) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.batches = append(s.batches, len(batch))
	for _, r := range batch {
		r.Fields = append([]string(nil), r.Fields...)
		s.recs = append(s.recs, r)
	}
	return nil
}

func (s *collectSink) phones() []string {
	out := make([]string, len(s.recs))
	for i, r := range s.recs {
		out[i] = r.Phone
	}
	return out
}

// mustInspect inspects path and fails the test on error.
func mustInspect(t *testing.T, path string, opts InspectOptions) Preview {
	t.Helper()
	p, err := Inspect(path, opts)
	if err != nil {
		t.Fatalf("Inspect(%s): %v", filepath.Base(path), err)
	}
	return p
}

// mustImport imports path with its detected mapping into a collectSink.
func mustImport(t *testing.T, path string, opts ImportOptions) (Report, *collectSink) {
	t.Helper()
	p := mustInspect(t, path, InspectOptions{})
	sink := &collectSink{}
	rep, err := Import(context.Background(), path, p.Mapping(), sink, opts)
	if err != nil {
		t.Fatalf("Import(%s): %v", filepath.Base(path), err)
	}
	return rep, sink
}

func equal(a, b any) bool { return reflect.DeepEqual(a, b) }

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}
