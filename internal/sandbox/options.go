package sandbox

import (
	"log/slog"
	"net/http"
	"time"

	"arauto/internal/sms"
)

// Default values applied by New when the corresponding Options field is zero.
const (
	// DefaultUsername is the UserName header value the sandbox accepts by default.
	DefaultUsername = "sandbox"
	// DefaultToken is the AuthenticationToken header value the sandbox accepts by default.
	DefaultToken = "sandbox"
	// DefaultRateLimit is the documented limit of 700 requests per second per IP.
	DefaultRateLimit = 700
	// DefaultStatusQueryRate is the documented limit of 1 status query per second per IP.
	DefaultStatusQueryRate = 1
	// DefaultReplyRate is the share of reached recipients who answer with an MO.
	DefaultReplyRate = 0.03
	// DefaultReadRate is the share of delivered WhatsApp messages that get read.
	DefaultReadRate = 0.7
	// DefaultWebhookAttempts bounds how often one webhook is tried before it is dropped.
	DefaultWebhookAttempts = 6
	// DefaultWebhookWorkers is the number of concurrent webhook POSTs.
	DefaultWebhookWorkers = 8
	// MaxMessagesPerRequest is the documented send-bulk-sms limit (and the one
	// the sandbox applies to WhatsApp destinations, carrier lookups and status searches).
	MaxMessagesPerRequest = 1000
	// MaxMessageTextLen is the documented messageText limit in characters,
	// counted as sms.Length counts them (UTF-16 code units, as the Java
	// backend does), the one count the client, composer and pre-flight use.
	MaxMessageTextLen = sms.MaxLength
	// MaxCorrelationIDLen is the documented correlationId limit in characters.
	MaxCorrelationIDLen = 64
	// MaxExtraInfoLen is the documented extraInfo limit in characters.
	MaxExtraInfoLen = 255
	// ShortCode is the LA the sandbox's SMS MOs arrive on (one of the two enabled by default).
	ShortCode = "27182"
	// WhatsAppOrigin is the sandbox's WhatsApp business number reported as "origin".
	WhatsAppOrigin = "5511900000000"
	// CustomerID is the customerId the sandbox reports in clientInfo and accepts in /v1/session.
	CustomerID = 42
)

// Options configures a Sandbox. The zero value is usable: New fills defaults.
type Options struct {
	// Username and Token are the accepted UserName / AuthenticationToken
	// header values (default "sandbox" / "sandbox").
	Username, Token string
	// Seed makes outcomes, delays and replies reproducible.
	Seed int64
	// StatusURL receives SMS sent-status callbacks and delivery reports.
	// MOURL receives SMS MOs. WhatsAppURL receives WhatsApp status events and
	// MOs. An empty URL means that kind of webhook is not posted.
	StatusURL, MOURL, WhatsAppURL string
	// DelayScale multiplies the realistic delays between send, sent-status
	// callback, DLR, read and reply (1 = seconds to minutes, 0 = immediate).
	DelayScale float64
	// Outcomes is the weighted mix of message fates. All-zero means
	// DefaultOutcomes.
	Outcomes Outcomes
	// WhatsAppUnreachable is the share of numbers that do not use
	// WhatsApp: every WhatsApp message to one of them fails with 202
	// (INVALID_DESTINATION_NUMBER, "contato de WhatsApp inválido"), while
	// SMS reach them as usual. Chosen by a hash of the number alone, so a
	// number is unreachable on every send. 0 means none beyond the ordinary
	// draw of fates.
	WhatsAppUnreachable float64
	// ReplyRate is the share of reached recipients who answer with an MO
	// (some of them the opt-out word SAIR). 0 means DefaultReplyRate; a
	// negative value disables replies.
	ReplyRate float64
	// ReadRate is the share of delivered WhatsApp messages that are read.
	// 0 means DefaultReadRate; negative means none.
	ReadRate float64
	// ClickRate is the share of delivered SMS carrying the console's short
	// links whose recipient clicks one, a human while after the delivery;
	// PreviewRate the share a preview bot unfurls within a second of it.
	// 0 means DefaultClickRate / DefaultPreviewRate; negative means none.
	ClickRate, PreviewRate float64
	// Faults injects failures into API responses; change it at run time with SetFaults.
	Faults Faults
	// RateLimit is the number of API requests per second per client IP
	// before 429. 0 means DefaultRateLimit; negative disables the limit.
	RateLimit float64
	// StatusQueryRate is the number of status queries (search and list) per
	// second per client IP before 429. 0 means DefaultStatusQueryRate;
	// negative disables the limit.
	StatusQueryRate float64
	// WhatsAppOpenSessions treats every WhatsApp recipient as having an open
	// 24-hour session, so free-form messages never fail with INVALID_SESSION.
	WhatsAppOpenSessions bool
	// NoCreditAfter simulates an account whose credit runs out: the first
	// NoCreditAfter SMS accepted are sent as planned, every later one gets
	// sent status 201 NO_CREDIT (not billed, no delivery report), until
	// SetNoCreditAfter (or PUT CreditPath) gives credit back. 0 means the
	// credit never runs out.
	NoCreditAfter int64
	// WebhookAttempts bounds the tries per webhook (0 = DefaultWebhookAttempts).
	WebhookAttempts int
	// WebhookWorkers is the number of concurrent webhook POSTs (0 = DefaultWebhookWorkers).
	WebhookWorkers int
	// OffHeapLedger keeps the ledger's records and strings in memory
	// mapped outside the Go heap (offheap.go), for a process that runs one
	// sandbox until it exits (`arauto sandbox`): the collector then paces
	// itself by what requests and webhooks allocate, not by the ledger.
	// The memory is given back when the ledger is pruned, never when the
	// Sandbox is dropped, so tests leave it off.
	OffHeapLedger bool
	// HTTPClient posts webhooks; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// SMPPRate is how many submit_sm per second one bind may send before
	// ESME_RTHROTTLED: 0 means DefaultSMPPRate (the seeds' 80), negative
	// no limit.
	SMPPRate float64
	// SMPPPassword is the password SMPP binds must give; empty means
	// Token. SMPP passwords have at most 8 characters, so a long generated
	// token needs a password of its own.
	SMPPPassword string
	// SMPPIdleTimeout closes binds silent for that long (0 means
	// DefaultSMPPIdleTimeout).
	SMPPIdleTimeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Faults describes failures injected into API responses. Rates are
// probabilities in [0, 1], drawn from a generator seeded with Options.Seed.
type Faults struct {
	// ErrorRate is the share of requests answered 500 without doing anything.
	ErrorRate float64
	// Status503Rate is the share of requests answered 503 without doing anything.
	Status503Rate float64
	// Status429Rate is the share of requests answered 429 without doing anything.
	Status429Rate float64
	// Latency is added before every API response.
	Latency time.Duration
	// SMPPDropRate is the share of submit_sm after which the SMPP server
	// records the message and then closes the connection, answering
	// neither it nor the PDUs behind it in the window.
	SMPPDropRate float64
	// SMPPRespDelay delays every submit_sm_resp.
	SMPPRespDelay time.Duration
	// SMPPThrottleRate is the share of submit_sm answered ESME_RTHROTTLED.
	SMPPThrottleRate float64
	// AcceptThen500Rate is the share of send requests whose messages are
	// accepted and recorded (and will be reported) but answered 500: the
	// "unknown outcome" case.
	AcceptThen500Rate float64
}

// Outcomes weighs the fates of accepted messages. Weights are relative; they
// need not sum to 1 or 100.
type Outcomes struct {
	// Delivered: SENT_SUCCESS (2) then DELIVERED_SUCCESS (4), or only the
	// sent status for OI and Sercomtel numbers.
	Delivered float64
	// NotDelivered: SENT_SUCCESS (2) then NOT_DELIVERED (104).
	NotDelivered float64
	// Expired: EXPIRED (101).
	Expired float64
	// InvalidDestination: INVALID_DESTINATION_NUMBER (202).
	InvalidDestination float64
	// Blacklisted: BLACKLISTED (203).
	Blacklisted float64
	// OptedOut: DESTINATION_BLOCKED_BY_OPTOUT (204).
	OptedOut float64
	// MessageLimitReached: DESTINATION_MESSAGE_LIMIT_REACHED (205).
	MessageLimitReached float64
	// RejectedByCarrier: REJECTED_BY_CARRIER (103).
	RejectedByCarrier float64
	// CarrierError: CARRIER_COMMUNICATION_ERROR (102).
	CarrierError float64
	// NoCredit: NO_CREDIT (201).
	NoCredit float64
	// InternalError: INTERNAL_ERROR (301).
	InternalError float64
}

// DefaultOutcomes is a realistic Brazilian marketing mix: about 90% delivered.
var DefaultOutcomes = Outcomes{
	Delivered:           90,
	NotDelivered:        4,
	Expired:             1,
	InvalidDestination:  2,
	Blacklisted:         0.5,
	OptedOut:            0.5,
	MessageLimitReached: 0.3,
	RejectedByCarrier:   0.7,
	CarrierError:        0.5,
	NoCredit:            0,
	InternalError:       0.5,
}

// fate is one of the outcome buckets.
type fate uint8

const (
	fateDelivered fate = iota
	fateNotDelivered
	fateExpired
	fateInvalidDestination
	fateBlacklisted
	fateOptedOut
	fateMessageLimit
	fateRejected
	fateCarrierError
	fateNoCredit
	fateInternalError
	numFates
)

func (o Outcomes) weights() [numFates]float64 {
	return [numFates]float64{
		o.Delivered, o.NotDelivered, o.Expired, o.InvalidDestination, o.Blacklisted,
		o.OptedOut, o.MessageLimitReached, o.RejectedByCarrier, o.CarrierError,
		o.NoCredit, o.InternalError,
	}
}

// cumulative returns the cumulative distribution over fates, falling back to
// DefaultOutcomes when no weight is positive.
func (o Outcomes) cumulative() [numFates]float64 {
	w := o.weights()
	total := 0.0
	for _, v := range w {
		if v > 0 {
			total += v
		}
	}
	if total == 0 {
		return DefaultOutcomes.cumulative()
	}
	var c [numFates]float64
	acc := 0.0
	for i, v := range w {
		if v > 0 {
			acc += v / total
		}
		c[i] = acc
	}
	return c
}

// pick maps u in [0, 1) to a fate with a positive weight.
func pickFate(cum *[numFates]float64, u float64) fate {
	last := fateDelivered
	prev := 0.0
	for i, c := range cum {
		if c > prev {
			last = fate(i)
			if u < c {
				return fate(i)
			}
		}
		prev = c
	}
	return last
}
