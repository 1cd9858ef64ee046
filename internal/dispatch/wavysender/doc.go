// Package wavysender adapts the Wavy client to the dispatcher: it turns a
// dispatch.Batch into requests, maps the client's error classes onto
// dispatch's, and looks messages up by correlationId for reconciliation.
// The client is obtained per call, so a change of provider settings
// applies to the next batch. Build a Sender with New.
//
// SMS: one send-bulk-sms request per batch, every message with its
// correlationId, the campaign's alias, flash and extraInfo, and its expiry.
// An expiry "until the end of a day" goes as expiresDate with timeZone:
// that day's 23:59:59 in the campaign's zone, the zone travelling as the
// Location of dispatch.Expiry.Date (schedule.Expiry.DateEnd), the instant
// taken from the dispatcher's Deadline. An answer without correlationIds
// (the seeds' own example) is matched by position by the client.
//
// WhatsApp batches go through POST /v1/whatsapp/send: the campaign's
// message (internal/message.WhatsApp) is rendered for each recipient and
// recipients with identical renderings share a request of at most 1000
// destinations. A message filled per recipient therefore costs one
// request per recipient, and those requests obey Config.RequestsPerSecond
// (ARAUTO_SEND_REQUESTS_PER_SECOND) across all batches, a few in flight at
// a time. A request answered 429 or 503 is tried again after an
// exponential backoff with jitter (honouring Retry-After), for its own
// recipients only, up to Config.Attempts tries; only then do they go back
// to the queue with the dispatcher's campaign-wide backoff. Refused
// credentials or an exhausted account stop new requests from starting;
// other failures (a refusal, a 500) are the failed request's own. When
// requests failed, the answer to the dispatcher is the accepted recipients
// and a *dispatch.StoppedError whose error is the gravest failure (unknown
// outcome, refused credentials, exhausted account, refusal, 429/503) and
// applies to the requests that failed that way, all other unaccepted
// recipients being Unsent and queued again. No request starts in the last
// few seconds before the batch's deadline, so none is cut off mid-way.
//
// Account limits: an answer meaning the account has no credit or quota
// left (wavy.ErrAccountLimit: NO_CREDIT 201, CUSTOMER_QUOTA_BLOCKED 215)
// is classified dispatch.ErrAccountLimit: the dispatcher pauses the
// campaign at once, puts the batch back in the queue and leaves the retry
// to the person who resumes. The same holds when the delivery side sees a
// sent status whose wavy.StatusCode.AccountLimit is set (the seeds report
// 201 and 215 that way, after the request was accepted): those messages
// were not sent and go back to the queue (internal/delivery). Find does
// not count such a record as the provider knowing the message.
//
// Reconciliation: the seeds document a status search for SMS only, none
// for WhatsApp, so Find cannot verify a WhatsApp message and
// CanReconcile("whatsapp") is false. The dispatcher then never resends a
// WhatsApp message whose outcome is unknown (a timeout, a 500 after the
// request was sent, a crash mid-request): it marks it "unknown" with the
// reason instead. A message may so be reported unknown although it was
// delivered (its status webhook still arrives and is recorded), but it is
// never sent twice.
package wavysender
