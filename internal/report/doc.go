// Package report turns a campaign's pre-aggregated counters into what its
// pages show: the delivery funnel with percentages, failures by status code
// (with the provider's meaning in Portuguese and English), results by
// carrier, the sent-to-delivered latency (median and p90, from a log-scale
// histogram) and the timeline of sent, delivered and read messages.
//
// Figures (figures.go) is the one definition of every number a page shows
// about a campaign — dashboard, campaign page, report, exports — computed
// by Summarize from the counters: recipients, sent to the provider, sent to
// the carrier, delivered, failed (the provider's and the carrier's
// refusals, and the refusals here before sending), expired, suppressed,
// the segments billed (what the messages the carrier accepted are billed,
// SENT_SUCCESS being what Wavy bills by; Billed is the rule per message)
// beside the pre-flight's estimate, and the reasons messages were not
// delivered. Each percentage is a Share that carries its denominator, so
// no page can show a rate over another base than the others.
//
// The counters are a flat map of free-text keys to counts, the form the
// store keeps in campaign_counts, so a million-message campaign's report is
// one small read. This package owns the key grammar (Key* constants and the
// *Key functions) that the writer of the counters uses, and knows nothing of
// SQL:
//
//	queued, submitting, accepted, failed, ...  messages by dispatcher state
//	r:sent r:delivered r:read r:failed ...    delivery facts, one per message
//	r:billed                                  segments billed (Billed, per message)
//	code:<n>                                  failures by status code
//	refused:<kind>                            refusals here, by dispatch.RefusalKind
//	capped, cap:<frequency rule>              kept back by the frequency cap, by rule
//	carrier:<NAME>:sent|delivered|failed      by carrier
//	lat:<bucket>                              sent->delivered latency histogram
//	ts:<unix minute>:sent|delivered|read|clicked  timeline
//	r:clicked r:clicks r:previews             link tracking: who clicked, clicks, previews
//	link:<i>:unique|clicks|previews           per tracked link
package report
