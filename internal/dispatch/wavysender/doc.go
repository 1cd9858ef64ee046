// Package wavysender adapts the Wavy client to the dispatcher: it turns a
// dispatch.Batch into one send-bulk-sms request, maps the client's error
// classes onto dispatch's, and looks messages up by correlationId for
// reconciliation. The client is obtained per call, so a change of provider
// settings applies to the next batch.
//
// WhatsApp batches go through POST /v1/whatsapp/send: the campaign's
// message (internal/message.WhatsApp) is rendered for each recipient and
// recipients with identical renderings (template parameters, free-form
// text, caption) share a request of at most 1000 destinations, each with
// its correlationId. A template filled per recipient therefore costs one
// request per recipient. When a request fails after others, the accepted
// ones are returned with a *dispatch.StoppedError listing the messages of
// the requests not made, which go back to the queue.
//
// Reconciliation: the seeds document a status search for SMS only, none
// for WhatsApp, so Find cannot verify a WhatsApp message and
// CanReconcile("whatsapp") is false. The dispatcher then never resends a
// WhatsApp message whose outcome is unknown (a timeout, a 500 after the
// request was sent, a crash mid-request): it marks it "unknown" with the
// reason instead. A message may so be reported unknown although it was
// delivered (its status webhook still arrives and is recorded), but it is
// never sent twice. 429/503 and refusals are classified as for SMS.
package wavysender
