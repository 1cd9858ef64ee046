package report

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"arauto/internal/wavy"
)

// Stages of the funnel, in order.
const (
	StageRecipients = "recipients"
	StageSubmitted  = "submitted"
	StageSent       = "sent"
	StageDelivered  = "delivered"
	StageRead       = "read"
	StageFailed     = "failed"
	StageExpired    = "expired"
	StageSuppressed = "suppressed"
	// StageCapped is in the funnel only when the frequency cap kept
	// someone from the campaign.
	StageCapped = "capped"
)

// Report is a campaign's delivery report.
type Report struct {
	// Figures are the campaign's numbers as every page shows them; the
	// report's headline numbers, funnel and failures are these.
	Figures Figures
	// Recipients is every message of the campaign's outbox.
	Recipients int64
	// Funnel holds the stages in order: recipients, submitted, sent,
	// delivered, read, failed, expired, suppressed.
	Funnel []Stage
	// Queued and Submitting are messages not yet accepted by the provider;
	// Cancelled were never sent.
	Queued, Submitting, Cancelled int64
	// Awaiting are accepted messages with no status yet.
	Awaiting int64
	// NoReceipt are sent to carriers that give no delivery receipt (Oi,
	// Sercomtel): "sent — the carrier gives no delivery receipt".
	NoReceipt int64
	// Unknown are accepted messages that got no status within the
	// provider's three-day horizon.
	Unknown int64
	// Replies are replies to the campaign's messages; OptOuts the replies
	// that were opt-out keywords.
	Replies, OptOuts int64
	// Failures are failed and expired messages by status code, most
	// frequent first.
	Failures []Failure
	// Capped are recipients the frequency cap kept from the campaign
	// (Figures.Reasons name the rule).
	Capped int64
	// Carriers are results by carrier, most messages first.
	Carriers []Carrier
	// Latency is the time from sent to delivered.
	Latency Latency
	// Timeline is sent, delivered and read messages, and clicks, over
	// time.
	Timeline Timeline
	// Links are the tracked links' clicks, in the message's order.
	Links []LinkFigures
}

// Stage is one step of the funnel.
type Stage struct {
	// Key is one of the Stage* constants (for translation).
	Key string
	// N is the number of messages.
	N int64
	// Pct is N as a percentage of the recipients.
	Pct float64
	// Rate is N as a percentage of the stage it follows (Of); 0 when that
	// stage is empty. Delivered is measured against the sent messages that
	// can get a receipt (sent minus no-receipt).
	Rate float64
	// Of names the stage Rate is relative to; "" for recipients.
	Of string
}

// Failure is one status code's share of the failures.
type Failure struct {
	Code int
	// Name is the documented name (REJECTED_BY_CARRIER); "" for codes the
	// catalogue does not know.
	Name string
	// Phase is "sent" or "delivered"; "" when unknown.
	Phase string
	// MeaningPT and MeaningEN explain the code.
	MeaningPT, MeaningEN string
	// N is the number of messages.
	N int64
	// Pct is N as a percentage of the recipients.
	Pct float64
	// Share is N as a percentage of all failures.
	Share float64
}

// Carrier is one carrier's results.
type Carrier struct {
	Name                    string
	Sent, Delivered, Failed int64
	// NoReceipt marks carriers that never confirm delivery.
	NoReceipt bool
	// DeliveryRate is Delivered as a percentage of Sent; 0 for carriers
	// without receipts.
	DeliveryRate float64
}

// Latency summarises the time from sent to delivered.
type Latency struct {
	// Samples is the number of delivered messages with both times.
	Samples int64
	// Median and P90 are estimated from the histogram (within a bucket's
	// width, about 19%); zero without samples.
	Median, P90 time.Duration
	// Buckets is the histogram, non-empty buckets only, shortest first.
	Buckets []Bucket
}

// Bucket is one histogram bucket: N samples in [Lo, Hi).
type Bucket struct {
	Lo, Hi time.Duration
	N      int64
}

// Timeline is a series of consecutive points Step apart.
type Timeline struct {
	Step   time.Duration
	Points []Point
}

// Point counts what happened in [At, At+Step).
type Point struct {
	At                    time.Time
	Sent, Delivered, Read int64
	// Clicked counts clicks on tracked links.
	Clicked int64
}

// Options tune Build.
type Options struct {
	// MaxPoints bounds the timeline: the step grows (1m, 2m, 5m, ... 1d)
	// until the span fits. Default 120.
	MaxPoints int
	// EstimatedSegments is the pre-flight's estimate kept at launch
	// (Figures.EstimatedSegments).
	EstimatedSegments int64
	// TrackClicks puts the clicked stage in the funnel (the campaign
	// tracks its links); it is there anyway once someone clicked.
	TrackClicks bool
}

// Build makes the report from a campaign's counters.
func Build(counts map[string]int64, o Options) Report {
	if o.MaxPoints <= 0 {
		o.MaxPoints = 120
	}
	r := Report{Figures: Summarize(counts, o.EstimatedSegments)}
	minutes := map[int64]*Point{}
	carriers := map[string]*Carrier{}
	var lat [maxLatencyBucket + 1]int64
	var failures []Failure
	for k, n := range counts {
		switch {
		case !strings.Contains(k, ":"):
			r.Recipients += n
		case strings.HasPrefix(k, prefixCode):
			code, err := strconv.Atoi(k[len(prefixCode):])
			if err == nil && n != 0 {
				failures = append(failures, failure(code, n))
			}
		case strings.HasPrefix(k, prefixCarrier):
			rest := k[len(prefixCarrier):]
			i := strings.LastIndexByte(rest, ':')
			if i <= 0 {
				continue
			}
			name, series := rest[:i], rest[i+1:]
			c := carriers[name]
			if c == nil {
				c = &Carrier{Name: name, NoReceipt: NoReceipt(name)}
				carriers[name] = c
			}
			switch series {
			case SeriesSent:
				c.Sent += n
			case SeriesDelivered:
				c.Delivered += n
			case SeriesFailed:
				c.Failed += n
			}
		case strings.HasPrefix(k, prefixLatency):
			if i, err := strconv.Atoi(k[len(prefixLatency):]); err == nil && i >= 0 && n > 0 {
				lat[min(i, maxLatencyBucket)] += n
			}
		case strings.HasPrefix(k, prefixTime):
			rest := k[len(prefixTime):]
			i := strings.IndexByte(rest, ':')
			if i <= 0 {
				continue
			}
			m, err := strconv.ParseInt(rest[:i], 10, 64)
			if err != nil {
				continue
			}
			p := minutes[m]
			if p == nil {
				p = &Point{At: time.Unix(m*60, 0).UTC()}
				minutes[m] = p
			}
			switch rest[i+1:] {
			case SeriesSent:
				p.Sent += n
			case SeriesDelivered:
				p.Delivered += n
			case SeriesRead:
				p.Read += n
			case SeriesClicked:
				p.Clicked += n
			}
		}
	}
	c := func(k string) int64 { return max(counts[k], 0) }
	r.Queued, r.Submitting, r.Cancelled = c(StateQueued)+c(StateHeld), c(StateSubmitting), c(StateCancelled)
	r.NoReceipt, r.Unknown = c(KeyNoReceipt), c(KeyUnknown)
	r.Replies, r.OptOuts = c(KeyReplies), c(KeyOptOuts)
	submitted := c(StateAccepted)
	sent, delivered := c(KeySent), c(KeyDelivered)
	failedAtProvider, expiredAtProvider := c(KeyFailed), c(KeyExpired)
	// Accepted messages without any status yet (messages may get their
	// first status before the dispatcher records the acceptance, hence the
	// floor).
	r.Awaiting = max(submitted-c(KeyStatus)-r.Unknown, 0)

	stage := func(key string, n int64, of string, base int64) Stage {
		return Stage{Key: key, N: n, Pct: pct(n, r.Recipients), Rate: pct(n, base), Of: of}
	}
	failed := c(StateFailed) + failedAtProvider
	r.Funnel = []Stage{
		stage(StageRecipients, r.Recipients, "", r.Recipients),
		stage(StageSubmitted, submitted, StageRecipients, r.Recipients),
		stage(StageSent, sent, StageSubmitted, submitted),
		stage(StageDelivered, delivered, StageSent, sent-r.NoReceipt),
		stage(StageRead, c(KeyRead), StageDelivered, delivered),
		stage(StageFailed, failed, StageRecipients, r.Recipients),
		stage(StageExpired, c(StateExpired)+expiredAtProvider, StageRecipients, r.Recipients),
		stage(StageSuppressed, c(StateSuppressed), StageRecipients, r.Recipients),
	}
	if o.TrackClicks || r.Figures.Clicked > 0 || r.Figures.Previews > 0 {
		cl := r.Figures.ClickedShare()
		r.Funnel = append(r.Funnel[:5], append([]Stage{{Key: StageClicked, N: cl.N, Pct: pct(cl.N, r.Recipients), Rate: cl.Pct(), Of: StageDelivered}}, r.Funnel[5:]...)...)
	}
	r.Links = Links(counts)
	if r.Capped = c(StateCapped); r.Capped > 0 {
		r.Funnel = append(r.Funnel, stage(StageCapped, r.Capped, StageRecipients, r.Recipients))
	}
	r.Funnel[0].Rate, r.Funnel[0].Of = 100, ""
	if r.Recipients == 0 {
		r.Funnel[0].Pct, r.Funnel[0].Rate = 0, 0
	}

	var allFailures int64
	for _, f := range failures {
		allFailures += f.N
	}
	for i := range failures {
		failures[i].Pct = pct(failures[i].N, r.Recipients)
		failures[i].Share = pct(failures[i].N, allFailures)
	}
	sort.Slice(failures, func(i, j int) bool {
		if failures[i].N != failures[j].N {
			return failures[i].N > failures[j].N
		}
		return failures[i].Code < failures[j].Code
	})
	r.Failures = failures

	for _, cr := range carriers {
		if !cr.NoReceipt {
			cr.DeliveryRate = pct(cr.Delivered, cr.Sent)
		}
		r.Carriers = append(r.Carriers, *cr)
	}
	sort.Slice(r.Carriers, func(i, j int) bool {
		a, b := r.Carriers[i], r.Carriers[j]
		if a.Sent+a.Failed != b.Sent+b.Failed {
			return a.Sent+a.Failed > b.Sent+b.Failed
		}
		return a.Name < b.Name
	})

	r.Latency = latency(lat[:])
	r.Timeline = timeline(minutes, o.MaxPoints)
	return r
}

// Stage returns the funnel stage with the key (zero when absent).
func (r Report) Stage(key string) Stage {
	for _, s := range r.Funnel {
		if s.Key == key {
			return s
		}
	}
	return Stage{Key: key}
}

func failure(code int, n int64) Failure {
	f := Failure{Code: code, N: n}
	if sc, ok := wavy.LookupStatus(code); ok {
		f.Name, f.Phase, f.MeaningPT, f.MeaningEN = sc.Name, sc.Phase.String(), sc.MeaningPT, sc.MeaningEN
	}
	return f
}

// pct is n/of as a percentage rounded to one decimal; 0 when of is not
// positive.
func pct(n, of int64) float64 {
	if of <= 0 || n <= 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(of)) / 10
}

func latency(hist []int64) Latency {
	var l Latency
	for i, n := range hist {
		if n <= 0 {
			continue
		}
		lo, hi := LatencyBounds(i)
		l.Buckets = append(l.Buckets, Bucket{Lo: lo, Hi: hi, N: n})
		l.Samples += n
	}
	l.Median = Quantile(l.Buckets, 0.5)
	l.P90 = Quantile(l.Buckets, 0.9)
	return l
}

// Quantile estimates the q-quantile (0 < q <= 1) of a histogram: the
// duration at or below which a fraction q of the samples lie,
// interpolating within the bucket (geometrically, as the buckets are on a
// log scale; linearly in the first one, which starts at zero).
func Quantile(buckets []Bucket, q float64) time.Duration {
	var total int64
	for _, b := range buckets {
		total += b.N
	}
	if total == 0 {
		return 0
	}
	target := q * float64(total)
	var cum float64
	for _, b := range buckets {
		if b.N <= 0 {
			continue
		}
		if cum+float64(b.N) >= target {
			frac := (target - cum) / float64(b.N)
			if b.Lo <= 0 {
				return time.Duration(frac * float64(b.Hi))
			}
			return time.Duration(float64(b.Lo) * math.Pow(float64(b.Hi)/float64(b.Lo), frac))
		}
		cum += float64(b.N)
	}
	return buckets[len(buckets)-1].Hi
}

// steps are the timeline resolutions, finest first.
var steps = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

func timeline(minutes map[int64]*Point, maxPoints int) Timeline {
	if len(minutes) == 0 {
		return Timeline{Step: time.Minute}
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for m := range minutes {
		first, last = min(first, m), max(last, m)
	}
	step := steps[len(steps)-1]
	for _, s := range steps {
		sm := int64(s / time.Minute)
		if last/sm-first/sm+1 <= int64(maxPoints) {
			step = s
			break
		}
	}
	sm := int64(step / time.Minute)
	start := floorDiv(first, sm) * sm
	n := floorDiv(last, sm) - floorDiv(first, sm) + 1
	t := Timeline{Step: step, Points: make([]Point, n)}
	for i := range t.Points {
		t.Points[i].At = time.Unix((start+int64(i)*sm)*60, 0).UTC()
	}
	for m, p := range minutes {
		i := floorDiv(m, sm) - floorDiv(first, sm)
		t.Points[i].Sent += p.Sent
		t.Points[i].Delivered += p.Delivered
		t.Points[i].Read += p.Read
		t.Points[i].Clicked += p.Clicked
	}
	return t
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}
