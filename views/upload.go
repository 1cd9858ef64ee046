package views

import "strconv"

// maxUploadBytes is the upload limit in bytes, for the page's own check
// of a chosen file (static/js/app.js) before it is sent.
func maxUploadBytes(maxMB int) string { return strconv.FormatInt(int64(maxMB)<<20, 10) }

// mbText writes a whole number of megabytes as the upload messages do.
func mbText(mb int) string { return strconv.Itoa(mb) + " MB" }
