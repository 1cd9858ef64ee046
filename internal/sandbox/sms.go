package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"arauto/internal/sms"
)

// maxInterned bounds the table of shared message texts.
const maxInterned = 1 << 16

// defaultTimeZone is the account's country zone, used for dates and time
// windows when a request names none (the sandbox account is Brazilian).
const defaultTimeZone = "America/Sao_Paulo"

// resolvedSMS is one message after applying defaultValues and root fields.
type resolvedSMS struct {
	dest, text, corrID, extraInfo string
	alias, subAccount, flowID     string
	release, expire               int64
	valid, flash                  bool
}

var emptyFields smsFields

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// resolveSMS merges one message with the defaults and the request root and
// validates it as the API does.
func (s *Sandbox) resolveSMS(m, def, root *smsFields, now int64) (resolvedSMS, error) {
	var r resolvedSMS
	dest := first(m.Destination, def.Destination, root.Destination)
	if strings.TrimSpace(dest) == "" {
		return r, fmt.Errorf("destination is required")
	}
	r.dest, r.valid = normalizeNumber(strings.TrimSpace(dest))
	r.flowID = first(m.FlowID, def.FlowID, root.FlowID)
	tmplName := first(m.TemplateName, def.TemplateName, root.TemplateName)
	tmplID := m.TemplateID
	if tmplID == nil {
		tmplID = def.TemplateID
	}
	if tmplID == nil {
		tmplID = root.TemplateID
	}
	r.text = first(m.MessageText, def.MessageText, root.MessageText)
	if r.text == "" {
		switch {
		case tmplID != nil:
			r.text = "[template " + strconv.FormatInt(int64(*tmplID), 10) + "]"
		case tmplName != "":
			r.text = "[template " + tmplName + "]"
		case r.flowID != "":
			r.text = "[flow " + r.flowID + "]"
		default:
			return r, fmt.Errorf("messageText is required")
		}
	}
	if n := sms.Length(r.text); n > MaxMessageTextLen {
		return r, fmt.Errorf("messageText has %d characters; the maximum is %d", n, MaxMessageTextLen)
	}
	r.corrID = first(m.CorrelationID, def.CorrelationID, root.CorrelationID)
	if n := sms.Length(r.corrID); n > MaxCorrelationIDLen {
		return r, fmt.Errorf("correlationId has %d characters; the maximum is %d", n, MaxCorrelationIDLen)
	}
	r.extraInfo = first(m.ExtraInfo, def.ExtraInfo, root.ExtraInfo)
	if n := sms.Length(r.extraInfo); n > MaxExtraInfoLen {
		return r, fmt.Errorf("extraInfo has %d characters; the maximum is %d", n, MaxExtraInfoLen)
	}
	r.alias = first(m.CampaignAlias, def.CampaignAlias, root.CampaignAlias)
	r.subAccount = first(m.SubAccount, def.SubAccount, root.SubAccount)
	for _, f := range [...]*smsFields{m, def, root} {
		if f.FlashSMS != nil {
			r.flash = bool(*f.FlashSMS)
			break
		}
	}
	var err error
	r.release, r.expire, err = s.timing(m, def, root, now)
	return r, err
}

func hasSchedule(f *smsFields) bool {
	return f.ScheduledAt != nil || f.DelayedInMinutes != nil || f.ScheduledDate != ""
}

func hasExpiry(f *smsFields) bool {
	return f.ExpiresAt != nil || f.ExpiresInMinutes != nil || f.ExpiresDate != ""
}

func countSet(vals ...bool) int {
	n := 0
	for _, v := range vals {
		if v {
			n++
		}
	}
	return n
}

// timing computes when a message is released to the carrier and when it
// expires (0: never), honouring scheduling, the time window and expiry.
func (s *Sandbox) timing(m, def, root *smsFields, now int64) (release, expire int64, err error) {
	release = now
	var tw []int
	for _, f := range [...]*smsFields{m, def, root} {
		if f.TimeWindow != nil {
			tw = f.TimeWindow
			break
		}
	}
	tz := first(m.TimeZone, def.TimeZone, root.TimeZone)
	if tw == nil && tz == "" && !hasSchedule(m) && !hasSchedule(def) && !hasSchedule(root) &&
		!hasExpiry(m) && !hasExpiry(def) && !hasExpiry(root) {
		return release, 0, nil
	}
	loc, err := s.location(tz)
	if err != nil {
		return 0, 0, err
	}
	for _, f := range [...]*smsFields{m, def, root} {
		if !hasSchedule(f) {
			continue
		}
		if countSet(f.ScheduledAt != nil, f.DelayedInMinutes != nil, f.ScheduledDate != "") > 1 {
			return 0, 0, fmt.Errorf("scheduledAt, delayedInMinutes and scheduledDate are mutually exclusive")
		}
		switch {
		case f.ScheduledAt != nil:
			release = unixToMs(int64(*f.ScheduledAt))
		case f.DelayedInMinutes != nil:
			if *f.DelayedInMinutes < 0 {
				return 0, 0, fmt.Errorf("delayedInMinutes must not be negative")
			}
			release = now + int64(*f.DelayedInMinutes)*60_000
		default:
			t, err := parseLocalDate(f.ScheduledDate, loc)
			if err != nil {
				return 0, 0, fmt.Errorf("scheduledDate: %w", err)
			}
			release = t.UnixMilli()
		}
		break
	}
	release = max(release, now)
	if tw != nil {
		var allowed [24]bool
		for _, h := range tw {
			if h < 0 || h > 23 {
				return 0, 0, fmt.Errorf("timeWindow hours must be between 0 and 23, got %d", h)
			}
			allowed[h] = true
		}
		if len(tw) > 0 {
			release = nextInWindow(release, &allowed, loc)
		}
	}
	for _, f := range [...]*smsFields{m, def, root} {
		if !hasExpiry(f) {
			continue
		}
		if countSet(f.ExpiresAt != nil, f.ExpiresInMinutes != nil, f.ExpiresDate != "") > 1 {
			return 0, 0, fmt.Errorf("expiresAt, expiresInMinutes and expiresDate are mutually exclusive")
		}
		switch {
		case f.ExpiresAt != nil:
			expire = unixToMs(int64(*f.ExpiresAt))
		case f.ExpiresInMinutes != nil:
			if *f.ExpiresInMinutes <= 0 {
				return 0, 0, fmt.Errorf("expiresInMinutes must be positive")
			}
			expire = now + int64(*f.ExpiresInMinutes)*60_000
		default:
			t, err := parseLocalDate(f.ExpiresDate, loc)
			if err != nil {
				return 0, 0, fmt.Errorf("expiresDate: %w", err)
			}
			expire = t.UnixMilli()
		}
		break
	}
	return release, expire, nil
}

// unixToMs reads a Unix time given in seconds or in milliseconds.
func unixToMs(v int64) int64 {
	if v > 100_000_000_000 || v < -100_000_000_000 {
		return v
	}
	return v * 1000
}

// parseLocalDate parses the documented yyyy-MM-dd'T'HH:mm:ss in loc (an
// explicit offset, as in RFC 3339, wins).
func parseLocalDate(v string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", v, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not in the format yyyy-MM-dd'T'HH:mm:ss", v)
}

// nextInWindow returns the first instant at or after t whose local hour
// is allowed.
func nextInWindow(t int64, allowed *[24]bool, loc *time.Location) int64 {
	lt := time.UnixMilli(t).In(loc)
	if allowed[lt.Hour()] {
		return t
	}
	h := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), 0, 0, 0, loc)
	for range 48 {
		h = h.Add(time.Hour)
		if allowed[h.Hour()] {
			return h.UnixMilli()
		}
	}
	return t
}

// location resolves a time zone name, defaulting to the account's zone.
// Brazil has kept UTC-3 all year since 2019, which is the fallback when the
// system has no zone database.
func (s *Sandbox) location(name string) (*time.Location, error) {
	explicit := name != ""
	if !explicit {
		name = defaultTimeZone
	}
	if loc, ok := s.tzCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		if explicit {
			return nil, fmt.Errorf("timeZone %q is unknown", name)
		}
		loc = time.FixedZone("BRT", -3*3600)
	}
	s.tzCache.Store(name, loc)
	return loc, nil
}

// smsFieldsFromQuery reads send-sms parameters from a GET query string.
func smsFieldsFromQuery(q url.Values) (smsFields, error) {
	var f smsFields
	get := func(name string) string { return q.Get(name) }
	f.Destination = get("destination")
	f.MessageText = get("messageText")
	f.CorrelationID = get("correlationId")
	f.ExtraInfo = get("extraInfo")
	f.ExpiresDate = get("expiresDate")
	f.ScheduledDate = get("scheduledDate")
	f.TimeZone = get("timeZone")
	f.CampaignAlias = get("campaignAlias")
	f.FlowID = get("flowId")
	f.SubAccount = get("subAccount")
	f.TemplateName = get("templateName")
	ints := []struct {
		name string
		dst  **flexInt
	}{
		{"expiresAt", &f.ExpiresAt}, {"expiresInMinutes", &f.ExpiresInMinutes},
		{"scheduledAt", &f.ScheduledAt}, {"delayedInMinutes", &f.DelayedInMinutes},
		{"templateId", &f.TemplateID},
	}
	for _, it := range ints {
		v := get(it.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, fmt.Errorf("%s must be an integer", it.name)
		}
		fi := flexInt(n)
		*it.dst = &fi
	}
	if v := get("flashSMS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, fmt.Errorf("flashSMS must be true or false")
		}
		fb := flexBool(b)
		f.FlashSMS = &fb
	}
	for _, v := range q["timeWindow"] {
		for _, part := range strings.Split(strings.Trim(v, "[]"), ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			h, err := strconv.Atoi(part)
			if err != nil {
				return f, fmt.Errorf("timeWindow must be a list of hours")
			}
			f.TimeWindow = append(f.TimeWindow, h)
		}
	}
	return f, nil
}

func (s *Sandbox) handleSendSMS(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var f smsFields
	var err error
	if r.Method == http.MethodGet {
		f, err = smsFieldsFromQuery(r.URL.Query())
	} else {
		err = decodeJSON(r, &f)
	}
	if err != nil {
		s.badRequest(w, err.Error())
		return
	}
	acc, err := s.acceptSMS([]smsFields{f}, &emptyFields, &emptyFields, rc.then500, false)
	if err != nil {
		s.badRequest(w, err.Error())
		return
	}
	if rc.then500 {
		s.writeJSON(w, http.StatusInternalServerError, apiError{ErrorCode: 500, ErrorMessage: "internal server error"})
		return
	}
	buf := make([]byte, 0, 128)
	buf = append(buf, `[{"id":`...)
	buf = s.appendMessageID(buf, acc.first)
	if acc.corrIDs[0] != "" {
		buf = append(buf, `,"correlationId":`...)
		buf = appendJSONString(buf, acc.corrIDs[0])
	}
	buf = append(buf, "}]"...)
	s.writeRaw(w, http.StatusOK, buf)
}

func (s *Sandbox) handleSendBulk(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	req := getBulk()
	defer putBulk(req)
	if err := decodeJSON(r, req); err != nil {
		s.badRequest(w, err.Error())
		return
	}
	if len(req.Messages) == 0 {
		s.badRequest(w, "messages is required")
		return
	}
	if len(req.Messages) > MaxMessagesPerRequest {
		s.badRequest(w, fmt.Sprintf("%d messages in one request; the limit is %d", len(req.Messages), MaxMessagesPerRequest))
		return
	}
	def := req.DefaultValues
	if def == nil {
		def = &emptyFields
	}
	acc, err := s.acceptSMS(req.Messages, def, &req.smsFields, rc.then500, true)
	if err != nil {
		s.badRequest(w, err.Error())
		return
	}
	if rc.then500 {
		s.writeJSON(w, http.StatusInternalServerError, apiError{ErrorCode: 500, ErrorMessage: "internal server error"})
		return
	}
	s.writeRaw(w, http.StatusOK, s.appendBatchResponse(make([]byte, 0, 64+len(acc.corrIDs)*96), acc))
}

// appendBatchResponse encodes {"id": batch, "messages": [{"id","correlationId"}]}.
func (s *Sandbox) appendBatchResponse(buf []byte, acc accepted) []byte {
	buf = append(buf, `{"id":"`...)
	buf = appendUUID(buf, uuidFor(s.idKey, domainBatch, acc.reqSeq))
	buf = append(buf, `","messages":[`...)
	for i, c := range acc.corrIDs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":`...)
		buf = s.appendMessageID(buf, acc.first+uint32(i))
		if c != "" {
			buf = append(buf, `,"correlationId":`...)
			buf = appendJSONString(buf, c)
		}
		buf = append(buf, '}')
	}
	return append(buf, "]}"...)
}

func (s *Sandbox) appendMessageID(buf []byte, idx uint32) []byte {
	buf = append(buf, '"')
	buf = appendUUID(buf, uuidFor(s.idKey, domainMessage, idx))
	return append(buf, '"')
}

// accepted describes the messages one request added to the ledger.
type accepted struct {
	reqSeq  uint32
	first   uint32
	corrIDs []string
}

// pendingRec is a validated message ready to enter the ledger.
type pendingRec struct {
	dest, corrID, text, extraInfo string
	acceptedAt, sentAt            int64
	dlrDelay, readDelay           uint32
	sentCode, dlrCode             uint16
	carrier, flags                uint8
	group                         groupKey
	plan                          plan
	needSession                   bool // WhatsApp free-form message: fails without an open session
}

type groupKey struct{ alias, subAccount, flowID string }

// Pools for the per-request scratch of the send path.
var (
	pendingPool = sync.Pool{New: func() any { return new([]pendingRec) }}
	bulkPool    = sync.Pool{New: func() any { return &bulkRequest{Messages: make([]smsFields, 0, MaxMessagesPerRequest)} }}
)

func getPending(n int) *[]pendingRec {
	p := pendingPool.Get().(*[]pendingRec)
	if cap(*p) < n {
		*p = make([]pendingRec, n, max(n, MaxMessagesPerRequest))
	}
	*p = (*p)[:n]
	clear(*p)
	return p
}

func putPending(p *[]pendingRec) {
	if cap(*p) <= MaxMessagesPerRequest {
		clear(*p)
		pendingPool.Put(p)
	}
}

func getBulk() *bulkRequest {
	req := bulkPool.Get().(*bulkRequest)
	msgs := req.Messages[:0]
	*req = bulkRequest{Messages: msgs}
	return req
}

func putBulk(req *bulkRequest) {
	if cap(req.Messages) <= MaxMessagesPerRequest {
		clear(req.Messages[:cap(req.Messages)])
		req.Messages = req.Messages[:0]
		bulkPool.Put(req)
	}
}

// acceptSMS validates every message, then records them all at once.
func (s *Sandbox) acceptSMS(msgs []smsFields, def, root *smsFields, then500, bulk bool) (accepted, error) {
	now := s.nowMs()
	pp := getPending(len(msgs))
	defer putPending(pp)
	recs := *pp
	for i := range msgs {
		rs, err := s.resolveSMS(&msgs[i], def, root, now)
		if err != nil {
			if bulk {
				return accepted{}, fmt.Errorf("messages[%d]: %w", i, err)
			}
			return accepted{}, err
		}
		p := s.planSMS(rs.dest, rs.valid, rs.corrID)
		pr := &recs[i]
		pr.plan = p
		pr.group = groupKey{rs.alias, rs.subAccount, rs.flowID}
		pr.acceptedAt = now
		pr.dest, pr.corrID, pr.text, pr.extraInfo = rs.dest, rs.corrID, rs.text, rs.extraInfo
		pr.sentAt = rs.release + p.sentDelay
		pr.sentCode, pr.dlrCode, pr.carrier = p.sentCode, p.dlrCode, p.carrier
		pr.dlrDelay = p.dlrDelay
		if rs.flash {
			pr.flags |= flagFlash
		}
		if rs.expire != 0 && pr.sentAt > rs.expire {
			pr.sentAt = max(rs.expire, now)
			pr.sentCode, pr.dlrCode = codeExpired, 0
			pr.plan.reply = false
		}
	}
	return s.record(recs, chSMS, then500, now), nil
}

// record enters validated messages into the ledger and schedules their
// webhooks and replies.
func (s *Sandbox) record(recs []pendingRec, channel uint8, then500 bool, now int64) accepted {
	acc := accepted{reqSeq: s.batchSeq.Add(1), corrIDs: make([]string, len(recs))}
	statusURL := s.opts.StatusURL != ""
	if channel == chWhatsApp {
		statusURL = s.opts.WhatsAppURL != ""
	}
	if len(recs) > 0 && recs[0].flags&flagSMPP != 0 {
		statusURL = false // reported as deliver_sm (smpp_deliver.go), not webhooks
	}
	var (
		lastText    string
		lastTextRef sref
		lastGroup   groupKey
		lastBatch   uint32
		haveBatch   bool
	)
	s.mu.Lock()
	s.drainMOLocked(now)
	acc.first = uint32(s.recs.len())
	firstBatch := len(s.batches)
	for i := range recs {
		pr := &recs[i]
		if !haveBatch || pr.group != lastGroup {
			lastBatch, haveBatch, lastGroup = s.batchForLocked(pr.group, firstBatch, acc.reqSeq, channel, then500), true, pr.group
		}
		if pr.needSession && !s.opts.WhatsAppOpenSessions && pr.sentCode == codeSentSuccess {
			if at, ok := s.sessions[pr.dest]; !ok || now-at > sessionLifetimeMs {
				pr.sentCode, pr.dlrCode = codeInvalidSession, 0
				pr.flags &^= flagRead
				pr.plan.reply = false
			}
		}
		if channel == chSMS && s.credit.limit > 0 {
			if s.credit.used >= s.credit.limit {
				pr.sentCode, pr.dlrCode = codeNoCredit, 0
				pr.plan.reply = false
			} else {
				s.credit.used++
			}
		}
		if len(s.optOut) > 0 {
			if _, out := s.optOut[pr.dest]; out {
				pr.sentCode, pr.dlrCode = codeOptOut, 0
				pr.flags &^= flagRead
				pr.plan.reply = false
			}
		}
		m := msgRec{
			acceptedAt: pr.acceptedAt, sentAt: pr.sentAt,
			destRef: s.strs.put(pr.dest), corrRef: s.strs.put(pr.corrID), extraRef: s.strs.put(pr.extraInfo),
			dlrDelay: pr.dlrDelay, readDelay: pr.readDelay, batch: lastBatch,
			sentCode: pr.sentCode, dlrCode: pr.dlrCode, carrier: pr.carrier, flags: pr.flags,
		}
		if i > 0 && pr.text == lastText {
			m.textRef = lastTextRef
		} else {
			m.textRef = s.internTextLocked(pr.text)
			lastText, lastTextRef = pr.text, m.textRef
		}
		idx := uint32(s.recs.len())
		if pr.corrID != "" {
			h := fnv64(0, pr.corrID)
			prev := s.corr[h]
			if s.countCorrLocked(prev, pr.corrID, true) > 0 {
				s.stats.dupCorr++
			}
			m.prevCorr = prev
			s.corr[h] = idx + 1
		}
		s.recs.add(&m)
		if channel == chSMS && m.dlrCode == codeDeliveredSuccess {
			s.clicker.plan(pr.text, m.dlrAt())
		}
		acc.corrIDs[i] = pr.corrID
		s.stats.sentCodes[m.sentCode]++
		if m.dlrCode != 0 {
			s.stats.dlrCodes[m.dlrCode]++
		}
		s.stats.carriers[m.carrier]++
		last := m.sentAt
		if statusURL {
			if channel == chWhatsApp {
				s.queue.push(m.sentAt, event{idx: idx, kind: evWASent})
			} else {
				s.queue.push(m.sentAt, event{idx: idx, kind: evSMSSent})
			}
		}
		if m.dlrCode != 0 {
			last = m.dlrAt()
			if statusURL {
				if channel == chWhatsApp {
					s.queue.push(last, event{idx: idx, kind: evWADelivered})
				} else {
					s.queue.push(last, event{idx: idx, kind: evSMSDLR})
				}
			}
		}
		if m.flags&flagRead != 0 {
			last = m.readAt()
			if statusURL {
				s.queue.push(last, event{idx: idx, kind: evWARead})
			}
		}
		if pr.plan.reply {
			s.pending.push(pendingMO{at: last + pr.plan.replyDelay, msg: idx, phrase: pr.plan.phrase, kind: pr.plan.kind})
		}
	}
	s.pruneLocked(now)
	n := int64(len(recs))
	s.stats.accepted += n
	if channel == chWhatsApp {
		s.stats.whatsapp += n
	} else {
		s.stats.sms += n
	}
	if then500 {
		s.stats.then500 += n
	}
	s.mu.Unlock()
	s.poke()
	return acc
}

// batchForLocked finds or adds the group of this request with the given
// campaign, sub-account and flow.
func (s *Sandbox) batchForLocked(g groupKey, first int, reqSeq uint32, channel uint8, then500 bool) uint32 {
	for i := first; i < len(s.batches); i++ {
		b := &s.batches[i]
		if b.alias == g.alias && b.subAccount == g.subAccount && b.flowID == g.flowID {
			return uint32(i)
		}
	}
	s.batches = append(s.batches, batchRec{
		reqSeq: reqSeq, alias: s.internName(g.alias), subAccount: s.internName(g.subAccount),
		flowID: s.internName(g.flowID), campaignID: s.campaignIDForAliasLocked(g.alias),
		channel: channel, answered500: then500,
	})
	return uint32(len(s.batches) - 1)
}

// internTextLocked stores a message text once while the table of shared
// texts has room.
func (s *Sandbox) internTextLocked(v string) sref {
	if v == "" {
		return 0
	}
	if r, ok := s.texts[v]; ok {
		return r
	}
	if len(s.texts) >= maxInterned {
		return s.strs.put(v)
	}
	// Shared texts live in an arena of their own, never pruned: a text
	// interned on the first day is still used by today's messages.
	r := s.shared.put(v) | sharedRef
	s.texts[v] = r
	return r
}

// internName shares repeated campaign aliases and sub-accounts.
func (s *Sandbox) internName(v string) string {
	if v == "" {
		return ""
	}
	if iv, ok := s.names[v]; ok {
		return iv
	}
	if len(s.names) < maxInterned {
		s.names[v] = v
	}
	return v
}
