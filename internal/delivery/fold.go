package delivery

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"arauto/internal/dispatch"
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

// fact is what one status entry says about one message. Times are unix
// ms, 0 when the entry gives none, each with the rank of its evidence.
type fact struct {
	carrier   string
	sentCode  int
	sentAt    int64
	delivCode int
	delivAt   int64
	readAt    int64
	updatedAt int64

	sentRank, delivRank, readRank uint8
}

// Ranks of the evidence for a time, weakest first. A status entry gives
// the time of its own level (a callback's sent time, a DLR's delivered
// time); it may repeat or imply the time of another level (a DLR repeats
// the sent time, a read receipt implies the delivery); without either,
// the event's arrival stands in (an upper bound).
const (
	rankArrival uint8 = iota + 1
	rankImplied
	rankOwn
)

// mergeTime folds a time with its rank into the known one: stronger
// evidence wins, and between equals the earliest. So a late DLR repeating
// an older sent time does not rewrite the callback's, while a level's own
// time replaces one only implied; the result depends neither on order nor
// on repeats. Times stored before ranks were kept (rank 0) count as the
// weakest evidence.
func mergeTime(cur int64, curRank uint8, t int64, rank uint8) (int64, uint8) {
	if t == 0 {
		return cur, curRank
	}
	rank = max(rank, rankArrival)
	if cur != 0 {
		curRank = max(curRank, rankArrival)
	}
	switch {
	case cur == 0 || rank > curRank:
		return t, rank
	case rank == curRank && t < cur:
		return t, rank
	}
	return cur, curRank
}

// State is a message's delivery columns, as the store keeps them (times
// in unix ms, 0 for none). merge is commutative, associative and
// idempotent (codes: the worse of two wins, see worse, and implied codes
// agree with real ones; times: the strongest evidence wins, then the
// earliest; see mergeTime), so the columns after a set of events do not
// depend on their order or on repeats. The report counters are derived
// from the columns (contrib), which makes them order-independent too.
type State struct {
	ID, CampaignID int64
	Phone          string
	Carrier        string
	SentCode       int
	SentAt         int64
	DeliveredCode  int
	DeliveredAt    int64
	ReadAt         int64
	UpdatedAt      int64
	// UnknownAt is when the status horizon closed without any status (set
	// by the store's CloseStale, read here).
	UnknownAt int64
	// Segments and SercomtelSegments are what the message is billed, as
	// the dispatcher recorded them (read here, for report.KeyBilled).
	Segments, SercomtelSegments int
	// SentRank, DeliveredRank and ReadRank are the ranks of the evidence
	// for SentAt, DeliveredAt and ReadAt (rankArrival ... rankOwn; 0 for
	// none or unknown).
	SentRank, DeliveredRank, ReadRank uint8

	// Dispatch is the dispatcher's state of the message (queued,
	// submitting, accepted, unknown, ...) and ProviderID the provider's id
	// of the attempt it recorded. Statuses change them only through
	// Changes.Moves: a status proves that a message whose send had no
	// clear answer was accepted; an account-limit status that it was not
	// sent.
	Dispatch, ProviderID string
}

// billed is what the message is billed by its columns now (report.Billed).
func (m *State) billed() int64 {
	return report.Billed(m.SentCode != 0 && success(m.SentCode), m.Carrier, m.Segments, m.SercomtelSegments)
}

// merge folds a fact in and reports whether anything changed.
func (m *State) merge(f fact) bool {
	before := *m
	if m.Carrier == "" {
		m.Carrier = f.carrier
	}
	m.SentCode = worse(m.SentCode, f.sentCode)
	if f.sentCode != 0 {
		m.SentAt, m.SentRank = mergeTime(m.SentAt, m.SentRank, f.sentAt, f.sentRank)
	}
	m.DeliveredCode = worse(m.DeliveredCode, f.delivCode)
	if f.delivCode != 0 {
		m.DeliveredAt, m.DeliveredRank = mergeTime(m.DeliveredAt, m.DeliveredRank, f.delivAt, f.delivRank)
	}
	m.ReadAt, m.ReadRank = mergeTime(m.ReadAt, m.ReadRank, f.readAt, f.readRank)
	m.UpdatedAt = max(m.UpdatedAt, f.updatedAt)
	return *m != before
}

// worse picks one of two codes of the same level: a known one over none,
// a failure over a success, then the larger code. It is a maximum over a
// total order, so merging is commutative, associative and idempotent. A
// message has one code per level, except a concatenated SMPP message,
// whose parts each have their receipts: one undelivered part makes the
// message undelivered.
func worse(a, b int) int {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	fa, fb := !success(a), !success(b)
	if fa != fb {
		if fa {
			return a
		}
		return b
	}
	return max(a, b)
}

func success(code int) bool {
	sc, ok := wavy.LookupStatus(code)
	return ok && sc.Success
}

// contrib appends the report counters a message adds one to.
func (m *State) contrib(dst []string) []string {
	if m.SentCode == 0 && m.DeliveredCode == 0 {
		// No status (a read receipt implies delivered, so none either).
		if m.UnknownAt != 0 {
			dst = append(dst, report.KeyUnknown)
		}
		return dst
	}
	dst = append(dst, report.KeyStatus)
	sentOK := m.SentCode != 0 && success(m.SentCode)
	if sentOK {
		dst = append(dst, report.KeySent)
		if m.Carrier != "" {
			dst = append(dst, report.CarrierKey(m.Carrier, report.SeriesSent))
		}
		if m.SentAt != 0 {
			dst = append(dst, report.TimelineKey(time.UnixMilli(m.SentAt), report.SeriesSent))
		}
		if m.DeliveredCode == 0 && report.NoReceipt(m.Carrier) {
			dst = append(dst, report.KeyNoReceipt)
		}
	}
	fail := 0
	switch {
	case m.SentCode != 0 && !sentOK:
		fail = m.SentCode
	case m.DeliveredCode != 0 && !success(m.DeliveredCode):
		fail = m.DeliveredCode
	}
	if fail != 0 {
		if fail == codeExpired {
			dst = append(dst, report.KeyExpired)
		} else {
			dst = append(dst, report.KeyFailed)
		}
		dst = append(dst, report.CodeKey(fail))
		if m.Carrier != "" {
			dst = append(dst, report.CarrierKey(m.Carrier, report.SeriesFailed))
		}
	}
	if m.DeliveredCode != 0 && success(m.DeliveredCode) && (m.SentCode == 0 || sentOK) {
		dst = append(dst, report.KeyDelivered)
		if m.Carrier != "" {
			dst = append(dst, report.CarrierKey(m.Carrier, report.SeriesDelivered))
		}
		if m.DeliveredAt != 0 {
			dst = append(dst, report.TimelineKey(time.UnixMilli(m.DeliveredAt), report.SeriesDelivered))
			if m.SentAt != 0 {
				dst = append(dst, report.LatencyKey(time.Duration(m.DeliveredAt-m.SentAt)*time.Millisecond))
			}
		}
	}
	if m.ReadAt != 0 {
		dst = append(dst, report.KeyRead, report.TimelineKey(time.UnixMilli(m.ReadAt), report.SeriesRead))
	}
	return dst
}

// Loaded is what a batch's fold starts from, read inside its transaction.
type Loaded struct {
	// States holds the delivery columns of the messages the batch names
	// that exist.
	States map[int64]*State
	// Campaigns holds the state (running, completed, ...) of the campaigns
	// of those messages.
	Campaigns map[int64]string
	// SeenReplies holds the provider ids of the batch's replies that are
	// stored already.
	SeenReplies map[string]bool
}

// Changes is what applying a batch writes, in one transaction.
type Changes struct {
	// States are the messages whose delivery columns changed.
	States []State
	// Counts are report counter deltas, by campaign then key, none zero.
	Counts []Count
	// Replies are new replies for the inbox.
	Replies []Reply
	// Suppressions are numbers to suppress, in the order found; a number
	// already suppressed keeps its first reason.
	Suppressions []Suppression
	// Events say what became of each event of the batch.
	Events []EventResult
	// Moves are changes of the dispatcher's state that statuses prove, in
	// the order found; Counts carry their counter deltas.
	Moves []Move
	// Pauses are campaigns to pause because the account has no credit or
	// quota left, one per campaign.
	Pauses []Pause
}

// Move changes a message's dispatcher state From (what the fold loaded)
// To, at At:
//   - to accepted, with the provider's id from the status: a message whose
//     send had no clear answer (submitting, or unknown after a 500) that
//     the provider reports on was accepted after all, so the funnel counts
//     it;
//   - to queued (cancelled, in a campaign that is over): the provider
//     refused the message for the account's credit or quota; it was not
//     sent and goes again when the campaign resumes.
type Move struct {
	CampaignID, MessageID int64
	From, To              string
	ProviderID            string
	At                    time.Time
}

// Pause stops a campaign (running, or completed before the statuses
// came) until the person resumes it, with the reason to show; a campaign
// already paused with a reason keeps its first.
type Pause struct {
	CampaignID int64
	Reason     string
}

// Campaigns returns the campaigns whose report counters change.
func (c Changes) Campaigns() []int64 {
	var ids []int64
	for _, n := range c.Counts {
		if len(ids) == 0 || ids[len(ids)-1] != n.CampaignID {
			ids = append(ids, n.CampaignID)
		}
	}
	return ids
}

// Count is a change of one report counter of a campaign.
type Count struct {
	CampaignID int64
	Key        string
	N          int64
}

// Suppression is a number the applier adds to the suppression list.
type Suppression struct {
	Phone, Reason, Note string
	At                  time.Time
}

// EventResult says what became of an event: applied at AppliedAt (with a
// note on what it could not use), or left to be retried at RetryAt because
// it names a message that does not exist yet.
type EventResult struct {
	ID                 int64
	Applied            bool
	Note               string
	AppliedAt, RetryAt time.Time
}

type countKey struct {
	campaignID int64
	key        string
}

// folding is one batch being folded.
type folding struct {
	now    time.Time
	loaded Loaded
	dirty  map[int64]bool
	deltas map[countKey]int64
	paused map[int64]bool
	buf    [2][]string
	out    Changes
}

// fold applies a batch of parsed events to the states they name, loaded
// at the start of the batch's transaction, and returns what to write. It
// is pure: the same events and states give the same changes. Items naming
// a message of ours that does not exist (yet) leave their event to be
// retried, until the status horizon; the rest is applied at once
// (applying again changes nothing).
func fold(evs []parsed, loaded Loaded, now time.Time) Changes {
	if loaded.SeenReplies == nil {
		loaded.SeenReplies = map[string]bool{}
	}
	f := &folding{now: now, loaded: loaded, dirty: map[int64]bool{}, deltas: map[countKey]int64{}, paused: map[int64]bool{}}
	for i := range evs {
		f.out.Events = append(f.out.Events, f.event(&evs[i]))
	}
	for id := range f.dirty {
		f.out.States = append(f.out.States, *loaded.States[id])
	}
	slices.SortFunc(f.out.States, func(a, b State) int { return cmpInt64(a.ID, b.ID) })
	for k, n := range f.deltas {
		if n != 0 {
			f.out.Counts = append(f.out.Counts, Count{CampaignID: k.campaignID, Key: k.key, N: n})
		}
	}
	slices.SortFunc(f.out.Counts, func(a, b Count) int {
		if c := cmpInt64(a.CampaignID, b.CampaignID); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return f.out
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// message returns the state a reference names, or why not: missing (may
// yet appear) or foreign (not ours).
func (f *folding) message(r ref) (m *State, missing bool) {
	if r.unlinked {
		return nil, true
	}
	if !r.ours {
		return nil, false
	}
	m = f.loaded.States[r.messageID]
	if m == nil {
		return nil, true
	}
	if m.CampaignID != r.campaignID {
		return nil, false
	}
	return m, false
}

func (f *folding) bumpDiff(campaignID int64, before, after []string) {
	for _, k := range before {
		f.deltas[countKey{campaignID, k}]--
	}
	for _, k := range after {
		f.deltas[countKey{campaignID, k}]++
	}
}

func (f *folding) suppress(phone, reason, note string) {
	if phone == "" {
		return
	}
	f.out.Suppressions = append(f.out.Suppressions, Suppression{Phone: phone, Reason: reason, Note: note, At: f.now})
}

// status applies one status entry to its message. It reports wait when
// the entry cannot be used yet: an account-limit status for a message
// whose send the dispatcher has not recorded (still submitting).
func (f *folding) status(m *State, it statusItem) (wait bool) {
	if sc, ok := wavy.LookupStatus(it.fact.sentCode); ok && sc.AccountLimit {
		return f.accountLimit(m, it, sc)
	}
	if m.Dispatch == report.StateSubmitting {
		// The dispatcher has not recorded this send yet: its answer, the
		// provider's id and what the message is billed. The status waits
		// for it (or for the reconciliation of a send left without an
		// answer), so the billed segments it counts are the real ones.
		return true
	}
	f.promote(m, it)
	before := m.contrib(f.buf[0][:0])
	sentBefore, delivBefore := m.SentCode, m.DeliveredCode
	billedBefore := m.billed()
	if !m.merge(it.fact) {
		return false
	}
	f.dirty[m.ID] = true
	after := m.contrib(f.buf[1][:0])
	f.bumpDiff(m.CampaignID, before, after)
	if d := m.billed() - billedBefore; d != 0 {
		f.deltas[countKey{m.CampaignID, report.KeyBilled}] += d
	}
	f.buf[0], f.buf[1] = before, after
	// 203/204: the provider refuses the number; so do we from now on.
	for _, c := range [...][2]int{{sentBefore, m.SentCode}, {delivBefore, m.DeliveredCode}} {
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
			note := fmt.Sprintf("%d %s · %s · %s", sc.Code, sc.Name, it.corr, f.now.UTC().Format(time.DateOnly))
			f.suppress(m.Phone, reason, note)
		}
	}
	return false
}

// promote records that the provider took a message whose send had no
// clear answer: any status of it (a level reached, a refusal by the
// carrier) proves the provider has it. A message left unknown (a WhatsApp
// send answered 500 after the provider took it, or one the reconciliation
// could not look up) becomes accepted with the status's id, so "sent to
// Wavy" counts it and the funnel adds up. (A message still submitting
// waits for the dispatcher instead: see status.)
func (f *folding) promote(m *State, it statusItem) {
	if m.Dispatch != report.StateUnknown {
		return
	}
	if it.fact.sentCode == 0 && it.fact.delivCode == 0 && it.fact.readAt == 0 {
		return // says nothing about the message
	}
	f.move(m, report.StateAccepted, it.providerID)
}

// accountLimit handles a status saying the account had no credit or quota
// left for the message (201, 215): it was not sent, so it goes back to
// the queue and its campaign pauses until someone tops the account up and
// resumes. The status is not a delivery fact and leaves the columns and
// counters alone. A status for an earlier attempt (another provider id),
// or for a message that has a sent status already, changes nothing.
func (f *folding) accountLimit(m *State, it statusItem, sc wavy.StatusCode) (wait bool) {
	switch m.Dispatch {
	case report.StateSubmitting:
		// The dispatcher has not recorded this send yet: its provider id
		// is not known, so whether the status is about this attempt
		// cannot be told. It will be in a moment.
		return true
	case report.StateAccepted, report.StateUnknown:
	default:
		return false
	}
	if m.SentCode != 0 || (it.providerID != "" && m.ProviderID != "" && it.providerID != m.ProviderID) {
		return false
	}
	state := f.loaded.Campaigns[m.CampaignID]
	to := report.StateQueued
	if over(state) {
		to = report.StateCancelled
	}
	f.move(m, to, "")
	if state == "running" || state == "completed" || state == "paused" {
		if !f.paused[m.CampaignID] {
			f.paused[m.CampaignID] = true
			f.out.Pauses = append(f.out.Pauses, Pause{CampaignID: m.CampaignID,
				Reason: fmt.Sprintf("%s %d %s", dispatch.AccountLimitPrefix, sc.Code, sc.Name)})
		}
	}
	return false
}

// over reports whether a campaign in this state will send nothing more
// (a completed one may still be paused by late account-limit statuses).
func over(campaignState string) bool {
	return campaignState == "cancelled" || campaignState == "failed" || campaignState == "archived"
}

// move changes a message's dispatcher state, with the counters.
func (f *folding) move(m *State, to, providerID string) {
	f.out.Moves = append(f.out.Moves, Move{CampaignID: m.CampaignID, MessageID: m.ID, From: m.Dispatch, To: to, ProviderID: providerID, At: f.now})
	f.deltas[countKey{m.CampaignID, m.Dispatch}]--
	f.deltas[countKey{m.CampaignID, to}]++
	m.Dispatch = to
	if providerID != "" {
		m.ProviderID = providerID
	}
}

// reply stores a reply once (a provider id seen before changes nothing),
// counts it for the campaign it answers and suppresses an opt-out.
func (f *folding) reply(ev *parsed, it replyItem, link *State) {
	in := it.in
	if f.loaded.SeenReplies[in.ProviderID] {
		return
	}
	f.loaded.SeenReplies[in.ProviderID] = true
	in.OptOut = it.keyword != ""
	in.EventID = ev.id
	if link != nil {
		in.CampaignID, in.MessageID = link.CampaignID, link.ID
		f.deltas[countKey{link.CampaignID, report.KeyReplies}]++
		if in.OptOut {
			f.deltas[countKey{link.CampaignID, report.KeyOptOuts}]++
		}
	}
	f.out.Replies = append(f.out.Replies, in)
	if in.OptOut {
		note := fmt.Sprintf("%s · %q · %s · %s", it.keyword, truncateText(in.Text, 40), strings.ToUpper(in.Channel), in.ReceivedAt.Format(time.DateOnly))
		f.suppress(in.Phone, SuppressOptOut, note)
	}
}

func truncateText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// event applies one event and says whether it is done.
func (f *folding) event(ev *parsed) EventResult {
	out := EventResult{ID: ev.id, Applied: true, AppliedAt: f.now}
	if ev.err != nil {
		out.Note = "unreadable: " + ev.err.Error()
		return out
	}
	expired := f.now.UnixMilli()-ev.receivedAt > StatusHorizon.Milliseconds()
	var foreign, waiting []string
	for _, it := range ev.statuses {
		m, missing := f.message(it.ref)
		switch {
		case m != nil:
			if f.status(m, it) {
				waiting = append(waiting, it.corr)
			}
		case missing && it.unlinked && f.now.UnixMilli()-ev.receivedAt > UnlinkedWait.Milliseconds():
			foreign = append(foreign, it.corr)
		case missing:
			waiting = append(waiting, it.corr)
		default:
			foreign = append(foreign, it.corr)
		}
	}
	for _, it := range ev.replies {
		m, missing := f.message(it.ref)
		if missing && !expired {
			waiting = append(waiting, it.corr)
			continue
		}
		f.reply(ev, it, m)
	}
	var notes []string
	if len(foreign) > 0 {
		notes = append(notes, fmt.Sprintf("%d not ours (%s)", len(foreign), sample(foreign)))
	}
	if len(waiting) > 0 {
		if expired {
			notes = append(notes, fmt.Sprintf("gave up after %v: %d for messages never seen (%s)", StatusHorizon, len(waiting), sample(waiting)))
		} else {
			out.Applied, out.AppliedAt = false, time.Time{}
			out.RetryAt = f.now.Add(retryDelay(ev.attempts + 1))
			notes = append(notes, fmt.Sprintf("waiting for %d messages (%s)", len(waiting), sample(waiting)))
		}
	}
	out.Note = strings.Join(notes, "; ")
	return out
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
