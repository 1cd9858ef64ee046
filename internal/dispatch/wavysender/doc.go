// Package wavysender adapts the Wavy client to the dispatcher: it turns a
// dispatch.Batch into one send-bulk-sms request, maps the client's error
// classes onto dispatch's, and looks messages up by correlationId for
// reconciliation. The client is obtained per call, so a change of provider
// settings applies to the next batch.
package wavysender
