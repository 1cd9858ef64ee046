package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Scheduler tuning.
const (
	bucketMs          = 10                     // granularity of the event queue
	schedBatch        = 512                    // events taken per scheduler pass
	waBatch           = 100                    // WhatsApp events per webhook POST
	maxPoll           = 250 * time.Millisecond // longest sleep while events are pending
	minBackoff        = 10 * time.Millisecond
	maxBackoff        = time.Hour
	sessionLifetimeMs = 24 * 60 * 60 * 1000
)

// evKind is the kind of a scheduled webhook event.
type evKind uint8

const (
	evSMSSent evKind = iota + 1
	evSMSDLR
	evSMSMO
	evWASent
	evWADelivered
	evWARead
	evWAMO
)

// event is one webhook to post: idx is a ledger index, or an MO index for
// evSMSMO and evWAMO.
type event struct {
	idx     uint32
	kind    evKind
	attempt uint8
}

// evQueue is a time-bucketed queue: events due in the same 10 ms share a
// bucket, and a heap orders the bucket keys. Pushing is O(1) amortised.
type evQueue struct {
	buckets map[int64][]event
	keys    []int64 // min-heap
	n       int
}

func newEvQueue() evQueue { return evQueue{buckets: map[int64][]event{}} }

func (q *evQueue) push(due int64, e event) {
	k := due / bucketMs
	b, ok := q.buckets[k]
	if !ok {
		q.keys = append(q.keys, k)
		siftUp(q.keys, len(q.keys)-1, func(a, b int64) bool { return a < b })
	}
	q.buckets[k] = append(b, e)
	q.n++
}

// next returns the time the earliest bucket becomes due.
func (q *evQueue) next() (int64, bool) {
	if len(q.keys) == 0 {
		return 0, false
	}
	return q.keys[0] * bucketMs, true
}

// popDue appends up to limit due events to dst.
func (q *evQueue) popDue(now int64, dst []event, limit int) []event {
	for len(q.keys) > 0 && q.keys[0]*bucketMs <= now && len(dst) < limit {
		k := q.keys[0]
		b := q.buckets[k]
		take := min(len(b), limit-len(dst))
		if take > 0 && take < len(b) && b[take].kind == evSMSDLR && b[take-1].kind == evSMSSent && b[take].idx == b[take-1].idx {
			take++ // keep a callback and its DLR in the same pass, so they stay ordered
		}
		dst = append(dst, b[:take]...)
		q.n -= take
		if take == len(b) {
			delete(q.buckets, k)
			last := len(q.keys) - 1
			q.keys[0] = q.keys[last]
			q.keys = q.keys[:last]
			siftDown(q.keys, 0, func(a, b int64) bool { return a < b })
		} else {
			q.buckets[k] = b[take:]
		}
	}
	return dst
}

// pendingMO is a reply that will arrive at a given time.
type pendingMO struct {
	at     int64
	msg    uint32
	phrase uint8
	kind   replyKind
}

// moHeap orders future replies by arrival.
type moHeap []pendingMO

func moLess(a, b pendingMO) bool { return a.at < b.at || a.at == b.at && a.msg < b.msg }

func (h *moHeap) push(p pendingMO) {
	*h = append(*h, p)
	siftUp(*h, len(*h)-1, moLess)
}

func (h *moHeap) pop() pendingMO {
	old := *h
	top := old[0]
	last := len(old) - 1
	old[0] = old[last]
	*h = old[:last]
	siftDown(*h, 0, moLess)
	return top
}

func siftUp[T any](h []T, i int, less func(a, b T) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown[T any](h []T, i int, less func(a, b T) bool) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && less(h[r], h[l]) {
			m = r
		}
		if !less(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// drainMOLocked materialises the replies that have arrived by now: they
// join the MO list, opt-outs take effect, WhatsApp sessions open, and the
// MO webhooks are queued.
func (s *Sandbox) drainMOLocked(now int64) {
	if len(s.pending) == 0 || s.pending[0].at > now {
		return
	}
	defer s.poke()
	for len(s.pending) > 0 && s.pending[0].at <= now {
		p := s.pending.pop()
		if s.recs.pruned(p.msg) {
			continue
		}
		seq := uint32(len(s.mos))
		s.mos = append(s.mos, moRec{at: p.at, msg: p.msg, phrase: p.phrase, kind: p.kind})
		s.stats.mos++
		m := s.recs.at(p.msg)
		dest := s.strs.get(m.destRef)
		if p.kind == replyText && IsOptOutWord(replyPhrases[p.phrase]) {
			if _, seen := s.optOut[dest]; !seen {
				s.optOut[dest] = p.at
				s.stats.optOuts++
			}
		}
		if s.batches[m.batch].channel == chWhatsApp {
			s.sessions[dest] = p.at
			if s.opts.WhatsAppURL != "" {
				s.queue.push(p.at, event{idx: seq, kind: evWAMO})
			}
		} else if s.opts.MOURL != "" && m.flags&flagSMPP == 0 {
			s.queue.push(p.at, event{idx: seq, kind: evSMSMO})
		}
	}
}

// poke wakes the scheduler without blocking.
func (s *Sandbox) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// evSnap is a copy of what one event's payload needs, taken under the lock.
type evSnap struct {
	ev    event
	msg   uint32
	rec   msgView
	batch batchRec
	mo    moRec
}

func (s *Sandbox) snapLocked(e event) evSnap {
	sn := evSnap{ev: e, msg: e.idx}
	if e.kind == evSMSMO || e.kind == evWAMO {
		sn.mo = s.mos[e.idx]
		sn.msg = sn.mo.msg
	}
	sn.rec = s.viewLocked(sn.msg)
	sn.batch = s.batches[sn.rec.batch]
	return sn
}

// post is one webhook POST and the events it carries.
type post struct {
	url    string
	body   []byte
	events []event
}

// delivery is a sequence of POSTs a worker makes in order: a message's
// callback before its DLR when both fall due together.
type delivery struct {
	posts []post
}

// schedulerLoop is the single goroutine that turns due events into webhook
// deliveries for the workers.
func (s *Sandbox) schedulerLoop() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	evs := make([]event, 0, schedBatch)
	snaps := make([]evSnap, 0, schedBatch)
	for {
		if s.ctx.Err() != nil {
			return
		}
		now := s.nowMs()
		s.mu.Lock()
		s.drainMOLocked(now)
		evs = s.queue.popDue(now, evs[:0], schedBatch)
		snaps = snaps[:0]
		for _, e := range evs {
			msg := e.idx
			if e.kind == evSMSMO || e.kind == evWAMO {
				msg = s.mos[e.idx].msg
			}
			if s.recs.pruned(msg) {
				// Past the retention: the provider has forgotten it.
				s.stats.whDropped.Add(1)
				continue
			}
			snaps = append(snaps, s.snapLocked(e))
		}
		next, pending := s.queue.next()
		if len(s.pending) > 0 && (!pending || s.pending[0].at < next) {
			next, pending = s.pending[0].at, true
		}
		s.mu.Unlock()
		if len(snaps) > 0 {
			for _, d := range s.buildDeliveries(snaps) {
				select {
				case s.deliveries <- d:
				case <-s.ctx.Done():
					return
				}
			}
			continue
		}
		wait := time.Hour
		if pending {
			wait = min(max(time.Duration(next-now)*time.Millisecond, time.Millisecond), maxPoll)
		}
		timer.Reset(wait)
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// buildDeliveries encodes the payloads: one POST per SMS event (the seeds
// show single objects), WhatsApp events batched in "data" lists.
func (s *Sandbox) buildDeliveries(snaps []evSnap) []delivery {
	var out []delivery
	var waStatuses []waStatus
	var waStatusEvs []event
	var waMOs []waMO
	var waMOEvs []event
	var sentAt map[uint32]int // ledger index -> delivery holding its callback
	single := func(url string, v any, e event) post {
		return post{url: url, body: s.mustJSON(v), events: []event{e}}
	}
	flushWA := func() {
		if len(waStatuses) > 0 {
			body := s.mustJSON(waStatusWebhook{Total: len(waStatuses), Data: waStatuses, ClientInfo: s.clientInfo()})
			out = append(out, delivery{posts: []post{{url: s.opts.WhatsAppURL, body: body, events: waStatusEvs}}})
			waStatuses, waStatusEvs = nil, nil
		}
		if len(waMOs) > 0 {
			body := s.mustJSON(waMOWebhook{Total: len(waMOs), Data: waMOs, ClientInfo: s.clientInfo()})
			out = append(out, delivery{posts: []post{{url: s.opts.WhatsAppURL, body: body, events: waMOEvs}}})
			waMOs, waMOEvs = nil, nil
		}
	}
	for i := range snaps {
		sn := &snaps[i]
		switch sn.ev.kind {
		case evSMSSent:
			if sentAt == nil {
				sentAt = map[uint32]int{}
			}
			sentAt[sn.msg] = len(out)
			out = append(out, delivery{posts: []post{single(s.opts.StatusURL, s.smsCallback(sn.msg, &sn.rec, &sn.batch), sn.ev)}})
		case evSMSDLR:
			p := single(s.opts.StatusURL, s.smsDeliveryReport(sn.msg, &sn.rec, &sn.batch), sn.ev)
			if j, ok := sentAt[sn.msg]; ok {
				out[j].posts = append(out[j].posts, p)
			} else {
				out = append(out, delivery{posts: []post{p}})
			}
		case evSMSMO:
			out = append(out, delivery{posts: []post{single(s.opts.MOURL, s.smsMO(sn.ev.idx, &sn.mo, &sn.rec, &sn.batch), sn.ev)}})
		case evWASent, evWADelivered, evWARead:
			waStatuses = append(waStatuses, s.waStatus(sn.msg, &sn.rec, &sn.batch, sn.ev.kind))
			waStatusEvs = append(waStatusEvs, sn.ev)
		case evWAMO:
			waMOs = append(waMOs, s.waMO(sn.ev.idx, &sn.mo, &sn.rec, &sn.batch))
			waMOEvs = append(waMOEvs, sn.ev)
		}
		if len(waStatuses) >= waBatch || len(waMOs) >= waBatch {
			flushWA()
		}
	}
	flushWA()
	return out
}

func (s *Sandbox) mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// The payload types contain only strings, numbers and booleans.
		panic(fmt.Sprintf("sandbox: encode webhook: %v", err))
	}
	return b
}

func (s *Sandbox) clientInfo() waClientInfo {
	return waClientInfo{CustomerID: CustomerID, SubAccountID: 0, UserID: 1}
}

// smsCallback builds the sent-status webhook of a message.
func (s *Sandbox) smsCallback(idx uint32, m *msgView, b *batchRec) smsCallback {
	c := carriers[m.carrier]
	cb := smsCallback{
		ID: s.messageID(idx), CorrelationID: m.corrID, CarrierID: c.id, CarrierName: c.name,
		Destination: m.dest, SentStatusCode: int(m.sentCode), SentStatus: StatusName(int(m.sentCode)),
		SentAt: m.sentAt, SentDate: formatDate(m.sentAt), ExtraInfo: m.extraInfo,
	}
	if b.campaignID != 0 {
		cb.CampaignID = strconv.FormatUint(uint64(b.campaignID), 10)
	}
	return cb
}

// smsDeliveryReport builds the DLR webhook of a message.
func (s *Sandbox) smsDeliveryReport(idx uint32, m *msgView, b *batchRec) smsDeliveryReport {
	c := carriers[m.carrier]
	at := m.dlrAt()
	return smsDeliveryReport{
		ID: s.messageID(idx), CorrelationID: m.corrID, CarrierID: c.id, CarrierName: c.name,
		Destination: m.dest, SentStatusCode: int(m.sentCode), SentStatus: StatusName(int(m.sentCode)),
		SentStatusAt: m.sentAt, SentStatusDate: formatDate(m.sentAt),
		DeliveredStatusCode: int(m.dlrCode), DeliveredStatus: StatusName(int(m.dlrCode)),
		DeliveredAt: at, DeliveredDate: formatDate(at),
		CampaignID: int64(b.campaignID), ExtraInfo: m.extraInfo,
	}
}

// smsMO builds the MO webhook body (and MO list element) of a reply.
func (s *Sandbox) smsMO(seq uint32, mo *moRec, m *msgView, b *batchRec) smsMO {
	c := carriers[m.carrier]
	return smsMO{
		ID: uuidString(uuidFor(s.idKey, domainMO, seq)), SubAccount: b.subAccount, CampaignAlias: b.alias,
		CarrierID: c.id, CarrierName: c.name, Source: m.dest, ShortCode: ShortCode,
		MessageText: replyPhrases[mo.phrase], ReceivedAt: mo.at, ReceivedDate: formatDate(mo.at),
		MT: &moMT{ID: s.messageID(mo.msg), CorrelationID: m.corrID, Username: s.opts.Username, Email: s.email},
	}
}

// waStatus builds one WhatsApp status event with the levels reached at kind.
func (s *Sandbox) waStatus(idx uint32, m *msgView, b *batchRec, kind evKind) waStatus {
	st := waStatus{
		ID: s.messageID(idx), CorrelationID: m.corrID, Destination: m.dest, Origin: WhatsAppOrigin,
		CampaignID: int64(b.campaignID), CampaignAlias: b.alias, FlowID: b.flowID, ExtraInfo: m.extraInfo,
		Sent: m.sentCode == codeSentSuccess, SentStatusCode: int(m.sentCode), SentStatus: StatusName(int(m.sentCode)),
		SentDate: formatDateMillis(m.sentAt), SentAt: m.sentAt, Type: "MESSAGE",
	}
	updated := m.sentAt
	if kind == evWADelivered || kind == evWARead {
		at := m.dlrAt()
		ok := m.dlrCode == codeDeliveredSuccess
		st.Delivered = &ok
		st.DeliveredStatusCode, st.DeliveredStatus = int(m.dlrCode), StatusName(int(m.dlrCode))
		st.DeliveredDate, st.DeliveredAt = formatDateMillis(at), at
		updated = at
	}
	if kind == evWARead {
		at := m.readAt()
		read := true
		st.Read, st.ReadDate, st.ReadAt = &read, formatDateMillis(at), at
		updated = at
	}
	st.UpdatedDate, st.UpdatedAt = formatDateMillis(updated), updated
	return st
}

// waMO builds one WhatsApp MO with the session it opened: a text reply,
// or for the magic numbers the content of their reply kind.
func (s *Sandbox) waMO(seq uint32, mo *moRec, m *msgView, b *batchRec) waMO {
	id := uuidFor(s.idKey, domainMO, seq)
	out := waMO{
		ID:            uuidString(id),
		Source:        m.dest,
		Origin:        WhatsAppOrigin,
		UserProfile:   waUserProfile{Name: profileNames[fnv64(0, m.dest)%uint64(len(profileNames))], WhatsAppID: m.dest},
		CampaignID:    int64(b.campaignID),
		CorrelationID: m.corrID,
		CampaignAlias: b.alias,
		FlowID:        b.flowID,
		ExtraInfo:     m.extraInfo,
		MTSentAt:      m.sentAt,
		Message:       replyContent(mo, uuidString(id)),
		ReceivedAt:    mo.at,
		ReceivedDate:  formatDateMillis(mo.at),
		Session:       &waSession{ID: uuidString(uuidFor(s.idKey, domainFile, seq)), CreatedAt: mo.at},
	}
	switch mo.kind {
	case replyButton:
		out.MessageID = s.messageID(mo.msg)
	case replyReferral:
		out.Referral = &waReferral{HeadLine: "Ofertas de fim de ano", Body: "Até 50% de desconto em toda a loja.",
			SourceType: "ad", SourceID: "120200000000" + strconv.FormatUint(uint64(seq%1000), 10),
			SourceURL: "https://fb.me/sandbox-ad", MediaType: "image", MediaURL: replyMediaBase + "ad-" + uuidString(id) + ".jpg"}
	}
	return out
}

// replyMediaBase is where the media of simulated replies live: the
// reserved .invalid domain, so nothing tries to download them for real.
const replyMediaBase = "https://media.sandbox.invalid/"

// replyContent is the "message" of a reply of mo's kind.
func replyContent(mo *moRec, id string) waMOMessage {
	switch mo.kind {
	case replyButton:
		return waMOMessage{Type: "BUTTON", MessageText: "Sim", Payload: "sim"}
	case replyImage:
		return waMOMessage{Type: "IMAGE", MediaURL: replyMediaBase + id + ".jpg", MimeType: "image/jpeg", Caption: "Olha a foto"}
	case replyAudio:
		return waMOMessage{Type: "AUDIO", MediaURL: replyMediaBase + id + ".ogg", MimeType: "audio/ogg; codecs=opus"}
	case replyDocument:
		return waMOMessage{Type: "DOCUMENT", MediaURL: replyMediaBase + id + ".pdf", MimeType: "application/pdf", Caption: "comprovante.pdf"}
	case replyLocation:
		return waMOMessage{Location: &waLocation{GeoPoint: "-23.561414,-46.655881", Name: "MASP",
			Address: "Av. Paulista, 1578 - Bela Vista, São Paulo - SP"}}
	case replyContacts:
		return waMOMessage{Contacts: []waContact{{
			Name:   &waName{FirstName: "Maria", LastName: "Silva", FormattedName: "Maria Silva"},
			Phones: []waPhone{{Phone: "+55 11 98888-7777", Type: "CELL", WaID: "5511988887777"}},
			Emails: []waEmail{{Email: "maria@example.com", Type: "WORK"}},
			Org:    &waOrg{Company: "Padaria Silva", Title: "Dona"},
		}}}
	}
	return waMOMessage{Type: "TEXT", MessageText: replyPhrases[mo.phrase]}
}

// worker posts deliveries until Close.
func (s *Sandbox) worker() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case d := <-s.deliveries:
			s.deliver(d)
		}
	}
}

// deliver makes the POSTs of a delivery in order. When one fails, its
// events go back to the queue with exponential backoff (until the attempts
// run out) and the POSTs after it are requeued behind them.
func (s *Sandbox) deliver(d delivery) {
	for i, p := range d.posts {
		err := s.post(p.url, p.body)
		if err == nil {
			s.stats.whPosts.Add(1)
			s.stats.whEvents.Add(int64(len(p.events)))
			continue
		}
		if s.ctx.Err() != nil {
			return
		}
		s.retry(d.posts[i:], err)
		return
	}
}

func (s *Sandbox) retry(posts []post, err error) {
	s.stats.whFailures.Add(1)
	failed := posts[0]
	attempt := failed.events[0].attempt + 1
	due := s.nowMs() + s.backoff(attempt).Milliseconds()
	dropped := 0
	s.mu.Lock()
	for _, e := range failed.events {
		e.attempt++
		if int(e.attempt) >= s.maxAttempt {
			dropped++
			continue
		}
		s.queue.push(due, e)
	}
	for _, p := range posts[1:] {
		for _, e := range p.events {
			s.queue.push(due, e)
		}
	}
	s.mu.Unlock()
	s.stats.whDropped.Add(int64(dropped))
	if dropped > 0 {
		s.log.Warn("sandbox: webhook dropped after retries", "url", failed.url, "attempts", int(attempt), "events", dropped, "err", err)
	} else {
		s.log.Info("sandbox: webhook failed, will retry", "url", failed.url, "attempt", int(attempt), "err", err)
	}
	s.poke()
}

// backoff is the wait before the given retry: 10 s doubling, scaled by
// DelayScale, never below 10 ms.
func (s *Sandbox) backoff(attempt uint8) time.Duration {
	d := max(time.Duration(float64(10*time.Second)*s.scale), minBackoff)
	for i := uint8(1); i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

func (s *Sandbox) post(url string, body []byte) error {
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sandbox: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "arauto-sandbox")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox: post webhook: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sandbox: post webhook: HTTP %d", resp.StatusCode)
	}
	return nil
}
