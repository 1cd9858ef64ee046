package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	for _, lang := range Languages[1:] {
		for _, k := range Keys(Default) {
			if !Has(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for _, k := range Keys(lang) {
			if !Has(Default, k) {
				t.Errorf("%s lacks %q that %s has", Default, k, lang)
			}
		}
	}
}

// keyUse finds translation calls in views and handlers: T(ctx, "key"),
// N(ctx, "key", n), tr("key"), i18n.T(lang, "key"), i18n.N(lang, "key", n).
var keyUse = regexp.MustCompile(`(?:\b[TN]\(ctx, |\btr\(|\btrn\(|\bi18n\.[TN]\([a-zA-Z.]+, |\bt\.T\()"([a-z0-9_.]+)"`)

func TestEveryUsedKeyExists(t *testing.T) {
	root := filepath.Join("..", "..")
	seen := 0
	for _, dir := range []string{"views", "web", "internal"} {
		filepath.Walk(filepath.Join(root, dir), func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".templ") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
				if strings.HasSuffix(m[1], ".") {
					continue // a prefix completed at run time ("role." + r)
				}
				seen++
				for _, lang := range Languages {
					if !Has(lang, m[1]) {
						t.Errorf("%s uses %q, missing from %s", path, m[1], lang)
					}
				}
			}
			return nil
		})
	}
	if seen < 20 {
		t.Errorf("found %d translation calls, want the scan to see the views (regexp out of date?)", seen)
	}
}

func TestLanguageChoice(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en-US,en;q=0.9", "en"},
		{"pt-BR,pt;q=0.9,en;q=0.8", "pt-BR"},
		{"fr-FR", "pt-BR"},
		{"", "pt-BR"},
		{"de, en;q=0.5", "en"},
	}
	for _, tt := range tests {
		if got := FromAcceptLanguage(tt.in); got != tt.want {
			t.Errorf("FromAcceptLanguage(%q) got %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key got %q, want the key", got)
	}
}
