// Package web is the Fiber application: routes (all in routes.go), thin
// handlers (parse, one store or domain call, render), and the middleware
// every request passes through — request id and logging, panic recovery,
// security headers, the body limit, the session, CSRF, and role checks.
//
// Only this package imports Fiber. Pages are templ components from views;
// the request's language, user and CSRF token travel to them in the
// context (views.Env).
//
// What a request may cost before anyone is known (limits.go): fasthttp
// streams request bodies, reading only the headers and the first 8 KB;
// limitBody then reads each body under its route's limit (forms 128 KB,
// webhooks 1 MB) and refuses a larger one on its announced length, before
// any handler parses it. Only the upload routes take large bodies: they are
// left on the wire until the session and role are checked, then
// receiveUpload streams them to a 0600 file, the CSRF token being the
// body's first part. A streamed answer (event streams, exports) is never
// read back by middleware.
//
// Sessions (middleware.go, session.go) are rows in the store; the cookie
// carries the id. Sign-in failures slow down the pair of account and client
// address (ratelimit.go); the client address believes X-Forwarded-For only
// from ARAUTO_TRUSTED_PROXIES (clientip.go). Shutdown closes connections
// that never sent a request (conns.go). The built-in sandbox is served on a
// listener of its own (ServeSandbox), never on the console's.
package web
