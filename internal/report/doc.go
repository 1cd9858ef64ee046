// Package report turns a campaign's pre-aggregated counters into what its
// report page shows: the delivery funnel with percentages, failures by
// status code (with the provider's meaning in Portuguese and English),
// results by carrier, the sent-to-delivered latency (median and p90, from a
// log-scale histogram) and the timeline of sent, delivered and read
// messages.
//
// The counters are a flat map of free-text keys to counts, the form the
// store keeps in campaign_counts, so a million-message campaign's report is
// one small read. This package owns the key grammar (Key* constants and the
// *Key functions) that the writer of the counters uses, and knows nothing of
// SQL:
//
//	queued, submitting, accepted, failed, ...  messages by dispatcher state
//	r:sent r:delivered r:read r:failed ...    delivery facts, one per message
//	code:<n>                                  failures by status code
//	carrier:<NAME>:sent|delivered|failed      by carrier
//	lat:<bucket>                              sent->delivered latency histogram
//	ts:<unix minute>:sent|delivered|read      timeline
package report
