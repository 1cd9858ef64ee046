package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers 200 when the database answers, 503 otherwise. It is what
// Docker's HEALTHCHECK and load balancers poll.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": "down"})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": "ok"})
}
