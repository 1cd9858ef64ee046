// Package views holds the templ components and pages. Views import domain
// types only — never store or fiber — and read the request's Env (language,
// signed-in user, CSRF token, flashes) from the context the web layer fills.
// Every string a person reads goes through T, so both languages stay whole.
package views
