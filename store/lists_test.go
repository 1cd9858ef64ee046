package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arauto/internal/memstat"
	"arauto/internal/recipient"
	"arauto/internal/recipient/recipienttest"
	"arauto/store"
	"arauto/store/storetest"
)

func TestListLifecycle(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := &recipient.List{Name: "Clientes", FileName: "c.csv", FilePath: "/tmp/x", Mapping: recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1}}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		t.Fatal(err)
	}
	batch := []recipient.Recipient{
		{Row: 2, Phone: "5519997712322", Fields: []string{"Ana", "Campinas"}},
		{Row: 3, Phone: "5511987654321", CorrelationID: "c-3", Fields: []string{"João", "São Paulo"}, Suppressed: true},
	}
	if err := s.AddRecipients(ctx, l.ID, batch); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRejectedRows(ctx, l.ID, []recipient.RejectedRow{{Row: 4, Phone: "5,52E+12", Reason: "lost_digits"}}); err != nil {
		t.Fatal(err)
	}
	rep := recipient.Report{Rows: 3, Valid: 2, Invalid: 1, Suppressed: 1, Columns: []string{"nome", "cidade"}, PhoneColumn: "telefone",
		InvalidByReason: map[recipient.Reason]int{"lost_digits": 1}}
	if err := s.FinishListImport(ctx, l.ID, rep); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListByID(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != recipient.ListReady || got.Valid != 2 || got.Invalid != 1 || strings.Join(got.Columns, ",") != "nome,cidade" || got.Report.InvalidByReason["lost_digits"] != 1 || got.FilePath != "" {
		t.Errorf("finished list got %+v, want ready with the report", got)
	}

	tests := []struct {
		search string
		want   []int
	}{
		{"", []int{2, 3}},
		{"54321", []int{3}},
		{"(11) 98765-4321", []int{3}},
		{"98765", nil},
		{"+55 (19) 99771", []int{2}},
		{"são paulo", []int{3}},
		{"c-3", []int{3}},
		{"100%_", nil},
	}
	for _, tt := range tests {
		page, err := s.Recipients(ctx, l.ID, tt.search, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var rows []int
		for _, r := range page.Recipients {
			rows = append(rows, r.Row)
		}
		if fmt.Sprint(rows) != fmt.Sprint(tt.want) || page.Total != len(tt.want) {
			t.Errorf("search %q got rows %v total %d, want %v", tt.search, rows, page.Total, tt.want)
		}
	}
	page, _ := s.Recipients(ctx, l.ID, "", 0, 10)
	if r := page.Recipients[1]; r.Fields[0] != "João" || !r.Suppressed || r.CorrelationID != "c-3" {
		t.Errorf("stored recipient got %+v, want fields, flag and correlationId kept", r)
	}
	var rejected []recipient.RejectedRow
	s.EachRejectedRow(ctx, l.ID, func(r recipient.RejectedRow) error { rejected = append(rejected, r); return nil })
	if len(rejected) != 1 || rejected[0].Phone != "5,52E+12" {
		t.Errorf("rejected rows got %+v, want the one lost_digits row", rejected)
	}

	// A failed import keeps nothing.
	if err := s.FailListImport(ctx, l.ID, "binary_file", "boom"); err != nil {
		t.Fatal(err)
	}
	if page, _ := s.Recipients(ctx, l.ID, "", 0, 10); page.Total != 0 {
		t.Errorf("failed list still has %d recipients, want 0", page.Total)
	}
	if err := s.DeleteList(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListByID(ctx, l.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted list got %v, want ErrNotFound", err)
	}
}

// BenchmarkImportCSV1MIntoStore is the whole import of the figure:
// a generated 1,000,000-row CSV parsed, normalised, deduplicated and stored
// in SQLite. It reports rows/s and the process's peak RSS.
func BenchmarkImportCSV1MIntoStore(b *testing.B) { benchmarkImportIntoStore(b, "csv") }

// BenchmarkImportXLSX1MIntoStore is the same rows as an XLSX workbook.
func BenchmarkImportXLSX1MIntoStore(b *testing.B) { benchmarkImportIntoStore(b, "xlsx") }

func benchmarkImportIntoStore(b *testing.B, format string) {
	rows := 1_000_000
	path := filepath.Join(b.TempDir(), "big."+format)
	gen := recipienttest.GenerateCSV
	if format == "xlsx" {
		gen = recipienttest.GenerateXLSX
	}
	if err := gen(path, rows, 42); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := storetest.New(b)
		b.StartTimer()
		start := time.Now()
		p, err := recipient.Inspect(path, recipient.InspectOptions{})
		if err != nil {
			b.Fatal(err)
		}
		l := &recipient.List{Name: "bench", FileName: "big", Mapping: p.Mapping()}
		if err := s.CreateList(ctx, l); err != nil {
			b.Fatal(err)
		}
		sink := recipient.SinkFunc(func(ctx context.Context, batch []recipient.Recipient) error { return s.AddRecipients(ctx, l.ID, batch) })
		rep, err := recipient.Import(ctx, path, p.Mapping(), sink, recipient.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.FinishListImport(ctx, l.ID, rep); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.ReportMetric(float64(rep.Rows)/el.Seconds(), "rows/s")
		b.ReportMetric(el.Seconds(), "s/import")
	}
	b.ReportMetric(memstat.PeakRSSMB(0), "peakRSS_MB")
}

// Only uploads still waiting for their mapping, and for long enough, are
// deleted; their files are returned for removal.
func TestDeleteAbandonedUploads(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	waiting := &recipient.List{Name: "w", FileName: "w.csv", FilePath: "/tmp/w.csv"}
	mapped := &recipient.List{Name: "m", FileName: "m.csv", FilePath: "/tmp/m.csv"}
	for _, l := range []*recipient.List{waiting, mapped} {
		if err := s.CreateList(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.StartListImport(ctx, mapped.ID, recipient.Mapping{}); err != nil {
		t.Fatal(err)
	}
	if paths, err := s.DeleteAbandonedUploads(ctx, time.Now().Add(-time.Hour)); err != nil || len(paths) != 0 {
		t.Errorf("fresh uploads deleted: %v %v", paths, err)
	}
	paths, err := s.DeleteAbandonedUploads(ctx, time.Now().Add(time.Hour))
	if err != nil || len(paths) != 1 || paths[0] != "/tmp/w.csv" {
		t.Errorf("deleted got %v %v, want only the upload still waiting", paths, err)
	}
	if _, err := s.ListByID(ctx, mapped.ID); err != nil {
		t.Errorf("the list being imported was deleted: %v", err)
	}
}
