package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/optout"
	"arauto/internal/report"
	"arauto/internal/wavy"
)

// StatusHorizon is how long the provider keeps a message's statuses (three
// days): an event still waiting for its message after that is given up,
// and an accepted message without any status by then is unknown.
const StatusHorizon = 72 * time.Hour

// Reasons of the suppressions the applier adds.
const (
	// SuppressOptOut: the number replied with an opt-out keyword.
	SuppressOptOut = "opt-out"
	// SuppressBlacklisted: the provider refused it with 203 BLACKLISTED.
	SuppressBlacklisted = "blacklisted"
	// SuppressOptedOut: the provider refused it with 204
	// DESTINATION_BLOCKED_BY_OPTOUT.
	SuppressOptedOut = "opted-out"
)

const (
	codeSentSuccess      = 2
	codeDeliveredSuccess = 4
	codeExpired          = 101
	codeMessageSplit     = 401
	codeBlacklisted      = 203
	codeOptedOut         = 204
)

// fact is what one status entry says about one message. Times are unix
// ms, 0 when the entry gives none.
type fact struct {
	carrier   string
	sentCode  int
	sentAt    int64
	delivCode int
	delivAt   int64
	readAt    int64
	updatedAt int64
}

// msgState is a message's delivery columns. merge is commutative,
// associative and idempotent (codes: the first known wins, and implied
// codes agree with real ones; times: the earliest evidence wins), so the
// columns after a set of events do not depend on their order or on
// repeats. The counters are derived from the columns (contrib), which
// makes them order-independent too.
type msgState struct {
	id, campaignID int64
	phone          string
	carrier        string
	sentCode       int
	sentAt         int64
	delivCode      int
	delivAt        int64
	readAt         int64
	updatedAt      int64
	unknownAt      int64
	dirty          bool
}

func minTime(cur, v int64) int64 {
	if v != 0 && (cur == 0 || v < cur) {
		return v
	}
	return cur
}

// merge folds a fact in and reports whether anything changed.
func (m *msgState) merge(f fact) bool {
	before := *m
	if m.carrier == "" {
		m.carrier = f.carrier
	}
	if m.sentCode == 0 {
		m.sentCode = f.sentCode
	}
	if f.sentCode != 0 {
		m.sentAt = minTime(m.sentAt, f.sentAt)
	}
	if m.delivCode == 0 {
		m.delivCode = f.delivCode
	}
	if f.delivCode != 0 {
		m.delivAt = minTime(m.delivAt, f.delivAt)
	}
	m.readAt = minTime(m.readAt, f.readAt)
	m.updatedAt = max(m.updatedAt, f.updatedAt)
	changed := *m != before
	if changed {
		m.dirty = true
	}
	return changed
}

func success(code int) bool {
	sc, ok := wavy.LookupStatus(code)
	return ok && sc.Success
}

// contrib appends the report counters a message adds one to.
func (m *msgState) contrib(dst []string) []string {
	if m.sentCode == 0 && m.delivCode == 0 {
		// No status (a read receipt implies delivered, so none either).
		if m.unknownAt != 0 {
			dst = append(dst, report.KeyUnknown)
		}
		return dst
	}
	dst = append(dst, report.KeyStatus)
	sentOK := m.sentCode != 0 && success(m.sentCode)
	if sentOK {
		dst = append(dst, report.KeySent)
		if m.carrier != "" {
			dst = append(dst, report.CarrierKey(m.carrier, report.SeriesSent))
		}
		if m.sentAt != 0 {
			dst = append(dst, report.TimelineKey(time.UnixMilli(m.sentAt), report.SeriesSent))
		}
		if m.delivCode == 0 && report.NoReceipt(m.carrier) {
			dst = append(dst, report.KeyNoReceipt)
		}
	}
	fail := 0
	switch {
	case m.sentCode != 0 && !sentOK:
		fail = m.sentCode
	case m.delivCode != 0 && !success(m.delivCode):
		fail = m.delivCode
	}
	if fail != 0 {
		if fail == codeExpired {
			dst = append(dst, report.KeyExpired)
		} else {
			dst = append(dst, report.KeyFailed)
		}
		dst = append(dst, report.CodeKey(fail))
		if m.carrier != "" {
			dst = append(dst, report.CarrierKey(m.carrier, report.SeriesFailed))
		}
	}
	if m.delivCode != 0 && success(m.delivCode) {
		dst = append(dst, report.KeyDelivered)
		if m.carrier != "" {
			dst = append(dst, report.CarrierKey(m.carrier, report.SeriesDelivered))
		}
		if m.delivAt != 0 {
			dst = append(dst, report.TimelineKey(time.UnixMilli(m.delivAt), report.SeriesDelivered))
			if m.sentAt != 0 {
				dst = append(dst, report.LatencyKey(time.Duration(m.delivAt-m.sentAt)*time.Millisecond))
			}
		}
	}
	if m.readAt != 0 {
		dst = append(dst, report.KeyRead, report.TimelineKey(time.UnixMilli(m.readAt), report.SeriesRead))
	}
	return dst
}

// statusCode resolves a code given as a number, a name or both; 0 when
// neither says anything.
func statusCode(code int, name string) int {
	if code != 0 {
		return code
	}
	if sc, ok := wavy.LookupStatusName(name); ok {
		return sc.Code
	}
	return 0
}

func known(code int) bool {
	_, ok := wavy.LookupStatus(code)
	return ok
}

// firstMS returns the first non-zero time in unix ms, else fallback.
func firstMS(fallback int64, ts ...time.Time) int64 {
	for _, t := range ts {
		if !t.IsZero() {
			return t.UnixMilli()
		}
	}
	return fallback
}

// smsFact reads an SMS callback or DLR. A DLR implies the sent status it
// repeats; MESSAGE_SPLIT (401) is informational and says nothing about
// delivery. When the entry has no time for a status, the event's arrival
// stands in (an upper bound; an earlier time from another event wins).
func smsFact(st wavy.SMSStatus, received int64) fact {
	f := fact{carrier: report.CarrierName(st.CarrierName)}
	f.sentCode = statusCode(st.SentStatusCode, st.SentStatus)
	f.delivCode = statusCode(st.DeliveredStatusCode, st.DeliveredStatus)
	if f.delivCode == codeMessageSplit {
		f.delivCode = 0
	}
	if f.delivCode != 0 && f.sentCode == 0 {
		f.sentCode = codeSentSuccess
	}
	if f.sentCode != 0 {
		f.sentAt = firstMS(received, st.SentAt)
	}
	if f.delivCode != 0 {
		f.delivAt = firstMS(received, st.DeliveredAt)
	}
	f.updatedAt = max(f.sentAt, f.delivAt)
	return f
}

// waFact reads a WhatsApp status: the levels it reached, each with its
// code. The flags stand in for codes the catalogue does not know (the
// documentation's example has sentStatusCode 1), and a read message was
// delivered and sent.
func waFact(st wavy.WhatsAppStatus, received int64) fact {
	var f fact
	f.sentCode = statusCode(st.SentStatusCode, st.SentStatus)
	if (f.sentCode == 0 || !known(f.sentCode)) && st.Sent {
		f.sentCode = codeSentSuccess
	}
	f.delivCode = statusCode(st.DeliveredStatusCode, st.DeliveredStatus)
	if (f.delivCode == 0 || !known(f.delivCode)) && (st.Delivered || st.Read) {
		f.delivCode = codeDeliveredSuccess
	}
	if f.delivCode == codeMessageSplit {
		f.delivCode = 0
	}
	if f.delivCode != 0 && f.sentCode == 0 {
		f.sentCode = codeSentSuccess
	}
	if st.Read {
		f.readAt = firstMS(received, st.ReadAt, st.UpdatedAt)
	}
	if f.delivCode != 0 {
		f.delivAt = firstMS(received, st.DeliveredAt, st.ReadAt, st.UpdatedAt)
	}
	if f.sentCode != 0 {
		f.sentAt = firstMS(received, st.SentAt, st.DeliveredAt, st.ReadAt, st.UpdatedAt)
	}
	f.updatedAt = max(f.sentAt, f.delivAt, f.readAt, firstMS(0, st.UpdatedAt))
	return f
}

// pendingEvent is a stored event to apply.
type pendingEvent struct {
	id         int64
	kind       string
	receivedAt int64
	attempts   int
	body       []byte
}

// ref is a message named by a correlationId.
type ref struct {
	corr                  string
	campaignID, messageID int64
	ours                  bool
}

func parseRef(corr string) ref {
	c, m, ok := dispatch.ParseCorrelationID(corr)
	return ref{corr: corr, campaignID: c, messageID: m, ours: ok}
}

type statusItem struct {
	ref
	fact fact
}

type moItem struct {
	ref
	in      Inbound
	keyword string
}

type parsedEvent struct {
	pendingEvent
	statuses []statusItem
	mos      []moItem
	err      error
}

func parseEvent(ev pendingEvent, kw optout.Matcher) parsedEvent {
	p := parsedEvent{pendingEvent: ev}
	switch ev.kind {
	case EventSMSStatus:
		sts, err := wavy.ParseSMSStatus(ev.body)
		p.err = err
		for _, st := range sts {
			p.statuses = append(p.statuses, statusItem{parseRef(st.CorrelationID), smsFact(st, ev.receivedAt)})
		}
	case EventWhatsAppStatus:
		sts, err := wavy.ParseWhatsAppStatus(ev.body)
		p.err = err
		for _, st := range sts {
			p.statuses = append(p.statuses, statusItem{parseRef(st.CorrelationID), waFact(st, ev.receivedAt)})
		}
	case EventSMSMO:
		mos, err := wavy.ParseSMSMO(ev.body)
		p.err = err
		for i, mo := range mos {
			p.mos = append(p.mos, smsInbound(ev, i, mo, kw))
		}
	case EventWhatsAppMO:
		mos, err := wavy.ParseWhatsAppMO(ev.body)
		p.err = err
		for i, mo := range mos {
			p.mos = append(p.mos, waInbound(ev, i, mo, kw))
		}
	default:
		p.err = fmt.Errorf("unknown kind %q", ev.kind)
	}
	return p
}

// digits keeps the digits of a phone number (E.164 without the plus, the
// form the outbox and the suppression list use).
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// providerID is the MO's id, or one derived from the event for the rare
// MO without (so that re-applying the event stays a no-op).
func providerID(id string, ev pendingEvent, i int) string {
	if id != "" {
		return id
	}
	return "event-" + strconv.FormatInt(ev.id, 10) + "-" + strconv.Itoa(i)
}

func smsInbound(ev pendingEvent, i int, mo wavy.SMSMO, kw optout.Matcher) moItem {
	it := moItem{in: Inbound{
		Channel: "sms", ProviderID: providerID(mo.ID, ev, i), Phone: digits(mo.Source), Kind: "TEXT",
		Text: mo.MessageText, ReceivedAt: time.UnixMilli(firstMS(ev.receivedAt, mo.ReceivedAt)).UTC(),
	}}
	if b, err := json.Marshal(mo); err == nil {
		it.in.Payload = string(b)
	}
	if mo.MT != nil {
		it.ref = parseRef(mo.MT.CorrelationID)
	}
	it.keyword, _ = kw.Keyword(mo.MessageText)
	return it
}

func waInbound(ev pendingEvent, i int, mo wavy.WhatsAppMO, kw optout.Matcher) moItem {
	m := mo.Message
	text := m.MessageText
	if text == "" {
		text = m.Caption
	}
	if text == "" && m.Location != nil {
		text = strings.TrimSpace(strings.Join([]string{m.Location.Name, m.Location.Address}, " "))
	}
	it := moItem{in: Inbound{
		Channel: "whatsapp", ProviderID: providerID(mo.ID, ev, i), Phone: digits(mo.Source),
		ProfileName: mo.UserProfile.Name, Kind: m.Kind(), Text: text, MediaURL: m.MediaURL,
		ReceivedAt: time.UnixMilli(firstMS(ev.receivedAt, mo.ReceivedAt)).UTC(),
	}}
	if b, err := json.Marshal(mo); err == nil {
		it.in.Payload = string(b)
	}
	it.ref = parseRef(mo.CorrelationID)
	// Typed text and a quick-reply button both count.
	if k, ok := kw.Keyword(m.MessageText); ok {
		it.keyword = k
	} else if k, ok := kw.Keyword(m.Payload); ok && m.Payload != "" {
		it.keyword = k
	}
	return it
}

type countKey struct {
	campaignID int64
	key        string
}

// applyRun is one batch being applied inside its transaction.
type applyRun struct {
	ctx    context.Context
	now    time.Time
	msgs   map[int64]*msgState
	deltas map[countKey]int64
	buf    [2][]string

	insertInbound *sql.Stmt
	suppress      *sql.Stmt
}

// eventOutcome says what became of an event.
type eventOutcome struct {
	id      int64
	applied bool // else deferred
	note    string
}

func (a *applyRun) bumpDiff(campaignID int64, before, after []string) {
	for _, k := range before {
		a.deltas[countKey{campaignID, k}]--
	}
	for _, k := range after {
		a.deltas[countKey{campaignID, k}]++
	}
}

func (a *applyRun) addSuppression(phone, reason, note string) error {
	if phone == "" {
		return nil
	}
	_, err := a.suppress.ExecContext(a.ctx, phone, reason, note, ms2(a.now))
	return err
}

// message returns the row a reference names, or why not: missing (may yet
// appear) or foreign (not ours).
func (a *applyRun) message(r ref) (m *msgState, missing bool) {
	if !r.ours {
		return nil, false
	}
	m = a.msgs[r.messageID]
	if m == nil {
		return nil, true
	}
	if m.campaignID != r.campaignID {
		return nil, false
	}
	return m, false
}

func (a *applyRun) status(m *msgState, it statusItem) error {
	before := m.contrib(a.buf[0][:0])
	sentBefore, delivBefore := m.sentCode, m.delivCode
	if !m.merge(it.fact) {
		return nil
	}
	after := m.contrib(a.buf[1][:0])
	a.bumpDiff(m.campaignID, before, after)
	a.buf[0], a.buf[1] = before, after
	// 203/204: the provider refuses the number; so do we from now on.
	for _, c := range [...][2]int{{sentBefore, m.sentCode}, {delivBefore, m.delivCode}} {
		if c[0] != 0 || c[1] == 0 {
			continue
		}
		if sc, ok := wavy.LookupStatus(c[1]); ok && sc.Suppress {
			reason := SuppressOptedOut
			if c[1] == codeBlacklisted {
				reason = SuppressBlacklisted
			}
			// Notes hold facts, not sentences, so they read the same in
			// every language: code, status name, message, date.
			note := fmt.Sprintf("%d %s · %s · %s", sc.Code, sc.Name, it.corr, a.now.UTC().Format(time.DateOnly))
			if err := a.addSuppression(m.phone, reason, note); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applyRun) mo(ev *parsedEvent, it moItem, link *msgState) error {
	in := it.in
	in.OptOut = it.keyword != ""
	in.EventID = ev.id
	var campaignID, messageID any
	if link != nil {
		in.CampaignID, in.MessageID = link.campaignID, link.id
		campaignID, messageID = link.campaignID, link.id
	}
	res, err := a.insertInbound.ExecContext(a.ctx, in.Channel, in.ProviderID, in.Phone, in.ProfileName, in.Kind, in.Text,
		in.MediaURL, in.Payload, ms2(in.ReceivedAt), campaignID, messageID, in.OptOut, in.EventID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // seen before
	}
	if link != nil {
		a.deltas[countKey{link.campaignID, report.KeyReplies}]++
		if in.OptOut {
			a.deltas[countKey{link.campaignID, report.KeyOptOuts}]++
		}
	}
	if in.OptOut {
		note := fmt.Sprintf("%s · %q · %s · %s", it.keyword, truncateText(in.Text, 40), strings.ToUpper(string(in.Channel)), in.ReceivedAt.Format(time.DateOnly))
		return a.addSuppression(in.Phone, SuppressOptOut, note)
	}
	return nil
}

func truncateText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// event applies one event and says whether it is done. Items naming a
// message of ours that does not exist (yet) leave the event to be retried,
// until the status horizon; the rest is applied at once (applying again
// changes nothing).
func (a *applyRun) event(ev *parsedEvent) (eventOutcome, error) {
	out := eventOutcome{id: ev.id, applied: true}
	if ev.err != nil {
		out.note = "unreadable: " + ev.err.Error()
		return out, nil
	}
	expired := a.now.UnixMilli()-ev.receivedAt > StatusHorizon.Milliseconds()
	var foreign, waiting []string
	for _, it := range ev.statuses {
		m, missing := a.message(it.ref)
		switch {
		case m != nil:
			if err := a.status(m, it); err != nil {
				return out, err
			}
		case missing:
			waiting = append(waiting, it.corr)
		default:
			foreign = append(foreign, it.corr)
		}
	}
	for _, it := range ev.mos {
		m, missing := a.message(it.ref)
		if missing && !expired {
			waiting = append(waiting, it.corr)
			continue
		}
		if err := a.mo(ev, it, m); err != nil {
			return out, err
		}
	}
	var notes []string
	if len(foreign) > 0 {
		notes = append(notes, fmt.Sprintf("%d not ours (%s)", len(foreign), sample(foreign)))
	}
	if len(waiting) > 0 {
		if expired {
			notes = append(notes, fmt.Sprintf("gave up after %v: %d for messages never seen (%s)", StatusHorizon, len(waiting), sample(waiting)))
		} else {
			out.applied = false
			notes = append(notes, fmt.Sprintf("waiting for %d messages (%s)", len(waiting), sample(waiting)))
		}
	}
	out.note = strings.Join(notes, "; ")
	return out, nil
}

func sample(ids []string) string {
	if len(ids) > 3 {
		return strings.Join(ids[:3], ", ") + ", …"
	}
	return strings.Join(ids, ", ")
}

// retryDelay is the wait before an event waiting for its message is tried
// again: 1 s doubling, at most a minute.
func retryDelay(attempts int) time.Duration {
	d := time.Second << min(max(attempts-1, 0), 6)
	return min(d, time.Minute)
}

// ApplyEvents applies up to limit stored events, oldest first, to the
// messages, the report counters, the inbox and the suppression list, in
// one transaction, and returns how many it marked applied. Applying is
// idempotent and order-independent; an event naming a message row that
// does not exist yet stays pending and is retried (with backoff) until the
// status horizon.
func (s *Store) ApplyEvents(ctx context.Context, limit int) (int, error) {
	kw, err := s.optOutMatcher(ctx)
	if err != nil {
		return 0, err
	}
	res, err := s.applyEvents(ctx, limit, time.Now(), kw)
	return res.applied, err
}

// optOutMatcher reads the configured opt-out keywords.
func (s *Store) optOutMatcher(ctx context.Context) (optout.Matcher, error) {
	v, err := s.Setting(ctx, config.SettingOptOutKeywords)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return optout.Matcher{}, err
	}
	return optout.NewMatcher(config.OptOutKeywords(map[string]string{config.SettingOptOutKeywords: v})), nil
}

type applyResult struct {
	read, applied, deferred int
	campaigns               []int64 // whose counters changed
}

func (s *Store) pendingEvents(ctx context.Context, limit int, now time.Time) ([]pendingEvent, error) {
	var out []pendingEvent
	scan := func(q string, args ...any) error {
		rows, err := s.r.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e pendingEvent
			if err := rows.Scan(&e.id, &e.kind, &e.receivedAt, &e.attempts, &e.body); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	}
	if err := scan(`SELECT id, kind, received_at, attempts, body FROM events INDEXED BY events_fresh
		WHERE applied_at = 0 AND attempts = 0 ORDER BY id LIMIT ?`, limit); err != nil {
		return nil, err
	}
	if len(out) < limit {
		if err := scan(`SELECT id, kind, received_at, attempts, body FROM events INDEXED BY events_deferred
			WHERE applied_at = 0 AND attempts > 0 AND retry_at <= ? ORDER BY retry_at, id LIMIT ?`, ms2(now), limit-len(out)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) applyEvents(ctx context.Context, limit int, now time.Time, kw optout.Matcher) (applyResult, error) {
	var res applyResult
	if limit <= 0 {
		limit = 500
	}
	evs, err := s.pendingEvents(ctx, limit, now)
	if err != nil {
		return res, fmt.Errorf("store: apply events: %w", err)
	}
	res.read = len(evs)
	if len(evs) == 0 {
		return res, nil
	}
	// Parsing needs no lock: do it before taking the writer, on every core.
	parsed := make([]parsedEvent, len(evs))
	workers := min(runtime.GOMAXPROCS(0), (len(evs)+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(evs); i += workers {
				parsed[i] = parseEvent(evs[i], kw)
			}
		}()
	}
	wg.Wait()
	ids := map[int64]struct{}{}
	for i := range parsed {
		for _, it := range parsed[i].statuses {
			if it.ours {
				ids[it.messageID] = struct{}{}
			}
		}
		for _, it := range parsed[i].mos {
			if it.ours {
				ids[it.messageID] = struct{}{}
			}
		}
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res.applied, res.deferred, res.campaigns = 0, 0, nil
		msgs, err := loadMessages(ctx, tx, ids)
		if err != nil {
			return err
		}
		a := &applyRun{ctx: ctx, now: now, msgs: msgs, deltas: map[countKey]int64{}}
		if a.insertInbound, err = tx.PrepareContext(ctx, `INSERT INTO inbound (channel, provider_id, phone, profile_name, kind, text,
			media_url, payload, received_at, campaign_id, message_id, opt_out, event_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id) DO NOTHING`); err != nil {
			return err
		}
		defer a.insertInbound.Close()
		if a.suppress, err = tx.PrepareContext(ctx, "INSERT OR IGNORE INTO suppressions (phone, reason, note, created_at) VALUES (?, ?, ?, ?)"); err != nil {
			return err
		}
		defer a.suppress.Close()
		outcomes := make([]eventOutcome, 0, len(parsed))
		for i := range parsed {
			o, err := a.event(&parsed[i])
			if err != nil {
				return fmt.Errorf("event %d: %w", parsed[i].id, err)
			}
			outcomes = append(outcomes, o)
		}
		if err := writeMessages(ctx, tx, msgs); err != nil {
			return err
		}
		if res.campaigns, err = writeCounts(ctx, tx, a.deltas); err != nil {
			return err
		}
		done, err := tx.PrepareContext(ctx, "UPDATE events SET applied_at = ?, note = ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer done.Close()
		later, err := tx.PrepareContext(ctx, "UPDATE events SET attempts = attempts + 1, retry_at = ?, note = ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer later.Close()
		for i, o := range outcomes {
			if o.applied {
				_, err = done.ExecContext(ctx, ms2(now), o.note, o.id)
				res.applied++
			} else {
				_, err = later.ExecContext(ctx, ms2(now.Add(retryDelay(parsed[i].attempts+1))), o.note, o.id)
				res.deferred++
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return applyResult{}, fmt.Errorf("store: apply events: %w", err)
	}
	return res, nil
}

const messageColumns = "id, campaign_id, phone, carrier, sent_code, sent_at, delivered_code, delivered_at, read_at, status_updated_at, unknown_at"

func scanMsgState(rows *sql.Rows) (*msgState, error) {
	m := &msgState{}
	err := rows.Scan(&m.id, &m.campaignID, &m.phone, &m.carrier, &m.sentCode, &m.sentAt, &m.delivCode, &m.delivAt, &m.readAt, &m.updatedAt, &m.unknownAt)
	return m, err
}

// loadMessages reads the delivery columns of the given messages inside
// the transaction (so concurrent appliers cannot both count a fact).
func loadMessages(ctx context.Context, tx *sql.Tx, ids map[int64]struct{}) (map[int64]*msgState, error) {
	out := make(map[int64]*msgState, len(ids))
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	const chunk = 500
	for len(list) > 0 {
		n := min(len(list), chunk)
		rows, err := tx.QueryContext(ctx, "SELECT "+messageColumns+" FROM messages WHERE id IN (?"+strings.Repeat(",?", n-1)+")", list[:n]...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			m, err := scanMsgState(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[m.id] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		list = list[n:]
	}
	return out, nil
}

func writeMessages(ctx context.Context, tx *sql.Tx, msgs map[int64]*msgState) error {
	var stmt *sql.Stmt
	for _, m := range msgs {
		if !m.dirty {
			continue
		}
		if stmt == nil {
			var err error
			if stmt, err = tx.PrepareContext(ctx, `UPDATE messages SET carrier = ?, sent_code = ?, sent_at = ?, delivered_code = ?,
				delivered_at = ?, read_at = ?, status_updated_at = ? WHERE id = ?`); err != nil {
				return err
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, m.carrier, m.sentCode, m.sentAt, m.delivCode, m.delivAt, m.readAt, m.updatedAt, m.id); err != nil {
			return err
		}
	}
	return nil
}

// writeCounts adds the deltas to campaign_counts and returns the
// campaigns whose counters changed.
func writeCounts(ctx context.Context, tx *sql.Tx, deltas map[countKey]int64) ([]int64, error) {
	keys := make([]countKey, 0, len(deltas))
	for k, n := range deltas {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	slices.SortFunc(keys, func(a, b countKey) int {
		if a.campaignID != b.campaignID {
			return int(a.campaignID - b.campaignID)
		}
		return strings.Compare(a.key, b.key)
	})
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, ?)
		ON CONFLICT (campaign_id, state) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	var campaigns []int64
	for _, k := range keys {
		if _, err := stmt.ExecContext(ctx, k.campaignID, k.key, deltas[k]); err != nil {
			return nil, err
		}
		if len(campaigns) == 0 || campaigns[len(campaigns)-1] != k.campaignID {
			campaigns = append(campaigns, k.campaignID)
		}
	}
	return campaigns, nil
}

// CloseStale closes the status horizon: accepted messages submitted more
// than StatusHorizon before now that never got a status are marked
// unknown (no receipt) and counted under report.KeyUnknown. A status that
// still arrives later takes them out again. It returns how many it marked.
func (s *Store) CloseStale(ctx context.Context, now time.Time) (int64, error) {
	cutoff := ms2(now.Add(-StatusHorizon))
	var total int64
	for {
		var n int64
		err := s.tx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `UPDATE messages SET unknown_at = ? WHERE id IN (
					SELECT id FROM messages INDEXED BY messages_awaiting_status
					WHERE state = 'accepted' AND sent_code = 0 AND delivered_code = 0 AND unknown_at = 0 AND submitted_at < ?
					LIMIT 10000)
				RETURNING campaign_id`, ms2(now), cutoff)
			if err != nil {
				return err
			}
			byCampaign := map[countKey]int64{}
			for rows.Next() {
				var c int64
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				byCampaign[countKey{c, report.KeyUnknown}]++
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			_, err = writeCounts(ctx, tx, byCampaign)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("store: close status horizon: %w", err)
		}
		total += n
		if n < 10000 {
			return total, nil
		}
	}
}

// CampaignReport builds a campaign's delivery report from its counters,
// with one query whatever the campaign's size.
func (s *Store) CampaignReport(ctx context.Context, id int64) (report.Report, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT cc.state, cc.n FROM campaigns c
		LEFT JOIN campaign_counts cc ON cc.campaign_id = c.id WHERE c.id = ?`, id)
	if err != nil {
		return report.Report{}, fmt.Errorf("store: report of campaign %d: %w", id, err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	found := false
	for rows.Next() {
		var k sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&k, &n); err != nil {
			return report.Report{}, fmt.Errorf("store: report of campaign %d: %w", id, err)
		}
		found = true
		if k.Valid {
			counts[k.String] = n.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return report.Report{}, fmt.Errorf("store: report of campaign %d: %w", id, err)
	}
	if !found {
		return report.Report{}, fmt.Errorf("store: report of campaign %d: %w", id, ErrNotFound)
	}
	return report.Build(counts, report.Options{}), nil
}

// MessageStatus is a message's delivery columns, for its detail view and
// for tests.
type MessageStatus struct {
	ID, CampaignID          int64
	Phone, State, Carrier   string
	SentCode, DeliveredCode int
	SentAt, DeliveredAt     time.Time
	ReadAt, StatusUpdatedAt time.Time
	UnknownAt               time.Time
}

// Outcome is the message's state as people read it: the dispatcher's
// state (queued, submitting, failed, suppressed, expired, cancelled) until
// the provider accepted it, then the furthest delivery fact: read,
// delivered, not-delivered, expired, failed (refused by the carrier),
// sent-no-receipt (Oi, Sercomtel), sent, unknown-no-receipt (nothing
// within the horizon) or accepted (waiting).
func (m MessageStatus) Outcome() string {
	switch {
	case !m.ReadAt.IsZero():
		return "read"
	case m.DeliveredCode != 0 && success(m.DeliveredCode):
		return "delivered"
	case m.DeliveredCode == codeExpired || (m.SentCode == codeExpired):
		return "expired"
	case m.DeliveredCode != 0:
		return "not-delivered"
	case m.SentCode != 0 && !success(m.SentCode):
		return "failed"
	case m.SentCode != 0 && report.NoReceipt(m.Carrier):
		return "sent-no-receipt"
	case m.SentCode != 0:
		return "sent"
	case !m.UnknownAt.IsZero():
		return "unknown-no-receipt"
	}
	return m.State
}

// MessageStatus returns one message's delivery columns.
func (s *Store) MessageStatus(ctx context.Context, id int64) (MessageStatus, error) {
	var m MessageStatus
	var sent, deliv, read, upd, unk int64
	err := s.r.QueryRowContext(ctx, `SELECT id, campaign_id, phone, state, carrier, sent_code, delivered_code,
		sent_at, delivered_at, read_at, status_updated_at, unknown_at FROM messages WHERE id = ?`, id).
		Scan(&m.ID, &m.CampaignID, &m.Phone, &m.State, &m.Carrier, &m.SentCode, &m.DeliveredCode, &sent, &deliv, &read, &upd, &unk)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: message %d: %w", id, err)
	}
	m.SentAt, m.DeliveredAt, m.ReadAt, m.StatusUpdatedAt, m.UnknownAt = fromMS(sent), fromMS(deliv), fromMS(read), fromMS(upd), fromMS(unk)
	return m, nil
}

// PendingEvents returns how many stored events are not applied yet, and
// how many of those wait for a retry.
func (s *Store) PendingEvents(ctx context.Context) (pending, deferred int64, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM events INDEXED BY events_fresh WHERE applied_at = 0 AND attempts = 0),
		(SELECT count(*) FROM events INDEXED BY events_deferred WHERE applied_at = 0 AND attempts > 0)`).Scan(&pending, &deferred)
	pending += deferred
	if err != nil {
		return 0, 0, fmt.Errorf("store: pending events: %w", err)
	}
	return pending, deferred, nil
}

// ApplierOptions tune an Applier. Zero values take the defaults.
type ApplierOptions struct {
	// Interval is how often stored events are looked for without a Kick;
	// default 100 ms.
	Interval time.Duration
	// Batch is how many events one transaction applies; default 500.
	Batch int
	// MinGap spaces transactions when events trickle in, so that a flood
	// of webhooks (each commit kicks) is applied in batches rather than
	// one transaction per commit; default 20 ms. A full batch goes on at
	// once.
	MinGap time.Duration
	// CloseStaleEvery is how often the status horizon is closed; default
	// 10 minutes.
	CloseStaleEvery time.Duration
	// OnApplied, when set, is told after each transaction which campaigns'
	// reports changed (to push live updates).
	OnApplied func(campaignIDs []int64)
	// Log reports failures; nil discards.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Applier applies stored events continuously: after each Kick, and every
// Interval. NewApplier makes the store kick it after every commit of new
// events, so webhooks are applied within milliseconds.
type Applier struct {
	s    *Store
	o    ApplierOptions
	kick chan struct{}

	mu       sync.Mutex
	kw       optout.Matcher
	kwLoaded time.Time
}

// NewApplier returns an applier for s; start it with Run.
func NewApplier(s *Store, o ApplierOptions) *Applier {
	if o.Interval <= 0 {
		o.Interval = 100 * time.Millisecond
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.MinGap <= 0 {
		o.MinGap = 20 * time.Millisecond
	}
	if o.CloseStaleEvery <= 0 {
		o.CloseStaleEvery = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Applier{s: s, o: o, kick: make(chan struct{}, 1)}
}

// Kick asks for the stored events to be applied soon. It never blocks.
func (a *Applier) Kick() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// matcher returns the opt-out keywords, re-read at most every 5 seconds.
func (a *Applier) matcher(ctx context.Context) optout.Matcher {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now := time.Now(); now.Sub(a.kwLoaded) > 5*time.Second {
		kw, err := a.s.optOutMatcher(ctx)
		if err != nil {
			a.o.Log.Warn("opt-out keywords unreadable; keeping the previous ones", "err", err)
			if a.kwLoaded.IsZero() {
				kw = optout.NewMatcher(config.DefaultOptOutKeywords())
			} else {
				return a.kw
			}
		}
		a.kw, a.kwLoaded = kw, now
	}
	return a.kw
}

// Step applies one batch and reports whether more events are waiting.
func (a *Applier) Step(ctx context.Context) (more bool, err error) {
	res, err := a.s.applyEvents(ctx, a.o.Batch, a.o.Now(), a.matcher(ctx))
	if err != nil {
		return false, err
	}
	if len(res.campaigns) > 0 && a.o.OnApplied != nil {
		a.o.OnApplied(res.campaigns)
	}
	return res.read == a.o.Batch, nil
}

// Run applies events until ctx ends, and closes the status horizon every
// CloseStaleEvery. It returns nil when ctx ends.
func (a *Applier) Run(ctx context.Context) error {
	a.s.onEventsAppended(a.Kick)
	defer a.s.onEventsAppended(nil)
	tick := time.NewTicker(a.o.Interval)
	defer tick.Stop()
	var lastStale time.Time
	for {
		if ctx.Err() != nil {
			return nil
		}
		start := time.Now()
		more, err := a.Step(ctx)
		if err != nil && ctx.Err() == nil {
			a.o.Log.Error("applying events failed", "err", err)
			more = false
		}
		// Close the horizon only once caught up: a backlog of statuses
		// (say after downtime) must not be taken for missing ones.
		if now := a.o.Now(); !more && now.Sub(lastStale) >= a.o.CloseStaleEvery {
			if n, err := a.s.CloseStale(ctx, now); err != nil && ctx.Err() == nil {
				a.o.Log.Error("closing the status horizon failed", "err", err)
			} else if n > 0 {
				a.o.Log.Info("messages without any status after the horizon", "messages", n, "horizon", StatusHorizon)
			}
			lastStale = now
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-a.kick:
			// Let a burst gather into one transaction.
			if wait := a.o.MinGap - time.Since(start); wait > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(wait):
				}
			}
		}
	}
}
