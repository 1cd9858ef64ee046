package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
)

func TestLatencyBuckets(t *testing.T) {
	prevLo := time.Duration(-1)
	for i := 0; i <= maxLatencyBucket; i++ {
		lo, hi := LatencyBounds(i)
		if lo <= prevLo || hi <= lo {
			t.Fatalf("bucket %d got [%v, %v), want increasing bounds", i, lo, hi)
		}
		prevLo = lo
		if got := LatencyBucket(lo); got != i {
			t.Errorf("LatencyBucket(%v) = %d, want %d (its low bound)", lo, got, i)
		}
		if got := LatencyBucket(hi - 1); got != i && i != maxLatencyBucket {
			t.Errorf("LatencyBucket(%v) = %d, want %d (just under its high bound)", hi-1, got, i)
		}
		if i > 1 {
			if w := float64(hi) / float64(lo); math.Abs(w-math.Pow(2, 0.25)) > 0.01 {
				t.Errorf("bucket %d is %.3fx wide, want 2^(1/4)", i, w)
			}
		}
	}
	tests := []struct {
		d    time.Duration
		want int
	}{
		{-time.Second, 0},
		{0, 0},
		{99 * time.Millisecond, 0},
		{100 * time.Millisecond, 1},
		{200 * time.Millisecond, 5},
		{time.Second, 14}, // 100ms * 2^(13/4) = 952ms <= 1s < 1.13s
		{30 * 24 * time.Hour, maxLatencyBucket},
	}
	for _, tt := range tests {
		if got := LatencyBucket(tt.d); got != tt.want {
			t.Errorf("LatencyBucket(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
	if LatencyKey(150*time.Millisecond) != "lat:3" {
		t.Errorf("LatencyKey(150ms) = %s, want lat:3", LatencyKey(150*time.Millisecond))
	}
}

// TestQuantileAccuracy compares the histogram's median and p90 with the
// exact ones over log-normal samples (DLR delays spread over orders of
// magnitude): within a bucket's width.
func TestQuantileAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var samples []time.Duration
	counts := map[string]int64{}
	for range 20000 {
		d := time.Duration(math.Exp(r.NormFloat64()*1.5+math.Log(8)) * float64(time.Second))
		samples = append(samples, d)
		counts[LatencyKey(d)]++
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	rep := Build(counts, Options{})
	for _, q := range []struct {
		name string
		got  time.Duration
		p    float64
	}{{"median", rep.Latency.Median, 0.5}, {"p90", rep.Latency.P90, 0.9}} {
		exact := samples[int(q.p*float64(len(samples)))]
		if ratio := float64(q.got) / float64(exact); ratio < 0.84 || ratio > 1.19 {
			t.Errorf("%s got %v, want within a bucket (19%%) of the exact %v", q.name, q.got, exact)
		}
	}
	if rep.Latency.Samples != 20000 {
		t.Errorf("got %d samples, want 20000", rep.Latency.Samples)
	}
	if Quantile(nil, 0.5) != 0 {
		t.Errorf("empty histogram got a quantile")
	}
}

func TestBuildFunnel(t *testing.T) {
	counts := map[string]int64{
		// dispatcher states
		StateAccepted: 900, StateFailed: 20, StateSuppressed: 50, StateExpired: 10, StateQueued: 15, StateCancelled: 5,
		// delivery facts
		KeyStatus: 880, KeySent: 850, KeyDelivered: 700, KeyRead: 300, KeyFailed: 120, KeyExpired: 10,
		KeyNoReceipt: 100, KeyUnknown: 5, KeyReplies: 40, KeyOptOuts: 3,
		CodeKey(104): 50, CodeKey(202): 30, CodeKey(103): 40, CodeKey(101): 10, CodeKey(999): 0,
		"carrier:VIVO:sent": 500, "carrier:VIVO:delivered": 450, "carrier:VIVO:failed": 20,
		"carrier:OI:sent": 100, "carrier:TIM:sent": 250, "carrier:TIM:delivered": 250,
		"bogus:key": 7, "carrier:broken": 3, "ts:notanumber:sent": 1,
	}
	r := Build(counts, Options{})
	var got []Stage
	got = append(got, r.Funnel...)
	want := []Stage{
		{StageRecipients, 1000, 100, 100, ""},
		{StageSubmitted, 900, 90, 90, StageRecipients},
		{StageSent, 850, 85, 94.4, StageSubmitted},
		{StageDelivered, 700, 70, 93.3, StageSent}, // of the 750 that can get a receipt
		{StageRead, 300, 30, 42.9, StageDelivered},
		{StageFailed, 140, 14, 14, StageRecipients},
		{StageExpired, 20, 2, 2, StageRecipients},
		{StageSuppressed, 50, 5, 5, StageRecipients},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got funnel\n%v\nwant\n%v", got, want)
	}
	if r.Queued != 15 || r.Cancelled != 5 || r.NoReceipt != 100 || r.Unknown != 5 || r.Replies != 40 || r.OptOuts != 3 {
		t.Errorf("got %+v, want the side counts", r)
	}
	if r.Awaiting != 900-880-5 {
		t.Errorf("got %d awaiting, want %d", r.Awaiting, 900-880-5)
	}
	var codes []int
	for _, f := range r.Failures {
		codes = append(codes, f.Code)
	}
	if !slices.Equal(codes, []int{104, 103, 202, 101}) {
		t.Errorf("got failure codes %v, want by count, zero counts left out", codes)
	}
	if f := r.Failures[0]; f.Name != "NOT_DELIVERED" || f.Phase != "delivered" || f.MeaningPT == "" || f.MeaningEN == "" || f.Pct != 5 || f.Share != 38.5 {
		t.Errorf("got %+v, want NOT_DELIVERED with meanings, 5%% of recipients, 38.5%% of failures", f)
	}
	var carriers []string
	for _, c := range r.Carriers {
		carriers = append(carriers, c.Name)
	}
	if !slices.Equal(carriers, []string{"VIVO", "TIM", "OI"}) {
		t.Errorf("got carriers %v, want by volume", carriers)
	}
	if c := r.Carriers[2]; !c.NoReceipt || c.DeliveryRate != 0 {
		t.Errorf("got %+v, want OI without receipts and no rate", c)
	}
	if c := r.Carriers[0]; c.DeliveryRate != 90 {
		t.Errorf("got VIVO rate %v, want 90", c.DeliveryRate)
	}
}

func TestBuildEmpty(t *testing.T) {
	r := Build(nil, Options{})
	if r.Recipients != 0 || len(r.Funnel) != 8 || r.Funnel[0].Pct != 0 || r.Latency.Median != 0 || len(r.Timeline.Points) != 0 {
		t.Errorf("got %+v, want an empty report with the eight stages", r)
	}
	if s := r.Stage("nope"); s.N != 0 || s.Key != "nope" {
		t.Errorf("got %+v for an unknown stage", s)
	}
}

func TestTimeline(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 30, 0, time.UTC)
	tests := []struct {
		name   string
		span   time.Duration
		max    int
		step   time.Duration
		points int
	}{
		{"an hour by the minute", 59 * time.Minute, 0, time.Minute, 60},
		{"three hours by 2 minutes", 3 * time.Hour, 120, 2 * time.Minute, 91},
		{"three days by the hour", 72 * time.Hour, 120, time.Hour, 73},
		{"three days in 10 points", 72 * time.Hour, 10, 12 * time.Hour, 7},
	}
	for _, tt := range tests {
		counts := map[string]int64{
			TimelineKey(t0, SeriesSent):                  5,
			TimelineKey(t0, SeriesDelivered):             2,
			TimelineKey(t0.Add(tt.span), SeriesSent):     1,
			TimelineKey(t0.Add(tt.span), SeriesRead):     4,
			TimelineKey(t0.Add(tt.span/2), SeriesFailed): 9, // not a timeline series
		}
		tl := Build(counts, Options{MaxPoints: tt.max}).Timeline
		if tl.Step != tt.step || len(tl.Points) != tt.points {
			t.Errorf("%s: got step %v and %d points, want %v and %d", tt.name, tl.Step, len(tl.Points), tt.step, tt.points)
			continue
		}
		var sent, deliv, read int64
		for i, p := range tl.Points {
			sent, deliv, read = sent+p.Sent, deliv+p.Delivered, read+p.Read
			if i > 0 && p.At.Sub(tl.Points[i-1].At) != tl.Step {
				t.Errorf("%s: point %d at %v, want consecutive steps", tt.name, i, p.At)
			}
			if p.At.Unix()%int64(tl.Step/time.Second) != 0 {
				t.Errorf("%s: point at %v, want aligned to the step", tt.name, p.At)
			}
		}
		if sent != 6 || deliv != 2 || read != 4 {
			t.Errorf("%s: got totals %d/%d/%d, want 6/2/4", tt.name, sent, deliv, read)
		}
		if first := tl.Points[0]; first.Sent != 5 || first.At.After(t0) {
			t.Errorf("%s: got first point %+v, want the first minute's 5 sent", tt.name, first)
		}
	}
}

func TestKeys(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 1, 59, 0, time.UTC)
	tests := []struct{ got, want string }{
		{CodeKey(104), "code:104"},
		{CarrierKey(" vivo ", SeriesSent), "carrier:VIVO:sent"},
		{TimelineKey(at, SeriesRead), "ts:" + strconv.FormatInt(at.Unix()/60, 10) + ":read"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	for _, c := range []struct {
		name string
		want bool
	}{{"OI", true}, {"Oi", true}, {" SERCOMTEL", true}, {"VIVO", false}, {"", false}} {
		if got := NoReceipt(c.name); got != c.want {
			t.Errorf("NoReceipt(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	counts := map[string]int64{StateAccepted: 1_000_000, KeySent: 990_000, KeyDelivered: 950_000}
	t0 := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for m := range 3 * 24 * 60 {
		for _, s := range []string{SeriesSent, SeriesDelivered, SeriesRead} {
			counts[TimelineKey(t0.Add(time.Duration(m)*time.Minute), s)] = 100
		}
	}
	for i := range 90 {
		lo, _ := LatencyBounds(i)
		counts[LatencyKey(lo)] = 1000
	}
	for b.Loop() {
		Build(counts, Options{})
	}
}

// TestBuildNamesTheCap: recipients the frequency cap kept away are a stage
// of their own, with the rule that did it.
func TestBuildNamesTheCap(t *testing.T) {
	r := Build(map[string]int64{"accepted": 6, "capped": 4, "cap:frequency_cap:sms:1:1": 4}, Options{})
	if r.Recipients != 10 || r.Capped != 4 || r.Stage(StageCapped).N != 4 || r.Stage(StageCapped).Pct != 40 {
		t.Errorf("got recipients %d capped %d stage %+v, want 10, 4 and 40%%", r.Recipients, r.Capped, r.Stage(StageCapped))
	}
	if r.Figures.Capped != 4 || len(r.Figures.Reasons) != 1 {
		t.Fatalf("got figures capped %d reasons %+v, want 4 and one reason", r.Figures.Capped, r.Figures.Reasons)
	}
	if rs := r.Figures.Reasons[0]; rs.Kind != ReasonCapped || rs.Share.N != 4 || rs.Share.Of != 10 || rs.Cap.Max != 1 || rs.Cap.Days != 1 || rs.Cap.Channel != "sms" {
		t.Errorf("got reason %+v, want the rule of 1 SMS a day with 4 of 10", rs)
	}
	if r := Build(map[string]int64{"accepted": 6}, Options{}); len(r.Funnel) != 8 {
		t.Errorf("a campaign nobody was capped from shows a capped stage")
	}
}
