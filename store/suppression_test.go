package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"arauto/internal/delivery"
	"arauto/store"
	"arauto/store/storetest"
)

func TestSuppressionsPageSearchRemove(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	var phones []string
	for i := 0; i < 7; i++ {
		phones = append(phones, fmt.Sprintf("552199900000%d", i))
	}
	added, err := s.AddSuppressions(ctx, phones, store.SuppressImport, "base.csv")
	if err != nil || added != 7 {
		t.Fatalf("AddSuppressions got %d, %v, want 7, nil", added, err)
	}
	if added, _ := s.AddSuppressions(ctx, phones[:3], store.SuppressManual, ""); added != 0 {
		t.Errorf("adding numbers already there got %d new, want 0", added)
	}
	if _, err := s.AddSuppressions(ctx, []string{"5511988887777"}, delivery.SuppressOptOut, "SAIR"); err != nil {
		t.Fatal(err)
	}

	// Keyset paging sees every number once.
	seen := map[string]bool{}
	q := store.SuppressionQuery{Limit: 3}
	for pages := 0; ; pages++ {
		p, err := s.Suppressions(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 8 {
			t.Errorf("total got %d, want 8", p.Total)
		}
		for _, it := range p.Items {
			if seen[it.Phone] {
				t.Errorf("%s seen twice", it.Phone)
			}
			seen[it.Phone] = true
		}
		if p.Next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		q.After = p.Next
	}
	if len(seen) != 8 {
		t.Errorf("paging saw %d numbers, want 8", len(seen))
	}

	tests := []struct {
		name string
		q    store.SuppressionQuery
		want int
	}{
		{"number typed with punctuation", store.SuppressionQuery{Search: "(11) 98888-7777"}, 1},
		{"partial number", store.SuppressionQuery{Search: "99900000"}, 7},
		{"note", store.SuppressionQuery{Search: "sair"}, 1},
		{"reason", store.SuppressionQuery{Reason: delivery.SuppressOptOut}, 1},
		{"wildcards are literal", store.SuppressionQuery{Search: "%"}, 0},
		{"bad cursor starts over", store.SuppressionQuery{After: "x-y"}, 8},
	}
	for _, tt := range tests {
		p, err := s.Suppressions(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, len(p.Items), tt.want)
		}
	}

	if err := s.RemoveSuppression(ctx, "5511988887777"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSuppression(ctx, "5511988887777"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing twice got %v, want ErrNotFound", err)
	}
	if _, err := s.SuppressionByPhone(ctx, "5511988887777"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed number got %v, want ErrNotFound", err)
	}
	n := 0
	if err := s.EachSuppression(ctx, func(store.Suppression) error { n++; return nil }); err != nil || n != 7 {
		t.Errorf("EachSuppression saw %d, %v, want 7", n, err)
	}
	reasons, err := s.SuppressionReasons(ctx)
	if err != nil || reasons[store.SuppressImport] != 7 {
		t.Errorf("reasons got %v, %v, want 7 import", reasons, err)
	}
}
