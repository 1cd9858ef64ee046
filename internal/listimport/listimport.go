package listimport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"arauto/internal/contact"
	"arauto/internal/events"
	"arauto/internal/lease"
	"arauto/internal/recipient"
)

// Store is where lists and their recipients are kept.
type Store interface {
	SuppressedPhones(ctx context.Context) (map[string]struct{}, error)
	AddRecipients(ctx context.Context, listID int64, batch []recipient.Recipient) error
	AddRejectedRows(ctx context.Context, listID int64, rows []recipient.RejectedRow) error
	// FinishListImportIndexed records the report and makes the list ready,
	// writing the index of its numbers the import gathered.
	FinishListImportIndexed(ctx context.Context, id int64, r recipient.Report, numbers *recipient.NumberIndex) error
	FailListImport(ctx context.Context, id int64, code, detail string) error
	Lists(ctx context.Context, state recipient.ListState) ([]*recipient.List, error)
	StartListImport(ctx context.Context, id int64, m recipient.Mapping) error
	// CreateUploadedList stores a new list (uploaded, or importing with
	// its mapping) with its inspection preview in one transaction and
	// sets its ID; on error nothing is stored.
	CreateUploadedList(ctx context.Context, l *recipient.List, p recipient.Preview) error
	// ConfirmListImport records the list's legal basis and importer and
	// marks it importing with the mapping (a ready or missing list is the
	// store's not-found).
	ConfirmListImport(ctx context.Context, id int64, m recipient.Mapping, basis contact.LegalBasis, by int64) error
	// ErasedNumbers returns the numbers erased on request (hashed).
	ErasedNumbers(ctx context.Context) (*contact.Erased, error)
	// StartContactImport returns the contact source (the proof of consent)
	// of the list's import, and records its columns as contact fields.
	StartContactImport(ctx context.Context, listID int64, columns []string) (int64, error)
	// UpsertContacts creates or updates the contacts of a chunk of rows.
	UpsertContacts(ctx context.Context, sourceID int64, recs []contact.Record) error
	// DeleteAbandonedUploads deletes the lists still waiting for their
	// mapping since before, returning their files.
	DeleteAbandonedUploads(ctx context.Context, before time.Time) ([]string, error)
	// ListByID returns a list (the store's not-found when it is gone).
	ListByID(ctx context.Context, id int64) (*recipient.List, error)
	// SetListProgress records how far a list's import is, for pages
	// served by any instance.
	SetListProgress(ctx context.Context, id int64, p recipient.Progress) error
	// ListProgress returns the recorded progress of a list still
	// importing; false when it is not importing.
	ListProgress(ctx context.Context, id int64) (recipient.Progress, bool, error)
}

// ProgressEvery is how often a running import records its progress in the
// store, where pages served by other instances read it.
const ProgressEvery = time.Second

// LeaseName is the lease an instance holds while it imports list id.
func LeaseName(id int64) string { return fmt.Sprintf("list-import:%d", id) }

// AbandonedAfter is how long an upload may wait for its column mapping
// before it is deleted with its file (the lists page says so).
const AbandonedAfter = 7 * 24 * time.Hour

// Publisher carries live updates to open pages.
type Publisher interface {
	Publish(topic string, e events.Event)
}

// RejectedBatch is how many rejected rows are written per transaction.
const RejectedBatch = 5000

// ContactChunk is how many rows' contacts are merged into the contact book
// per transaction. Contacts are keyed by number, which a file lists in no
// order: a chunk is written in number order so each page of the book is
// rewritten once per chunk, not once per row; a bigger chunk costs memory
// (about 200 bytes a row, more with the garbage it leaves): at 100,000 a
// 1,000,000-row import peaked at 228 MB, at 25,000 at 187 MB.
const ContactChunk = 25_000

// Topic is where a list's import progress is published.
func Topic(id int64) string { return fmt.Sprintf("list:%d", id) }

// Jobs runs list imports in the background and remembers the latest
// progress of each.
type Jobs struct {
	store  Store
	pub    Publisher
	log    *slog.Logger
	leases *lease.Keeper

	mu       sync.Mutex
	progress map[int64]recipient.Progress
	cancel   map[int64]context.CancelFunc
	wg       sync.WaitGroup
	ctx      context.Context
	stop     context.CancelFunc
}

// New returns the jobs over st, publishing to pub. With leases, each
// import runs under its list's lease (LeaseName), so among instances
// sharing the database exactly one imports a list, and another resumes it
// (StartResumer) when that one dies; nil leases suit a lone process.
func New(st Store, pub Publisher, log *slog.Logger, leases *lease.Keeper) *Jobs {
	ctx, stop := context.WithCancel(context.Background())
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Jobs{store: st, pub: pub, log: log, leases: leases, progress: map[int64]recipient.Progress{},
		cancel: map[int64]context.CancelFunc{}, ctx: ctx, stop: stop}
}

// Progress returns the latest progress of the list's import, if it runs:
// this instance's own figures when it runs here, else those the running
// instance recorded in the store.
func (j *Jobs) Progress(ctx context.Context, id int64) (recipient.Progress, bool) {
	j.mu.Lock()
	p, ok := j.progress[id]
	j.mu.Unlock()
	if ok || j.leases == nil {
		return p, ok
	}
	p, ok, err := j.store.ListProgress(ctx, id)
	if err != nil {
		j.log.Warn("import: read progress", "list_id", id, "err", err)
		return recipient.Progress{}, false
	}
	return p, ok
}

// Shutdown stops every import and waits for them.
func (j *Jobs) Shutdown() {
	j.stop()
	j.wg.Wait()
}

// Start imports list l in the background with its stored mapping.
func (j *Jobs) Start(l *recipient.List) { j.launch(l) }

// launch starts l's import here unless it already runs here; with leases,
// only if no other instance runs it.
func (j *Jobs) launch(l *recipient.List) {
	j.mu.Lock()
	if _, running := j.cancel[l.ID]; running {
		j.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(j.ctx)
	j.cancel[l.ID] = cancel
	if j.leases == nil {
		j.progress[l.ID] = recipient.Progress{TotalBytes: l.FileSize}
	}
	j.wg.Add(1)
	j.mu.Unlock()
	go func() {
		defer j.wg.Done()
		defer func() {
			j.mu.Lock()
			delete(j.cancel, l.ID)
			delete(j.progress, l.ID)
			j.mu.Unlock()
			cancel()
		}()
		if j.leases == nil {
			j.run(ctx, l)
			return
		}
		ran, err := j.leases.Do(ctx, LeaseName(l.ID), func(ctx context.Context) { j.runLeased(ctx, l.ID) })
		if err != nil && ctx.Err() == nil {
			j.log.Warn("import: take the list's lease", "list_id", l.ID, "err", err)
		} else if !ran {
			j.log.Debug("import runs on another instance", "list_id", l.ID)
		}
	}()
}

// runLeased imports a list while holding its lease: the list is read
// again (another instance may have finished it meanwhile), and whatever an
// earlier, interrupted attempt stored is cleared first, so the import runs
// whole from its kept file.
func (j *Jobs) runLeased(ctx context.Context, id int64) {
	l, err := j.store.ListByID(ctx, id)
	if err != nil {
		if ctx.Err() == nil {
			j.log.Warn("import: read list", "list_id", id, "err", err)
		}
		return
	}
	if l.State != recipient.ListImporting {
		return
	}
	if _, err := os.Stat(l.FilePath); err != nil {
		j.fail(l, "interrupted", fmt.Errorf("the uploaded file is gone (is ARAUTO_SHARED_DIR shared by every instance?): %w", err))
		return
	}
	if err := j.store.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		if ctx.Err() == nil {
			j.log.Error("import: clear an earlier attempt", "list_id", id, "err", err)
		}
		return
	}
	// Only now does this instance's own progress stand for the import.
	j.mu.Lock()
	j.progress[l.ID] = recipient.Progress{TotalBytes: l.FileSize}
	j.mu.Unlock()
	j.run(ctx, l)
}

func (j *Jobs) run(ctx context.Context, l *recipient.List) {
	log := j.log.With("list_id", l.ID)
	topic := Topic(l.ID)
	suppressed, err := j.store.SuppressedPhones(ctx)
	if err != nil {
		log.Error("import: load suppression list", "err", err)
		j.fail(l, "internal", err)
		return
	}
	erased, err := j.store.ErasedNumbers(ctx)
	if err != nil {
		log.Error("import: load erased numbers", "err", err)
		j.fail(l, "internal", err)
		return
	}
	book := &contactBook{store: j.store, erased: erased}
	var rejected []recipient.RejectedRow
	flushRejected := func() error {
		if len(rejected) == 0 {
			return nil
		}
		err := j.store.AddRejectedRows(ctx, l.ID, rejected)
		rejected = rejected[:0]
		return err
	}
	var recorded time.Time
	opts := recipient.ImportOptions{
		Progress: func(p recipient.Progress) {
			j.mu.Lock()
			j.progress[l.ID] = p
			j.mu.Unlock()
			if j.leases != nil && time.Since(recorded) >= ProgressEvery {
				recorded = time.Now()
				if err := j.store.SetListProgress(ctx, l.ID, p); err != nil && ctx.Err() == nil {
					log.Warn("import: record progress", "err", err)
				}
			}
			j.pub.Publish(topic, events.Event{Name: "progress", Data: p})
		},
		Suppressed: func(phone string) bool {
			_, ok := suppressed[phone]
			return ok || erased.Has(phone)
		},
		Columns: func(columns []string) error {
			return book.start(ctx, l.ID, columns)
		},
		Rejected: func(r recipient.RejectedRow) error {
			rejected = append(rejected, r)
			if len(rejected) >= RejectedBatch {
				return flushRejected()
			}
			return nil
		},
	}
	// The rows' numbers are indexed as they stream by, so the store need
	// not read a million rows back and sort them at the end.
	numbers := &recipient.NumberIndex{}
	sink := recipient.SinkFunc(func(ctx context.Context, batch []recipient.Recipient) error {
		if err := j.store.AddRecipients(ctx, l.ID, batch); err != nil {
			return err
		}
		for i := range batch {
			numbers.Add(batch[i].Phone, batch[i].Row)
		}
		return book.add(ctx, batch)
	})
	log.Info("import started", "file", l.FileName, "bytes", l.FileSize)
	report, err := recipient.Import(ctx, l.FilePath, l.Mapping, sink, opts)
	if err == nil {
		err = flushRejected()
	}
	if err == nil {
		err = book.flush(ctx)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && j.ctx.Err() != nil {
			log.Info("import interrupted by shutdown; it starts again on the next start-up")
			return
		}
		log.Warn("import failed", "err", err)
		j.fail(l, recipient.ErrorCode(err), err)
		return
	}
	// A background context: the import's own may be cancelled by now, and
	// the result must be recorded either way.
	if err := j.store.FinishListImportIndexed(context.Background(), l.ID, report, numbers); err != nil {
		log.Error("import: record report", "err", err)
		j.fail(l, "internal", err)
		return
	}
	os.Remove(l.FilePath)
	log.Info("import finished", "rows", report.Rows, "valid", report.Valid, "invalid", report.Invalid, "duplicates", report.Duplicates)
	j.pub.Publish(topic, events.Event{Name: "done"})
}

// fail marks the list failed (its partial rows removed) and drops the
// upload: a file that failed will fail again.
func (j *Jobs) fail(l *recipient.List, code string, err error) {
	if code == "" {
		code = "internal"
	}
	if ferr := j.store.FailListImport(context.Background(), l.ID, code, err.Error()); ferr != nil {
		j.log.Error("import: mark list failed", "list_id", l.ID, "err", ferr)
	}
	os.Remove(l.FilePath)
	j.pub.Publish(Topic(l.ID), events.Event{Name: "done"})
}

// CleanAbandoned deletes the uploads that waited longer than
// AbandonedAfter for their column mapping, with their files, and returns
// how many.
func (j *Jobs) CleanAbandoned(ctx context.Context, now time.Time) (int, error) {
	paths, err := j.store.DeleteAbandonedUploads(ctx, now.Add(-AbandonedAfter))
	if err != nil {
		return 0, fmt.Errorf("listimport: clean abandoned uploads: %w", err)
	}
	for _, p := range paths {
		os.Remove(p)
	}
	if len(paths) > 0 {
		j.log.Info("abandoned uploads deleted", "lists", len(paths), "waited_more_than", AbandonedAfter)
	}
	return len(paths), nil
}

// StartCleaner runs CleanAbandoned now and every interval until Shutdown.
func (j *Jobs) StartCleaner(interval time.Duration, now func() time.Time) {
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			clean := func(ctx context.Context) {
				if _, err := j.CleanAbandoned(ctx, now()); err != nil && ctx.Err() == nil {
					j.log.Error("clean abandoned uploads", "err", err)
				}
			}
			if j.leases == nil {
				clean(j.ctx)
			} else if _, err := j.leases.Do(j.ctx, "upload-cleaner", clean); err != nil && j.ctx.Err() == nil {
				j.log.Warn("clean abandoned uploads: take the lease", "err", err)
			}
			select {
			case <-j.ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// Resume starts again the imports a stop interrupted. Their partial rows
// are cleared first, so each import runs whole from its kept file. With
// leases, a list another instance is importing is left to it.
func (j *Jobs) Resume(ctx context.Context) error {
	lists, err := j.store.Lists(ctx, recipient.ListImporting)
	if err != nil {
		return fmt.Errorf("listimport: resume: %w", err)
	}
	if j.leases != nil {
		for _, l := range lists {
			j.launch(l)
		}
		return nil
	}
	for _, l := range lists {
		if _, err := os.Stat(l.FilePath); err != nil {
			j.fail(l, "interrupted", fmt.Errorf("the uploaded file is gone: %w", err))
			continue
		}
		if err := j.store.StartListImport(ctx, l.ID, l.Mapping); err != nil {
			return fmt.Errorf("listimport: resume list %d: %w", l.ID, err)
		}
		j.log.Info("resuming interrupted import", "list_id", l.ID)
		j.Start(l)
	}
	return nil
}

// StartResumer calls Resume every interval until Shutdown, so an import
// whose instance died is taken over once its lease expired. Without
// leases it does nothing: a lone process resumes at start-up only.
func (j *Jobs) StartResumer(interval time.Duration) {
	if j.leases == nil {
		return
	}
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-j.ctx.Done():
				return
			case <-tick.C:
			}
			if err := j.Resume(j.ctx); err != nil && j.ctx.Err() == nil {
				j.log.Error("resume imports", "err", err)
			}
		}
	}()
}

// contactBook merges an import's rows into the contact book as they are
// stored, a chunk at a time. Numbers erased on request are left out.
type contactBook struct {
	store    Store
	erased   *contact.Erased
	enc      *contact.Encoder
	sourceID int64
	chunk    []contact.Record
}

// start records the import's source once the columns are known.
func (b *contactBook) start(ctx context.Context, listID int64, columns []string) error {
	id, err := b.store.StartContactImport(ctx, listID, columns)
	if err != nil {
		return err
	}
	b.sourceID, b.enc = id, contact.NewEncoder(columns)
	b.chunk = make([]contact.Record, 0, ContactChunk)
	return nil
}

// add encodes a batch of stored recipients, merging a full chunk.
func (b *contactBook) add(ctx context.Context, batch []recipient.Recipient) error {
	for i := range batch {
		r := &batch[i]
		if r.Suppressed && b.erased.Has(r.Phone) {
			continue
		}
		rec, ok := b.enc.Encode(r.Phone, r.Row, r.Fields)
		if !ok {
			continue
		}
		b.chunk = append(b.chunk, rec)
		if len(b.chunk) >= ContactChunk {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush merges what the chunk holds.
func (b *contactBook) flush(ctx context.Context) error {
	if len(b.chunk) == 0 {
		return nil
	}
	err := b.store.UpsertContacts(ctx, b.sourceID, b.chunk)
	b.chunk = b.chunk[:0]
	return err
}
