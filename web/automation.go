package web

import (
	"context"
	"time"

	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/transactional"
)

// automation is what the API, the audit log and the transactional
// messages add to the server.
type automation struct {
	apiLimits  *apitoken.Limits
	tokenUsage *apitoken.Usage
	audit      *audit.Log
	messages   *transactional.Service
	// stopAutomation ends the background flush of token use and the
	// pruning of idempotency keys; done closes when they stopped.
	stopAutomation context.CancelFunc
	automationDone chan struct{}
}

// idempotencyKeep is how long an idempotency key is remembered.
const idempotencyKeep = 48 * time.Hour

// initAutomation wires the API's tokens, the audit log and the
// transactional messages to the store and the dispatcher, and starts the
// flush of token use (every 5 seconds) and the hourly pruning of old
// idempotency keys.
func (s *Server) initAutomation(d Deps) {
	s.apiLimits = apitoken.NewLimits(apitoken.DefaultPerMinute)
	s.tokenUsage = apitoken.NewUsage()
	s.audit = &audit.Log{Store: d.Store, Log: d.Log, Now: d.Now}
	s.messages = &transactional.Service{Store: d.Store, Dispatcher: d.Dispatcher, Region: d.Config.PhoneRegion, Now: d.Now}
	ctx, stop := context.WithCancel(context.Background())
	s.stopAutomation, s.automationDone = stop, make(chan struct{})
	go func() {
		defer close(s.automationDone)
		prune := time.NewTicker(time.Hour)
		defer prune.Stop()
		flush := time.NewTicker(5 * time.Second)
		defer flush.Stop()
		for {
			select {
			case <-ctx.Done():
				if err := s.tokenUsage.Flush(context.Background(), s.store); err != nil {
					s.log.Error("api: record token use", "err", err)
				}
				return
			case <-flush.C:
				if err := s.tokenUsage.Flush(ctx, s.store); err != nil {
					s.log.Error("api: record token use", "err", err)
				}
			case <-prune.C:
				if _, err := s.store.PruneIdempotencyKeys(ctx, s.now().Add(-idempotencyKeep)); err != nil {
					s.log.Error("api: prune idempotency keys", "err", err)
				}
			}
		}
	}()
}

// FlushTokenUse writes the token uses recorded so far (tests, shutdown).
func (s *Server) FlushTokenUse(ctx context.Context) error {
	return s.tokenUsage.Flush(ctx, s.store)
}

func (s *Server) shutdownAutomation() {
	s.stopAutomation()
	<-s.automationDone
}
