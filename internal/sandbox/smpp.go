package sandbox

import (
	"bufio"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"arauto/internal/smpp"
	"arauto/internal/sms"
)

// The SMPP side's documented values (seed 000, "API SMPP").
const (
	// DefaultSMPPRate is the MT ceiling of one bind, in submit_sm per second.
	DefaultSMPPRate = 80
	// SMPPWindow is the window size: submit_sm awaiting their response
	// per bind. Past it the server answers ESME_RMSGQFUL.
	SMPPWindow = 10
	// SMPPSystemType is the system_type binds must give.
	SMPPSystemType = "MovileSMSC"
	// DefaultSMPPIdleTimeout closes a bind that sent nothing for that long:
	// the seeds' longest enquire_link interval (59 s) plus slack.
	DefaultSMPPIdleTimeout = 65 * time.Second
	// smppBindTimeout bounds the wait for the first PDU of a connection.
	smppBindTimeout = 10 * time.Second
	// smppCorrelationTag is the TLV the server reads a correlationId from
	// (the seeds name none; see internal/smpp).
	smppCorrelationTag = smpp.TagCorrelationID
)

// smppHub is the server's shared state: its sessions and the receipts
// and MOs waiting for a bind that receives. The zero value is ready.
type smppHub struct {
	mu        sync.Mutex
	sessions  map[*smppSession]struct{}
	receivers []*smppSession
	next      int        // round robin over receivers
	due       smppEvents // by due time
	moCursor  int        // index into Sandbox.mos already examined
	started   bool
	wake      chan struct{}

	binds, unauthorized, submits, throttled, windowFull, refused, drops atomic.Int64
	receipts, mos, maxOutstanding                                       atomic.Int64
}

// SMPPStats are the SMPP server's counters.
type SMPPStats struct {
	// Bound is the number of sessions bound now; ByAddr splits them by the
	// server address they connected to; Binds counts successful binds
	// since the start and Unauthorized refused ones.
	Bound        int
	ByAddr       map[string]int
	Binds        int64
	Unauthorized int64
	// Submits counts submit_sm received; Throttled those answered
	// ESME_RTHROTTLED (rate or injected); WindowFull those answered
	// ESME_RMSGQFUL; Refused other refusals; Drops connections the fault
	// injection closed mid-window.
	Submits, Throttled, WindowFull, Refused, Drops int64
	// MaxOutstanding is the most submit_sm one bind ever had unanswered.
	MaxOutstanding int64
	// Receipts and MOs count deliver_sm acknowledged by the client.
	Receipts, MOs int64
	// Pending counts receipts and MOs not yet acknowledged.
	Pending int
}

// SMPPStats returns the SMPP server's counters.
func (s *Sandbox) SMPPStats() SMPPStats {
	h := &s.smpp
	st := SMPPStats{
		Binds: h.binds.Load(), Unauthorized: h.unauthorized.Load(), Submits: h.submits.Load(),
		Throttled: h.throttled.Load(), WindowFull: h.windowFull.Load(), Refused: h.refused.Load(), Drops: h.drops.Load(),
		MaxOutstanding: h.maxOutstanding.Load(), Receipts: h.receipts.Load(), MOs: h.mos.Load(), ByAddr: map[string]int{},
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for ss := range h.sessions {
		if ss.bound.Load() {
			st.Bound++
			st.ByAddr[ss.conn.LocalAddr().String()]++
		}
	}
	st.Pending = len(h.due)
	for _, r := range h.receivers {
		st.Pending += r.backlog()
	}
	return st
}

// DropSMPPBinds closes up to n bound sessions abruptly, as a network
// failure would, and returns how many it closed.
func (s *Sandbox) DropSMPPBinds(n int) int {
	s.smpp.mu.Lock()
	var victims []*smppSession
	for ss := range s.smpp.sessions {
		if len(victims) < n && ss.bound.Load() {
			victims = append(victims, ss)
		}
	}
	s.smpp.mu.Unlock()
	for _, ss := range victims {
		ss.close()
	}
	return len(victims)
}

// ServeSMPP serves SMPP 3.4 on ln until Close (or until ln fails):
// binds with the sandbox's Username as system_id and Token as password,
// submit_sm into the same ledger as the HTTPS API (so the status search
// finds them), receipts and MOs as deliver_sm. Wrap ln with
// tls.NewListener for SMPP over TLS. It may be called for several
// listeners; they share one account.
func (s *Sandbox) ServeSMPP(ln net.Listener) error {
	s.wg.Add(1)
	defer s.wg.Done()
	h := &s.smpp
	h.mu.Lock()
	if h.sessions == nil {
		h.sessions = map[*smppSession]struct{}{}
		h.wake = make(chan struct{}, 1)
	}
	if !h.started {
		h.started = true
		s.wg.Add(1)
		go s.smppDeliveryLoop()
	}
	h.mu.Unlock()
	stop := make(chan struct{})
	go func() {
		select {
		case <-s.ctx.Done():
		case <-stop:
		}
		_ = ln.Close()
	}()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		served = map[*smppSession]struct{}{}
	)
	defer func() {
		close(stop)
		mu.Lock()
		for ss := range served {
			ss.close()
		}
		mu.Unlock()
		wg.Wait()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("sandbox: smpp accept: %w", err)
		}
		ss := s.newSMPPSession(conn)
		mu.Lock()
		served[ss] = struct{}{}
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			ss.serve()
			mu.Lock()
			delete(served, ss)
			mu.Unlock()
		}()
	}
}

// smppSession is one client connection.
type smppSession struct {
	s       *Sandbox
	conn    net.Conn
	kind    smpp.BindKind
	bound   atomic.Bool
	limiter *rate.Limiter

	wmu  sync.Mutex
	wbuf []byte

	outstanding atomic.Int64 // submit_sm read and not yet answered
	dropped     atomic.Bool  // the fault injection closed it

	seq      atomic.Uint32
	out      chan smppEvent // receipts and MOs for this session to send
	inflight sync.Map       // seq -> smppEvent awaiting deliver_sm_resp
	slots    chan struct{}  // window for deliver_sm
	done     chan struct{}
	once     sync.Once
}

func (s *Sandbox) newSMPPSession(conn net.Conn) *smppSession {
	ss := &smppSession{s: s, conn: conn, out: make(chan smppEvent, 256), slots: make(chan struct{}, SMPPWindow), done: make(chan struct{})}
	r := s.opts.SMPPRate
	if r == 0 {
		r = DefaultSMPPRate
	}
	if r > 0 {
		// A burst of one window absorbs the jitter of a client pacing at
		// exactly the rate; the average stays at r.
		ss.limiter = rate.NewLimiter(rate.Limit(r), SMPPWindow)
	}
	s.smpp.mu.Lock()
	s.smpp.sessions[ss] = struct{}{}
	s.smpp.mu.Unlock()
	return ss
}

// close ends the session; receipts it had not delivered go back to the hub.
func (ss *smppSession) close() {
	ss.once.Do(func() {
		close(ss.done)
		_ = ss.conn.Close()
		h := &ss.s.smpp
		h.mu.Lock()
		delete(h.sessions, ss)
		for i, r := range h.receivers {
			if r == ss {
				h.receivers = append(h.receivers[:i], h.receivers[i+1:]...)
				break
			}
		}
		h.mu.Unlock()
		var back []smppEvent
		ss.inflight.Range(func(k, v any) bool {
			back = append(back, v.(smppEvent))
			ss.inflight.Delete(k)
			return true
		})
		for {
			select {
			case e := <-ss.out:
				back = append(back, e)
				continue
			default:
			}
			break
		}
		ss.s.smppRequeue(back, false)
	})
}

func (ss *smppSession) backlog() int { return len(ss.out) }

// write sends one PDU; a failure closes the session.
func (ss *smppSession) write(p smpp.PDU) {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	var err error
	if ss.wbuf, err = smpp.Append(ss.wbuf[:0], p); err != nil {
		ss.s.log.Error("sandbox: smpp encode", "pdu", p.ID().String(), "err", err)
		return
	}
	_ = ss.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := ss.conn.Write(ss.wbuf); err != nil {
		go ss.close()
	}
}

// serve reads PDUs until the connection ends.
func (ss *smppSession) serve() {
	defer ss.close()
	s := ss.s
	idle := s.opts.SMPPIdleTimeout
	if idle <= 0 {
		idle = DefaultSMPPIdleTimeout
	}
	br := bufio.NewReaderSize(ss.conn, 16<<10)
	for {
		timeout := idle
		if !ss.bound.Load() {
			timeout = smppBindTimeout
		}
		_ = ss.conn.SetReadDeadline(time.Now().Add(timeout))
		p, err := smpp.Read(br)
		if ss.dropped.Load() {
			return
		}
		if err != nil {
			var pe *smpp.Error
			if errors.As(err, &pe) && !pe.Header.ID.IsResponse() {
				ss.write(smpp.PDU{Status: pe.Status, Seq: pe.Header.Seq, Body: &smpp.GenericNack{}})
				continue
			}
			if errors.As(err, &pe) {
				continue
			}
			return
		}
		if !ss.bound.Load() {
			if !ss.handleBind(p) {
				return
			}
			continue
		}
		switch body := p.Body.(type) {
		case *smpp.SubmitSM:
			if !ss.handleSubmit(p.Seq, body) {
				return
			}
		case *smpp.EnquireLink:
			ss.write(smpp.PDU{Seq: p.Seq, Body: &smpp.EnquireLinkResp{}})
		case *smpp.Unbind:
			ss.write(smpp.PDU{Seq: p.Seq, Body: &smpp.UnbindResp{}})
			return
		case *smpp.DeliverSMResp:
			ss.delivered(p.Seq, p.Status)
		case *smpp.GenericNack:
			ss.delivered(p.Seq, p.Status)
		case *smpp.Bind:
			ss.write(smpp.PDU{Status: smpp.StatusAlreadyBound, Seq: p.Seq, Body: &smpp.BindResp{Kind: body.Kind}})
		default:
			if !p.ID().IsResponse() {
				ss.write(smpp.PDU{Status: smpp.StatusInvalidCmdID, Seq: p.Seq, Body: &smpp.GenericNack{}})
			}
		}
	}
}

// handleBind answers the first PDU of a connection; false closes it.
func (ss *smppSession) handleBind(p smpp.PDU) bool {
	s := ss.s
	b, ok := p.Body.(*smpp.Bind)
	if !ok {
		if !p.ID().IsResponse() {
			ss.write(smpp.PDU{Status: smpp.StatusInvalidBindStatus, Seq: p.Seq, Body: &smpp.GenericNack{}})
		}
		return false
	}
	status := smpp.StatusOK
	switch {
	case subtle.ConstantTimeCompare([]byte(b.SystemID), []byte(s.opts.Username)) != 1:
		status = smpp.StatusInvalidSystemID
	case subtle.ConstantTimeCompare([]byte(b.Password), []byte(s.smppPassword())) != 1:
		status = smpp.StatusInvalidPassword
	case b.SystemType != SMPPSystemType:
		status = smpp.StatusInvalidSystemType
	}
	if status != smpp.StatusOK {
		s.smpp.unauthorized.Add(1)
		ss.write(smpp.PDU{Status: status, Seq: p.Seq, Body: &smpp.BindResp{Kind: b.Kind}})
		return false
	}
	ss.kind = b.Kind
	ss.bound.Store(true)
	s.smpp.binds.Add(1)
	ss.write(smpp.PDU{Seq: p.Seq, Body: &smpp.BindResp{Kind: b.Kind, SystemID: "sandbox",
		TLVs: smpp.TLVs{smpp.Uint8TLV(smpp.TagSCInterfaceVersion, smpp.InterfaceVersion)}}})
	if b.Kind.CanReceive() {
		s.smpp.mu.Lock()
		s.smpp.receivers = append(s.smpp.receivers, ss)
		s.smpp.mu.Unlock()
		go ss.deliverLoop()
		s.smppPoke()
	}
	return true
}

// smppPassword is the password binds must give.
func (s *Sandbox) smppPassword() string {
	if s.opts.SMPPPassword != "" {
		return s.opts.SMPPPassword
	}
	return s.opts.Token
}

// smppFault is what the fault injection decided for one submit_sm.
type smppFault uint8

const (
	smppNoFault smppFault = iota
	smppThrottle
	smppDrop
)

func (s *Sandbox) drawSMPPFault() (smppFault, time.Duration) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults
	if f.SMPPThrottleRate > 0 && s.faultRng.Float64() < f.SMPPThrottleRate {
		return smppThrottle, f.SMPPRespDelay
	}
	if f.SMPPDropRate > 0 && s.faultRng.Float64() < f.SMPPDropRate {
		return smppDrop, f.SMPPRespDelay
	}
	return smppNoFault, f.SMPPRespDelay
}

// handleSubmit validates and records one submit_sm and answers it (now,
// or after the injected delay). It returns false when the fault injection
// dropped the connection.
func (ss *smppSession) handleSubmit(seq uint32, m *smpp.SubmitSM) bool {
	s := ss.s
	h := &s.smpp
	h.submits.Add(1)
	n := ss.outstanding.Add(1)
	for {
		cur := h.maxOutstanding.Load()
		if n <= cur || h.maxOutstanding.CompareAndSwap(cur, n) {
			break
		}
	}
	fault, delay := s.drawSMPPFault()
	// answer writes the response, then runs after (the receipts are
	// planned once the client has the id they refer to).
	answer := func(st smpp.Status, id string, after func()) {
		resp := smpp.PDU{Status: st, Seq: seq, Body: &smpp.SubmitSMResp{MessageID: id}}
		send := func() {
			ss.outstanding.Add(-1)
			ss.write(resp)
			if after != nil {
				after()
			}
		}
		if delay <= 0 {
			send()
			return
		}
		time.AfterFunc(delay, send)
	}
	switch {
	case !ss.kind.CanSend():
		h.refused.Add(1)
		answer(smpp.StatusInvalidBindStatus, "", nil)
		return true
	case n > SMPPWindow:
		h.windowFull.Add(1)
		answer(smpp.StatusMsgQueueFull, "", nil)
		return true
	case fault == smppThrottle || (ss.limiter != nil && !ss.limiter.AllowN(time.Now(), 1)):
		h.throttled.Add(1)
		answer(smpp.StatusThrottled, "", nil)
		return true
	}
	idx, st := s.acceptSMPP(m)
	receipts := func() { s.scheduleSMPPReceipts(idx, m.RegisteredDelivery) }
	if st != smpp.StatusOK {
		h.refused.Add(1)
		answer(st, "", nil)
		return true
	}
	if fault == smppDrop {
		h.drops.Add(1)
		ss.dropped.Store(true)
		ss.close()
		receipts() // the SMSC has the message, whatever the client knows
		return false
	}
	answer(smpp.StatusOK, s.messageID(idx), receipts)
	return true
}

// acceptSMPP validates a submit_sm like the HTTPS API validates a message
// and enters it into the ledger, returning its index.
func (s *Sandbox) acceptSMPP(m *smpp.SubmitSM) (uint32, smpp.Status) {
	dest := m.Dest.Addr
	if dest == "" || strings.Trim(dest, "+0123456789") != "" {
		return 0, smpp.StatusInvalidDestAddr
	}
	switch m.DataCoding {
	case smpp.CodingGSM7, smpp.CodingLatin1, smpp.CodingUCS2, smpp.CodingGSM7Flash, smpp.CodingUCS2Flash:
	default:
		return 0, smpp.StatusInvalidDataCoding
	}
	if m.ESMClass&^(smpp.ESMUDHI|0x03) != 0 {
		return 0, smpp.StatusInvalidESMClass
	}
	body := m.Payload()
	if m.ESMClass&smpp.ESMUDHI != 0 {
		var err error
		if _, _, body, err = smpp.SplitUDH(body); err != nil {
			return 0, smpp.StatusInvalidMsgLen
		}
	}
	text, err := smpp.DecodeText(m.DataCoding, body)
	if err != nil {
		return 0, smpp.StatusInvalidMsgLen
	}
	if text == "" {
		return 0, smpp.StatusInvalidMsgLen
	}
	if sms.Length(text) > MaxMessageTextLen {
		return 0, smpp.StatusInvalidMsgLen
	}
	corrID, _ := m.TLVs.String(smppCorrelationTag)
	if sms.Length(corrID) > MaxCorrelationIDLen {
		return 0, smpp.StatusInvalidTLVValue
	}
	now := s.nowMs()
	release := now
	if m.ScheduleDeliveryTime != "" {
		t, err := smpp.ParseTime(m.ScheduleDeliveryTime, msTime(now))
		if err != nil {
			return 0, smpp.StatusInvalidSchedule
		}
		release = max(t.UnixMilli(), now)
	}
	var expire int64
	if m.ValidityPeriod != "" {
		t, err := smpp.ParseTime(m.ValidityPeriod, msTime(now))
		if err != nil || t.UnixMilli() <= now {
			return 0, smpp.StatusInvalidExpiry
		}
		expire = t.UnixMilli()
	}
	normalized, valid := normalizeNumber(strings.TrimPrefix(dest, "+"))
	p := s.planSMS(normalized, valid, corrID)
	if m.Source.Addr != s.opts.Username {
		p.reply = false // the seeds: replies come back only to source = system_id
	}
	pr := pendingRec{
		dest: normalized, corrID: corrID, text: text, acceptedAt: now, plan: p,
		sentAt: release + p.sentDelay, sentCode: p.sentCode, dlrCode: p.dlrCode, carrier: p.carrier, dlrDelay: p.dlrDelay,
		flags: flagSMPP,
	}
	if m.DataCoding&0x10 != 0 {
		pr.flags |= flagFlash
	}
	if expire != 0 && pr.sentAt > expire {
		pr.sentAt = max(expire, now)
		pr.sentCode, pr.dlrCode = codeExpired, 0
		pr.plan.reply = false
	}
	acc := s.record([]pendingRec{pr}, chSMS, false, now)
	return acc.first, smpp.StatusOK
}
