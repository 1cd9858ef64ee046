package lease_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/lease"
	"arauto/store"
	"arauto/store/storetest"
)

// running counts the tasks running now and the most that ever ran at once.
type running struct {
	now, most atomic.Int32
	by        sync.Map // holder -> times started
}

func (r *running) task(holder string) func(ctx context.Context) {
	return func(ctx context.Context) {
		n := r.now.Add(1)
		for {
			m := r.most.Load()
			if n <= m || r.most.CompareAndSwap(m, n) {
				break
			}
		}
		v, _ := r.by.LoadOrStore(holder, new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
		<-ctx.Done()
		r.now.Add(-1)
	}
}

func (r *running) started(holder string) int32 {
	v, ok := r.by.Load(holder)
	if !ok {
		return 0
	}
	return v.(*atomic.Int32).Load()
}

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("got no %s within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestTwoKeepersOnlyOneRuns(t *testing.T) {
	st := storetest.New(t)
	// A renewal every ttl/3 that a loaded machine delays past ttl rightly
	// loses the lease: the ttl leaves room for scheduling delays.
	const ttl = time.Second
	var r running
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, h := range []string{"a", "b"} {
		k := &lease.Keeper{Store: st, Holder: h, TTL: ttl}
		wg.Add(1)
		go func() { defer wg.Done(); k.Run(ctx, "poller", r.task(h)) }()
	}
	waitFor(t, "running task", time.Second, func() bool { return r.now.Load() == 1 })
	time.Sleep(3 * ttl) // several renewals and tries by the other
	if got := r.most.Load(); got != 1 {
		t.Errorf("got %d tasks at once, want 1", got)
	}
	if got := r.started("a") + r.started("b"); got != 1 {
		t.Errorf("got %d task starts while the holder kept renewing, want 1", got)
	}
	cancel()
	wg.Wait()
	if got := r.now.Load(); got != 0 {
		t.Errorf("got %d tasks running after ctx ended, want 0", got)
	}
	holder, _, err := st.LeaseHolder(context.Background(), "poller")
	if err != nil || holder != "" {
		t.Errorf("got holder %q (err %v) after both stopped, want the lease released", holder, err)
	}
}

// failing is a store whose lease writes fail once broken, as when an
// instance loses its database.
type failing struct {
	*store.Store
	broken atomic.Bool
}

func (f *failing) AcquireLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error) {
	if f.broken.Load() {
		return false, errors.New("database unreachable")
	}
	return f.Store.AcquireLease(ctx, name, holder, now, expires)
}

func TestTakeoverAfterHolderStopsRenewing(t *testing.T) {
	st := storetest.New(t)
	const ttl = 300 * time.Millisecond
	var r running
	ctx, cancel := context.WithCancel(context.Background())
	broken := &failing{Store: st}
	a := &lease.Keeper{Store: broken, Holder: "a", TTL: ttl}
	b := &lease.Keeper{Store: st, Holder: "b", TTL: ttl}
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Add(1)
	go func() { defer wg.Done(); a.Run(ctx, "retention", r.task("a")) }()
	waitFor(t, "task on a", time.Second, func() bool { return r.started("a") == 1 })
	wg.Add(1)
	go func() { defer wg.Done(); b.Run(ctx, "retention", r.task("b")) }()
	time.Sleep(ttl)
	if got := r.started("b"); got != 0 {
		t.Fatalf("got %d starts on b while a renewed, want 0", got)
	}
	broke := time.Now()
	broken.broken.Store(true)
	waitFor(t, "task on b", 3*ttl, func() bool { return r.started("b") == 1 })
	if took := time.Since(broke); took < ttl/2 {
		t.Errorf("got a takeover %v after a stopped renewing, want one after the lease expired (ttl %v)", took, ttl)
	}
	if got := r.most.Load(); got != 1 {
		t.Errorf("got %d tasks at once, want 1 (a stops when its renewal fails)", got)
	}
}

func TestDeadHolderIsTakenOverAfterExpiry(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Now()
	ok, err := st.AcquireLease(ctx, "imports", "dead", now, now.Add(time.Hour))
	if err != nil || !ok {
		t.Fatalf("got %v, %v taking a free lease, want true", ok, err)
	}
	tests := []struct {
		name   string
		holder string
		at     time.Time
		want   bool
	}{
		{"another holder before expiry", "b", now.Add(59 * time.Minute), false},
		{"the holder renews", "dead", now.Add(time.Minute), true},
		{"another holder after expiry", "b", now.Add(2 * time.Hour), true},
		{"the old holder after the takeover", "dead", now.Add(2 * time.Hour), false},
	}
	for _, tt := range tests {
		got, err := st.AcquireLease(ctx, "imports", tt.holder, tt.at, tt.at.Add(time.Hour))
		if err != nil || got != tt.want {
			t.Errorf("%s: got %v (err %v), want %v", tt.name, got, err, tt.want)
		}
	}
	ran, err := (&lease.Keeper{Store: st, Holder: "c"}).Do(ctx, "imports", func(context.Context) {})
	if err != nil || ran {
		t.Errorf("got ran=%v (err %v) on a held lease, want false", ran, err)
	}
}

func TestDoReleasesWhenTaskEnds(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	k := &lease.Keeper{Store: st, Holder: "a", TTL: time.Minute}
	ran, err := k.Do(ctx, "import:7", func(context.Context) {})
	if err != nil || !ran {
		t.Fatalf("got ran=%v (err %v), want the task run", ran, err)
	}
	ran, err = (&lease.Keeper{Store: st, Holder: "b", TTL: time.Minute}).Do(ctx, "import:7", func(context.Context) {})
	if err != nil || !ran {
		t.Errorf("got ran=%v (err %v) after a finished task, want the lease free at once", ran, err)
	}
}

func TestHoldFlag(t *testing.T) {
	st := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	a := &lease.Keeper{Store: st, Holder: "a", TTL: 300 * time.Millisecond}
	b := &lease.Keeper{Store: st, Holder: "b", TTL: 300 * time.Millisecond}
	fa, waitA := a.Hold(ctx, "campaign-starts")
	waitFor(t, "flag on a", time.Second, fa.Held)
	fb, waitB := b.Hold(ctx, "campaign-starts")
	time.Sleep(400 * time.Millisecond)
	if fb.Held() {
		t.Errorf("got both instances holding campaign-starts, want only a")
	}
	cancel()
	waitA()
	waitB()
	if fa.Held() {
		t.Errorf("got a still holding after ctx ended, want released")
	}
	var none *lease.Flag
	if !none.Held() {
		t.Errorf("got a nil flag not held, want held (the only instance)")
	}
}
