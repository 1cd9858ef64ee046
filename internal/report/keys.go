package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Counter keys of delivery facts. Each message adds at most one to each.
const (
	// KeySent counts messages the carrier (or WhatsApp's server) accepted.
	KeySent = "r:sent"
	// KeyDelivered counts messages delivered to the handset.
	KeyDelivered = "r:delivered"
	// KeyRead counts WhatsApp messages read.
	KeyRead = "r:read"
	// KeyFailed counts messages refused or not delivered (not expired).
	KeyFailed = "r:failed"
	// KeyExpired counts messages the provider reported expired (101).
	KeyExpired = "r:expired"
	// KeyNoReceipt counts messages sent to carriers that give no delivery
	// receipt (Oi, Sercomtel) and so never get one.
	KeyNoReceipt = "r:noreceipt"
	// KeyUnknown counts accepted messages that got no status within the
	// provider's three-day horizon.
	KeyUnknown = "r:unknown"
	// KeyStatus counts messages with any status (sent or delivered code),
	// so that those still awaiting one are known.
	KeyStatus = "r:status"
	// KeyReplies counts replies linked to the campaign's messages.
	KeyReplies = "r:replies"
	// KeyOptOuts counts those replies that were opt-outs.
	KeyOptOuts = "r:optouts"
	// KeyBilled counts what the messages the carrier accepted (SENT_SUCCESS,
	// the status Wavy bills by) are billed: their SMS segments (the SMS a
	// Sercomtel recipient gets), one per WhatsApp message. See Billed.
	KeyBilled = "r:billed"
)

// prefixRefused starts the counters of messages refused before the
// provider took them, by kind (dispatch.RefusalKind).
const prefixRefused = "refused:"

// RefusedKey is the counter of messages refused here for a reason of this
// kind (too_long, no_session, rejected, other).
func RefusedKey(kind string) string { return prefixRefused + kind }

// Billed is what one message is billed once its sent status is known: 0
// unless the carrier accepted it (sentOK); then the SMS a Sercomtel
// recipient gets when it is on Sercomtel and that was counted, else its
// segments, at least 1 (a WhatsApp message, or one accepted before
// segments were recorded).
func Billed(sentOK bool, carrier string, segments, sercomtel int) int64 {
	if !sentOK {
		return 0
	}
	if sercomtel > 0 && CarrierName(carrier) == "SERCOMTEL" {
		return int64(sercomtel)
	}
	return int64(max(segments, 1))
}

// Dispatcher states, the counter keys the outbox keeps.
const (
	StateQueued = "queued"
	// StateHeld is an A/B test's remainder waiting for the winner.
	StateHeld       = "held"
	StateSubmitting = "submitting"
	StateAccepted   = "accepted"
	StateFailed     = "failed"
	StateSuppressed = "suppressed"
	StateExpired    = "expired"
	StateCancelled  = "cancelled"
	// StateCapped: the frequency cap kept the recipient from the campaign.
	StateCapped = "capped"
	// StateUnknown: the send had no clear answer on a channel the
	// provider cannot be asked about (WhatsApp); never resent.
	StateUnknown = "unknown"
)

// Series of the timeline and the carrier counters.
const (
	SeriesSent      = "sent"
	SeriesDelivered = "delivered"
	SeriesRead      = "read"
	SeriesFailed    = "failed"
)

const (
	prefixCap     = "cap:"
	prefixCode    = "code:"
	prefixCarrier = "carrier:"
	prefixLatency = "lat:"
	prefixTime    = "ts:"
)

// CodeKey is the counter of failures with a status code.
func CodeKey(code int) string { return prefixCode + strconv.Itoa(code) }

// CarrierKey is the counter of one carrier's sent, delivered or failed
// messages. Names are trimmed and upper-cased.
func CarrierKey(carrier, series string) string {
	return prefixCarrier + CarrierName(carrier) + ":" + series
}

// CarrierName is the form carrier names are counted under.
func CarrierName(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// NoReceipt reports whether a carrier never sends delivery receipts: Oi
// and Sercomtel give only the first (sent) status.
func NoReceipt(carrier string) bool {
	switch CarrierName(carrier) {
	case "OI", "SERCOMTEL":
		return true
	}
	return false
}

// TimelineKey is the counter of a series in the minute of t.
func TimelineKey(t time.Time, series string) string {
	return prefixTime + strconv.FormatInt(t.Unix()/60, 10) + ":" + series
}

// LatencyKey is the histogram counter d falls in.
func LatencyKey(d time.Duration) string { return prefixLatency + strconv.Itoa(LatencyBucket(d)) }

// The latency histogram: bucket 0 holds [0, latencyBase); bucket i >= 1
// holds [latencyBase*2^((i-1)/4), latencyBase*2^(i/4)), four buckets per
// doubling (each about 19% wide), up to maxLatencyBucket, which takes
// everything longer (about 19 days).
const (
	latencyBase      = 100 * time.Millisecond
	latencyPerDouble = 4
	maxLatencyBucket = 96
)

// LatencyBucket returns the histogram bucket of d; negative durations (clock
// differences) count as zero.
func LatencyBucket(d time.Duration) int {
	if d < latencyBase {
		return 0
	}
	i := int(math.Floor(math.Log2(float64(d)/float64(latencyBase))*latencyPerDouble)) + 1
	// Guard float rounding at the edges.
	for i > 1 && d < bucketLow(i) {
		i--
	}
	for i < maxLatencyBucket && d >= bucketLow(i+1) {
		i++
	}
	return min(i, maxLatencyBucket)
}

// LatencyBounds returns the bucket's range [lo, hi).
func LatencyBounds(i int) (lo, hi time.Duration) {
	if i <= 0 {
		return 0, latencyBase
	}
	i = min(i, maxLatencyBucket)
	return bucketLow(i), bucketLow(i + 1)
}

func bucketLow(i int) time.Duration {
	if i <= 0 {
		return 0
	}
	return time.Duration(math.Round(float64(latencyBase) * math.Exp2(float64(i-1)/latencyPerDouble)))
}

// Counter keys of the WhatsApp -> SMS fallback (internal/fallback). The
// WhatsApp campaign counts its fallbacks (KeyFallbacks, and by reason);
// its hidden SMS companion's own counters are read beside them under
// FallbackPrefix ("fb:accepted", "fb:r:delivered", ...).
const (
	// KeyFallbacks counts the recipients whose SMS fallback was queued.
	KeyFallbacks = "fb:created"
	// FallbackPrefix starts the companion's counters.
	FallbackPrefix    = "fb:"
	prefixFallbackWhy = "fb:why:"
)

// FallbackReasonKey counts the fallbacks of one reason (a status code,
// "code-210", or "timeout").
func FallbackReasonKey(reason string) string { return prefixFallbackWhy + reason }
