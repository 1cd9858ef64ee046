package store

import (
	"sync"
	"sync/atomic"
	"time"
)

// groupCommit is the store's one way to group-commit: callers hand their
// request to one writer goroutine, which takes every request waiting (up
// to max) and writes them together with write, then answers each caller
// with its own outcome. Each caller returns only once its request is
// written, so an answer still means stored. Batches form by themselves
// under load (requests pile up while the previous write runs); with a
// linger the writer also waits up to that long for a batch to reach the
// previous one's size, so a steady load keeps writing in large groups,
// while a lone caller never waits. The goroutine starts with the first
// request and ends after groupIdle without any, so a store needs no start
// or stop call. write takes its turn at the writer through the store's
// gate; the helper only batches.
type groupCommit[R any] struct {
	max    int
	linger time.Duration
	// write writes a batch and returns each request's outcome (a slice
	// as long as the batch).
	write func(batch []R) []error
	// after, if set, is called after each batch is answered.
	after func()

	mu     sync.Mutex // held to start or stop the writer
	writer atomic.Pointer[groupWriter[R]]
}

// groupIdle is how long a group-commit writer waits for work before it
// ends (a variable for tests).
var groupIdle = 5 * time.Second

type groupReq[R any] struct {
	r    R
	done chan error
}

type groupWriter[R any] struct {
	ch   chan groupReq[R]
	idle time.Duration // groupIdle when it started

	mu      sync.Mutex
	queued  int // handed to the channel, not yet answered
	stopped bool
}

// do hands r to the writer and returns its outcome once the batch holding
// it is written. Once queued, r will be written: do waits for the verdict
// whatever the caller's context does, so the answer matches what is
// stored.
func (g *groupCommit[R]) do(r R) error {
	req := groupReq[R]{r: r, done: make(chan error, 1)}
	for !g.running().enqueue(req) {
		// That writer just stopped for idleness; the next call starts one.
	}
	return <-req.done
}

// running returns the running writer, starting one when none runs.
func (g *groupCommit[R]) running() *groupWriter[R] {
	if w := g.writer.Load(); w != nil {
		return w
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	w := g.writer.Load()
	if w == nil {
		w = &groupWriter[R]{ch: make(chan groupReq[R], g.max), idle: groupIdle}
		g.writer.Store(w)
		go g.run(w)
	}
	return w
}

// idle reports whether no writer runs.
func (g *groupCommit[R]) idle() bool { return g.writer.Load() == nil }

func (w *groupWriter[R]) enqueue(r groupReq[R]) bool {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return false
	}
	w.queued++
	w.mu.Unlock()
	w.ch <- r
	return true
}

func (g *groupCommit[R]) run(w *groupWriter[R]) {
	idle := time.NewTimer(w.idle)
	defer idle.Stop()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	reqs := make([]groupReq[R], 0, g.max)
	batch := make([]R, 0, g.max)
	prev := 1 // size of the previous batch
	for {
		select {
		case r := <-w.ch:
			reqs = append(reqs[:0], r)
		case <-idle.C:
			w.mu.Lock()
			if w.queued == 0 {
				w.stopped = true
				g.mu.Lock()
				g.writer.CompareAndSwap(w, nil)
				g.mu.Unlock()
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			idle.Reset(w.idle)
			continue
		}
		reqs = w.drain(reqs, g.max)
		// Under concurrent load the callers just answered come straight
		// back: linger until the batch is as large as the previous one,
		// so writes stay big instead of splitting into a pipeline of
		// small ones. A lone caller (previous batch of 1) never waits.
		if g.linger > 0 && len(reqs) < prev {
			linger.Reset(g.linger)
		wait:
			for len(reqs) < prev {
				select {
				case r := <-w.ch:
					reqs = append(reqs, r)
				case <-linger.C:
					break wait
				}
			}
			linger.Stop()
			reqs = w.drain(reqs, g.max)
		}
		prev = len(reqs)
		batch = batch[:0]
		for _, r := range reqs {
			batch = append(batch, r.r)
		}
		errs := g.write(batch)
		w.mu.Lock()
		w.queued -= len(reqs)
		w.mu.Unlock()
		for i, r := range reqs {
			r.done <- errs[i]
		}
		if g.after != nil {
			g.after()
		}
		clear(reqs)
		clear(batch)
		idle.Reset(w.idle)
	}
}

// drain adds what is already waiting to reqs, up to max.
func (w *groupWriter[R]) drain(reqs []groupReq[R], max int) []groupReq[R] {
	for len(reqs) < max {
		select {
		case r := <-w.ch:
			reqs = append(reqs, r)
		default:
			return reqs
		}
	}
	return reqs
}
