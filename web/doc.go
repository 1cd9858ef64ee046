// Package web is the Fiber application. Every route is in routes.go, in
// one list, each with the least role that may use it; handlers are thin:
// they parse the request, make one call to a domain service
// (campaign.Service, listimport.Jobs, delivery.Classify) or to the store,
// and render a templ component from views, translating what the domain
// says (translation keys and their arguments) into the reader's language.
// The middleware every request passes through does request ids and
// logging (never reading a streamed body), panic recovery, security
// headers, the body limit of the route (limits.go), the session, CSRF, and
// role checks.
//
// Files by what they serve: campaigns.go (list, create, rename, archive,
// delete, sync; each state change through campaign.Service), campaign_page.go (one campaign), campaign_editors.go and
// schedule_form.go (list, message and schedule of a draft), whatsapp.go
// with whatsapp_contacts.go and whatsapp_media.go (the WhatsApp editor and
// its file upload), send_options.go (a campaign's Wavy options),
// campaign_launch.go (pre-flight review, launch, pause, resume, cancel),
// campaign_progress.go (live progress), report.go and export.go, lists.go
// (an upload is one listimport.Jobs.Upload call, for the page and the
// API alike), imports.go and carriers.go, templates.go and compose.go, walibrary.go
// (the WhatsApp template library and its use in the composer), inbox.go,
// inbox_answer.go (answering, assigning and closing a conversation) and
// suppression.go, webhooks.go (stored before the 200; SMS replies also by
// GET with a query string, seed 001, stored as the POST body), settings.go,
// settings_whatsapp.go and settings_transport.go (the doors to Wavy: HTTPS,
// SMPP, SFTP, through internal/door), campaign_door.go (a campaign's door
// on its progress, the SFTP batch file download), settings_billing.go (the
// rule, accents and prices), users.go, account.go, auth.go, dashboard.go.
// Every figure a page or an export shows about a campaign comes from
// report.Summarize; the composer's counter, phone and cost from one
// message.Plan walk over the preview list (compose.go).
//
// Only this package imports Fiber. Pages are templ components from views;
// the request's language, user and CSRF token travel to them in the
// context (views.Env).
//
// What a request may cost before anyone is known (limits.go): fasthttp
// streams request bodies, reading only the headers and the first 8 KB;
// limitBody then reads each body under its route's limit (forms 128 KB,
// webhooks 1 MB) and refuses a larger one on its announced length, before
// any handler parses it. Only the upload routes (a list, the suppression
// import, a WhatsApp message's file) take large bodies: they are
// left on the wire until the session and role are checked, then
// receiveUpload streams them to a 0600 file, the CSRF token being the
// body's first part. A streamed answer (event streams, exports) is never
// read back by middleware.
//
// Live pages (sse.go): every server-sent event stream (a campaign's
// progress, its report, a list's import) is served by serveLive, which
// draws the latest state on each hub event and on a timer, at most once per
// 300 ms, sends a frame only when it changed, flushes it, pings a silent
// stream, and ends at shutdown or the moment the browser leaves (its
// connection is watched), giving back its goroutines and hub subscription.
//
// Sessions (middleware.go, session.go) are rows in the store; the cookie
// carries the id. Sign-in failures slow down the pair of account and client
// address (ratelimit.go); the client address believes X-Forwarded-For only
// from ARAUTO_TRUSTED_PROXIES (clientip.go). Shutdown closes connections
// that never sent a request (conns.go). The built-in sandbox is served on a
// listener of its own (ServeSandbox), never on the console's.
//
// The REST API (api*.go, routes in routes.go's second list) lives under
// /api/v1 and is mounted before the session middleware: it reads a bearer
// API token (apitoken), never the session cookie, so it needs no CSRF,
// and a token opens no page. Each request is authenticated, rate limited
// per token (429 with Retry-After) and checked against its route's least
// role (the token's role, capped by its owner's). Handlers call the same
// domain services as the pages (campaign.Service, listimport.Jobs,
// transactional.Service, the store). Every error has one shape,
// {"error":{"code","message","field"}}, the message in ?lang or
// Accept-Language (writeAPIError, also used by the error handler for
// /api/ paths); listings page with an opaque next_cursor; every POST
// honours an Idempotency-Key: idempotent keeps the first answer in the
// store, and the transactional send keeps it in the message's own
// transaction. openapi.go builds the OpenAPI 3.1 document served at
// /api/v1/openapi.json and rendered by /api-docs; the API's tests check
// every answer against it. tokens.go, outhooks.go and audit.go are the
// admin pages of API tokens, outgoing webhooks and the audit log;
// s.record appends audit entries for the actions of pages and API alike.
// The API's update and schedule of a campaign share apiChangeCampaign
// (load, decode, apply, answer the campaign as it is now).
//
// Tests: plain request/status/body checks are tables run by
// runHandlerTests (handler_test.go); tests that watch a stream, a clock
// or the store between requests drive a browser themselves.
package web
