package outhook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/outhook"
	"arauto/store/storetest"
)

// BenchmarkDeliver20k delivers 20,000 events (three per message, which
// must keep their order) from the durable outbox to a local receiver that
// checks every signature, and reports events per second. Each round's
// outcomes are written to the database, as in production.
func BenchmarkDeliver20k(b *testing.B) {
	const messages = 6667
	for range b.N {
		ctx := context.Background()
		st := storetest.New(b)
		secret := outhook.NewSecret()
		var got, bad atomic.Int64
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if outhook.Verify(secret, r.Header.Get(outhook.SignatureHeader), body, time.Now(), time.Minute) != nil {
				bad.Add(1)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			got.Add(1)
		}))
		ep := &outhook.Endpoint{URL: rcv.URL, Events: outhook.Types, Active: true, Secret: secret}
		if err := st.CreateEndpoint(ctx, ep, 0); err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		var ds []outhook.Delivery
		for m := range messages {
			for i, typ := range []string{outhook.MessageDelivered, outhook.MessageRead, outhook.ReplyReceived} {
				ev := outhook.Event{ID: fmt.Sprintf("evt_%d_%d", m, i), Type: typ, OrderKey: fmt.Sprintf("message:%d", m), At: now,
					Data: map[string]any{"message_id": m, "phone": fmt.Sprintf("55119%08d", m), "outcome": "delivered", "carrier": "VIVO"}}
				ds = append(ds, outhook.Delivery{EndpointID: ep.ID, EventID: ev.ID, EventType: ev.Type, OrderKey: ev.OrderKey, Body: ev.Body(), NextAt: now, CreatedAt: now})
			}
		}
		if err := st.FanOut(ctx, 0, ds); err != nil {
			b.Fatal(err)
		}
		w := outhook.NewWorker(st, outhook.Options{})
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		b.ResetTimer()
		start := time.Now()
		go func() { defer close(done); w.Run(runCtx) }()
		for got.Load()+bad.Load() < int64(len(ds)) {
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("delivered %d of %d in 2 minutes", got.Load(), len(ds))
			}
			time.Sleep(5 * time.Millisecond)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		stop()
		<-done
		rcv.Close()
		if bad.Load() != 0 {
			b.Fatalf("%d deliveries had a bad signature", bad.Load())
		}
		b.ReportMetric(float64(len(ds))/elapsed.Seconds(), "events/s")
		b.Logf("%d events delivered in %v: %.0f events/s", len(ds), elapsed.Round(time.Millisecond), float64(len(ds))/elapsed.Seconds())
	}
}
