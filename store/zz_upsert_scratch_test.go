package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"arauto/internal/contact"
	"arauto/internal/recipient/recipienttest"
	"arauto/store/storetest"
)

func scratchRecords(seed int64, n int) []contact.Record {
	g := recipienttest.NewGenerator(seed)
	enc := contact.NewEncoder([]string{"nome", "cidade"})
	out := make([]contact.Record, 0, n)
	for i := range n {
		row := g.Next()
		p := row.Phone
		d := make([]byte, 0, 13)
		for j := 0; j < len(p); j++ {
			if p[j] >= '0' && p[j] <= '9' {
				d = append(d, p[j])
			}
		}
		ph := string(d)
		if len(ph) == 11 {
			ph = "55" + ph
		}
		r, ok := enc.Encode(ph, i+2, []string{row.Name, row.City})
		if ok {
			out = append(out, r)
		}
	}
	return out
}

func TestScratchUpsert(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	ctx := context.Background()
	s := storetest.New(t)
	for _, step := range []struct {
		name string
		seed int64
	}{{"empty", 42}, {"into", 43}, {"known", 42}} {
		recs := scratchRecords(step.seed, 1_000_000)
		src, err := s.StartContactImport(ctx, 0, []string{"nome", "cidade"})
		_ = err
		start := time.Now()
		seen := map[int64]bool{}
		chunk := make([]contact.Record, 0, 25000)
		for _, r := range recs {
			if seen[r.Phone] {
				continue
			}
			seen[r.Phone] = true
			chunk = append(chunk, r)
			if len(chunk) == 25000 {
				if err := s.UpsertContacts(ctx, src, chunk); err != nil {
					t.Fatal(err)
				}
				chunk = chunk[:0]
				clear(seen)
			}
		}
		if err := s.UpsertContacts(ctx, src, chunk); err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		t.Logf("%s: %v  %.0f rows/s", step.name, el, float64(len(recs))/el.Seconds())
	}
}
