package wavysender

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"arauto/internal/dispatch"
	"arauto/internal/wavy"
)

// TestWhatsAppResult maps the outcomes of a batch's requests onto the
// dispatcher's answer: who was accepted, which error class applies to
// whom, and who goes back to the queue.
func TestWhatsAppResult(t *testing.T) {
	busy := fmt.Errorf("HTTP 503: %w", wavy.ErrTryLater)
	refused := fmt.Errorf("HTTP 400: %w", wavy.ErrRejected)
	unknown := fmt.Errorf("HTTP 500: %w", wavy.ErrUnknownOutcome)
	noCredit := fmt.Errorf("HTTP 400 NO_CREDIT: %w", wavy.ErrAccountLimit)
	ok := func(id int64) waOutcome {
		return waOutcome{started: true, acc: []dispatch.Accepted{{MessageID: id, ProviderID: fmt.Sprint("p", id)}}}
	}
	failed := func(err error) waOutcome { return waOutcome{started: true, err: err} }
	notStarted := waOutcome{}
	tests := []struct {
		name       string
		outcomes   []waOutcome
		wantAcc    []int64
		wantUnsent []int64 // nil: no StoppedError
		wantErr    bool
		wantClass  error // nil: left unclassified (an unknown outcome)
	}{
		{"one request accepted", []waOutcome{ok(1)}, []int64{1}, nil, false, nil},
		{"one request busy after retries", []waOutcome{failed(busy)}, nil, nil, true, dispatch.ErrTryLater},
		{"one request refused", []waOutcome{failed(refused)}, nil, nil, true, dispatch.ErrRejected},
		{"one request never started", []waOutcome{notStarted}, nil, nil, true, dispatch.ErrTryLater},
		{"all accepted", []waOutcome{ok(1), ok(2), ok(3)}, []int64{1, 2, 3}, nil, false, nil},
		{"busy one: only its recipient is retried later", []waOutcome{ok(1), failed(busy), ok(3)}, []int64{1, 3}, []int64{}, true, dispatch.ErrTryLater},
		{"refused, the last never started (time ran out)", []waOutcome{ok(1), failed(refused), notStarted}, []int64{1}, []int64{3}, true, dispatch.ErrRejected},
		{"unknown outranks refused, which is queued again", []waOutcome{failed(refused), failed(unknown), ok(3)}, []int64{3}, []int64{1}, true, nil},
		{"no credit outranks busy", []waOutcome{failed(busy), failed(noCredit), notStarted}, nil, []int64{1, 3}, true, dispatch.ErrAccountLimit},
		{"time ran out", []waOutcome{ok(1), notStarted, notStarted}, []int64{1}, []int64{2, 3}, true, dispatch.ErrTryLater},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := make([]*waGroup, len(tt.outcomes))
			for i := range groups {
				groups[i] = &waGroup{msgs: []dispatch.Message{{ID: int64(i + 1)}}}
			}
			acc, err := whatsAppResult(groups, tt.outcomes)
			var gotAcc []int64
			for _, a := range acc {
				gotAcc = append(gotAcc, a.MessageID)
			}
			if !slices.Equal(gotAcc, tt.wantAcc) {
				t.Errorf("accepted = %v, want %v", gotAcc, tt.wantAcc)
			}
			var stopped *dispatch.StoppedError
			isStopped := errors.As(err, &stopped)
			switch {
			case tt.wantUnsent == nil && isStopped:
				t.Errorf("error = %v, want no StoppedError", err)
			case tt.wantUnsent != nil && !isStopped:
				t.Errorf("error = %v, want a StoppedError", err)
			case isStopped && !slices.Equal(stopped.Unsent, tt.wantUnsent) && len(stopped.Unsent)+len(tt.wantUnsent) > 0:
				t.Errorf("unsent = %v, want %v", stopped.Unsent, tt.wantUnsent)
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want one: %v", err, tt.wantErr)
			}
			if tt.wantClass != nil && !errors.Is(err, tt.wantClass) {
				t.Errorf("error = %v, want class %v", err, tt.wantClass)
			}
			if tt.wantClass == nil && err != nil {
				// An unknown outcome is left unclassified for the dispatcher.
				for _, class := range []error{dispatch.ErrRejected, dispatch.ErrTryLater, dispatch.ErrUnauthorized} {
					if errors.Is(err, class) {
						t.Errorf("error = %v, want no class, got %v", err, class)
					}
				}
			}
		})
	}
	// The account limit keeps its wavy identity for the dispatcher.
	_, err := whatsAppResult([]*waGroup{{msgs: []dispatch.Message{{ID: 1}}}}, []waOutcome{failed(noCredit)})
	if !errors.Is(err, wavy.ErrAccountLimit) || !errors.Is(err, dispatch.ErrAccountLimit) || errors.Is(err, dispatch.ErrRejected) {
		t.Errorf("no credit: error = %v, want wavy.ErrAccountLimit as dispatch.ErrAccountLimit", err)
	}
}
