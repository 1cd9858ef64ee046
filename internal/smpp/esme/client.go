package esme

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"arauto/internal/smpp"
	"arauto/internal/sms"
	"arauto/internal/wavy"
)

// Client is a pool of SMPP binds to one account. Create it with New; it
// connects in the background and keeps every bind up until Close.
type Client struct {
	cfg   Config
	log   *slog.Logger
	queue *queue
	binds []*bind
	ref   atomic.Uint32
	mos   assembler

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	sending   int // bound sessions that can send
	receiving int // bound sessions that can receive
	lastErr   error
	changed   chan struct{} // closed and replaced when the counts change

	stats struct {
		submitted, accepted, throttled, refused, timeouts, drops atomic.Int64
	}
}

// Message is one SMS to submit.
type Message struct {
	// Destination is the number in international format, digits only
	// (5511999990000).
	Destination string
	// Text is the message; at most 1280 characters (Wavy's limit).
	Text string
	// CorrelationID is Arauto's id for the message (<= 64 characters),
	// carried in the CorrelationTag TLV.
	CorrelationID string
	// Flash sends a class 0 message (data_coding 0x10 or 0x18).
	Flash bool
	// ExpiresAt is sent as an absolute validity_period in UTC; zero sends
	// the configured Validity as a relative one.
	ExpiresAt time.Time
}

// New validates cfg and starts the binds (Binds of them, plus
// ReceiverBinds receivers in TransmitterReceiver mode). It does not wait
// for them: see WaitBound.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, log: cfg.Logger, queue: newQueue(), changed: make(chan struct{})}
	c.ref.Store(uint32(time.Now().UnixNano()))
	c.ctx, c.cancel = context.WithCancel(context.Background())
	add := func(kind smpp.BindKind) {
		b := &bind{c: c, index: len(c.binds), kind: kind}
		if kind.CanSend() && cfg.Rate > 0 {
			b.limiter = rate.NewLimiter(rate.Limit(cfg.Rate), 1)
		}
		c.binds = append(c.binds, b)
	}
	for range cfg.Binds {
		if cfg.Mode == TransmitterReceiver {
			add(smpp.BindTransmitter)
		} else {
			add(smpp.BindTransceiver)
		}
	}
	if cfg.Mode == TransmitterReceiver {
		for range cfg.ReceiverBinds {
			add(smpp.BindReceiver)
		}
	}
	for _, b := range c.binds {
		c.wg.Add(1)
		go func() { defer c.wg.Done(); b.run(c.ctx) }()
	}
	return c, nil
}

// Close unbinds every session (waiting at most ResponseTimeout for each
// unbind_resp) and stops reconnecting. Messages still queued end Unsent.
func (c *Client) Close() {
	c.cancel()
	c.wg.Wait()
	for _, j := range c.queue.drain() {
		j.abort(errors.New("esme: client closed"))
	}
}

// Capacity is how many submit_sm per second the pool may send: binds
// times the per-bind rate (4 x 80 = 320 with the seeds' values), +Inf
// without a rate limit. Campaigns and their ETAs are sized by it, counting
// each message as Parts of its text.
func (c *Client) Capacity() float64 {
	if c.cfg.Rate < 0 {
		return math.Inf(1)
	}
	return float64(c.cfg.Binds) * c.cfg.Rate
}

// Parts returns how many submit_sm a text costs with this client's
// settings (see smpp.CountParts).
func (c *Client) Parts(text string, flash bool) int {
	_, n := smpp.CountParts(text, c.textOptions(flash))
	return n
}

func (c *Client) textOptions(flash bool) smpp.TextOptions {
	return smpp.TextOptions{Latin1: c.cfg.Latin1, Ref16: c.cfg.Ref16, Flash: flash}
}

// Bound returns the number of sessions bound now that can send and that
// can receive (a transceiver counts in both).
func (c *Client) Bound() (sending, receiving int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sending, c.receiving
}

// bound records a session coming up (+1) or going down (-1).
func (c *Client) bound(b *bind, delta int) {
	c.mu.Lock()
	if b.kind.CanSend() {
		c.sending += delta
	}
	if b.kind.CanReceive() {
		c.receiving += delta
	}
	if delta > 0 {
		c.lastErr = nil
	}
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// bindFailed remembers why the last attempt failed.
func (c *Client) bindFailed(err error) {
	c.mu.Lock()
	c.lastErr = err
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// WaitBound waits until at least n sending sessions are bound. It returns
// early with an error wrapping ErrUnauthorized when the SMSC refuses the
// account and no session is up, and with ErrNotBound (and the last bind
// error) when ctx ends first.
func (c *Client) WaitBound(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		sending, lastErr, ch := c.sending, c.lastErr, c.changed
		c.mu.Unlock()
		if sending >= n {
			return nil
		}
		if sending == 0 && errors.Is(lastErr, ErrUnauthorized) {
			return lastErr
		}
		select {
		case <-ch:
		case <-ctx.Done():
			if lastErr != nil {
				return fmt.Errorf("%w: %w", ErrNotBound, lastErr)
			}
			return fmt.Errorf("%w: %w", ErrNotBound, ctx.Err())
		}
	}
}

// LastError returns why the last bind attempt failed, or nil when a bind
// has succeeded since (what a settings page shows next to a pool that
// does not come up).
func (c *Client) LastError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// Stats are counters since New.
type Stats struct {
	// Submitted counts submit_sm written; Accepted those answered OK;
	// Throttled those answered ESME_RTHROTTLED or ESME_RMSGQFUL (they are
	// written again after a pause); Refused other refusals; Timeouts
	// those without an answer in time.
	Submitted, Accepted, Throttled, Refused, Timeouts int64
	// Drops counts sessions lost after binding.
	Drops int64
}

// Stats returns the counters.
func (c *Client) Stats() Stats {
	return Stats{
		Submitted: c.stats.submitted.Load(), Accepted: c.stats.accepted.Load(), Throttled: c.stats.throttled.Load(),
		Refused: c.stats.refused.Load(), Timeouts: c.stats.timeouts.Load(), Drops: c.stats.drops.Load(),
	}
}

// Submit sends messages over the pool and returns one Result per message,
// in order, once each is final or ctx ends (then parts not yet written
// are Unsent and parts awaiting an answer Unknown); ctx should carry a
// deadline, as messages wait in the queue while no bind is up. Messages that cannot
// be sent as given (no destination, text empty or over 1280 characters,
// correlationId over 64, an expiry in the past) are Rejected without
// touching the wire. Throttled parts are written again after the bind's
// pause until ctx ends; all parts of a message keep their UDH, whichever
// binds carry them.
func (c *Client) Submit(ctx context.Context, msgs []Message) []Result {
	res := make([]Result, len(msgs))
	jobs := make([]*job, 0, len(msgs))
	now := c.cfg.Now()
	for i, m := range msgs {
		j, err := c.newJob(ctx, m, now)
		if err != nil {
			res[i] = Result{Outcome: Rejected, Err: err}
			continue
		}
		j.index = i
		jobs = append(jobs, j)
	}
	c.queue.push(jobs)
	for _, j := range jobs {
		select {
		case <-j.done:
		case <-ctx.Done():
			j.abort(ctx.Err())
		case <-c.ctx.Done():
			j.abort(errors.New("esme: client closed"))
		}
		<-j.done
		res[j.index] = j.result
	}
	return res
}

// newJob validates a message and builds its submit_sm bodies.
func (c *Client) newJob(ctx context.Context, m Message, now time.Time) (*job, error) {
	if m.Destination == "" || len(m.Destination) > 20 || strings.Trim(m.Destination, "0123456789") != "" {
		return nil, fmt.Errorf("esme: destination %q must be 1 to 20 digits", m.Destination)
	}
	if n := utf8.RuneCountInString(m.Text); n > sms.MaxLength {
		return nil, fmt.Errorf("esme: text has %d characters, at most %d", n, sms.MaxLength)
	}
	if len(m.CorrelationID) > 64 {
		return nil, fmt.Errorf("esme: correlationId has %d characters, at most 64", len(m.CorrelationID))
	}
	validity, err := smpp.FormatRelative(c.cfg.Validity)
	if err != nil {
		return nil, err
	}
	if !m.ExpiresAt.IsZero() {
		if !m.ExpiresAt.After(now) {
			return nil, fmt.Errorf("esme: expired at %s", m.ExpiresAt.UTC().Format(time.RFC3339))
		}
		validity = smpp.FormatAbsolute(m.ExpiresAt)
	}
	enc, err := smpp.EncodeText(m.Text, uint16(c.ref.Add(1)), c.textOptions(m.Flash))
	if err != nil {
		return nil, fmt.Errorf("esme: text: %w", err)
	}
	var tlvs smpp.TLVs
	if m.CorrelationID != "" {
		tlvs = smpp.TLVs{smpp.CStringTLV(c.cfg.CorrelationTag, m.CorrelationID)}
	}
	j := &job{ctx: ctx, queue: c.queue, done: make(chan struct{}),
		pdus: make([]*smpp.SubmitSM, len(enc.Parts)), parts: make([]partState, len(enc.Parts)), ids: make([]string, len(enc.Parts))}
	for i, p := range enc.Parts {
		j.pdus[i] = &smpp.SubmitSM{Message: smpp.Message{
			Source:             smpp.Address{TON: 1, NPI: 1, Addr: c.cfg.SourceAddr},
			Dest:               smpp.Address{TON: 1, NPI: 1, Addr: m.Destination},
			ESMClass:           enc.ESMClass,
			ValidityPeriod:     validity,
			RegisteredDelivery: 1,
			DataCoding:         enc.DataCoding,
			ShortMessage:       p,
			TLVs:               tlvs,
		}}
	}
	return j, nil
}

// deliver converts one deliver_sm and hands it to Inbound; the status is
// the deliver_sm_resp's.
func (c *Client) deliver(ctx context.Context, d *smpp.DeliverSM) smpp.Status {
	in := c.cfg.Inbound
	if in == nil {
		return smpp.StatusTempAppError
	}
	now := c.cfg.Now()
	if d.IsReceipt() {
		st, err := StatusFromReceipt(d, c.cfg.CorrelationTag, now)
		if errors.Is(err, errIntermediate) {
			return smpp.StatusOK
		}
		if err != nil {
			c.log.Warn("esme: unreadable receipt refused", "err", err)
			return smpp.StatusPermAppError
		}
		if err := in.Statuses(ctx, []wavy.SMSStatus{st}); err != nil {
			c.log.Warn("esme: receipt not stored, the SMSC will send it again", "id", st.ID, "err", err)
			return smpp.StatusTempAppError
		}
		return smpp.StatusOK
	}
	body := d.Payload()
	var concat smpp.Concat
	var parted bool
	if d.ESMClass&smpp.ESMUDHI != 0 {
		var err error
		if concat, parted, body, err = smpp.SplitUDH(body); err != nil {
			c.log.Warn("esme: MO with a bad UDH refused", "source", d.Source.Addr, "err", err)
			return smpp.StatusPermAppError
		}
	}
	text, err := smpp.DecodeText(d.DataCoding, body)
	if err != nil {
		c.log.Warn("esme: MO in an unreadable coding refused", "source", d.Source.Addr, "err", err)
		return smpp.StatusPermAppError
	}
	if parted && concat.Total > 1 {
		whole, ok := c.mos.add(d.Source.Addr+"|"+d.Dest.Addr, concat, text, now)
		if !ok {
			return smpp.StatusOK
		}
		text = whole
	}
	mo := MOFromDeliver(d, text, now)
	if err := in.MOs(ctx, []wavy.SMSMO{mo}); err != nil {
		c.log.Warn("esme: MO not stored, the SMSC will send it again", "source", mo.Source, "err", err)
		return smpp.StatusTempAppError
	}
	return smpp.StatusOK
}
