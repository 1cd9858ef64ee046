// Package static embeds the console's CSS, scripts (vendored htmx and its SSE
// extension, with their licences) and images into the binary.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed css js img vendor
var FS embed.FS

// Version is a hash of every embedded file. Asset URLs carry it, so the
// files can be cached for a year and still change on upgrade.
var Version = func() string {
	h := sha256.New()
	fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := FS.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()
