package web

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"arauto/static"
)

var assetVersion = static.Version

// serveStatic answers /static/* from the embedded files. URLs carry the
// build's version, so they are cached for a year.
func serveStatic(c *fiber.Ctx) error {
	name := path.Clean(strings.TrimPrefix(c.Params("*"), "/"))
	if name == "." || strings.HasPrefix(name, "..") {
		return fiber.ErrNotFound
	}
	b, err := static.FS.ReadFile(name)
	if err != nil {
		return fiber.ErrNotFound
	}
	etag := `"` + assetVersion + `"`
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" || strings.HasSuffix(name, ".LICENSE") {
		ct = "text/plain; charset=utf-8"
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderETag, etag)
	if c.Query("v") == assetVersion {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(b)
}
