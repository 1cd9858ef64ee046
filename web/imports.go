package web

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"arauto/internal/events"
	"arauto/internal/recipient"
)

// importJobs runs list imports in the background, one goroutine each, and
// remembers the latest progress so a page opened mid-import starts from it.
type importJobs struct {
	mu       sync.Mutex
	progress map[int64]recipient.Progress
	cancel   map[int64]context.CancelFunc
	carriers map[int64]int // lists whose carrier check runs: numbers checked
	wg       sync.WaitGroup
	ctx      context.Context
	stop     context.CancelFunc
}

func newImportJobs() *importJobs {
	ctx, stop := context.WithCancel(context.Background())
	return &importJobs{progress: map[int64]recipient.Progress{}, cancel: map[int64]context.CancelFunc{}, carriers: map[int64]int{}, ctx: ctx, stop: stop}
}

func (j *importJobs) current(id int64) (recipient.Progress, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	p, ok := j.progress[id]
	return p, ok
}

// shutdown stops every import and waits for them. Interrupted lists stay
// "importing" with their file kept, and start again on the next start-up.
func (j *importJobs) shutdown() {
	j.stop()
	j.wg.Wait()
}

func listTopic(id int64) string { return fmt.Sprintf("list:%d", id) }

// rejectedBatch is how many rejected rows are written per transaction.
const rejectedBatch = 5000

// startImport imports list id in the background with its stored mapping.
func (s *Server) startImport(l *recipient.List) {
	j := s.imports
	j.mu.Lock()
	if _, running := j.cancel[l.ID]; running {
		j.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(j.ctx)
	j.cancel[l.ID] = cancel
	j.progress[l.ID] = recipient.Progress{TotalBytes: l.FileSize}
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
		s.runImport(ctx, l)
	}()
}

func (s *Server) runImport(ctx context.Context, l *recipient.List) {
	log := s.log.With("list_id", l.ID)
	topic := listTopic(l.ID)
	suppressed, err := s.store.SuppressedPhones(ctx)
	if err != nil {
		log.Error("import: load suppression list", "err", err)
		s.failImport(l, "internal", err)
		return
	}
	var rejected []recipient.RejectedRow
	flushRejected := func() error {
		if len(rejected) == 0 {
			return nil
		}
		err := s.store.AddRejectedRows(ctx, l.ID, rejected)
		rejected = rejected[:0]
		return err
	}
	opts := recipient.ImportOptions{
		Progress: func(p recipient.Progress) {
			s.imports.mu.Lock()
			s.imports.progress[l.ID] = p
			s.imports.mu.Unlock()
			s.hub.Publish(topic, events.Event{Name: "progress", Data: p})
		},
		Suppressed: func(phone string) bool { _, ok := suppressed[phone]; return ok },
		Rejected: func(r recipient.RejectedRow) error {
			rejected = append(rejected, r)
			if len(rejected) >= rejectedBatch {
				return flushRejected()
			}
			return nil
		},
	}
	sink := recipient.SinkFunc(func(ctx context.Context, batch []recipient.Recipient) error {
		return s.store.AddRecipients(ctx, l.ID, batch)
	})
	log.Info("import started", "file", l.FileName, "bytes", l.FileSize)
	report, err := recipient.Import(ctx, l.FilePath, l.Mapping, sink, opts)
	if err == nil {
		err = flushRejected()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && s.imports.ctx.Err() != nil {
			log.Info("import interrupted by shutdown; it starts again on the next start-up")
			return
		}
		log.Warn("import failed", "err", err)
		s.failImport(l, recipient.ErrorCode(err), err)
		return
	}
	// A background context: the import's own may be cancelled by now, and
	// the result must be recorded either way.
	if err := s.store.FinishListImport(context.Background(), l.ID, report); err != nil {
		log.Error("import: record report", "err", err)
		s.failImport(l, "internal", err)
		return
	}
	os.Remove(l.FilePath)
	log.Info("import finished", "rows", report.Rows, "valid", report.Valid, "invalid", report.Invalid, "duplicates", report.Duplicates)
	s.hub.Publish(topic, events.Event{Name: "done"})
}

// failImport marks the list failed (its partial rows removed) and drops the
// upload: a file that failed will fail again.
func (s *Server) failImport(l *recipient.List, code string, err error) {
	if code == "" {
		code = "internal"
	}
	if ferr := s.store.FailListImport(context.Background(), l.ID, code, err.Error()); ferr != nil {
		s.log.Error("import: mark list failed", "list_id", l.ID, "err", ferr)
	}
	os.Remove(l.FilePath)
	s.hub.Publish(listTopic(l.ID), events.Event{Name: "done"})
}

// ResumeImports starts again the imports a stop interrupted. Their partial
// rows are cleared first, so each import runs whole from its kept file.
func (s *Server) ResumeImports(ctx context.Context) error {
	lists, err := s.store.Lists(ctx, recipient.ListImporting)
	if err != nil {
		return err
	}
	for _, l := range lists {
		if _, err := os.Stat(l.FilePath); err != nil {
			s.failImport(l, "interrupted", fmt.Errorf("the uploaded file is gone: %w", err))
			continue
		}
		if err := s.store.StartListImport(ctx, l.ID, l.Mapping); err != nil {
			return err
		}
		s.log.Info("resuming interrupted import", "list_id", l.ID)
		s.startImport(l)
	}
	return nil
}
