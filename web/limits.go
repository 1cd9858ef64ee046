package web

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// What a request may cost before anyone knows who sent it. fasthttp runs
// with StreamRequestBody, so it reads only the headers and the first 8 KB
// of a body; limitBody then reads the rest under the route's limit before
// any handler parses it. Only the upload routes take large bodies, and
// only from a signed-in user with the right role (see receiveUpload).
const (
	// formBodyLimit bounds every form: the longest is a WhatsApp message
	// of 4,096 characters, percent-encoded, with the campaign fields.
	formBodyLimit = 128 << 10
	// readTimeout bounds reading a request's headers and small body.
	readTimeout = 30 * time.Second
	// uploadOverhead is room for the multipart framing and the small
	// fields sent with an uploaded file.
	uploadOverhead = 64 << 10
)

// uploadRoutes are the routes (POST) that take a file. Their bodies stay
// on the wire until the route has checked the session and the role; then
// receiveUpload streams them to disk.
var uploadRoutes = map[string]bool{"/lists": true, "/suppression/import": true, mediaUploadPath: true, apiPrefix + "/lists": true}

// isUploadRoute reports whether method and path name an upload route,
// spelled as Fiber's router would match it (any case, trailing slash).
func isUploadRoute(method, path string) bool {
	if method != fiber.MethodPost {
		return false
	}
	p := strings.ToLower(path)
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
	}
	return uploadRoutes[p]
}

// bodyLimit is the largest body method and path accept.
func (s *Server) bodyLimit(method, path string) int64 {
	switch {
	case isUploadRoute(method, path):
		return s.cfg.MaxUploadBytes + uploadOverhead
	case strings.HasPrefix(path, "/webhooks/"):
		return maxWebhookBody
	}
	return formBodyLimit
}

// errTooLarge is answered 413 before the body is read.
var errTooLarge = fiber.ErrRequestEntityTooLarge

// limitBody reads the request body under the route's limit before any
// handler runs, refusing on the announced length when it is already too
// large. Upload routes are let through unread; if their handler did not
// read the body to its end, the connection is closed afterwards so the
// unread rest is never taken for a next request.
func (s *Server) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	if enc := strings.TrimSpace(string(req.Header.Peek(fiber.HeaderContentEncoding))); enc != "" && !strings.EqualFold(enc, "identity") {
		// Browsers and Wavy send plain bodies; a compressed one could
		// expand without bound when parsed.
		c.Context().SetConnectionClose()
		return fiber.ErrUnsupportedMediaType
	}
	method, path := c.Method(), c.Path()
	limit := s.bodyLimit(method, path)
	if cl := int64(req.Header.ContentLength()); cl > limit {
		c.Context().SetConnectionClose()
		if !isUploadRoute(method, path) {
			return errTooLarge
		}
	}
	if isUploadRoute(method, path) {
		err := c.Next()
		if !uploadDrained(c) {
			c.Context().SetConnectionClose()
		}
		return err
	}
	if !req.IsBodyStream() {
		return c.Next()
	}
	var body []byte
	var err error
	if cl := req.Header.ContentLength(); cl >= 0 {
		// The announced length is within the limit: read exactly it.
		body = make([]byte, cl)
		_, err = io.ReadFull(c.Context().RequestBodyStream(), body)
	} else {
		// Chunked: read up to one byte past the limit to notice it.
		body, err = io.ReadAll(io.LimitReader(c.Context().RequestBodyStream(), limit+1))
	}
	if err != nil {
		c.Context().SetConnectionClose()
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return fiber.ErrRequestTimeout
		}
		return fiber.ErrBadRequest
	}
	if int64(len(body)) > limit {
		c.Context().SetConnectionClose()
		return errTooLarge
	}
	req.SetBodyRaw(body)
	return c.Next()
}

// continueAllowed answers "Expect: 100-continue": a body over the route's
// limit is refused before the client sends it.
func (s *Server) continueAllowed(h *fasthttp.RequestHeader) bool {
	path := h.RequestURI()
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return int64(h.ContentLength()) <= s.bodyLimit(string(h.Method()), string(path))
}
