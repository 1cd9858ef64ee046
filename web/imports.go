package web

import (
	"arauto/internal/lease"

	"context"
	"sync"
	"time"
)

// ResumeImports starts again the list imports a stop interrupted
// (listimport.Jobs.Resume), and the hourly deletion of uploads abandoned at
// the mapping step.
func (s *Server) ResumeImports(ctx context.Context) error {
	if err := s.imports.Resume(ctx); err != nil {
		return err
	}
	s.imports.StartCleaner(time.Hour, s.now)
	s.imports.StartResumer(lease.DefaultTTL)
	return nil
}

// carrierChecks runs the carrier lookups of lists in the background, one
// goroutine each, and remembers how many numbers each has checked.
type carrierChecks struct {
	mu      sync.Mutex
	checked map[int64]int // lists whose check runs: numbers checked
	wg      sync.WaitGroup
	ctx     context.Context
	stop    context.CancelFunc
}

func newCarrierChecks() *carrierChecks {
	ctx, stop := context.WithCancel(context.Background())
	return &carrierChecks{checked: map[int64]int{}, ctx: ctx, stop: stop}
}

// shutdown stops every check and waits for them.
func (j *carrierChecks) shutdown() {
	j.stop()
	j.wg.Wait()
}
