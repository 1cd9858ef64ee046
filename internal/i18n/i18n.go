package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed locales/*.json
var localeFS embed.FS

// Default is the language used when none is chosen.
const Default = "pt-BR"

// Languages are the supported languages, default first.
var Languages = []string{"pt-BR", "en"}

var catalogs = mustLoad()

// mustLoad reads locales/<lang>.json and every locales/<area>.<lang>.json
// (one file per feature area keeps catalogues small and merge-friendly).
// A key defined twice for one language is a programming error.
func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	entries, err := localeFS.ReadDir("locales")
	if err != nil {
		panic(fmt.Sprintf("i18n: read catalogues: %v", err))
	}
	for _, lang := range Languages {
		out[lang] = map[string]string{}
		for _, e := range entries {
			name := e.Name()
			if name != lang+".json" && !strings.HasSuffix(name, "."+lang+".json") {
				continue
			}
			b, err := localeFS.ReadFile("locales/" + name)
			if err != nil {
				panic(fmt.Sprintf("i18n: catalogue %s: %v", name, err))
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				panic(fmt.Sprintf("i18n: catalogue %s: %v", name, err))
			}
			for k, v := range m {
				if _, dup := out[lang][k]; dup {
					panic(fmt.Sprintf("i18n: key %q defined twice for %s (in %s)", k, lang, name))
				}
				out[lang][k] = v
			}
		}
		if len(out[lang]) == 0 {
			panic("i18n: no catalogue for " + lang)
		}
	}
	return out
}

// Normalize maps any language tag (en-US, pt, EN) to a supported language.
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if strings.HasPrefix(tag, "en") {
		return "en"
	}
	return Default
}

// FromAcceptLanguage picks the first supported language of an
// Accept-Language header, for visitors who have not signed in.
func FromAcceptLanguage(header string) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		if strings.HasPrefix(tag, "pt") {
			return Default
		}
		if strings.HasPrefix(tag, "en") {
			return "en"
		}
	}
	return Default
}

// T translates key into lang, formatting args into it.
func T(lang, key string, args ...any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether lang's catalogue defines key.
func Has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// Keys returns the sorted keys of lang's catalogue.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
