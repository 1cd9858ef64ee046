package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Store keeps the leases; the store package implements it.
type Store interface {
	// AcquireLease takes name for holder until expires, or renews it for
	// its current holder; false when another holder has it past now.
	AcquireLease(ctx context.Context, name, holder string, now, expires time.Time) (bool, error)
	// ReleaseLease frees name if holder has it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// DefaultTTL is how long a lease lasts without renewal: a dead instance's
// singletons move to another within about this long.
const DefaultTTL = 30 * time.Second

// Keeper takes and keeps leases for one instance.
type Keeper struct {
	Store Store
	// Holder names this instance; NewHolder makes a unique one.
	Holder string
	// TTL is a lease's life without renewal (DefaultTTL when zero).
	TTL time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Log receives lease changes (discarded when nil).
	Log *slog.Logger
}

// NewHolder returns a holder id unique to this process: the host name and
// a random suffix, readable in the leases table.
func NewHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

func (k *Keeper) ttl() time.Duration {
	if k.TTL <= 0 {
		return DefaultTTL
	}
	return k.TTL
}

func (k *Keeper) now() time.Time {
	if k.Now == nil {
		return time.Now()
	}
	return k.Now()
}

func (k *Keeper) log() *slog.Logger {
	if k.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return k.Log
}

func (k *Keeper) acquire(ctx context.Context, name string) (bool, error) {
	now := k.now()
	return k.Store.AcquireLease(ctx, name, k.Holder, now, now.Add(k.ttl()))
}

// Do runs task if it can take the named lease now, renewing the lease
// while the task runs and cancelling the task when a renewal fails. It
// reports whether the task ran; the lease is released when Do returns.
func (k *Keeper) Do(ctx context.Context, name string, task func(ctx context.Context)) (bool, error) {
	ok, err := k.acquire(ctx, name)
	if err != nil || !ok {
		return false, err
	}
	k.log().Debug("lease taken", "lease", name, "holder", k.Holder)
	taskCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		task(taskCtx)
	}()
	tick := time.NewTicker(k.ttl() / 3)
	defer tick.Stop()
	lost := false
	for !lost {
		select {
		case <-done:
			k.release(name)
			return true, nil
		case <-ctx.Done():
			cancel()
			<-done
			k.release(name)
			return true, nil
		case <-tick.C:
			ok, err := k.acquire(ctx, name)
			if err != nil && ctx.Err() == nil {
				k.log().Warn("lease renewal failed; stopping its work", "lease", name, "err", err)
			} else if !ok && err == nil {
				k.log().Warn("lease taken over by another instance; stopping its work", "lease", name)
			}
			lost = err != nil || !ok
		}
	}
	cancel()
	<-done
	return true, nil
}

// release frees the lease even when the caller's context has ended.
func (k *Keeper) release(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := k.Store.ReleaseLease(ctx, name, k.Holder); err != nil {
		k.log().Warn("lease release failed; it expires by itself", "lease", name, "err", err)
	}
}

// Run runs task under the named lease until ctx ends: whenever this
// instance can take the lease it runs the task (which should loop until
// its context ends), and tries again every TTL/3 while another instance
// holds it or after the task stopped.
func (k *Keeper) Run(ctx context.Context, name string, task func(ctx context.Context)) {
	tick := time.NewTicker(k.ttl() / 3)
	defer tick.Stop()
	for {
		if _, err := k.Do(ctx, name, task); err != nil && ctx.Err() == nil {
			k.log().Warn("lease not taken", "lease", name, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Flag says whether this instance holds a lease kept by Hold.
type Flag struct{ held atomic.Bool }

// Held reports whether the lease is held now. A nil Flag is always held:
// code given no flag behaves as the only instance.
func (f *Flag) Held() bool { return f == nil || f.held.Load() }

// Hold keeps the named lease for as long as ctx lives, in the background,
// and returns the flag telling whether it is held, and a function waiting
// until the lease is released after ctx ended.
func (k *Keeper) Hold(ctx context.Context, name string) (*Flag, func()) {
	f := &Flag{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		k.Run(ctx, name, func(ctx context.Context) {
			f.held.Store(true)
			<-ctx.Done()
			f.held.Store(false)
		})
	}()
	return f, wg.Wait
}
