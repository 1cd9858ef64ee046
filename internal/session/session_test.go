package session

import (
	"context"
	"maps"
	"testing"
	"time"

	"arauto/internal/wavy"
)

var now = time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)

// fakeReplies answers from a set of numbers that replied, and a list.
type fakeReplies struct {
	replied map[string]bool
	list    map[string]bool // the list's numbers (not suppressed)
}

func (f fakeReplies) OpenSessions(_ context.Context, phones []string, _ time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	for _, p := range phones {
		if f.replied[p] {
			out[p] = true
		}
	}
	return out, nil
}

func (f fakeReplies) SessionCount(context.Context, int64, time.Time) (int, error) {
	n := 0
	for p := range f.list {
		if f.replied[p] {
			n++
		}
	}
	return n, nil
}

func (f fakeReplies) SessionCountAlso(_ context.Context, _ int64, _ time.Time, phones []string) (int, error) {
	n := 0
	for _, p := range phones {
		if f.list[p] && !f.replied[p] {
			n++
		}
	}
	return n, nil
}

// fakeLister is the provider's list, counting how often it is asked.
type fakeLister struct {
	rows  []wavy.OpenSession
	err   error
	calls int
}

func (l *fakeLister) OpenSessionList(context.Context, wavy.SessionQuery) ([]wavy.OpenSession, error) {
	l.calls++
	return l.rows, l.err
}

func source(l *fakeLister) Source {
	return func(context.Context) (Lister, wavy.SessionQuery, error) {
		return l, wavy.SessionQuery{CustomerID: 42}, nil
	}
}

func TestTracker(t *testing.T) {
	replies := fakeReplies{
		replied: map[string]bool{"5511900000001": true},
		list:    map[string]bool{"5511900000001": true, "5511900000002": true, "5511900000003": true, "5511900000004": true},
	}
	provider := []wavy.OpenSession{
		{Source: "+55 (11) 90000-0002", CreatedAt: now.Add(-time.Hour)},  // open, written as people write it
		{Source: "5511900000003", CreatedAt: now.Add(-25 * time.Hour)},   // closed an hour ago
		{Source: "5511900000001", CreatedAt: now.Add(-2 * time.Hour)},    // also replied here: counted once
		{Source: "5511999999999", CreatedAt: now.Add(-10 * time.Minute)}, // not on the list
	}
	phones := []string{"5511900000001", "5511900000002", "5511900000003", "5511900000004"}
	tests := []struct {
		name       string
		source     Source
		wantOpen   map[string]bool
		wantErr    bool
		wantCount  Count
		wantDownOK bool // Count says the provider could not be asked
	}{
		{"replies and the provider's list", source(&fakeLister{rows: provider}),
			map[string]bool{"5511900000001": true, "5511900000002": true}, false, Count{N: 2, Provider: true}, false},
		{"no customerId: replies alone", func(context.Context) (Lister, wavy.SessionQuery, error) {
			return nil, wavy.SessionQuery{}, ErrNoCustomer
		}, map[string]bool{"5511900000001": true}, false, Count{N: 1}, false},
		{"no provider at all: replies alone", nil, map[string]bool{"5511900000001": true}, false, Count{N: 1}, false},
		{"provider down: the dispatcher must not decide, the count says so", source(&fakeLister{err: wavy.ErrTryLater}),
			nil, true, Count{N: 1}, true},
		{"provider refuses the question: replies alone", source(&fakeLister{err: wavy.ErrRejected}),
			map[string]bool{"5511900000001": true}, false, Count{N: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &Tracker{Replies: replies, Source: tt.source}
			open, err := tr.OpenSessions(context.Background(), phones, now)
			if (err != nil) != tt.wantErr {
				t.Fatalf("OpenSessions error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !maps.Equal(open, tt.wantOpen) {
				t.Errorf("open got %v, want %v", open, tt.wantOpen)
			}
			c, err := tr.Count(context.Background(), 1, now)
			if err != nil {
				t.Fatal(err)
			}
			if c.N != tt.wantCount.N || c.Provider != tt.wantCount.Provider || (c.ProviderErr != nil) != tt.wantDownOK {
				t.Errorf("count got %+v, want %+v (provider down %v)", c, tt.wantCount, tt.wantDownOK)
			}
		})
	}
}

// TestTrackerFetchesOncePerRefresh: the provider's file is fetched once a
// minute however many batches ask, and again after.
func TestTrackerFetchesOncePerRefresh(t *testing.T) {
	l := &fakeLister{rows: []wavy.OpenSession{{Source: "5511900000002", CreatedAt: now.Add(-time.Hour)}}}
	tr := &Tracker{Replies: fakeReplies{}, Source: source(l)}
	for i := range 10 {
		if _, err := tr.OpenSessions(context.Background(), []string{"5511900000002"}, now.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if l.calls != 1 {
		t.Errorf("asked the provider %d times in 10 s, want once", l.calls)
	}
	open, err := tr.OpenSessions(context.Background(), []string{"5511900000002"}, now.Add(DefaultRefresh+time.Second))
	if err != nil || l.calls != 2 || !open["5511900000002"] {
		t.Errorf("after the refresh got %v, %v with %d calls, want the list fetched again", open, err, l.calls)
	}
	// A session the list says opened 23 h 59 min ago closes a minute later.
	l.rows = []wavy.OpenSession{{Source: "5511900000002", CreatedAt: now.Add(-23*time.Hour - 59*time.Minute)}}
	tr = &Tracker{Replies: fakeReplies{}, Source: source(l)}
	if open, _ := tr.OpenSessions(context.Background(), []string{"5511900000002"}, now.Add(2*time.Minute)); open["5511900000002"] {
		t.Errorf("a session opened 24 h 1 min before is still open")
	}
}
