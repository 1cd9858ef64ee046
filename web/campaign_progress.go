package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/views"
)

// The live progress of a sending campaign: a server-sent event stream for
// the campaign page and the same fragment for tools that poll.

// progressEvery is how often the live progress re-reads the campaign's
// counts (pre-aggregated, so cheap); rateWindow is the stretch over which
// the sending rate is measured.
const (
	progressEvery = 500 * time.Millisecond
	rateWindow    = 5 * time.Second
)

// rateMeter measures messages per second from successive counts.
type rateMeter struct {
	samples []rateSample
}

type rateSample struct {
	at   time.Time
	done int64
}

// add records the count of messages done at a moment, forgetting samples
// older than rateWindow (keeping one to measure from).
func (m *rateMeter) add(at time.Time, done int64) {
	m.samples = append(m.samples, rateSample{at, done})
	cut := 0
	for cut < len(m.samples)-2 && at.Sub(m.samples[cut+1].at) >= rateWindow {
		cut++
	}
	m.samples = m.samples[cut:]
}

// rate is the messages per second over the samples kept; ok is false until
// they span a second.
func (m *rateMeter) rate() (float64, bool) {
	if len(m.samples) < 2 {
		return 0, false
	}
	first, last := m.samples[0], m.samples[len(m.samples)-1]
	span := last.at.Sub(first.at)
	if span < time.Second || last.done < first.done {
		return 0, false
	}
	return float64(last.done-first.done) / span.Seconds(), true
}

// progressStream is the state of one live progress stream.
type progressStream struct {
	id    int64
	since campaign.State // the state the page shows
	rate  rateMeter
	list  *recipient.List
	sum   *views.ScheduleSummary
	ready bool
}

// frame renders the next event: the progress, or "reload" (the campaign
// changed state: the page fetches itself again) or "done" (it will send
// nothing more). end is set when the stream should stop.
func (s *Server) progressFrame(ctx context.Context, ps *progressStream) (frame []byte, end bool, err error) {
	cp, err := s.store.CampaignByID(ctx, ps.id)
	if err != nil {
		return nil, true, err
	}
	// A campaign that just completed is followed a while longer: the
	// statuses of its last messages may still pause it.
	over := cp.State.Over() && !cp.FollowLive(s.now())
	if cp.State != ps.since || over {
		name := "reload"
		if over {
			name = "done"
		}
		frame, err := sseFrame(ctx, name, views.CampaignReload(cp.ID))
		return frame, true, err
	}
	if !ps.ready {
		if ps.list, _, err = s.campaigns.List(ctx, cp); err != nil {
			return nil, true, err
		}
		ps.ready = true
	}
	if ps.sum, err = s.scheduleSummary(ctx, cp); err != nil {
		return nil, true, err
	}
	p, err := s.sendProgress(ctx, cp, ps.list, ps.sum)
	if err != nil {
		return nil, true, err
	}
	ps.rate.add(time.Now(), p.Done())
	p.Rate, p.HasRate = ps.rate.rate()
	frame, err = sseFrame(ctx, "progress", views.SendProgressView(p))
	return frame, false, err
}

// campaignEvents streams the campaign's progress for htmx's SSE extension
// (serveLive), looking again every progressEvery while the dispatcher may
// work on it. ?state= is the state the page shows: when the campaign leaves
// it the stream says "reload", and "done" once the campaign will send
// nothing more.
func (s *Server) campaignEvents(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	ps := &progressStream{id: cp.ID, since: campaign.State(c.Query("state", string(cp.State)))}
	return s.serveLive(c, liveStream{name: "campaign progress", every: progressEvery,
		render: func(ctx context.Context) ([]byte, bool, error) { return s.progressFrame(ctx, ps) }})
}

// campaignProgress answers the progress fragment alone (what the stream
// sends), for pages and tools that poll.
func (s *Server) campaignProgress(c *fiber.Ctx) error {
	cp, err := s.campaignByParam(c)
	if err != nil {
		return err
	}
	list, _, err := s.campaigns.List(c.UserContext(), cp)
	if err != nil {
		return err
	}
	sum, err := s.scheduleSummary(c.UserContext(), cp)
	if err != nil {
		return err
	}
	p, err := s.sendProgress(c.UserContext(), cp, list, sum)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.SendProgressView(p), false)
}
