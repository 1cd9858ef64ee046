package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"arauto/store"
	"arauto/views"
)

// pageError is an error a handler returns to show an error page with a
// status and a translated message.
type pageError struct {
	status int
	key    string
}

func (e *pageError) Error() string { return e.key }

// handleError is Fiber's one ErrorHandler: known errors become their page,
// anything else is logged and becomes the 500 page. It never shows a stack
// trace or an internal message.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if isAPIPath(c.Path()) {
		return s.writeAPIError(c, err)
	}
	status, key := fiber.StatusInternalServerError, "error.internal"
	var pe *pageError
	var fe *fiber.Error
	switch {
	case errors.As(err, &pe):
		status, key = pe.status, pe.key
	case errors.Is(err, store.ErrNotFound):
		status, key = fiber.StatusNotFound, "error.not_found"
	case errors.As(err, &fe):
		status = fe.Code
		switch fe.Code {
		case fiber.StatusNotFound:
			key = "error.not_found"
		case fiber.StatusMethodNotAllowed:
			key = "error.method"
		case fiber.StatusRequestEntityTooLarge:
			key = "error.too_large"
		case fiber.StatusBadRequest, fiber.StatusUnprocessableEntity:
			key = "error.bad_request"
		case fiber.StatusRequestTimeout:
			key = "error.timeout"
		default:
			if fe.Code < 500 {
				key = "error.bad_request"
			}
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "method", c.Method(), "path", logPath(c.Path()), "err", err)
	}
	// Errors fasthttp raises before routing (a malformed request, headers
	// too large) never passed the middleware that sets these.
	s.setSecurityHeaders(c)
	if c.Get("HX-Request") != "" {
		c.Set("HX-Reswap", "none")
	}
	title := tr(c, "error.title."+statusClass(status))
	c.Response().ResetBody()
	return s.renderWith(c, status, views.ErrorPage(status, title, tr(c, key)), false)
}

func statusClass(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "404"
	case fiber.StatusForbidden:
		return "403"
	}
	if status >= 500 {
		return "500"
	}
	return "400"
}
