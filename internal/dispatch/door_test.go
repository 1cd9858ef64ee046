package dispatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// sizedSender is a Sender whose door takes batches of its own size and
// whose statuses name messages by provider id.
type sizedSender struct {
	fakeSender
	size  int
	links bool
}

func (s *sizedSender) MaxBatch(Campaign) int  { return s.size }
func (s *sizedSender) LinksProviderIDs() bool { return s.links }

// linkStore records the links Accept is given.
type linkStore struct {
	fakeStore
	linked []string
}

func (f *linkStore) Accept(ctx context.Context, campaignID int64, acc []Accepted, now time.Time) error {
	f.mu.Lock()
	for _, a := range acc {
		f.linked = append(f.linked, fmt.Sprintf("%d:%s", a.MessageID, strings.Join(a.Links, "+")))
	}
	f.mu.Unlock()
	return f.fakeStore.Accept(ctx, campaignID, acc, now)
}

// TestBatchesSizedByTheDoor claims as many messages as the Sender's door
// takes: more than one HTTPS request's 1000 for a file, fewer for SMPP.
func TestBatchesSizedByTheDoor(t *testing.T) {
	tests := []struct {
		name string
		size int
		want []string
	}{
		{"a file of 5", 5, []string{"Claim 7 [1,2,3,4,5]", "Claim 7 [6]"}},
		{"an SMPP quarter second of 2", 2, []string{"Claim 7 [1,2]", "Claim 7 [3,4]", "Claim 7 [5,6]"}},
		{"the default", 0, []string{"Claim 7 [1,2,3]", "Claim 7 [4,5,6]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{campaigns: []Campaign{{ID: 7, Channel: "sms", State: "running"}}, queued: messages(7, 6)}
			w := New(st, &sizedSender{size: tt.size}, Config{BatchSize: 3, RetryBackoff: time.Hour, ReconcileAfter: time.Hour}, quietLog())
			for range 3 {
				var wg sync.WaitGroup
				if _, err := w.round(context.Background(), time.Now(), make(chan struct{}, 1), &wg); err != nil {
					t.Fatal(err)
				}
				wg.Wait()
			}
			var claims []string
			for _, c := range st.log() {
				if strings.HasPrefix(c, "Claim") {
					claims = append(claims, c)
				}
			}
			if !slices.Equal(claims, tt.want) {
				t.Errorf("claims got %v, want %v", claims, tt.want)
			}
		})
	}
}

// TestReconciledMessagesAreLinked: over a door whose statuses name the
// provider id (SMPP), what the reconciler finds is linked by that id, so
// its receipts find it; over HTTPS nothing is linked.
func TestReconciledMessagesAreLinked(t *testing.T) {
	for _, links := range []bool{true, false} {
		st := &linkStore{fakeStore: fakeStore{stuck: messages(7, 2)}}
		s := &sizedSender{links: links}
		s.known = map[string]string{CorrelationID(7, 1): "smsc-1"}
		w := New(st, s, Config{ReconcileAfter: time.Hour}, quietLog())
		w.reconcile(context.Background(), time.Now())
		want := []string{"1:"}
		if links {
			want = []string{"1:smsc-1"}
		}
		if !slices.Equal(st.linked, want) {
			t.Errorf("links %v: accepted with links %v, want %v", links, st.linked, want)
		}
	}
}
