package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"arauto/internal/memstat"
)

// TestLedgerForgetsAfterHorizon sends 100,000 messages a "day" for four
// simulated weeks: the ledger's memory stays at what the last few days
// need, the status search no longer finds messages past the provider's
// three days, and still finds the recent ones.
func TestLedgerForgetsAfterHorizon(t *testing.T) {
	for _, offHeap := range []bool{false, true} {
		t.Run(fmt.Sprintf("offheap=%v", offHeap), func(t *testing.T) { testLedgerForgets(t, offHeap) })
	}
}

// testLedgerForgets measures the Go heap, or with the ledger off the heap
// the process's resident memory (the Go heap then holds little of it).
func testLedgerForgets(t *testing.T, offHeap bool) {
	clock := newFakeClock()
	s := newTestSandbox(t, Options{Now: clock.Now, ReplyRate: -1, OffHeapLedger: offHeap})
	heap := func() uint64 {
		runtime.GC()
		if offHeap {
			debug.FreeOSMemory()
			return uint64(memstat.RSSMB(os.Getpid()) * (1 << 20))
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	sendDay := func(day int) {
		for r := range 100 {
			body := bulkBody(1000, fmt.Sprintf("d%d-r%d", day, r))
			wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", body), 200)
		}
	}
	base := heap()
	sendDay(0)
	oneDay := heap() - base
	for day := 1; day < 28; day++ {
		clock.Advance(24 * time.Hour)
		sendDay(day)
	}
	grown := heap() - base
	led := s.Ledger()
	// Days 0..23 are past three days plus one: pruned whole chunks.
	if led.Pruned < 22*100_000 || led.Accepted != 28*100_000 {
		t.Errorf("got %d pruned of %d accepted, want at least %d pruned", led.Pruned, led.Accepted, 22*100_000)
	}
	if grown > 7*oneDay {
		t.Errorf("ledger grew to %d MB after 28 days of %d MB each, want the last few days only (< 7 days' worth)", grown>>20, oneDay>>20)
	}
	search := func(corr string) int {
		rec := call(t, s, "POST", "/v1/sms/status/search", fmt.Sprintf(`{"correlationIds":[%q]}`, corr))
		wantCode(t, rec, 200)
		var out []statusEntry
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return len(out)
	}
	if n := search("d0-r0-0"); n != 0 {
		t.Errorf("a message of day 0 is still found (%d entries) on day 27", n)
	}
	if n := search("d27-r99-999"); n != 1 {
		t.Errorf("today's message found %d times, want 1", n)
	}
	if n := len(s.Messages()); n < 3*100_000 || n > 6*100_000 {
		t.Errorf("Messages lists %d, want the last few days", n)
	}
	t.Logf("one day %d MB; after 28 days %d MB; %d pruned", oneDay>>20, grown>>20, led.Pruned)
}
