package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// editStore records the state changes and message saves asked of it.
type editStore struct {
	fakeStore
	calls []string
	err   error
}

func (e *editStore) SetCampaignState(_ context.Context, id int64, from, to State, _ time.Time) error {
	e.calls = append(e.calls, fmt.Sprintf("state %d %s->%s", id, from, to))
	return e.err
}

func (e *editStore) SaveCampaignMessage(_ context.Context, id int64, m SMSMessage, _ time.Time) error {
	e.calls = append(e.calls, fmt.Sprintf("message %d %q accents=%v flow=%s", id, m.Body, m.ReplaceAccents, m.Options.FlowID))
	return e.err
}

// TestArchive: only a campaign that is over (or never sent) is archived,
// with one store call from the state it was read in; the store's refusal
// comes back as it is.
func TestArchive(t *testing.T) {
	refused := errors.New("moved meanwhile")
	for _, tt := range []struct {
		state     State
		storeErr  error
		wantErr   error
		wantCalls []string
	}{
		{Completed, nil, nil, []string{"state 1 completed->archived"}},
		{Draft, nil, nil, []string{"state 1 draft->archived"}},
		{Cancelled, refused, refused, []string{"state 1 cancelled->archived"}},
		{Running, nil, ErrNotAllowed, nil},
		{Archived, nil, ErrNotAllowed, nil},
	} {
		t.Run(string(tt.state), func(t *testing.T) {
			st := &editStore{err: tt.storeErr}
			var w wakes
			s := &Service{Store: st, Dispatcher: &w}
			err := s.Archive(context.Background(), &Campaign{ID: 1, State: tt.state})
			if !errors.Is(err, tt.wantErr) || !slices.Equal(st.calls, tt.wantCalls) {
				t.Errorf("got %v and store calls %v, want %v and %v", err, st.calls, tt.wantErr, tt.wantCalls)
			}
			if w != 0 {
				t.Errorf("archiving woke the dispatcher %d times, want none (nothing to send)", w)
			}
		})
	}
}

// TestSaveMessageIsOneStoreCall: the editor's text, accents and options
// reach the store together.
func TestSaveMessageIsOneStoreCall(t *testing.T) {
	st := &editStore{}
	s := &Service{Store: st}
	m := SMSMessage{Body: "Oi", ReplaceAccents: true, Options: SendOptions{FlowID: "f1"}}
	if err := s.SaveMessage(context.Background(), &Campaign{ID: 4, State: Draft}, m); err != nil {
		t.Fatal(err)
	}
	if want := []string{`message 4 "Oi" accents=true flow=f1`}; !slices.Equal(st.calls, want) {
		t.Errorf("store calls %v, want %v", st.calls, want)
	}
}
