package smppsender

import (
	"errors"
	"testing"

	"arauto/internal/dispatch"
	"arauto/internal/smpp"
	"arauto/internal/smpp/esme"
)

func TestClassify(t *testing.T) {
	msgs := []dispatch.Message{{ID: 1}, {ID: 2}, {ID: 3}}
	acc := esme.Result{Outcome: esme.Accepted, IDs: []string{"p1", "p1b"}}
	rej := esme.Result{Outcome: esme.Rejected, Status: smpp.StatusInvalidDestAddr, Err: smpp.StatusInvalidDestAddr}
	later := esme.Result{Outcome: esme.TryLater, Err: smpp.StatusSystemError}
	unk := esme.Result{Outcome: esme.Unknown, Err: errors.New("connection closed")}
	unsent := esme.Result{Outcome: esme.Unsent, Err: errors.New("deadline")}
	tests := []struct {
		name     string
		res      []esme.Result
		accepted int
		class    error // nil: unclassified (unknown outcome) when wantErr
		wantErr  bool
		unsent   []int64
	}{
		{"all accepted", []esme.Result{acc, acc, acc}, 3, nil, false, nil},
		{"all refused", []esme.Result{rej, rej, rej}, 0, dispatch.ErrRejected, true, nil},
		{"refused and accepted", []esme.Result{acc, rej, acc}, 2, dispatch.ErrRejected, true, nil},
		{"temporary wins over permanent", []esme.Result{rej, later, acc}, 1, dispatch.ErrTryLater, true, nil},
		{"unknown wins over refusals", []esme.Result{rej, unk, later}, 0, nil, true, nil},
		{"nothing written in time", []esme.Result{unsent, unsent, unsent}, 0, dispatch.ErrTryLater, true, nil},
		{"some accepted, the rest unsent", []esme.Result{acc, unsent, unsent}, 1, dispatch.ErrTryLater, true, []int64{2, 3}},
		{"unsent and unknown", []esme.Result{unk, unsent, acc}, 1, nil, true, []int64{2}},
	}
	for _, tc := range tests {
		got, err := classify(msgs, tc.res)
		if len(got) != tc.accepted {
			t.Errorf("%s: accepted got %d, want %d", tc.name, len(got), tc.accepted)
		}
		for _, a := range got {
			if a.ProviderID != "p1" {
				t.Errorf("%s: provider id got %q, want the first part's", tc.name, a.ProviderID)
			}
		}
		if (err != nil) != tc.wantErr {
			t.Fatalf("%s: error got %v, want error %v", tc.name, err, tc.wantErr)
		}
		if err == nil {
			continue
		}
		for _, class := range []error{dispatch.ErrRejected, dispatch.ErrTryLater, dispatch.ErrUnauthorized} {
			if errors.Is(err, class) != (class == tc.class) {
				t.Errorf("%s: %v is %v: %v, want class %v", tc.name, err, class, errors.Is(err, class), tc.class)
			}
		}
		var stopped *dispatch.StoppedError
		if errors.As(err, &stopped) != (tc.unsent != nil) || stopped != nil && len(stopped.Unsent) != len(tc.unsent) {
			t.Errorf("%s: stopped got %+v, want unsent %v", tc.name, stopped, tc.unsent)
		}
	}
}
