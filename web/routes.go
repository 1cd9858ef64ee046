package web

import (
	"github.com/gofiber/fiber/v2"

	"arauto/internal/user"
)

// public marks routes anyone may reach (sign-in and set-up pages).
const public user.Role = ""

type route struct {
	method  string
	path    string
	role    user.Role // minimum role; public for none
	handler fiber.Handler
}

// routes registers every route of the console in one list, each with the
// least role that may use it. A viewer reaches only GET pages; marketers
// change campaigns, lists and templates; admins manage users and settings.
func (s *Server) routes() {
	app := s.app
	app.Use(s.observe, s.securityHeaders, s.limitBody)

	// No session, no CSRF: machines and assets.
	app.Get("/healthz", s.healthz)
	app.Get("/static/*", serveStatic)
	app.Post("/webhooks/wavy/:secret/:kind", s.webhook)

	app.Use(s.withSession, s.csrf, s.setupGate)
	list := []route{
		{"GET", "/setup", public, s.setupPage},
		{"POST", "/setup", public, s.setup},
		{"GET", "/login", public, s.loginPage},
		{"POST", "/login", public, s.login},
		{"POST", "/logout", public, s.logout},
		{"POST", "/language", public, s.setLanguage},

		{"GET", "/", user.Viewer, s.dashboard},

		{"GET", "/account", user.Viewer, s.accountPage},
		{"POST", "/account/password", user.Viewer, s.changePassword},

		{"GET", "/users", user.Admin, s.usersPage},
		{"POST", "/users", user.Admin, s.createUser},
		{"POST", "/users/:id/role", user.Admin, s.setUserRole},
		{"POST", "/users/:id/disabled", user.Admin, s.setUserDisabled},
		{"POST", "/users/:id/password", user.Admin, s.resetUserPassword},

		{"GET", "/settings", user.Admin, s.settingsPage},
		{"POST", "/settings/provider", user.Admin, s.saveProvider},
		{"POST", "/settings/test", user.Admin, s.testConnection},
	}
	for _, feature := range [][]route{s.campaignRoutes(), s.listRoutes(), s.templateRoutes(), s.reportRoutes(), s.inboxRoutes(), s.zoneRoutes()} {
		list = append(list, feature...)
	}
	for _, r := range list {
		handlers := []fiber.Handler{r.handler}
		if r.role != public {
			handlers = []fiber.Handler{s.require(r.role), r.handler}
		}
		app.Add(r.method, r.path, handlers...)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
