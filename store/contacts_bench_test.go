package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"arauto/internal/events"
	"arauto/internal/listimport"
	"arauto/internal/memstat"
	"arauto/internal/recipient"
	"arauto/internal/recipient/recipienttest"
	"arauto/store"
	"arauto/store/storetest"
)

// importThroughJobs imports the file at path as a new list the way the
// console does (listimport.Jobs: recipients and contacts in one streaming
// pass) and returns how long it took and the report.
func importThroughJobs(tb testing.TB, s *store.Store, path, name string) (time.Duration, *recipient.List) {
	tb.Helper()
	ctx := context.Background()
	// The job removes the upload once imported: it gets a copy.
	upload := filepath.Join(tb.TempDir(), filepath.Base(path))
	if err := os.Link(path, upload); err != nil {
		tb.Fatal(err)
	}
	path = upload
	start := time.Now()
	p, err := recipient.Inspect(path, recipient.InspectOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	l := &recipient.List{Name: name, FileName: filepath.Base(path), FilePath: path, Mapping: p.Mapping()}
	if err := s.CreateList(ctx, l); err != nil {
		tb.Fatal(err)
	}
	if err := s.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		tb.Fatal(err)
	}
	hub := events.New()
	done, cancel := hub.Subscribe(listimport.Topic(l.ID))
	defer cancel()
	jobs := listimport.New(s, hub, nil)
	jobs.Start(l)
	for e := range done {
		if e.Name == "done" {
			break
		}
	}
	jobs.Shutdown()
	el := time.Since(start)
	got, err := s.ListByID(ctx, l.ID)
	if err != nil {
		tb.Fatal(err)
	}
	if got.State != recipient.ListReady {
		tb.Fatalf("list %s is %s (%s %s), want ready", name, got.State, got.ErrorCode, got.ErrorDetail)
	}
	return el, got
}

// BenchmarkImportCSV1MWithContacts is the figure for the contact
// book: a realistic 1,000,000-row CSV (shuffled numbers from real DDDs,
// accented names, a tenth of bad rows, 3% duplicates) imported through the
// background job, recipients and contacts in the same streaming pass, into
// an empty contact book; then a second file of the same size (new numbers
// mixed with the first file's), which merges into a book of ~900,000. It
// reports rows/s of each and the peak RSS of the process.
func BenchmarkImportCSV1MWithContacts(b *testing.B) {
	dir := b.TempDir()
	first, second := filepath.Join(dir, "first.csv"), filepath.Join(dir, "second.csv")
	if err := recipienttest.GenerateCSV(first, 1_000_000, 42); err != nil {
		b.Fatal(err)
	}
	if err := recipienttest.GenerateCSV(second, 1_000_000, 43); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := storetest.New(b)
		b.StartTimer()
		el, l := importThroughJobs(b, s, first, "first")
		b.ReportMetric(float64(l.Rows)/el.Seconds(), "rows/s")
		b.ReportMetric(el.Seconds(), "s/import")
		el, l = importThroughJobs(b, s, second, "second")
		b.ReportMetric(float64(l.Rows)/el.Seconds(), "rows/s-into-900k")
		el, l = importThroughJobs(b, s, first, "first-again")
		b.ReportMetric(float64(l.Rows)/el.Seconds(), "rows/s-all-known")
	}
	b.ReportMetric(memstat.PeakRSSMB(0), "peakRSS_MB")
}
