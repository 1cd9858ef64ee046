package outhook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"
)

// Delivery is one event on its way to one receiver.
type Delivery struct {
	ID         int64
	EndpointID int64
	EventID    string
	EventType  string
	OrderKey   string
	Body       []byte
	// State is pending, delivered or failed.
	State     string
	Attempts  int
	NextAt    time.Time
	CreatedAt time.Time
	// The last attempt's answer.
	LastAt     time.Time
	LastStatus int
	LastBody   string
	LastError  string
	LastMS     int64
}

// Attempt is the outcome of one try, to record.
type Attempt struct {
	DeliveryID int64
	At         time.Time
	Status     int
	Body       string
	Error      string
	Took       time.Duration
	// Delivered, or else NextAt (zero: given up).
	Delivered bool
	NextAt    time.Time
}

// Store is the outbox the worker works on.
type Store interface {
	// OutgoingFacts returns up to limit facts, oldest first.
	OutgoingFacts(ctx context.Context, limit int) ([]Fact, error)
	// FanOut stores the deliveries and forgets the facts up to upTo, in
	// one transaction.
	FanOut(ctx context.Context, upTo int64, ds []Delivery) error
	// ActiveEndpoints returns the active receivers with their secrets.
	ActiveEndpoints(ctx context.Context) ([]Endpoint, error)
	// DueDeliveries returns up to limit pending deliveries of the
	// endpoint due at now, each the earliest pending one of its order key.
	DueDeliveries(ctx context.Context, endpointID int64, now time.Time, limit int) ([]Delivery, error)
	// RecordAttempts writes the outcomes of attempts in one transaction.
	RecordAttempts(ctx context.Context, as []Attempt) error
	// TransactionalRefs names the transactional messages among ids.
	TransactionalRefs(ctx context.Context, messageIDs []int64) (map[int64][2]string, error)
	// PruneDeliveries forgets finished deliveries created before before.
	PruneDeliveries(ctx context.Context, before time.Time) (int64, error)
}

// Options tune a Worker; zero values take the defaults.
type Options struct {
	// Poll is how often new facts are looked for; default 200 ms.
	Poll time.Duration
	// Batch is how many deliveries one round of a receiver takes; default 256.
	Batch int
	// InFlight bounds one receiver's requests at once; default 16.
	InFlight int
	// Timeout bounds one request; default 10 s.
	Timeout time.Duration
	// Keep is how long finished deliveries stay in the log; default 7 days.
	Keep   time.Duration
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
}

// Worker moves facts into the outbox and delivers it.
type Worker struct {
	store Store
	o     Options

	mu    sync.Mutex
	kicks map[int64]chan struct{}
	eps   map[int64]Endpoint
}

// NewWorker returns a worker over st; start it with Run.
func NewWorker(st Store, o Options) *Worker {
	if o.Poll <= 0 {
		o.Poll = 200 * time.Millisecond
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.InFlight <= 0 {
		o.InFlight = 16
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Keep <= 0 {
		o.Keep = 7 * 24 * time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Client == nil {
		o.Client = &http.Client{
			Timeout: o.Timeout,
			Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConns: 256, MaxIdleConnsPerHost: 64,
				IdleConnTimeout: 90 * time.Second, ResponseHeaderTimeout: o.Timeout},
			// A receiver answers; it does not send us elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Worker{store: st, o: o, kicks: map[int64]chan struct{}{}, eps: map[int64]Endpoint{}}
}

// Run works until ctx ends: it fans out new facts, keeps one delivery loop
// per active receiver, and prunes the log hourly.
func (w *Worker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	running := map[int64]context.CancelFunc{}
	defer func() {
		for _, stop := range running {
			stop()
		}
	}()
	tick := time.NewTicker(w.o.Poll)
	defer tick.Stop()
	var lastEndpoints, lastPrune time.Time
	for {
		now := w.o.Now()
		if now.Sub(lastEndpoints) >= 2*time.Second {
			lastEndpoints = now
			if eps, err := w.Reload(ctx); err != nil {
				if ctx.Err() == nil {
					w.o.Log.Error("outhook: load receivers", "err", err)
				}
			} else {
				seen := map[int64]bool{}
				for _, e := range eps {
					seen[e.ID] = true
					if _, ok := running[e.ID]; !ok {
						ectx, stop := context.WithCancel(ctx)
						running[e.ID] = stop
						wg.Add(1)
						go func(id int64) {
							defer wg.Done()
							w.deliverLoop(ectx, id)
						}(e.ID)
					}
				}
				for id, stop := range running {
					if !seen[id] {
						stop()
						delete(running, id)
					}
				}
			}
		}
		if now.Sub(lastPrune) >= time.Hour {
			lastPrune = now
			if _, err := w.store.PruneDeliveries(ctx, now.Add(-w.o.Keep)); err != nil && ctx.Err() == nil {
				w.o.Log.Error("outhook: prune delivery log", "err", err)
			}
		}
		for {
			n, err := w.FanOut(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.o.Log.Error("outhook: fan out", "err", err)
				}
				break
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Reload reads the active receivers again (Run does every 2 seconds).
func (w *Worker) Reload(ctx context.Context) ([]Endpoint, error) {
	eps, err := w.store.ActiveEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	w.setEndpoints(eps)
	return eps, nil
}

// setEndpoints replaces the receivers the fan-out and the loops use.
func (w *Worker) setEndpoints(eps []Endpoint) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.eps = map[int64]Endpoint{}
	for _, e := range eps {
		w.eps[e.ID] = e
		if w.kicks[e.ID] == nil {
			w.kicks[e.ID] = make(chan struct{}, 1)
		}
	}
}

func (w *Worker) endpoint(id int64) (Endpoint, chan struct{}, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.eps[id]
	return e, w.kicks[id], ok
}

func (w *Worker) kick(id int64) {
	w.mu.Lock()
	ch := w.kicks[id]
	w.mu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// factBatch is how many facts one fan-out reads.
const factBatch = 1000

// FanOut turns one batch of facts into deliveries and returns how many
// facts it consumed.
func (w *Worker) FanOut(ctx context.Context) (int, error) {
	facts, err := w.store.OutgoingFacts(ctx, factBatch)
	if err != nil || len(facts) == 0 {
		return 0, err
	}
	var msgIDs []int64
	for _, f := range facts {
		if f.Kind == "message" || f.Kind == "dispatch" {
			msgIDs = append(msgIDs, f.Subject)
		}
	}
	refs := map[int64]Ref{}
	if len(msgIDs) > 0 {
		raw, err := w.store.TransactionalRefs(ctx, msgIDs)
		if err != nil {
			return 0, err
		}
		for k, v := range raw {
			refs[k] = Ref{ID: v[0], CorrelationID: v[1]}
		}
	}
	// The receivers are read afresh: facts are recorded only while one is
	// active, so one registered a moment ago must get them.
	eps, err := w.Reload(ctx)
	if err != nil {
		return 0, err
	}
	now := w.o.Now()
	var ds []Delivery
	touched := map[int64]bool{}
	for _, f := range facts {
		for _, ev := range Expand(f, refs) {
			var body []byte
			for _, e := range eps {
				if !e.Wants(ev.Type) {
					continue
				}
				if body == nil {
					body = ev.Body()
				}
				ds = append(ds, Delivery{EndpointID: e.ID, EventID: ev.ID, EventType: ev.Type, OrderKey: ev.OrderKey, Body: body,
					State: "pending", NextAt: now, CreatedAt: ev.At})
				touched[e.ID] = true
			}
		}
	}
	if err := w.store.FanOut(ctx, facts[len(facts)-1].ID, ds); err != nil {
		return 0, err
	}
	for id := range touched {
		w.kick(id)
	}
	return len(facts), nil
}

// MaxPause is the longest a receiver that cannot be reached waits between
// two probes.
const MaxPause = 30 * time.Second

// deliverLoop delivers one receiver's outbox until ctx ends. A receiver
// that could not be reached at all in a round (every request refused or
// timed out) is paused: its next round is a single probe, after a pause
// that doubles from a second up to MaxPause while it stays down, and kicks
// do not cut it short. So a dead receiver costs a request now and then,
// not a busy loop of failures next to sending and ingestion; its
// deliveries wait in the outbox and go out once it answers again.
func (w *Worker) deliverLoop(ctx context.Context, id int64) {
	idle := time.NewTimer(0)
	defer idle.Stop()
	var pause time.Duration
	for ctx.Err() == nil {
		ep, kick, ok := w.endpoint(id)
		if !ok {
			return
		}
		limit := w.o.Batch
		if pause > 0 {
			limit = 1
		}
		n, down, err := w.Round(ctx, ep, limit)
		if err != nil && ctx.Err() == nil {
			w.o.Log.Error("outhook: deliver", "endpoint_id", id, "err", err)
		}
		if down {
			pause = min(max(2*pause, time.Second), MaxPause)
			w.o.Log.Warn("outhook: receiver unreachable, paused", "endpoint_id", id, "pause", pause)
			idle.Reset(pause)
			select {
			case <-ctx.Done():
				return
			case <-idle.C:
			}
			continue
		}
		pause = 0
		if n > 0 && err == nil {
			continue
		}
		idle.Reset(time.Second)
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-idle.C:
		}
	}
}

// Round delivers up to limit of a receiver's due deliveries and records
// the outcomes; it returns how many it tried and whether the receiver
// could not be reached at all (every attempt failed without an HTTP
// answer).
func (w *Worker) Round(ctx context.Context, ep Endpoint, limit int) (tried int, unreachable bool, err error) {
	ds, err := w.store.DueDeliveries(ctx, ep.ID, w.o.Now(), limit)
	if err != nil || len(ds) == 0 {
		return 0, false, err
	}
	out := make([]Attempt, len(ds))
	sem := make(chan struct{}, w.o.InFlight)
	var wg sync.WaitGroup
	for i := range ds {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = w.attempt(ctx, ep, ds[i])
		}(i)
	}
	wg.Wait()
	unreachable = ctx.Err() == nil
	for _, a := range out {
		unreachable = unreachable && a.Status == 0 && a.Error != ""
	}
	// Outcomes are recorded even when ctx ended meanwhile: they happened.
	return len(ds), unreachable, w.store.RecordAttempts(context.WithoutCancel(ctx), out)
}

// maxKeptBody is how much of a receiver's answer the log keeps.
const maxKeptBody = 256

// attempt makes one delivery request.
func (w *Worker) attempt(ctx context.Context, ep Endpoint, d Delivery) Attempt {
	start := w.o.Now()
	a := Attempt{DeliveryID: d.ID, At: start}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(d.Body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Arauto-Webhooks/1")
		req.Header.Set("X-Arauto-Event-Id", d.EventID)
		req.Header.Set("X-Arauto-Event-Type", d.EventType)
		req.Header.Set(SignatureHeader, Sign(ep.Secret, start, d.Body))
		var resp *http.Response
		resp, err = w.o.Client.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, maxKeptBody))
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			a.Status, a.Body = resp.StatusCode, validUTF8(b)
		}
	}
	a.Took = w.o.Now().Sub(start)
	if err != nil {
		a.Error = err.Error()
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			a.Error = ue.Unwrap().Error()
		}
	}
	if err == nil && a.Status >= 200 && a.Status < 300 {
		a.Delivered = true
		return a
	}
	next := start.Add(Backoff(d.Attempts + 1))
	if next.Sub(d.CreatedAt) <= GiveUpAfter {
		a.NextAt = next
	}
	return a
}

func validUTF8(b []byte) string {
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return string(b)
}
