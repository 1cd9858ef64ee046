package batchfile

import (
	"bytes"
	"strings"
)

// Layout is the kind of a batch file.
type Layout int

// The layouts.
const (
	LayoutUnknown Layout = iota
	LayoutSMS
	LayoutWhatsApp
)

// DetectLayout tells the layout from the first non-blank line of a file.
func DetectLayout(data []byte) Layout {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		s := strings.TrimSpace(string(line))
		if s == "" {
			continue
		}
		if f, ok := splitRecord(s, 3); ok && isSMSHeader(f) {
			return LayoutSMS
		}
		if f := strings.Split(s, ";"); len(f) >= 9 && strings.EqualFold(strings.TrimSpace(f[3]), TemplateKind) {
			return LayoutWhatsApp
		}
		return LayoutUnknown
	}
	return LayoutUnknown
}
