package web

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"arauto/internal/config"
)

// serveSandbox answers the built-in Wavy simulator's API under /sandbox,
// but only while the effective provider is the sandbox: with real
// credentials in use, the simulator (whose credentials are well known) must
// not be able to feed invented events into our own webhooks.
func (s *Server) serveSandbox(c *fiber.Ctx) error {
	p, err := s.provider(c.UserContext())
	if err != nil {
		return err
	}
	if p.Mode != config.ProviderSandbox {
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": "the sandbox is off: the console uses Wavy"})
	}
	return s.sandboxHandler(c)
}

func newSandboxHandler(h http.Handler) fiber.Handler {
	return adaptor.HTTPHandler(http.StripPrefix(config.SandboxPath, h))
}
