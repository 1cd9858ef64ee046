package sandbox

import (
	"sort"
	"sync/atomic"
	"time"
)

// Channels of a batch.
const (
	chSMS uint8 = iota
	chWhatsApp
)

// Record flags.
const (
	flagListedSent uint8 = 1 << iota // the status list returned the sent status
	flagListedDLR                    // the status list returned the delivered status
	flagRead                         // WhatsApp: the message will be read
	flagFlash                        // SMS: flashSMS
	flagSMPP                         // SMS submitted over SMPP: its receipts and MOs go back as deliver_sm
)

// msgRec is the compact, pointer-free ledger entry of one accepted message.
type msgRec struct {
	acceptedAt int64 // unix ms
	sentAt     int64 // unix ms of the sent status (callback)
	destRef    sref
	corrRef    sref
	textRef    sref
	extraRef   sref
	dlrDelay   uint32 // ms from sentAt to the delivered status
	readDelay  uint32 // ms from the delivered status to the read (WhatsApp)
	prevCorr   uint32 // 1 + index of the previous message with the same correlationId hash
	batch      uint32
	sentCode   uint16
	dlrCode    uint16 // 0: no delivered status will come
	carrier    uint8
	flags      uint8
}

func (m *msgRec) dlrAt() int64  { return m.sentAt + int64(m.dlrDelay) }
func (m *msgRec) readAt() int64 { return m.dlrAt() + int64(m.readDelay) }

// msgView is a record with its strings, for rendering outside the lock.
type msgView struct {
	msgRec
	dest, corrID, text, extraInfo string
}

// viewLocked copies the record at idx with its strings.
func (s *Sandbox) viewLocked(idx uint32) msgView {
	m := s.recs.at(idx)
	return msgView{
		msgRec: *m, dest: s.strs.get(m.destRef), corrID: s.strs.get(m.corrRef),
		text: s.text(m.textRef), extraInfo: s.strs.get(m.extraRef),
	}
}

// batchRec is what a group of messages of one request share (requests whose
// messages name different campaigns or sub-accounts have several groups).
type batchRec struct {
	reqSeq      uint32 // sequence of the request: its batch UUID
	alias       string
	subAccount  string
	flowID      string
	campaignID  uint32
	channel     uint8
	answered500 bool
}

// moRec is one materialised MO (reply).
type moRec struct {
	at     int64
	msg    uint32
	phrase uint8
	kind   replyKind
	listed bool
}

// counters are the ledger statistics. The atomics are updated without the
// lock; the rest under Sandbox.mu.
type counters struct {
	requests, rateLimited, unauthorized, clientErrors, faults atomic.Int64
	whPosts, whEvents, whFailures, whDropped                  atomic.Int64

	accepted, sms, whatsapp, then500, dupCorr, mos, optOuts, pruned int64
	sentCodes, dlrCodes                                             [512]int64
	carriers                                                        [len(carriers)]int64
}

// LedgerStats summarises what the sandbox has seen and planned.
type LedgerStats struct {
	// Requests counts every HTTP request served.
	Requests int64
	// RateLimited counts 429 answers from the rate limits (not injected faults).
	RateLimited int64
	// Unauthorized counts 401 answers.
	Unauthorized int64
	// ClientErrors counts 4xx answers of any kind.
	ClientErrors int64
	// Faults counts requests answered with an injected 429, 500 or 503.
	Faults int64
	// Accepted counts accepted messages (SMS and WhatsApp, one per destination).
	Accepted int64
	// SMS and WhatsApp split Accepted by channel.
	SMS, WhatsApp int64
	// AcceptedThen500 counts messages accepted in requests answered 500.
	AcceptedThen500 int64
	// DuplicateCorrelationIDs counts accepted messages whose correlationId
	// had been accepted before.
	DuplicateCorrelationIDs int64
	// SentStatus and DeliveredStatus count the planned statuses by name;
	// Carriers counts messages by carrier name.
	SentStatus, DeliveredStatus, Carriers map[string]int64
	// MOs counts replies received so far; OptOuts the numbers that opted out.
	MOs, OptOuts int64
	// WebhookPosts counts successful webhook POSTs, WebhookEvents the events
	// they carried, WebhookFailures the failed attempts, WebhookDropped the
	// events given up after the last attempt, WebhookPending the events
	// waiting in the queue.
	WebhookPosts, WebhookEvents, WebhookFailures, WebhookDropped, WebhookPending int64
	// Campaigns is the number of registered campaigns.
	Campaigns int
	// Pruned counts the messages dropped from the ledger after the status
	// retention (three days, plus one).
	Pruned int64
}

// SentMessage is the ledger view of one accepted message: what was sent and
// the fate the sandbox planned for it. Status times may lie in the future.
type SentMessage struct {
	ID                  string    // provider UUID returned to the client
	BatchID             string    // UUID of the request (the bulk "id")
	Channel             string    // "sms" or "whatsapp"
	CorrelationID       string    // the client's correlationId, if any
	Destination         string    // normalised destination
	Text                string    // message text (WhatsApp: a summary such as "[template ns/name]")
	ExtraInfo           string    // extraInfo / defaultExtraInfo
	CampaignAlias       string    // campaignAlias as sent
	CampaignID          int64     // ID of the registered campaign with that alias, 0 if none
	SubAccount          string    // subAccount as sent
	FlowID              string    // flowId as sent
	Flash               bool      // flashSMS
	Carrier             string    // carrier name, UNKNOWN for invalid numbers
	AcceptedAt          time.Time // when the request was accepted
	Answered500         bool      // accepted by a request answered 500 (injected fault)
	SentStatusCode      int       // planned sent status (callback) code
	SentStatus          string    // its name
	SentAt              time.Time // when the sent status happens
	DeliveredStatusCode int       // planned delivered status code; 0 when no DLR will come
	DeliveredStatus     string    // its name
	DeliveredAt         time.Time // when the delivered status happens
	ReadAt              time.Time // WhatsApp only: when the message is read, zero if never
}

// InboundMessage is one MO the sandbox generated.
type InboundMessage struct {
	ID              string    // MO UUID
	Channel         string    // "sms" or "whatsapp"
	Source          string    // the number that replied
	Kind            string    // TEXT, or for WhatsApp replies BUTTON, IMAGE, AUDIO, DOCUMENT, LOCATION, CONTACTS or REFERRAL (a text from an ad)
	Text            string    // what it said (a button's label; empty for other kinds)
	ReceivedAt      time.Time // when it arrived
	MTID            string    // provider ID of the message answered
	MTCorrelationID string    // correlationId of the message answered
	OptOut          bool      // the text is an opt-out word
}

// Campaign is one campaign registered through the Campaign API.
type Campaign struct {
	ID    int64  // numeric ID assigned by the API
	Name  string // display name
	Alias string // identifier used as campaignAlias; unique when set
}

func channelName(c uint8) string {
	if c == chWhatsApp {
		return "whatsapp"
	}
	return "sms"
}

// Ledger returns the statistics so far.
func (s *Sandbox) Ledger() LedgerStats {
	st := LedgerStats{
		Requests:        s.stats.requests.Load(),
		RateLimited:     s.stats.rateLimited.Load(),
		Unauthorized:    s.stats.unauthorized.Load(),
		ClientErrors:    s.stats.clientErrors.Load(),
		Faults:          s.stats.faults.Load(),
		WebhookPosts:    s.stats.whPosts.Load(),
		WebhookEvents:   s.stats.whEvents.Load(),
		WebhookFailures: s.stats.whFailures.Load(),
		WebhookDropped:  s.stats.whDropped.Load(),
		SentStatus:      map[string]int64{},
		DeliveredStatus: map[string]int64{},
		Carriers:        map[string]int64{},
	}
	now := s.nowMs()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drainMOLocked(now)
	st.Accepted, st.SMS, st.WhatsApp = s.stats.accepted, s.stats.sms, s.stats.whatsapp
	st.AcceptedThen500, st.DuplicateCorrelationIDs = s.stats.then500, s.stats.dupCorr
	st.MOs, st.OptOuts, st.Pruned = s.stats.mos, s.stats.optOuts, s.stats.pruned
	st.WebhookPending = int64(s.queue.n)
	st.Campaigns = len(s.camps.byID)
	for code, n := range s.stats.sentCodes {
		if n > 0 {
			st.SentStatus[StatusName(code)] = n
		}
	}
	for code, n := range s.stats.dlrCodes {
		if n > 0 {
			st.DeliveredStatus[StatusName(code)] = n
		}
	}
	for c, n := range s.stats.carriers {
		if n > 0 {
			st.Carriers[carriers[c].name] = n
		}
	}
	return st
}

// SentCount reports how many times a correlationId was accepted.
func (s *Sandbox) SentCount(correlationID string) int {
	if correlationID == "" {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.countCorrLocked(s.corr[fnv64(0, correlationID)], correlationID, false)
}

// countCorrLocked counts the messages with correlationId c along the hash
// chain starting at head (1 + index), stopping at the first if asked.
func (s *Sandbox) countCorrLocked(head uint32, c string, first bool) int {
	n := 0
	for i := head; i != 0; {
		m := s.recs.at(i - 1)
		if s.strs.equal(m.corrRef, c) {
			n++
			if first {
				return n
			}
		}
		i = m.prevCorr
	}
	return n
}

// corrChainLocked returns the indexes of the messages with correlationId
// c, oldest first.
func (s *Sandbox) corrChainLocked(c string) []uint32 {
	var chain []uint32
	for i := s.corr[fnv64(0, c)]; i != 0; {
		m := s.recs.at(i - 1)
		if s.strs.equal(m.corrRef, c) {
			chain = append(chain, i-1)
		}
		i = m.prevCorr
	}
	for l, r := 0, len(chain)-1; l < r; l, r = l+1, r-1 {
		chain[l], chain[r] = chain[r], chain[l]
	}
	return chain
}

// Messages returns a snapshot of every accepted message still kept (see
// prune.go) in accept order.
func (s *Sandbox) Messages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := s.recs.firstLive()
	out := make([]SentMessage, 0, s.recs.len()-int(first))
	for i := first; i < uint32(s.recs.len()); i++ {
		out = append(out, s.sentMessageLocked(i))
	}
	return out
}

func (s *Sandbox) sentMessageLocked(idx uint32) SentMessage {
	m := s.viewLocked(idx)
	b := &s.batches[m.batch]
	sm := SentMessage{
		ID:             s.messageID(idx),
		BatchID:        uuidString(uuidFor(s.idKey, domainBatch, b.reqSeq)),
		Channel:        channelName(b.channel),
		CorrelationID:  m.corrID,
		Destination:    m.dest,
		Text:           m.text,
		ExtraInfo:      m.extraInfo,
		CampaignAlias:  b.alias,
		CampaignID:     int64(b.campaignID),
		SubAccount:     b.subAccount,
		FlowID:         b.flowID,
		Flash:          m.flags&flagFlash != 0,
		Carrier:        carriers[m.carrier].name,
		AcceptedAt:     msTime(m.acceptedAt),
		Answered500:    b.answered500,
		SentStatusCode: int(m.sentCode),
		SentStatus:     StatusName(int(m.sentCode)),
		SentAt:         msTime(m.sentAt),
	}
	if m.dlrCode != 0 {
		sm.DeliveredStatusCode = int(m.dlrCode)
		sm.DeliveredStatus = StatusName(int(m.dlrCode))
		sm.DeliveredAt = msTime(m.dlrAt())
	}
	if m.flags&flagRead != 0 {
		sm.ReadAt = msTime(m.readAt())
	}
	return sm
}

// Inbound returns a snapshot of the MOs received so far, in arrival order.
func (s *Sandbox) Inbound() []InboundMessage {
	now := s.nowMs()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drainMOLocked(now)
	out := make([]InboundMessage, len(s.mos))
	for i, mo := range s.mos {
		m := s.viewLocked(mo.msg)
		text := replyContent(&mo, "").MessageText
		out[i] = InboundMessage{
			ID:              uuidString(uuidFor(s.idKey, domainMO, uint32(i))),
			Channel:         channelName(s.batches[m.batch].channel),
			Source:          m.dest,
			Kind:            replyKindNames[mo.kind],
			Text:            text,
			ReceivedAt:      msTime(mo.at),
			MTID:            s.messageID(mo.msg),
			MTCorrelationID: m.corrID,
			OptOut:          mo.kind == replyText && IsOptOutWord(text),
		}
	}
	return out
}

// Campaigns returns the registered campaigns ordered by ID.
func (s *Sandbox) Campaigns() []Campaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Campaign, 0, len(s.camps.byID))
	for _, c := range s.camps.byID {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// messageID is the provider UUID of the message at idx.
func (s *Sandbox) messageID(idx uint32) string {
	return uuidString(uuidFor(s.idKey, domainMessage, idx))
}

// lookupID finds the ledger index of a provider message ID.
func (s *Sandbox) lookupIDLocked(id string) (uint32, bool) {
	b, ok := parseUUID(id)
	if !ok {
		return 0, false
	}
	idx, ok := seqOf(s.idKey, domainMessage, b)
	if !ok || int(idx) >= s.recs.len() {
		return 0, false
	}
	return idx, true
}
