// Package wavy is a typed client for the Wavy / Sinch messaging HTTP APIs,
// the types and parsers of their webhook payloads, and the catalogue of
// their status codes. It knows nothing about storage, the web layer or
// campaigns beyond the provider's own Campaign API.
//
// # Client
//
// New builds a Client from a Config. Every method takes a context first;
// timeouts and cancellation come from it. Requests carry the UserName and
// AuthenticationToken headers. api-messaging (SMS, status, MO, carrier
// lookup, WhatsApp, sessions) and apigw (Campaign API) have separate base
// URLs.
//
//   - SMS: SendSMS (POST /v1/send-sms), SendSMSGet (GET /v1/send-sms with a
//     query string), SendBulkSMS (POST /v1/send-bulk-sms, at most 1000
//     messages).
//   - SMS status: SearchSMSStatus (POST /v1/sms/status/search),
//     ListSMSStatus (GET /v1/sms/status/list).
//   - SMS MO: ListMO (GET /v1/sms/receive/list), SearchMO
//     (GET /v1/sms/receive/search).
//   - LookupCarriers (POST /v1/carrier/lookup).
//   - WhatsApp: SendWhatsApp (POST /v1/whatsapp/send), OpenSessions
//     (GET /v1/session) and OpenSessionList, which also downloads and
//     parses the CSV behind its file_url (credentials go only to the
//     API's own host).
//   - Campaign API on apigw: ListCampaigns, GetCampaign, CreateCampaign,
//     UpdateCampaign, DeleteCampaign.
//
// # Contract
//
// Requests are validated client-side before anything is sent (Validate
// methods; the documented limits: messageText 1280, correlationId 64,
// extraInfo 255 characters, counted as sms.Length counts them, in UTF-16
// units like the provider; 1000 messages per bulk request; one expiry
// field; schedules at least 30 minutes ahead of Config.Now; base64 media
// of at most MaxMediaData bytes). Answers that list one entry per message
// without correlationIds (the seeds' bulk example) get them from the
// request, by position.
//
// Every error a Client method returns matches exactly one of three kinds
// with errors.Is, and Classify maps it to an Outcome:
//
//   - ErrRejected (Rejected): the request is wrong — HTTP 400, 401, 403, 404,
//     405, 412 (and other 4xx but 429), a failed Validate (ErrInvalidRequest),
//     or an error flag in a 2xx envelope. ErrUnauthorized refines 401 and 403.
//   - ErrTryLater (TryLater): nothing was accepted and the request may be
//     repeated — HTTP 429 and 503, or a request that never left (connection
//     refused, rate-limit wait cut short). ErrAccountLimit refines it for
//     an account out of credit or quota (NO_CREDIT 201,
//     CUSTOMER_QUOTA_BLOCKED 215): the campaign must pause until the
//     account is topped up; it is never retried by the client.
//   - ErrUnknownOutcome (Unknown): the request left but its fate is unknown —
//     a timeout or dropped connection after it was written, a 5xx other than
//     503, or a 2xx body that is empty, HTML or not the documented JSON
//     (ErrBadResponse). A send with this outcome may have been accepted.
//
// Non-2xx answers are *APIError values carrying the status code, the
// provider's message, the start of the body and the operation name. No
// input, however malformed, makes the package panic.
//
// Requests are rate limited client-side with golang.org/x/time/rate (500/s by
// default, below the documented 700/s per IP; status queries 1/s, the
// documented limit, sent one at a time and each a full interval after the
// previous answer, so that the server never sees two within a second). Requests safe to repeat — status and MO reads, carrier
// lookups, session reads, campaign list and get — are retried on TryLater and
// Unknown outcomes with exponential backoff and jitter (honouring
// Retry-After up to a minute). Sends (send-sms, send-bulk-sms, whatsapp
// send) and campaign create, update and delete are never retried by the
// client.
//
// # Webhooks
//
// ParseSMSStatus (sent-status callbacks and DLRs), ParseSMSMO,
// ParseWhatsAppStatus and ParseWhatsAppMO read webhook bodies. A body may be
// one object, an array, or an envelope such as WhatsApp's
// {"total","data","clientInfo"}; all return a slice. Unknown fields are
// ignored, missing optional ones are zero, ids and codes may be numbers or
// strings, both sentAt/sentDate and sentStatusAt/sentStatusDate are read,
// and timestamps (epoch milliseconds or the documented date strings) become
// UTC time.Time values. The two defects in the provider's published
// examples — a trailing comma and a missing opening brace — are tolerated.
//
// # Status codes
//
// LookupStatus, LookupStatusName and StatusCodes expose every documented
// sent, delivered and read code with its phase, meaning and whether it is
// final, a success, billed, a reason to suppress the number (203
// BLACKLISTED, 204 DESTINATION_BLOCKED_BY_OPTOUT), or an account limit
// (201, 215; StatusCode.Err matches ErrAccountLimit). The carrier lookup's
// "active" is CarrierInfo.BelongsToCarrier: it only says whether the
// number belongs to that carrier, never that it is inactive.
package wavy
