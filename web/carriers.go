package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/provider"
	"arauto/internal/recipient"
	"arauto/store"
)

// carrierBatch is how many numbers go in one carrier lookup. The API
// documents no limit; a few hundred keeps each request small and quick.
const carrierBatch = 500

// checkCarriers starts the carrier lookup of a ready list in the
// background. Numbers the provider reports as not active are marked
// inactive (kept, not deleted: the marketer decides).
func (s *Server) checkCarriers(c *fiber.Ctx) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	if l.State != recipient.ListReady {
		flash(c, "error", "lists.carriers.not_ready")
		return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
	}
	// Without credentials the check starts and stops at its first lookup,
	// saying why in the log, as any refused lookup does.
	client, clientErr := s.clients.Client(c.UserContext())
	if clientErr != nil && !errors.Is(clientErr, provider.ErrNoCredentials) {
		return clientErr
	}
	j := s.carriers
	j.mu.Lock()
	if _, running := j.checked[l.ID]; running {
		j.mu.Unlock()
		return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
	}
	j.checked[l.ID] = 0
	j.wg.Add(1)
	j.mu.Unlock()
	lg := lang(c)
	go func() {
		defer j.wg.Done()
		defer func() { j.mu.Lock(); delete(j.checked, l.ID); j.mu.Unlock() }()
		err := s.store.EachPhoneBatch(j.ctx, l.ID, carrierBatch, func(batch []store.PhoneRef) error {
			phones := make([]string, len(batch))
			for i, p := range batch {
				phones[i] = p.Phone
			}
			if clientErr != nil {
				return clientErr
			}
			res, err := client.LookupCarriers(j.ctx, phones)
			if err != nil {
				return err
			}
			out := make([]store.CarrierResult, 0, len(batch))
			for i, d := range res.Destinations {
				if i >= len(batch) {
					break
				}
				out = append(out, store.CarrierResult{Row: batch[i].Row, Carrier: d.Carrier.Name, Inactive: !d.BelongsToCarrier})
			}
			if err := s.store.SetCarriers(j.ctx, l.ID, out); err != nil {
				return err
			}
			j.mu.Lock()
			j.checked[l.ID] += len(batch)
			j.mu.Unlock()
			return nil
		})
		if err != nil {
			s.log.Warn("carrier check stopped", "list_id", l.ID, "err", err, "lang", lg)
			return
		}
		if err := s.store.FinishCarrierCheck(context.Background(), l.ID, s.now()); err != nil {
			s.log.Error("carrier check: record", "list_id", l.ID, "err", err)
			return
		}
		s.log.Info("carrier check finished", "list_id", l.ID)
	}()
	flash(c, "info", "lists.carriers.started")
	return seeOther(c, fmt.Sprintf("/lists/%d", l.ID))
}

// carrierCheckRunning reports the numbers checked so far, if a check runs.
func (s *Server) carrierCheckRunning(id int64) (int, bool) {
	s.carriers.mu.Lock()
	defer s.carriers.mu.Unlock()
	n, ok := s.carriers.checked[id]
	return n, ok
}
