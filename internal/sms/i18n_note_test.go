package sms_test

import (
	"testing"

	"arauto/internal/i18n"
	"arauto/internal/sms"
)

// TestLineBreakNoteTranslated checks that the sentence explaining how line
// breaks are billed exists in every language, so a composer can show it.
func TestLineBreakNoteTranslated(t *testing.T) {
	for _, lang := range i18n.Languages {
		if !i18n.Has(lang, sms.LineBreakNoteKey) {
			t.Errorf("%s has no %q", lang, sms.LineBreakNoteKey)
		}
	}
}
