// Package views holds the templ components and pages. Views import domain
// types only — never store or fiber — and read the request's Env (language,
// signed-in user, CSRF token, flashes, time zone) from the context the web
// layer fills.
//
// Every string a person reads goes through T (or N, for words that depend
// on a count), so both languages stay whole. Every number goes through num,
// decimal or fmtPct and every instant through FormatTime (in the reader's
// zone, which the layout names once per page); a campaign's own schedule is
// shown in the campaign's zone with that zone named next to it. Wide tables
// go in TableRegion and destructive actions through ConfirmAction, so every
// page behaves the same.
package views
