package esme

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"arauto/internal/smpp"
)

// Outcome is what became of one message.
type Outcome uint8

// The outcomes of Submit.
const (
	// Accepted: the SMSC answered ESME_ROK with a message id (for every
	// part, or for some parts when others were refused: the SMSC has the
	// message and its receipts will tell the rest).
	Accepted Outcome = iota + 1
	// Rejected: the SMSC refused the message for good (Result.Status).
	Rejected
	// TryLater: the SMSC refused it for now (system error, or throttled
	// until the deadline); nothing was accepted.
	TryLater
	// Unsent: it never reached a connection (no bind up in time, the
	// deadline or Close came first).
	Unsent
	// Unknown: a part was written but its answer never came (the
	// connection dropped, or no response within ResponseTimeout). The SMSC
	// may have it: look it up by correlationId before sending it again.
	Unknown
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case Accepted:
		return "accepted"
	case Rejected:
		return "rejected"
	case TryLater:
		return "try later"
	case Unsent:
		return "unsent"
	case Unknown:
		return "unknown"
	}
	return "?"
}

// Result is the fate of one submitted message.
type Result struct {
	Outcome Outcome
	// IDs are the SMSC's message ids of the accepted parts, in part order;
	// IDs[0] is the id a single-part message is known by.
	IDs []string
	// Status is the SMSC's refusal (Rejected, TryLater).
	Status smpp.Status
	// Err explains any outcome other than a clean Accepted.
	Err error
}

// part states.
type partState uint8

const (
	partPending  partState = iota // to be written
	partWritten                   // on the wire, awaiting its response
	partAccepted                  // ESME_ROK
	partRefused                   // permanent refusal
	partLater                     // temporary refusal, not retried
	partUnknown                   // written, answer lost
	partUnsent                    // never written, given up
)

// job states.
type jobState uint8

const (
	jobQueued  jobState = iota // in the queue
	jobHeld                    // a session is writing its parts
	jobWaiting                 // every part written, awaiting responses
	jobDone                    // final; late responses are ignored
)

// job is one message on its way: its parts as ready-made submit_sm bodies.
type job struct {
	ctx   context.Context
	index int
	pdus  []*smpp.SubmitSM
	queue *queue

	mu     sync.Mutex
	state  jobState
	parts  []partState
	ids    []string
	status smpp.Status
	cause  error
	done   chan struct{}
	result Result
}

// hold gives the job to a session, unless it is already final.
func (j *job) hold() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != jobQueued {
		return false
	}
	j.state = jobHeld
	return true
}

// nextPending marks the first part to write as written and returns its
// index, or -1 when none is left (or the job is final).
func (j *job) nextPending() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state == jobDone {
		return -1
	}
	for i, p := range j.parts {
		if p == partPending {
			j.parts[i] = partWritten
			return i
		}
	}
	return -1
}

// unwrite puts back a part that was claimed but not written after all.
func (j *job) unwrite(i int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != jobDone && j.parts[i] == partWritten {
		j.parts[i] = partPending
	}
}

// release ends a session's pass over the job: parts still to write (a
// session lost, a throttled part) send the job back to the front of the
// queue for any bind; otherwise it waits for its responses.
func (j *job) release() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != jobHeld {
		return
	}
	for _, p := range j.parts {
		if p == partPending {
			j.state = jobQueued
			j.queue.pushFront(j)
			return
		}
	}
	j.state = jobWaiting
	j.finishLocked()
}

// answered records a part's response.
func (j *job) answered(i int, st smpp.Status, id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state == jobDone || j.parts[i] != partWritten {
		return
	}
	switch {
	case st == smpp.StatusOK && id != "":
		j.parts[i], j.ids[i] = partAccepted, id
	case st == smpp.StatusOK:
		j.parts[i] = partUnknown
		j.cause = fmt.Errorf("part %d accepted without a message_id", i+1)
	case st == smpp.StatusThrottled || st == smpp.StatusMsgQueueFull:
		// Not accepted: write it again after the bind's pause.
		j.parts[i] = partPending
		if j.state == jobWaiting {
			j.state = jobQueued
			j.queue.pushFront(j)
		}
		return
	case st.Temporary():
		j.parts[i], j.status = partLater, st
	default:
		j.parts[i], j.status = partRefused, st
	}
	j.finishLocked()
}

// lost records that a written part's answer will not come.
func (j *job) lost(i int, cause error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state == jobDone || j.parts[i] != partWritten {
		return
	}
	j.parts[i] = partUnknown
	if j.cause == nil {
		j.cause = cause
	}
	j.finishLocked()
}

// abort makes the job final now: parts not written are unsent, parts
// awaiting an answer unknown.
func (j *job) abort(cause error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state == jobDone {
		return
	}
	for i, p := range j.parts {
		switch p {
		case partPending:
			j.parts[i] = partUnsent
		case partWritten:
			j.parts[i] = partUnknown
		}
	}
	if j.cause == nil {
		j.cause = cause
	}
	j.state = jobWaiting
	j.finishLocked()
}

// finishLocked makes the job final when no part is pending or in flight
// and no session holds it.
func (j *job) finishLocked() {
	if j.state == jobHeld || j.state == jobQueued || j.state == jobDone {
		return
	}
	var accepted, refused, later, unknown, unsent int
	for _, p := range j.parts {
		switch p {
		case partPending, partWritten:
			return
		case partAccepted:
			accepted++
		case partRefused:
			refused++
		case partLater:
			later++
		case partUnknown:
			unknown++
		case partUnsent:
			unsent++
		}
	}
	r := Result{Status: j.status}
	for _, id := range j.ids {
		if id != "" {
			r.IDs = append(r.IDs, id)
		}
	}
	switch {
	case unknown > 0:
		r.Outcome = Unknown
		r.Err = fmt.Errorf("esme: outcome unknown for %d of %d parts: %w", unknown, len(j.parts), j.cause)
	case accepted > 0:
		r.Outcome = Accepted
		if accepted < len(j.parts) {
			r.Err = fmt.Errorf("esme: only %d of %d parts accepted (%s)", accepted, len(j.parts), describe(j.status, j.cause))
		}
	case refused > 0:
		r.Outcome = Rejected
		r.Err = fmt.Errorf("esme: refused: %w", j.status)
	case later > 0:
		r.Outcome = TryLater
		r.Err = fmt.Errorf("esme: refused for now: %w", j.status)
	default:
		r.Outcome = Unsent
		r.Err = fmt.Errorf("esme: not sent: %w", j.cause)
	}
	j.result = r
	j.state = jobDone
	close(j.done)
}

func describe(st smpp.Status, cause error) string {
	var s []string
	if st != smpp.StatusOK {
		s = append(s, st.String())
	}
	if cause != nil {
		s = append(s, cause.Error())
	}
	return strings.Join(s, ", ")
}

// queue is the client's FIFO of jobs; every sending session takes from it
// when its window has room, which balances the load over the binds.
type queue struct {
	mu    sync.Mutex
	items []*job
	head  int
	ready chan struct{} // signalled when items may be waiting
}

func newQueue() *queue { return &queue{ready: make(chan struct{}, 1)} }

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *queue) push(js []*job) {
	q.mu.Lock()
	q.items = append(q.items, js...)
	q.mu.Unlock()
	q.signal()
}

// pushFront puts a job back ahead of the others (it was started first).
// It may be called with the job's lock held, never with the queue's.
func (q *queue) pushFront(j *job) {
	q.mu.Lock()
	if q.head > 0 {
		q.head--
		q.items[q.head] = j
	} else {
		q.items = append([]*job{j}, q.items[q.head:]...)
		q.head = 0
	}
	q.mu.Unlock()
	q.signal()
}

// pop returns the next job that is not final, or nil. When more remain it
// passes the signal on, so every idle session wakes. The job is taken
// outside the queue's lock: jobs lock themselves first, then the queue.
func (q *queue) pop() *job {
	for {
		q.mu.Lock()
		if q.head >= len(q.items) {
			q.mu.Unlock()
			return nil
		}
		j := q.items[q.head]
		q.items[q.head] = nil
		q.head++
		if q.head == len(q.items) {
			q.items, q.head = q.items[:0], 0
		}
		more := q.head < len(q.items)
		q.mu.Unlock()
		if j.hold() {
			if more {
				q.signal()
			}
			return j
		}
	}
}

// drain returns every job still queued.
func (q *queue) drain() []*job {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := append([]*job(nil), q.items[q.head:]...)
	q.items, q.head = nil, 0
	return out
}
