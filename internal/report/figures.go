package report

import (
	"sort"
	"strconv"
	"strings"

	"arauto/internal/billing"
	"arauto/internal/frequency"
)

// Figures are a campaign's numbers as every page shows them — the
// dashboard, the campaign page, the report, the exports — each defined
// once, here, from the campaign's counters (Summarize). Percentages are
// Shares, which carry their denominator, so a page writes "66,7% de 6
// enviadas" and two pages can never show one number over two bases.
type Figures struct {
	// Recipients is every message of the campaign's outbox.
	Recipients int64
	// Waiting are messages not yet handed to the provider: queued (or held
	// for an A/B test's winner), or in a request whose answer is awaited.
	Waiting int64
	// Submitted are messages the provider accepted ("enviadas à Wavy").
	Submitted int64
	// Sent are messages the carrier (or WhatsApp) accepted: SENT_SUCCESS,
	// the status Wavy bills by.
	Sent int64
	// Delivered reached the handset; Read were read (WhatsApp).
	Delivered, Read int64
	// NoReceipt were sent to carriers that never confirm delivery (Oi,
	// Sercomtel): sent, no receipt will come.
	NoReceipt int64
	// Awaiting are submitted messages without any status yet.
	Awaiting int64
	// Failed are messages refused by the provider or the carrier, and those
	// refused here before sending (Refused, among them): too long once
	// personalised, no WhatsApp session, a request refused whole.
	Failed, Refused int64
	// Expired ran out of time, here or at the provider.
	Expired int64
	// Suppressed were not sent: their number is on the suppression list.
	Suppressed int64
	// Cancelled were never sent: the campaign was cancelled.
	Cancelled int64
	// Capped were not sent: the frequency cap kept them from the campaign
	// (the Reasons name the rule).
	Capped int64
	// Unknown got no answer that says what became of them: no status
	// within the provider's three days, or an unclear answer that could not
	// be looked up.
	Unknown int64
	// BilledSegments is what the messages the carrier accepted are billed:
	// SMS segments (a Sercomtel recipient's separate SMS), one per WhatsApp
	// message. EstimatedSegments is the pre-flight's estimate at launch (0
	// when unknown).
	BilledSegments, EstimatedSegments int64
	// Clicked are recipients who clicked a tracked link at least once;
	// Clicks every click; Previews the fetches of link-preview bots and
	// crawlers, counted apart and never as clicks.
	Clicked, Clicks, Previews int64
	// Reasons say why messages were not delivered: the provider's status
	// codes and the refusals here, most frequent first.
	Reasons []Reason
	// Fallback are the SMS of a WhatsApp campaign's recipients WhatsApp
	// could not reach (internal/fallback); zero without any.
	Fallback FallbackFigures
}

// FallbackFigures are a WhatsApp campaign's fallback SMS: how many
// recipients fell back (FellBack, and by reason), and what became of
// their SMS, defined as for the campaign's own messages (Summarize over
// the SMS companion's counters).
type FallbackFigures struct {
	FellBack int64
	// ByReason counts the fallbacks by reason (a status code "code-210",
	// or "timeout").
	ByReason map[string]int64
	// Submitted, Sent, Delivered, Failed and Waiting are the SMS's, as
	// Figures defines them; BilledSegments what they are billed.
	Submitted, Sent, Delivered, Failed, Waiting, Suppressed int64
	BilledSegments                                          int64
}

// DeliveredShare is the fallback SMS delivered, over those submitted.
func (f FallbackFigures) DeliveredShare() Share {
	return Share{N: f.Delivered, Of: f.Submitted, Base: OfSubmitted}
}

// ReachedAny counts the recipients delivered on either channel: the
// WhatsApp deliveries plus the fallback SMS delivered (a recipient falls
// back only when WhatsApp did not deliver).
func (f Figures) ReachedAny() int64 { return f.Delivered + f.Fallback.Delivered }

// fallbackFigures reads the fallback counters: the WhatsApp campaign's
// own (KeyFallbacks, by reason) and the companion's under FallbackPrefix,
// summarised by the same definitions as a campaign's.
func fallbackFigures(counts map[string]int64) FallbackFigures {
	fb := FallbackFigures{FellBack: max(counts[KeyFallbacks], 0)}
	companion := map[string]int64{}
	for k, n := range counts {
		switch {
		case strings.HasPrefix(k, prefixFallbackWhy):
			if fb.ByReason == nil {
				fb.ByReason = map[string]int64{}
			}
			fb.ByReason[k[len(prefixFallbackWhy):]] = n
		case k == KeyFallbacks:
		case strings.HasPrefix(k, FallbackPrefix):
			companion[k[len(FallbackPrefix):]] = n
		}
	}
	if len(companion) == 0 {
		return fb
	}
	sms := Summarize(companion, 0)
	fb.Submitted, fb.Sent, fb.Delivered, fb.Failed = sms.Submitted, sms.Sent, sms.Delivered, sms.Failed
	fb.Waiting, fb.Suppressed, fb.BilledSegments = sms.Waiting, sms.Suppressed, sms.BilledSegments
	return fb
}

// Bases of the Shares, named for translation (figures.of.<base>).
const (
	OfRecipients = "recipients"
	OfSubmitted  = "submitted"
	OfDelivered  = "delivered"
)

// Share is a count over its denominator.
type Share struct {
	N, Of int64
	// Base names what Of counts (Of*).
	Base string
}

// Pct is N as a percentage of Of, one decimal; 0 when Of is not positive.
func (s Share) Pct() float64 { return pct(s.N, s.Of) }

// Kinds of Reason besides the provider's codes: refusals here
// (dispatch.RefusalKind: too_long, no_session, rejected, other) and these.
const (
	// ReasonSuppressed: the number is on the suppression list.
	ReasonSuppressed = "suppressed"
	// ReasonExpiredUnsent: the campaign's expiry came before it was sent.
	ReasonExpiredUnsent = "expired_unsent"
	// ReasonCapped: the frequency cap (Reason.Cap) kept the number from
	// the campaign.
	ReasonCapped = "capped"
)

// Reason is one cause of messages not delivered.
type Reason struct {
	// Code is the provider's status code; 0 for a cause found here.
	Code int
	// Kind names a cause found here (ReasonSuppressed, ReasonExpiredUnsent
	// or a refusal kind); "" for a provider code.
	Kind string
	// Failure is the provider code's name and meaning (Code != 0).
	Failure Failure
	// Share is N over the recipients.
	Share Share
	// Cap is the frequency rule that kept the messages back (Kind
	// ReasonCapped).
	Cap frequency.Rule
}

// Summarize computes the figures from a campaign's counters (the dispatch
// states and the delivery keys; see the package documentation) and the
// pre-flight's estimate of its billed segments, kept at launch.
func Summarize(counts map[string]int64, estimatedSegments int64) Figures {
	c := func(k string) int64 { return max(counts[k], 0) }
	f := Figures{EstimatedSegments: estimatedSegments}
	var refusedByKind []Reason
	var refusedCounted int64
	for k, n := range counts {
		switch {
		case !strings.Contains(k, ":"):
			f.Recipients += n
		case strings.HasPrefix(k, prefixCode):
			if code, err := strconv.Atoi(k[len(prefixCode):]); err == nil && n > 0 {
				fl := failure(code, n)
				f.Reasons = append(f.Reasons, Reason{Code: code, Failure: fl, Share: Share{N: n}})
			}
		case strings.HasPrefix(k, prefixCap):
			if rule, ok := frequency.ParseReason(k[len(prefixCap):]); ok && n > 0 {
				f.Reasons = append(f.Reasons, Reason{Kind: ReasonCapped, Cap: rule, Share: Share{N: n}})
			}
		case strings.HasPrefix(k, prefixRefused):
			if n > 0 {
				refusedByKind = append(refusedByKind, Reason{Kind: k[len(prefixRefused):], Share: Share{N: n}})
				refusedCounted += n
			}
		}
	}
	f.Waiting = c(StateQueued) + c(StateSubmitting) + c(StateHeld)
	f.Submitted = c(StateAccepted)
	f.Sent, f.Delivered, f.Read, f.NoReceipt = c(KeySent), c(KeyDelivered), c(KeyRead), c(KeyNoReceipt)
	f.Refused = c(StateFailed)
	f.Failed = f.Refused + c(KeyFailed)
	f.Expired = c(StateExpired) + c(KeyExpired)
	f.Suppressed, f.Cancelled, f.Capped = c(StateSuppressed), c(StateCancelled), c(StateCapped)
	f.Unknown = c(KeyUnknown) + c(StateUnknown)
	f.Awaiting = max(f.Submitted-c(KeyStatus)-c(KeyUnknown), 0)
	f.BilledSegments = c(KeyBilled)
	if _, ok := counts[KeyFallbacks]; ok {
		f.Fallback = fallbackFigures(counts)
	}
	f.Clicked, f.Clicks, f.Previews = c(KeyClicked), c(KeyClicks), c(KeyPreviews)

	// Refusals counted before they were counted by kind are "other".
	if rest := f.Refused - refusedCounted; rest > 0 {
		refusedByKind = append(refusedByKind, Reason{Kind: "other", Share: Share{N: rest}})
	}
	f.Reasons = append(f.Reasons, refusedByKind...)
	if f.Suppressed > 0 {
		f.Reasons = append(f.Reasons, Reason{Kind: ReasonSuppressed, Share: Share{N: f.Suppressed}})
	}
	if n := c(StateExpired); n > 0 {
		f.Reasons = append(f.Reasons, Reason{Kind: ReasonExpiredUnsent, Share: Share{N: n}})
	}
	for i := range f.Reasons {
		f.Reasons[i].Share.Of, f.Reasons[i].Share.Base = f.Recipients, OfRecipients
	}
	sort.SliceStable(f.Reasons, func(i, j int) bool {
		a, b := f.Reasons[i], f.Reasons[j]
		if a.Share.N != b.Share.N {
			return a.Share.N > b.Share.N
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Kind < b.Kind
	})
	return f
}

// Add sums two campaigns' figures (a channel's or the dashboard's total);
// Reasons are left out.
func (f Figures) Add(g Figures) Figures {
	f.Recipients += g.Recipients
	f.Waiting += g.Waiting
	f.Submitted += g.Submitted
	f.Sent += g.Sent
	f.Delivered += g.Delivered
	f.Read += g.Read
	f.NoReceipt += g.NoReceipt
	f.Awaiting += g.Awaiting
	f.Failed += g.Failed
	f.Refused += g.Refused
	f.Expired += g.Expired
	f.Suppressed += g.Suppressed
	f.Cancelled += g.Cancelled
	f.Capped += g.Capped
	f.Unknown += g.Unknown
	f.BilledSegments += g.BilledSegments
	f.EstimatedSegments += g.EstimatedSegments
	f.Fallback = f.Fallback.add(g.Fallback)
	f.Clicked += g.Clicked
	f.Clicks += g.Clicks
	f.Previews += g.Previews
	f.Reasons = nil
	return f
}

// Cost is what the billed units cost at the channel's price (per SMS
// segment, or per WhatsApp message); ok is false when no price is set.
func (f Figures) Cost(bill billing.Settings, channel string) (m billing.Money, ok bool) {
	if channel == "whatsapp" {
		return bill.WhatsAppCost(f.BilledSegments)
	}
	return bill.SMSCost(f.BilledSegments)
}

// TotalCost is what a campaign costs in all: its own billed messages at
// the channel's price (Cost) plus its fallback SMS at the SMS price. ok is
// false when neither has a price.
func (f Figures) TotalCost(bill billing.Settings, channel string) (m billing.Money, ok bool) {
	m, ok = f.Cost(bill, channel)
	if f.Fallback.BilledSegments > 0 {
		if fb, fok := bill.SMSCost(f.Fallback.BilledSegments); fok {
			m, ok = m+fb, true
		}
	}
	return m, ok
}

// Done counts the messages with a verdict from the dispatcher: everything
// but those waiting.
func (f Figures) Done() int64 { return f.Recipients - f.Waiting }

// SubmittedShare is the messages the provider accepted, over the
// recipients.
func (f Figures) SubmittedShare() Share {
	return Share{N: f.Submitted, Of: f.Recipients, Base: OfRecipients}
}

// SentShare is the messages the carrier accepted, over those submitted.
func (f Figures) SentShare() Share { return Share{N: f.Sent, Of: f.Submitted, Base: OfSubmitted} }

// DeliveredShare is the messages delivered, over those submitted: the
// delivery rate every page shows.
func (f Figures) DeliveredShare() Share {
	return Share{N: f.Delivered, Of: f.Submitted, Base: OfSubmitted}
}

// ReadShare is the messages read, over those delivered.
func (f Figures) ReadShare() Share { return Share{N: f.Read, Of: f.Delivered, Base: OfDelivered} }

// FailedShare is the messages failed, over the recipients.
func (f Figures) FailedShare() Share {
	return Share{N: f.Failed, Of: f.Recipients, Base: OfRecipients}
}

// ExpiredShare is the messages expired, over the recipients.
func (f Figures) ExpiredShare() Share {
	return Share{N: f.Expired, Of: f.Recipients, Base: OfRecipients}
}

// SuppressedShare is the messages not sent for the suppression list, over
// the recipients.
func (f Figures) SuppressedShare() Share {
	return Share{N: f.Suppressed, Of: f.Recipients, Base: OfRecipients}
}

// add sums two campaigns' fallback figures; ByReason is left out.
func (f FallbackFigures) add(g FallbackFigures) FallbackFigures {
	f.FellBack += g.FellBack
	f.Submitted += g.Submitted
	f.Sent += g.Sent
	f.Delivered += g.Delivered
	f.Failed += g.Failed
	f.Waiting += g.Waiting
	f.Suppressed += g.Suppressed
	f.BilledSegments += g.BilledSegments
	f.ByReason = nil
	return f
}
