// Package web is the Fiber application. Every route is in routes.go, in
// one list, each with the least role that may use it; handlers are thin:
// they parse the request, make one call to a domain service
// (campaign.Service, listimport.Jobs, delivery.Classify) or to the store,
// and render a templ component from views, translating what the domain
// says (translation keys and their arguments) into the reader's language.
// The middleware every request passes through does request ids and
// logging, panic recovery, security headers, the session, CSRF, and role
// checks.
//
// Files by what they serve: campaigns.go (list, create, rename, archive,
// delete, sync), campaign_page.go (one campaign), campaign_editors.go and
// schedule_form.go (list, message and schedule of a draft), whatsapp.go,
// campaign_launch.go (pre-flight review, launch, pause, resume, cancel),
// campaign_progress.go (live progress), report.go and export.go, lists.go,
// imports.go and carriers.go, templates.go and compose.go, inbox.go and
// suppression.go, webhooks.go (stored before the 200), settings.go,
// users.go, account.go, auth.go, dashboard.go.
//
// Only this package imports Fiber. Pages are templ components from views;
// the request's language, user and CSRF token travel to them in the
// context (views.Env).
package web
