package dispatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/schedule"
	"arauto/internal/sms"
)

// fakeStore is an outbox in memory that records every call the worker
// makes, in order, as one line each.
type fakeStore struct {
	mu        sync.Mutex
	calls     []string
	campaigns []Campaign
	queued    []Message // in id order
	stuck     []Message // left submitting by an earlier run
	finished  bool
}

func (f *fakeStore) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// log returns the recorded calls, leaving out the polling ones.
func (f *fakeStore) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func ids(ms []int64) string {
	s := make([]string, len(ms))
	for i, id := range ms {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

func (f *fakeStore) DueCampaigns(context.Context, time.Time) ([]Campaign, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return nil, nil
	}
	return slices.Clone(f.campaigns), nil
}

func (f *fakeStore) StartCampaign(_ context.Context, id int64, _ time.Time) error {
	f.record("StartCampaign %d", id)
	return nil
}

func (f *fakeStore) Claim(_ context.Context, campaignID, after int64, limit int, _ time.Time) ([]Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out, rest []Message
	for _, m := range f.queued {
		if m.ID > after && len(out) < limit {
			out = append(out, m)
		} else {
			rest = append(rest, m)
		}
	}
	f.queued = rest
	if len(out) > 0 {
		got := make([]int64, len(out))
		for i, m := range out {
			got[i] = m.ID
		}
		f.calls = append(f.calls, fmt.Sprintf("Claim %d [%s]", campaignID, ids(got)))
	}
	return out, nil
}

func (f *fakeStore) Accept(_ context.Context, campaignID int64, acc []Accepted, _ time.Time) error {
	got := make([]string, len(acc))
	for i, a := range acc {
		got[i] = fmt.Sprintf("%d=%s", a.MessageID, a.ProviderID)
	}
	f.record("Accept %d [%s]", campaignID, strings.Join(got, ","))
	return nil
}

func (f *fakeStore) Requeue(_ context.Context, campaignID int64, ids_ []int64) error {
	f.record("Requeue %d [%s]", campaignID, ids(ids_))
	return nil
}

func (f *fakeStore) Fail(_ context.Context, campaignID int64, ids_ []int64, reason string) error {
	f.record("Fail %d [%s] %s", campaignID, ids(ids_), reason)
	return nil
}

func (f *fakeStore) Suppress(_ context.Context, campaignID int64, ids_ []int64) error {
	f.record("Suppress %d [%s]", campaignID, ids(ids_))
	return nil
}

func (f *fakeStore) Submitting(_ context.Context, olderThan time.Time, limit int) ([]Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.stuck
	f.stuck = nil
	return out, nil
}

func (f *fakeStore) Expire(_ context.Context, campaignID int64) error {
	f.record("Expire %d", campaignID)
	return nil
}

func (f *fakeStore) Finish(_ context.Context, campaignID int64, _ time.Time) (bool, error) {
	f.record("Finish %d", campaignID)
	f.mu.Lock()
	f.finished = true
	f.mu.Unlock()
	return true, nil
}

func (f *fakeStore) PauseWithError(_ context.Context, campaignID int64, reason string) error {
	f.record("PauseWithError %d %s", campaignID, reason)
	return nil
}

// fakeSender answers each Send with the next canned reply and Find with
// the provider ids it knows.
type fakeSender struct {
	mu      sync.Mutex
	replies []sendReply
	known   map[string]string
	sent    [][]int64
}

type sendReply struct {
	accept func(b Batch) []Accepted
	err    error
}

func acceptAll(b Batch) []Accepted {
	var acc []Accepted
	for _, m := range b.Messages {
		acc = append(acc, Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("p%d", m.ID)})
	}
	return acc
}

func acceptFirst(b Batch) []Accepted { return acceptAll(b)[:1] }

func (s *fakeSender) Send(_ context.Context, b Batch) ([]Accepted, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var got []int64
	for _, m := range b.Messages {
		got = append(got, m.ID)
	}
	s.sent = append(s.sent, got)
	r := sendReply{accept: acceptAll}
	if len(s.replies) > 0 {
		r, s.replies = s.replies[0], s.replies[1:]
	}
	var acc []Accepted
	if r.accept != nil {
		acc = r.accept(b)
	}
	return acc, r.err
}

func (s *fakeSender) Find(_ context.Context, corr []string) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range corr {
		if id, ok := s.known[c]; ok {
			out[c] = id
		}
	}
	return out, nil
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func messages(campaignID int64, n int) []Message {
	var out []Message
	for i := 1; i <= n; i++ {
		out = append(out, Message{ID: int64(i), CampaignID: campaignID, Phone: fmt.Sprintf("55119000000%02d", i)})
	}
	return out
}

// runUntil runs the worker until done reports true (or a second passes).
func runUntil(t *testing.T, w *Worker, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()
	deadline := time.Now().Add(time.Second)
	for !done() && time.Now().Before(deadline) {
		w.Wake()
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-stopped
}

// TestSendOutcomes maps each answer of the provider to the store calls it
// must lead to: what was accepted recorded with its id, what was refused
// failed, what may go again requeued, and what has no clear answer left
// submitting for the reconciler.
func TestSendOutcomes(t *testing.T) {
	unknown := errors.New("read tcp: i/o timeout")
	tests := []struct {
		name    string
		msgs    int
		channel string
		reply   sendReply
		want    []string
	}{
		{"accepted", 3, "sms", sendReply{accept: acceptAll},
			[]string{"Claim 7 [1,2,3]", "Accept 7 [1=p1,2=p2,3=p3]"}},
		{"refused (4xx)", 2, "sms", sendReply{err: fmt.Errorf("%w: HTTP 400 bad destination", ErrRejected)},
			[]string{"Claim 7 [1,2]", "Fail 7 [1,2] dispatch: rejected: HTTP 400 bad destination"}},
		{"credentials refused (401)", 2, "sms", sendReply{err: fmt.Errorf("%w: HTTP 401", ErrUnauthorized)},
			[]string{"Claim 7 [1,2]", "Requeue 7 [1,2]", "PauseWithError 7 unauthorized: dispatch: unauthorized: HTTP 401"}},
		{"busy (429/503)", 2, "sms", sendReply{err: fmt.Errorf("%w: HTTP 503", ErrTryLater)},
			[]string{"Claim 7 [1,2]", "Requeue 7 [1,2]"}},
		{"no credit or quota left: paused at once, the batch queued again", 2, "sms",
			sendReply{err: fmt.Errorf("%w: HTTP 400 NO_CREDIT", ErrAccountLimit)},
			[]string{"Claim 7 [1,2]", "Requeue 7 [1,2]", "PauseWithError 7 account limit: dispatch: try later: account credit or quota exhausted: HTTP 400 NO_CREDIT"}},
		{"timeout: left submitting for the reconciler", 2, "sms", sendReply{err: unknown},
			[]string{"Claim 7 [1,2]"}},
		{"partial accept: the rest requeued", 3, "whatsapp",
			sendReply{accept: acceptFirst, err: &StoppedError{Unsent: []int64{3}, Err: fmt.Errorf("%w: HTTP 503", ErrTryLater)}},
			[]string{"Claim 7 [1,2,3]", "Accept 7 [1=p1]", "Requeue 7 [3]", "Requeue 7 [2]"}},
		{"partial accept then refused", 3, "whatsapp",
			sendReply{accept: acceptFirst, err: &StoppedError{Unsent: []int64{3}, Err: fmt.Errorf("%w: HTTP 400", ErrRejected)}},
			[]string{"Claim 7 [1,2,3]", "Accept 7 [1=p1]", "Requeue 7 [3]", "Fail 7 [2] batch stopped with 1 messages unsent: dispatch: rejected: HTTP 400"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: tt.channel, State: "running"}}, queued: messages(7, tt.msgs)}
			sender := &fakeSender{replies: []sendReply{tt.reply}}
			w := New(st, sender, Config{RetryBackoff: time.Hour, ReconcileAfter: time.Hour}, quietLog())
			// One round sends the batch; the send runs to its end before
			// round returns only when waited for.
			var wg sync.WaitGroup
			slots := make(chan struct{}, 1)
			if _, err := w.round(context.Background(), time.Now(), slots, &wg); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			if got := st.log(); !slices.Equal(got, tt.want) {
				t.Errorf("store calls got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

// TestTooLongIsRefusedAlone: a message too long once personalised fails on
// its own with the reason (counted as a refusal), the rest of the batch is
// sent, and what each accepted message is billed reaches the store.
func TestTooLongIsRefusedAlone(t *testing.T) {
	st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "running", Message: "{{t}}", Columns: []string{"t"}}}, queued: messages(7, 3)}
	st.queued[1].Fields = []string{strings.Repeat("😀", 700)}
	st.queued[0].Fields, st.queued[2].Fields = []string{"Oi"}, []string{strings.Repeat("a", 200)}
	sender := &fakeSender{}
	var billed []Accepted
	compile := SMSCompiler(func(context.Context) (sms.Rule, error) { return sms.Wavy, nil })
	w := New(st, sender, Config{Compile: compile, RetryBackoff: time.Hour, ReconcileAfter: time.Hour}, quietLog())
	w.store = &billRecorder{fakeStore: st, acc: &billed}
	var wg sync.WaitGroup
	if _, err := w.round(context.Background(), time.Now(), make(chan struct{}, 1), &wg); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	want := []string{"Claim 7 [1,2,3]", "Fail 7 [2] " + TooLongReason, "Accept 7 [1=p1,3=p3]"}
	if got := st.log(); !slices.Equal(got, want) {
		t.Errorf("store calls got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if len(sender.sent) != 1 || !slices.Equal(sender.sent[0], []int64{1, 3}) {
		t.Errorf("sent got %v, want [1 3] in one request", sender.sent)
	}
	if len(billed) != 2 || billed[0].Segments != 1 || billed[1].Segments != 2 || billed[1].SercomtelSegments != 2 {
		t.Errorf("billed got %+v, want 1 segment, then 2 (and 2 on Sercomtel)", billed)
	}
	if RefusalKind(TooLongReason) != RefusedTooLong || RefusalKind(NoSessionReason) != RefusedNoSession ||
		RefusalKind("wavysender: dispatch: rejected: HTTP 400") != RefusedRejected || RefusalKind("message: x") != RefusedOther {
		t.Errorf("refusal kinds are not told apart")
	}
}

// billRecorder keeps what Accept was told each message is billed.
type billRecorder struct {
	*fakeStore
	acc *[]Accepted
}

func (b *billRecorder) Accept(ctx context.Context, campaignID int64, acc []Accepted, now time.Time) error {
	*b.acc = append(*b.acc, acc...)
	return b.fakeStore.Accept(ctx, campaignID, acc, now)
}

// TestBusyBacksOff checks that a 429/503 keeps the campaign from claiming
// again until its backoff passes.
func TestBusyBacksOff(t *testing.T) {
	st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "running"}}, queued: messages(7, 2)}
	sender := &fakeSender{replies: []sendReply{{err: fmt.Errorf("%w: HTTP 429", ErrTryLater)}}}
	w := New(st, sender, Config{RetryBackoff: time.Hour, ReconcileAfter: time.Hour}, quietLog())
	var wg sync.WaitGroup
	slots := make(chan struct{}, 1)
	now := time.Now()
	w.round(context.Background(), now, slots, &wg)
	wg.Wait()
	st.queued = messages(7, 2) // back in the queue, as Requeue would
	if progressed, _ := w.round(context.Background(), now.Add(time.Second), slots, &wg); progressed {
		t.Errorf("claimed again a second after a 429, want the campaign backing off")
	}
	if progressed, _ := w.round(context.Background(), now.Add(2*time.Hour), slots, &wg); !progressed {
		t.Errorf("did not claim after the backoff passed")
	}
	wg.Wait()
}

// TestCrashBetweenClaimAndAccept starts a worker over an outbox a crash
// left with claimed messages: before anything new is sent, those the
// provider knows are accepted and the others requeued — and only those are
// sent again.
func TestCrashBetweenClaimAndAccept(t *testing.T) {
	stuck := messages(7, 3)
	st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "running"}}, stuck: stuck}
	sender := &fakeSender{known: map[string]string{CorrelationID(7, 1): "p1", CorrelationID(7, 3): "p3"}}
	w := New(st, sender, Config{ReconcileAfter: time.Hour}, quietLog())
	runUntil(t, w, func() bool {
		log := st.log()
		return len(log) >= 2
	})
	want := []string{"Accept 7 [1=p1,3=p3]", "Requeue 7 [2]"}
	if got := st.log(); len(got) < 2 || !slices.Equal(got[:2], want) {
		t.Errorf("store calls got %v, want first %v", got, want)
	}
	if len(sender.sent) != 0 {
		t.Errorf("sent %v before reconciling, want nothing", sender.sent)
	}
}

// TestUnknownOutcomeOnAChannelWithoutLookup checks never-twice where the
// provider cannot be asked: the messages are marked unknown, not resent.
func TestUnknownOutcomeOnAChannelWithoutLookup(t *testing.T) {
	st := &unknownStore{fakeStore: fakeStore{campaigns: []Campaign{{ID: 7, Channel: "whatsapp", State: "running"}}, queued: messages(7, 2)}}
	sender := &noLookupSender{fakeSender{replies: []sendReply{{err: errors.New("connection reset")}}}}
	w := New(st, sender, Config{ReconcileAfter: time.Hour}, quietLog())
	var wg sync.WaitGroup
	w.round(context.Background(), time.Now(), make(chan struct{}, 1), &wg)
	wg.Wait()
	want := []string{"Claim 7 [1,2]", "MarkUnknown 7 [1,2]"}
	if got := st.log(); !slices.Equal(got, want) {
		t.Errorf("store calls got %v, want %v", got, want)
	}
}

type unknownStore struct{ fakeStore }

func (u *unknownStore) MarkUnknown(_ context.Context, campaignID int64, ids_ []int64, _ string) error {
	u.record("MarkUnknown %d [%s]", campaignID, ids(ids_))
	return nil
}

func (u *unknownStore) CampaignChannels(context.Context, []int64) (map[int64]string, error) {
	return map[int64]string{7: "whatsapp"}, nil
}

type noLookupSender struct{ fakeSender }

func (*noLookupSender) CanReconcile(channel string) bool { return channel != "whatsapp" }

// TestCampaignRunsToCompletion drives the worker through Run: a scheduled
// campaign starts, its outbox goes out in batches, and it is finished.
func TestCampaignRunsToCompletion(t *testing.T) {
	st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "scheduled"}}, queued: messages(7, 5)}
	sender := &fakeSender{}
	w := New(st, sender, Config{BatchSize: 2, ReconcileAfter: time.Hour}, quietLog())
	runUntil(t, w, func() bool { st.mu.Lock(); defer st.mu.Unlock(); return st.finished })
	want := []string{"StartCampaign 7", "Claim 7 [1,2]", "Accept 7 [1=p1,2=p2]", "Claim 7 [3,4]", "Accept 7 [3=p3,4=p4]",
		"Claim 7 [5]", "Accept 7 [5=p5]", "Finish 7"}
	got := st.log()
	// Batches run concurrently: compare each claim with its accept, in
	// claim order, and that the campaign finished last.
	var claims, accepts []string
	for _, c := range got {
		switch {
		case strings.HasPrefix(c, "Claim"):
			claims = append(claims, c)
		case strings.HasPrefix(c, "Accept"):
			accepts = append(accepts, c)
		}
	}
	slices.Sort(accepts)
	wantClaims, wantAccepts := []string{want[1], want[3], want[5]}, []string{want[2], want[4], want[6]}
	if got[0] != want[0] || !slices.Equal(claims, wantClaims) || !slices.Equal(accepts, wantAccepts) || got[len(got)-1] != "Finish 7" {
		t.Errorf("store calls got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestScheduleRules checks that the worker honours the campaign's sending
// window (nothing claimed while it is closed) and its expiry (what is
// still queued expires at the deadline and the campaign ends).
func TestScheduleRules(t *testing.T) {
	sp, err := schedule.LoadZone("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	nine := time.Date(2026, 6, 15, 9, 30, 0, 0, sp)
	tests := []struct {
		name     string
		schedule schedule.Schedule
		start    time.Time
		want     []string
	}{
		{"window open", schedule.Schedule{Zone: "America/Sao_Paulo", Window: schedule.Window{Hours: []int{9}}}, nine,
			[]string{"Claim 7 [1,2]", "Accept 7 [1=p1,2=p2]"}},
		{"window closed", schedule.Schedule{Zone: "America/Sao_Paulo", Window: schedule.Window{Hours: []int{10}}}, nine, nil},
		{"expired", schedule.Schedule{Zone: "America/Sao_Paulo", Expiry: schedule.Expiry{InMinutes: 10}}, nine.Add(-time.Hour),
			[]string{"Expire 7", "Finish 7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "running", StartAt: tt.start, Schedule: tt.schedule}},
				queued: messages(7, 2)}
			w := New(st, &fakeSender{}, Config{ReconcileAfter: time.Hour}, quietLog())
			var wg sync.WaitGroup
			if _, err := w.round(context.Background(), nine, make(chan struct{}, 1), &wg); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			if got := st.log(); !slices.Equal(got, tt.want) {
				t.Errorf("store calls got %v, want %v", got, tt.want)
			}
		})
	}
}

// requeueStore is a fakeStore whose Requeue really puts messages back in
// the queue, and calls onRequeue (once) right after, while the batch that
// requeued them is still running.
type requeueStore struct {
	unknownStore
	all       map[int64]Message
	onRequeue func()
}

func (r *requeueStore) Requeue(ctx context.Context, campaignID int64, ids_ []int64) error {
	r.fakeStore.Requeue(ctx, campaignID, ids_)
	r.mu.Lock()
	for _, id := range ids_ {
		r.queued = append(r.queued, r.all[id])
	}
	slices.SortFunc(r.queued, func(a, b Message) int { return int(a.ID - b.ID) })
	hook := r.onRequeue
	r.onRequeue = nil
	r.mu.Unlock()
	if hook != nil {
		hook()
	}
	return nil
}

// blockingSender answers the first Send with a partial acceptance that
// leaves message 3 unsent (the rest busy), and holds every later Send
// until release is closed.
type blockingSender struct {
	noLookupSender
	calls   int
	release chan struct{}
}

func (s *blockingSender) Send(ctx context.Context, b Batch) ([]Accepted, error) {
	s.mu.Lock()
	s.calls++
	first := s.calls == 1
	s.mu.Unlock()
	if first {
		return acceptFirst(b), &StoppedError{Unsent: []int64{3}, Err: fmt.Errorf("%w: HTTP 503", ErrTryLater)}
	}
	<-s.release
	return acceptAll(b), nil
}

// TestRequeuedMessagesLeaveTheBatchThatRequeuedThem checks the race where a
// batch requeues some of its messages, another batch claims them at once,
// and the first batch's clean-up then took them out of the in-flight table
// while the second still carried them: the reconciler found them
// "submitting, not in flight" and looked them up (SMS) or marked them
// unknown (WhatsApp) while they were on the wire. The second batch's
// messages must stay in flight until it is done.
func TestRequeuedMessagesLeaveTheBatchThatRequeuedThem(t *testing.T) {
	for _, channel := range []string{"sms", "whatsapp"} {
		t.Run(channel, func(t *testing.T) {
			msgs := messages(7, 3)
			st := &requeueStore{unknownStore: unknownStore{fakeStore: fakeStore{
				campaigns: []Campaign{{ID: 7, Channel: channel, State: "running"}}, queued: msgs}}, all: map[int64]Message{}}
			for _, m := range msgs {
				st.all[m.ID] = m
			}
			sender := &blockingSender{release: make(chan struct{})}
			w := New(st, sender, Config{BatchSize: 3, RetryBackoff: time.Hour, ReconcileAfter: time.Hour}, quietLog())
			ctx := context.Background()
			var wg sync.WaitGroup
			slots := make(chan struct{}, 2)
			now := time.Now()
			// As soon as the first batch puts message 3 back, a second
			// round claims it into a batch that stays on the wire.
			st.onRequeue = func() {
				if progressed, err := w.round(ctx, now, slots, &wg); err != nil || !progressed {
					t.Errorf("second round got progressed %v, err %v; want message 3 claimed again", progressed, err)
				}
			}
			if _, err := w.round(ctx, now, slots, &wg); err != nil {
				t.Fatal(err)
			}
			// Wait for the second batch to be on the wire and the first
			// to be over.
			deadline := time.Now().Add(5 * time.Second)
			for {
				w.mu.Lock()
				busy := w.busy[7]
				w.mu.Unlock()
				sender.mu.Lock()
				calls := sender.calls
				sender.mu.Unlock()
				if busy == 1 && calls == 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("batches in flight %d, sends %d; want the second batch alone on the wire", busy, calls)
				}
				time.Sleep(time.Millisecond)
			}
			// The reconciler comes by: message 3 is submitting in the
			// store, and on the wire.
			st.mu.Lock()
			st.stuck = []Message{st.all[3]}
			st.mu.Unlock()
			before := len(st.log())
			w.reconcile(ctx, now.Add(time.Hour))
			if got := st.log()[before:]; len(got) != 0 {
				t.Errorf("reconciler acted on a message on the wire: %v", got)
			}
			close(sender.release)
			wg.Wait()
			want := "Accept 7 [3=p3]"
			if got := st.log(); got[len(got)-1] != want {
				t.Errorf("store calls got %v, want the second batch's %q last", got, want)
			}
		})
	}
}

func (r *requeueStore) CampaignChannels(context.Context, []int64) (map[int64]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int64]string{}
	for _, c := range r.campaigns {
		out[c.ID] = c.Channel
	}
	return out, nil
}

// TestAccountLimitLeavesTheRetryToThePerson checks that an exhausted
// account pauses the campaign without a backoff of the worker's own: once
// the person resumes, the campaign is claimed again at once.
func TestAccountLimitLeavesTheRetryToThePerson(t *testing.T) {
	st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "running"}}, queued: messages(7, 2)}
	sender := &fakeSender{replies: []sendReply{{err: fmt.Errorf("%w: 201 NO_CREDIT", ErrAccountLimit)}}}
	w := New(st, sender, Config{RetryBackoff: time.Hour, ReconcileAfter: time.Hour}, quietLog())
	var wg sync.WaitGroup
	slots := make(chan struct{}, 1)
	now := time.Now()
	w.round(context.Background(), now, slots, &wg)
	wg.Wait()
	st.queued = messages(7, 2) // requeued, and the person resumed
	if progressed, _ := w.round(context.Background(), now.Add(time.Millisecond), slots, &wg); !progressed {
		t.Errorf("did not claim again after the resume, want no backoff after an account limit")
	}
	wg.Wait()
}

// TestStartsFiredOnlyWhereAllowed: an instance that does not hold the
// scheduled-starts lease leaves a due campaign scheduled (another instance
// starts it); once it may, it starts it.
func TestStartsFiredOnlyWhereAllowed(t *testing.T) {
	var allowed atomic.Bool
	st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "scheduled"}}, queued: messages(7, 2)}
	w := New(st, &fakeSender{}, Config{BatchSize: 2, ReconcileAfter: time.Hour, FiresStarts: allowed.Load}, quietLog())
	ctx := context.Background()
	slots := make(chan struct{}, 1)
	var wg sync.WaitGroup
	for range 3 {
		if _, err := w.round(ctx, time.Now(), slots, &wg); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if got := st.log(); len(got) != 0 {
		t.Errorf("got store calls %v without the lease, want none", got)
	}
	allowed.Store(true)
	if _, err := w.round(ctx, time.Now(), slots, &wg); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got := st.log(); len(got) == 0 || got[0] != "StartCampaign 7" {
		t.Errorf("got store calls %v with the lease, want StartCampaign 7 first", got)
	}
}
