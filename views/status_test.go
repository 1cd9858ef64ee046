package views

import (
	"context"
	"testing"

	"arauto/internal/i18n"
	"arauto/internal/wavy"
)

// Every status code the provider documents reads as words in both
// languages, never as its API name.
func TestEveryStatusCodeHasWords(t *testing.T) {
	for _, lang := range i18n.Languages {
		ctx := WithEnv(context.Background(), Env{Lang: lang})
		for _, sc := range wavy.StatusCodes() {
			if sc.Code == 0 {
				continue // READ_SUCCESS has no number; reads show as the outcome "Lida"
			}
			got := statusLabel(ctx, sc.Code)
			if got == T(ctx, "status.code.unknown") || got == sc.Name || got == "" {
				t.Errorf("%s: code %d (%s) got label %q, want words", lang, sc.Code, sc.Name, got)
			}
		}
		if got, want := statusLabel(ctx, 999), T(ctx, "status.code.unknown"); got != want {
			t.Errorf("%s: undocumented code got %q, want %q", lang, got, want)
		}
	}
	if got := statusCode(103); got != "REJECTED_BY_CARRIER · 103" {
		t.Errorf("statusCode(103) got %q", got)
	}
}
