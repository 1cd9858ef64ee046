// Package web is the Fiber application: routes (all in routes.go), thin
// handlers (parse, one store or domain call, render), and the middleware
// every request passes through — request id and logging, panic recovery,
// security headers, the session, CSRF, and role checks.
//
// Only this package imports Fiber. Pages are templ components from views;
// the request's language, user and CSRF token travel to them in the
// context (views.Env).
package web
