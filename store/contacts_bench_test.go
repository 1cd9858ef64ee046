package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"arauto/internal/events"
	"arauto/internal/listimport"
	"arauto/internal/memstat"
	"arauto/internal/recipient"
	"arauto/internal/recipient/recipienttest"
	"arauto/internal/segment"
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
	jobs := listimport.New(s, hub, nil, nil)
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

// BenchmarkContactBook1M is the figures for a book of a million:
// a realistic 1,000,000-row CSV is imported (as the console does), then
// each segment count the editor makes and each contact search is timed
// (the slowest of five runs, in ms). Budgets: a count < 300 ms, a search
// (by number, name or field values) < 50 ms.
func BenchmarkContactBook1M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "book.csv")
	if err := recipienttest.GenerateCSV(path, 1_000_000, 42); err != nil {
		b.Fatal(err)
	}
	s := storetest.New(b)
	_, l := importThroughJobs(b, s, path, "book")
	ctx := context.Background()
	now := time.Now()
	all, err := s.CountContacts(ctx, nil, now)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d contacts from %d rows", all, l.Rows)
	rule := func(k segment.Kind, vs ...string) segment.Rule { return segment.Rule{Kind: k, Values: vs} }
	city := func(op segment.Op, vs ...string) segment.Rule {
		return segment.Rule{Kind: segment.KindAttr, Field: "cidade", Op: op, Values: vs}
	}
	counts := []struct {
		name string
		f    segment.Filter
	}{
		{"ddd", segment.Filter{Match: segment.All, Rules: []segment.Rule{rule(segment.KindDDD, "11", "19")}}},
		{"state", segment.Filter{Match: segment.All, Rules: []segment.Rule{rule(segment.KindState, "SP", "RJ")}}},
		{"field", segment.Filter{Match: segment.All, Rules: []segment.Rule{city(segment.Equals, "sao paulo")}}},
		{"ddd-and-field", segment.Filter{Match: segment.All, Rules: []segment.Rule{rule(segment.KindDDD, "11"), city(segment.Equals, "São Paulo")}}},
		{"any-of-contains-in", segment.Filter{Match: segment.Any, Rules: []segment.Rule{city(segment.Contains, "camp"), city(segment.In, "Recife", "Manaus")}}},
		{"list-not-opted-out", segment.Filter{Match: segment.All, Rules: []segment.Rule{
			rule(segment.KindList, strconv.FormatInt(l.ID, 10)), {Kind: segment.KindOptedOut, Not: true}}}},
		{"never-messaged-or-replied", segment.Filter{Match: segment.Any, Rules: []segment.Rule{{Kind: segment.KindNeverMessaged}, {Kind: segment.KindReplied, Days: 30}}}},
	}
	slowest := func(fn func() error) float64 {
		var worst time.Duration
		for range 5 {
			start := time.Now()
			if err := fn(); err != nil {
				b.Fatal(err)
			}
			worst = max(worst, time.Since(start))
		}
		return float64(worst.Microseconds()) / 1000
	}
	b.ResetTimer()
	for range b.N {
		for _, c := range counts {
			var n, one int64
			ms := slowest(func() (err error) { n, err = s.CountSegment(ctx, c.f, now); return err })
			b.ReportMetric(ms, "ms-count-"+c.name)
			if n == 0 {
				b.Errorf("segment %s counted nobody", c.name)
			}
			// The same count in one statement, right after: what counting
			// the whole book in parts (one per core) gains on this machine
			// as loaded now.
			restore := store.SetCountPartsForTest(1, 0)
			ms = slowest(func() (err error) { one, err = s.CountSegment(ctx, c.f, now); return err })
			restore()
			b.ReportMetric(ms, "ms-count-"+c.name+"-one-statement")
			if one != n {
				b.Errorf("segment %s counted %d in parts, %d in one statement", c.name, n, one)
			}
		}
		for _, q := range []struct{ name, search string }{
			{"number", "11 98"}, {"number-long", "+55 21 9"}, {"name", "ana"}, {"name-accent", "Antônio Sil"}, {"none", "zzz"},
			// By field values (issue 14): a city, words of two fields,
			// two common words rarely together.
			{"field", "campinas"}, {"field-words", "rio de jan"}, {"name-and-city", "Luíza Maceió"}, {"field-rare-pair", "ines manau"},
		} {
			var got int
			ms := slowest(func() error {
				p, err := s.Contacts(ctx, store.ContactQuery{Search: q.search, Limit: 50, Now: now})
				got = len(p.Items)
				return err
			})
			b.ReportMetric(ms, "ms-search-"+q.name)
			if got == 0 && q.name != "none" {
				b.Errorf("search %q found nobody", q.search)
			}
		}
		ms := slowest(func() error {
			_, err := s.Contacts(ctx, store.ContactQuery{Search: "ana", Limit: 50, Now: now,
				Filter: &segment.Filter{Match: segment.All, Rules: []segment.Rule{rule(segment.KindState, "SP")}}})
			return err
		})
		b.ReportMetric(ms, "ms-search-name-in-state")
	}
}
