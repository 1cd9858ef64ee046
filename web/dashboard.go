package web

import (
	"github.com/gofiber/fiber/v2"

	"arauto/views"
)

func (s *Server) dashboard(c *fiber.Ctx) error {
	d := views.DashboardData{Steps: []views.Step{
		{Key: "provider", Href: "/settings", Done: s.cfg.Provider == "sandbox" || (s.cfg.WavyUsername != "" && s.cfg.WavyToken != "")},
		{Key: "list", Href: "/lists"},
		{Key: "message", Href: "/templates"},
		{Key: "campaign", Href: "/campaigns"},
	}}
	return s.render(c, fiber.StatusOK, views.Dashboard(d))
}

// section renders a navigation section that has nothing in it yet.
func (s *Server) section(titleKey, icon, emptyTitle, emptyBody string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return s.render(c, fiber.StatusOK, views.SectionPage(titleKey, icon, emptyTitle, emptyBody))
	}
}
