package sandbox

import (
	"fmt"
	"time"

	"arauto/internal/smpp"
)

// smppDeliverTimeout is how long a deliver_sm waits for its response
// before it is sent again.
const smppDeliverTimeout = 30 * time.Second

// smppEvent is a receipt (evSMSSent, evSMSDLR: idx is a ledger index) or
// an MO (evSMSMO: idx indexes Sandbox.mos) to deliver as deliver_sm.
type smppEvent struct {
	due     int64
	idx     uint32
	kind    evKind
	attempt uint8
}

// smppEvents is a min-heap by due time.
type smppEvents []smppEvent

// smppLess orders by due time, then ledger order, then level, so that a
// message's first-level receipt leaves before its second when both are due.
func smppLess(a, b smppEvent) bool {
	if a.due != b.due {
		return a.due < b.due
	}
	if a.idx != b.idx {
		return a.idx < b.idx
	}
	return a.kind < b.kind
}

func (q *smppEvents) push(e smppEvent) {
	*q = append(*q, e)
	siftUp(*q, len(*q)-1, smppLess)
}

func (q *smppEvents) pop() smppEvent {
	old := *q
	top := old[0]
	last := len(old) - 1
	old[0] = old[last]
	*q = old[:last]
	siftDown(*q, 0, smppLess)
	return top
}

func (s *Sandbox) smppPoke() {
	select {
	case s.smpp.wake <- struct{}{}:
	default:
	}
}

// scheduleSMPPReceipts plans the deliver_sm receipts of an SMPP message:
// its first-level status (ACCEPTD, REJECTD ...) when it happens and, for
// carriers that report one, the second level (DELIVRD, UNDELIV).
// registered_delivery 0 asks for none, 2 for failures only.
func (s *Sandbox) scheduleSMPPReceipts(idx uint32, registered uint8) {
	want := registered & 0x03
	if want == 0 || want == 3 {
		return
	}
	s.mu.Lock()
	m := *s.recs.at(idx)
	s.mu.Unlock()
	var evs []smppEvent
	if want == 1 || m.sentCode != codeSentSuccess {
		evs = append(evs, smppEvent{due: m.sentAt, idx: idx, kind: evSMSSent})
	}
	if m.dlrCode != 0 && (want == 1 || m.dlrCode != codeDeliveredSuccess) {
		evs = append(evs, smppEvent{due: m.dlrAt(), idx: idx, kind: evSMSDLR})
	}
	s.smppRequeue(evs, false)
}

// smppRequeue puts events back in the hub's heap; failed ones (refused by
// the client) count an attempt and wait the webhook back-off, and are
// dropped after Options.WebhookAttempts like webhooks.
func (s *Sandbox) smppRequeue(evs []smppEvent, failed bool) {
	if len(evs) == 0 {
		return
	}
	h := &s.smpp
	now := s.nowMs()
	h.mu.Lock()
	for _, e := range evs {
		if failed {
			e.attempt++
			if int(e.attempt) >= s.maxAttempt {
				s.log.Warn("sandbox: smpp deliver_sm dropped after retries", "kind", int(e.kind), "attempts", int(e.attempt))
				continue
			}
			e.due = now + s.backoff(e.attempt).Milliseconds()
		}
		h.due.push(e)
	}
	h.mu.Unlock()
	s.smppPoke()
}

// smppDeliveryLoop hands due receipts and MOs to the sessions that can
// receive, round robin, and sleeps until the next is due.
func (s *Sandbox) smppDeliveryLoop() {
	defer s.wg.Done()
	h := &s.smpp
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if s.ctx.Err() != nil {
			return
		}
		now := s.nowMs()
		nextMO := s.smppCollectMOs(now)
		h.mu.Lock()
		for len(h.due) > 0 && h.due[0].due <= now {
			r := h.receiverWithRoomLocked()
			if r == nil {
				break
			}
			r.out <- h.due.pop()
		}
		wait := time.Duration(-1)
		if len(h.due) > 0 && len(h.receivers) > 0 {
			wait = time.Duration(h.due[0].due-now) * time.Millisecond
		}
		if nextMO >= 0 {
			if d := time.Duration(nextMO-now) * time.Millisecond; wait < 0 || d < wait {
				wait = d
			}
		}
		h.mu.Unlock()
		if wait < 0 {
			wait = time.Hour
		}
		timer.Reset(min(max(wait, time.Millisecond), maxPoll))
		select {
		case <-s.ctx.Done():
			return
		case <-h.wake:
		case <-timer.C:
		}
	}
}

// receiverWithRoomLocked picks the next receiving session whose queue
// has room, or nil.
func (h *smppHub) receiverWithRoomLocked() *smppSession {
	for range h.receivers {
		h.next = (h.next + 1) % len(h.receivers)
		if r := h.receivers[h.next]; len(r.out) < cap(r.out) {
			return r
		}
	}
	return nil
}

// smppCollectMOs turns replies to SMPP messages that have arrived into
// events, and returns when the next reply is due (-1: none pending).
func (s *Sandbox) smppCollectMOs(now int64) int64 {
	h := &s.smpp
	var evs []smppEvent
	s.mu.Lock()
	s.drainMOLocked(now)
	for ; h.moCursor < len(s.mos); h.moCursor++ {
		mo := s.mos[h.moCursor]
		if s.recs.at(mo.msg).flags&flagSMPP != 0 {
			evs = append(evs, smppEvent{due: mo.at, idx: uint32(h.moCursor), kind: evSMSMO})
		}
	}
	next := int64(-1)
	if len(s.pending) > 0 {
		next = s.pending[0].at
	}
	s.mu.Unlock()
	if len(evs) > 0 {
		h.mu.Lock()
		for _, e := range evs {
			h.due.push(e)
		}
		h.mu.Unlock()
	}
	return next
}

// deliverLoop sends this session's receipts and MOs, at most SMPPWindow
// awaiting their deliver_sm_resp.
func (ss *smppSession) deliverLoop() {
	for {
		var e smppEvent
		select {
		case <-ss.done:
			return
		case e = <-ss.out:
		}
		select {
		case ss.slots <- struct{}{}:
		case <-ss.done:
			ss.s.smppRequeue([]smppEvent{e}, false)
			return
		}
		body := ss.s.smppDeliverSM(e)
		seq := ss.seq.Add(1) & 0x7FFFFFFF
		ss.inflight.Store(seq, e)
		select {
		case <-ss.done: // closed after close() collected inflight: hand it back here
			if v, ok := ss.inflight.LoadAndDelete(seq); ok {
				ss.s.smppRequeue([]smppEvent{v.(smppEvent)}, false)
			}
			return
		default:
		}
		time.AfterFunc(smppDeliverTimeout, func() {
			if v, ok := ss.inflight.LoadAndDelete(seq); ok {
				<-ss.slots
				ss.s.smppRequeue([]smppEvent{v.(smppEvent)}, true)
			}
		})
		ss.write(smpp.PDU{Seq: seq, Body: body})
	}
}

// delivered handles the client's answer to a deliver_sm.
func (ss *smppSession) delivered(seq uint32, st smpp.Status) {
	v, ok := ss.inflight.LoadAndDelete(seq)
	if !ok {
		return
	}
	<-ss.slots
	e := v.(smppEvent)
	if st != smpp.StatusOK {
		ss.s.smppRequeue([]smppEvent{e}, true)
		return
	}
	if e.kind == evSMSMO {
		ss.s.smpp.mos.Add(1)
	} else {
		ss.s.smpp.receipts.Add(1)
	}
}

// smppDeliverSM builds the deliver_sm of an event.
func (s *Sandbox) smppDeliverSM(e smppEvent) *smpp.DeliverSM {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.kind == evSMSMO {
		mo := s.mos[e.idx]
		v := s.viewLocked(mo.msg)
		enc, _ := smpp.EncodeText(replyPhrases[mo.phrase], 0, smpp.TextOptions{})
		return &smpp.DeliverSM{Message: smpp.Message{
			Source:     smpp.Address{TON: 1, NPI: 1, Addr: v.dest},
			Dest:       smpp.Address{TON: 1, NPI: 1, Addr: s.opts.Username},
			ESMClass:   enc.ESMClass,
			DataCoding: enc.DataCoding, ShortMessage: enc.Parts[0],
			TLVs: smpp.TLVs{smpp.CStringTLV(smpp.TagReceiptedMessageID, uuidString(uuidFor(s.idKey, domainMO, e.idx)))},
		}}
	}
	v := s.viewLocked(e.idx)
	id := s.messageID(e.idx)
	r := smpp.Receipt{ID: id, Sub: 1, SubmitDate: msTime(v.acceptedAt), Text: gsmOnly(firstRunes(v.text, 20))}
	tlvs := smpp.TLVs{
		smpp.CStringTLV(smpp.TagReceiptedMessageID, id),
		smpp.CStringTLV(smpp.TagSentStatusCode, fmt.Sprint(v.sentCode)),
		smpp.CStringTLV(smpp.TagSentStatus, StatusName(int(v.sentCode))),
	}
	if e.kind == evSMSDLR {
		r.Dlvrd = 1
		r.DoneDate = msTime(v.dlrAt())
		r.Stat, r.Err = receiptStat(v.dlrCode)
		if v.dlrCode != codeDeliveredSuccess {
			r.Dlvrd = 0
		}
		tlvs = append(tlvs,
			smpp.CStringTLV(smpp.TagDeliveredStatusCode, fmt.Sprint(v.dlrCode)),
			smpp.CStringTLV(smpp.TagDeliveredStatus, StatusName(int(v.dlrCode))))
	} else {
		r.DoneDate = msTime(v.sentAt)
		r.Stat, r.Err = receiptStat(v.sentCode)
	}
	tlvs = append(tlvs, smpp.Uint8TLV(smpp.TagMessageState, smpp.StateOf(r.Stat)))
	enc, _ := smpp.EncodeText(r.String(), 0, smpp.TextOptions{})
	return &smpp.DeliverSM{Message: smpp.Message{
		Source:     smpp.Address{TON: 1, NPI: 1, Addr: v.dest},
		Dest:       smpp.Address{TON: 1, NPI: 1, Addr: s.opts.Username},
		ESMClass:   smpp.ESMDeliveryReceipt,
		DataCoding: enc.DataCoding, ShortMessage: enc.Parts[0],
		TLVs: tlvs,
	}}
}

// receiptStat gives the stat and err of a code, from the seeds' table
// ("Status de envio (Callback e DLR)").
func receiptStat(code uint16) (stat, errCode string) {
	switch code {
	case codeSentSuccess:
		return smpp.StatAccepted, "000"
	case codeDeliveredSuccess:
		return smpp.StatDelivered, "000"
	case codeNotDelivered:
		return smpp.StatUndeliverable, "104"
	case codeExpired:
		return smpp.StatExpired, "101"
	}
	return smpp.StatRejected, fmt.Sprintf("%03d", code)
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// gsmOnly replaces what GSM-7's basic table cannot carry by '?', so a
// receipt (whose text field quotes the message) stays one GSM-7 part.
func gsmOnly(s string) string {
	out := []rune(s)
	for i, r := range out {
		if smpp.Coding(string(r), smpp.TextOptions{}) != smpp.CodingGSM7 {
			out[i] = '?'
		}
	}
	return string(out)
}
