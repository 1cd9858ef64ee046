package esme_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"arauto/internal/sandbox"
	"arauto/internal/smpp/esme"
)

// sendTimed submits n single-part messages and returns the rate at which
// they were accepted.
func sendTimed(t testing.TB, e *env, n int, prefix string) float64 {
	t.Helper()
	msgs := messages(n, prefix, "Oferta relampago: 20% off hoje")
	start := time.Now()
	res := e.submit(t, msgs)
	el := time.Since(start)
	for i, r := range res {
		if r.Outcome != esme.Accepted {
			t.Fatalf("message %d got %s %v", i, r.Outcome, r.Err)
		}
	}
	return float64(n) / el.Seconds()
}

// Four binds at the seeds' 80 submit_sm per second carry 320 a second,
// and not more: the sandbox, which throttles past 80 a bind, never has to.
func TestSMPPThroughputIsTheSeedsCeiling(t *testing.T) {
	e := newEnv(t, sandbox.Options{ReplyRate: -1}, esme.Config{})
	e.bound(t, 4)
	if c := e.client.Capacity(); c != 320 {
		t.Fatalf("Capacity got %v, want 320", c)
	}
	rate := sendTimed(t, e, 960, "tp")
	t.Logf("960 messages over 4 binds: %.0f msg/s", rate)
	if rate > 330 {
		t.Errorf("throughput %.0f msg/s, want at most 320 (4 x 80)", rate)
	}
	if st := e.sb.SMPPStats(); st.Throttled != 0 || st.MaxOutstanding > 10 {
		t.Errorf("the sandbox throttled %d and saw %d outstanding, want 0 and at most 10", st.Throttled, st.MaxOutstanding)
	}
	// Reaching the ceiling is only a fair demand of a machine with a core
	// to spare: 80 a second a bind is paced by timers, which a loaded
	// machine fires late (180 msg/s was seen at load 20 on 2 cores). CI
	// runs alone, so there the floor is always asserted.
	if load, ok := loadAverage(); ok && load > float64(runtime.NumCPU()) {
		t.Logf("load average %.1f on %d cores: the 260 msg/s floor is not asserted", load, runtime.NumCPU())
		return
	}
	if rate < 260 {
		t.Errorf("throughput %.0f msg/s, want at least 260 (4 x 80)", rate)
	}
}

// loadAverage reads the one-minute load average (Linux only).
func loadAverage() (float64, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return v, err == nil
}

// BenchmarkSMPPThroughput measures messages per second over 4 binds
// against the sandbox: at the seeds' ceiling (80 a bind, enforced on both
// sides) and, side by side, with both limits off, which shows what the
// transport itself would carry.
func BenchmarkSMPPThroughput(b *testing.B) {
	for _, tc := range []struct {
		name   string
		opts   sandbox.Options
		cfg    esme.Config
		n      int
		window int
	}{
		{"seeds-ceiling-4x80", sandbox.Options{ReplyRate: -1}, esme.Config{}, 1600, 10},
		{"unlimited-4-binds", sandbox.Options{ReplyRate: -1, SMPPRate: -1}, esme.Config{Rate: -1}, 20000, 10},
	} {
		b.Run(tc.name, func(b *testing.B) {
			e := newEnv(b, tc.opts, tc.cfg)
			e.bound(b, 4)
			b.ResetTimer()
			var rate float64
			for i := 0; i < b.N; i++ {
				rate = sendTimed(b, e, tc.n, fmt.Sprintf("b%d", i))
			}
			b.ReportMetric(rate, "msgs/s")
			b.ReportMetric(float64(e.sb.SMPPStats().Throttled), "throttled")
		})
	}
}

// BenchmarkSMPPReconnect measures how long a dropped bind takes to be
// bound again with the default back-off settings.
func BenchmarkSMPPReconnect(b *testing.B) {
	e := newEnv(b, sandbox.Options{}, esme.Config{ReconnectMin: esme.DefaultReconnectMin, ReconnectMax: esme.DefaultReconnectMax})
	e.bound(b, 4)
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Let the binds become stable first, as in production, so that
		// each drop is an isolated one.
		b.StopTimer()
		time.Sleep(5100 * time.Millisecond)
		b.StartTimer()
		total += reconnectTime(b, e)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/reconnect")
}
