package esme

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"arauto/internal/smpp"
)

// errSessionClosed is the cause given to parts whose connection went away.
var errSessionClosed = errors.New("esme: connection closed")

// session is one bound connection.
type session struct {
	c    *Client
	b    *bind
	conn net.Conn
	addr string

	wmu  sync.Mutex
	wbuf []byte
	seq  atomic.Uint32

	mu      sync.Mutex
	pending map[uint32]*inflight

	window   chan struct{}
	inbound  chan smpp.PDU
	ctx      context.Context // cancelled when the session ends
	cancel   context.CancelFunc
	dead     chan struct{}
	deadOnce sync.Once
	err      error
}

// inflight is a request awaiting its response.
type inflight struct {
	job   *job // submit_sm
	part  int
	resp  chan smpp.PDU // enquire_link, unbind
	timer *time.Timer
}

func newSession(ctx context.Context, c *Client, b *bind, conn net.Conn, addr string) *session {
	s := &session{
		c: c, b: b, conn: conn, addr: addr,
		pending: map[uint32]*inflight{},
		window:  make(chan struct{}, c.cfg.Window),
		inbound: make(chan smpp.PDU, 64),
		dead:    make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.seq.Store(1) // the bind used 1
	return s
}

// nextSeq returns a sequence number in 1..0x7FFFFFFF.
func (s *session) nextSeq() uint32 {
	for {
		n := s.seq.Add(1) & 0x7FFFFFFF
		if n != 0 {
			return n
		}
	}
}

// close ends the session once: the connection closes and every request in
// flight is told.
func (s *session) close(err error) {
	s.deadOnce.Do(func() {
		s.err = err
		close(s.dead)
		s.cancel()
		_ = s.conn.Close()
		s.mu.Lock()
		pend := s.pending
		s.pending = map[uint32]*inflight{}
		s.mu.Unlock()
		for _, f := range pend {
			if f.timer != nil {
				f.timer.Stop()
			}
			if f.job != nil {
				f.job.lost(f.part, fmt.Errorf("%w: %v", errSessionClosed, err))
			} else if f.resp != nil {
				close(f.resp)
			}
		}
	})
}

func (s *session) alive() bool {
	select {
	case <-s.dead:
		return false
	default:
		return true
	}
}

// write sends one PDU.
func (s *session) write(p smpp.PDU) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var err error
	if s.wbuf, err = smpp.Append(s.wbuf[:0], p); err != nil {
		return err
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.c.cfg.ResponseTimeout))
	if _, err := s.conn.Write(s.wbuf); err != nil {
		s.close(fmt.Errorf("write %s: %w", p.ID(), err))
		return err
	}
	return nil
}

// request writes a request that expects a response and waits for it.
func (s *session) request(body smpp.Body) (smpp.PDU, error) {
	seq := s.nextSeq()
	f := &inflight{resp: make(chan smpp.PDU, 1)}
	s.mu.Lock()
	if !s.alive() {
		s.mu.Unlock()
		return smpp.PDU{}, errSessionClosed
	}
	s.pending[seq] = f
	s.mu.Unlock()
	if err := s.write(smpp.PDU{Seq: seq, Body: body}); err != nil {
		return smpp.PDU{}, err
	}
	t := time.NewTimer(s.c.cfg.ResponseTimeout)
	defer t.Stop()
	select {
	case p, ok := <-f.resp:
		if !ok {
			return smpp.PDU{}, errSessionClosed
		}
		return p, nil
	case <-t.C:
		s.mu.Lock()
		delete(s.pending, seq)
		s.mu.Unlock()
		return smpp.PDU{}, fmt.Errorf("no %s within %s", body.CommandID().Response(), s.c.cfg.ResponseTimeout)
	}
}

// serve runs the session until it dies or ctx ends (then it unbinds).
func (s *session) serve(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.readLoop() }()
	go func() { defer wg.Done(); s.keepAlive() }()
	if s.b.kind.CanReceive() {
		wg.Add(1)
		go func() { defer wg.Done(); s.deliverLoop(ctx) }()
	}
	stop := context.AfterFunc(ctx, func() { s.unbind() })
	defer stop()
	if s.b.kind.CanSend() {
		s.submitLoop(ctx)
	}
	<-s.dead
	wg.Wait()
}

// unbind ends the session politely: unbind, wait for unbind_resp (or the
// response timeout), close.
func (s *session) unbind() {
	if !s.alive() {
		return
	}
	_, err := s.request(&smpp.Unbind{})
	if err == nil {
		err = errors.New("unbound")
	}
	s.close(err)
}

// keepAlive sends enquire_link every EnquireLink; a missing answer ends
// the session.
func (s *session) keepAlive() {
	t := time.NewTicker(s.c.cfg.EnquireLink)
	defer t.Stop()
	for {
		select {
		case <-s.dead:
			return
		case <-t.C:
			p, err := s.request(&smpp.EnquireLink{})
			if err == nil && p.Status != smpp.StatusOK {
				err = p.Status
			}
			if err != nil {
				s.close(fmt.Errorf("enquire_link: %w", err))
				return
			}
		}
	}
}

// readLoop reads PDUs until the connection fails.
func (s *session) readLoop() {
	br := bufio.NewReaderSize(s.conn, 16<<10)
	// With enquire_link every EnquireLink, a silent peer is a dead one.
	idle := s.c.cfg.EnquireLink + 2*s.c.cfg.ResponseTimeout
	for {
		_ = s.conn.SetReadDeadline(time.Now().Add(idle))
		p, err := smpp.Read(br)
		if err != nil {
			var pe *smpp.Error
			if errors.As(err, &pe) {
				s.c.log.Warn("esme: undecodable PDU", "bind", s.b.index, "err", err)
				if pe.Header.ID.IsResponse() {
					s.onResponse(pe.Header.Seq, pe.Header.Status, smpp.PDU{Status: pe.Header.Status, Seq: pe.Header.Seq, Body: &smpp.GenericNack{}})
				} else {
					_ = s.write(smpp.PDU{Status: pe.Status, Seq: pe.Header.Seq, Body: &smpp.GenericNack{}})
				}
				continue
			}
			s.close(fmt.Errorf("read: %w", err))
			return
		}
		switch body := p.Body.(type) {
		case *smpp.SubmitSMResp:
			s.onSubmitResp(p.Seq, p.Status, body.MessageID)
		case *smpp.EnquireLinkResp, *smpp.UnbindResp, *smpp.GenericNack:
			s.onResponse(p.Seq, p.Status, p)
		case *smpp.EnquireLink:
			_ = s.write(smpp.PDU{Seq: p.Seq, Body: &smpp.EnquireLinkResp{}})
		case *smpp.Unbind:
			_ = s.write(smpp.PDU{Seq: p.Seq, Body: &smpp.UnbindResp{}})
			s.close(errors.New("the SMSC unbound"))
			return
		case *smpp.DeliverSM:
			if !s.b.kind.CanReceive() {
				_ = s.write(smpp.PDU{Status: smpp.StatusInvalidBindStatus, Seq: p.Seq, Body: &smpp.DeliverSMResp{}})
				continue
			}
			select {
			case s.inbound <- p:
			case <-s.dead:
				return
			}
		default:
			if p.ID().IsResponse() {
				continue // a response to nothing we asked
			}
			_ = s.write(smpp.PDU{Status: smpp.StatusInvalidCmdID, Seq: p.Seq, Body: &smpp.GenericNack{}})
		}
	}
}

// onResponse completes any request: a submit_sm answered by generic_nack
// or an undecodable response is refused with its status.
func (s *session) onResponse(seq uint32, st smpp.Status, p smpp.PDU) {
	s.mu.Lock()
	f := s.pending[seq]
	delete(s.pending, seq)
	s.mu.Unlock()
	if f == nil {
		return
	}
	if f.timer != nil {
		f.timer.Stop()
	}
	if f.job != nil {
		<-s.window
		if st == smpp.StatusOK {
			// An OK generic_nack or an OK response we could not read: the
			// SMSC may have the message.
			f.job.lost(f.part, fmt.Errorf("unreadable response to submit_sm (%s)", p.ID()))
			return
		}
		s.afterRefusal(st)
		f.job.answered(f.part, st, "")
		return
	}
	f.resp <- p
}

func (s *session) onSubmitResp(seq uint32, st smpp.Status, id string) {
	s.mu.Lock()
	f := s.pending[seq]
	delete(s.pending, seq)
	s.mu.Unlock()
	if f == nil || f.job == nil {
		return // answered after its timeout: the job already reported unknown
	}
	f.timer.Stop()
	<-s.window
	if st == smpp.StatusOK {
		s.b.throttleCleared()
		s.c.stats.accepted.Add(1)
	} else {
		s.afterRefusal(st)
	}
	f.job.answered(f.part, st, id)
}

// afterRefusal backs the bind off when the SMSC asks it to slow down.
func (s *session) afterRefusal(st smpp.Status) {
	switch st {
	case smpp.StatusThrottled, smpp.StatusMsgQueueFull:
		s.c.stats.throttled.Add(1)
		d := s.b.throttled(s.c.cfg.Now())
		s.c.log.Info("esme: throttled, pausing the bind", "bind", s.b.index, "status", st.String(), "pause", d)
	default:
		s.c.stats.refused.Add(1)
	}
}

// submitLoop takes jobs from the client's queue and writes their parts,
// while the window and the bind's rate allow.
func (s *session) submitLoop(ctx context.Context) {
	for s.alive() {
		j := s.c.queue.pop()
		if j == nil {
			select {
			case <-s.c.queue.ready:
				continue
			case <-s.dead:
				return
			case <-ctx.Done():
				return
			}
		}
		for {
			i := j.nextPending()
			if i < 0 {
				break
			}
			if !s.sendPart(j, i) {
				j.unwrite(i)
				break
			}
		}
		j.release()
	}
}

// sendPart writes one part, waiting for the bind's throttling pause, a
// window slot and the rate limiter. It reports false when the part was
// not written (the session ended or the job's deadline passed).
func (s *session) sendPart(j *job, i int) bool {
	if d := s.b.pause(s.c.cfg.Now()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-s.dead:
			t.Stop()
			return false
		case <-j.ctx.Done():
			t.Stop()
			return false
		}
	}
	select {
	case s.window <- struct{}{}:
	case <-s.dead:
		return false
	case <-j.ctx.Done():
		return false
	}
	if s.b.limiter != nil {
		wctx, cancel := context.WithCancel(j.ctx)
		stop := context.AfterFunc(s.ctx, cancel)
		err := s.b.limiter.Wait(wctx)
		stop()
		cancel()
		if err != nil {
			<-s.window
			return false
		}
	}
	seq := s.nextSeq()
	f := &inflight{job: j, part: i}
	s.mu.Lock()
	if !s.alive() {
		s.mu.Unlock()
		<-s.window
		return false
	}
	s.pending[seq] = f
	f.timer = time.AfterFunc(s.c.cfg.ResponseTimeout, func() { s.expire(seq) })
	s.mu.Unlock()
	s.c.stats.submitted.Add(1)
	// From here the part counts as written: a failed write may still have
	// put bytes on the wire, so close() reports it unknown, never unsent.
	_ = s.write(smpp.PDU{Seq: seq, Body: j.pdus[i]})
	return true
}

// expire gives up on a submit_sm without an answer: its outcome is unknown.
func (s *session) expire(seq uint32) {
	s.mu.Lock()
	f := s.pending[seq]
	delete(s.pending, seq)
	s.mu.Unlock()
	if f == nil {
		return
	}
	<-s.window
	s.c.stats.timeouts.Add(1)
	f.job.lost(f.part, fmt.Errorf("no submit_sm_resp within %s", s.c.cfg.ResponseTimeout))
}

// deliverLoop hands receipts and MOs to Inbound, one at a time in arrival
// order, and answers each after the sink has taken it.
func (s *session) deliverLoop(ctx context.Context) {
	for {
		select {
		case <-s.dead:
			return
		case p := <-s.inbound:
			st := s.c.deliver(ctx, p.Body.(*smpp.DeliverSM))
			_ = s.write(smpp.PDU{Status: st, Seq: p.Seq, Body: &smpp.DeliverSMResp{}})
		}
	}
}
