package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFS embed.FS

// Default is the language used when none is chosen.
const Default = "pt-BR"

// Languages are the supported languages, default first.
var Languages = []string{"pt-BR", "en"}

// catalogue is one language's strings. Plain holds every key, a plural
// entry under its "other" form; Plural marks the keys that have one/other
// forms, whose choice go-i18n makes by the CLDR rules of the language.
type catalogue struct {
	Plain  map[string]string
	Plural map[string]bool
}

var (
	catalogs, bundle = mustLoad()
	localizers       = newLocalizers(bundle)
)

// pluralEntry is how a catalogue writes a message that depends on a count:
// {"one": "%d mensagem", "other": "%d mensagens"}.
type pluralEntry struct {
	One   string `json:"one"`
	Other string `json:"other"`
}

// mustLoad reads locales/<lang>.json and every locales/<area>.<lang>.json
// (one file per feature area keeps catalogues small and merge-friendly).
// A value is a string, or an object with "one" and "other" forms. A key
// defined twice for one language, or a plural entry missing a form, is a
// programming error.
func mustLoad() (map[string]catalogue, *goi18n.Bundle) {
	out := map[string]catalogue{}
	b := goi18n.NewBundle(language.MustParse(Default))
	entries, err := localeFS.ReadDir("locales")
	if err != nil {
		panic(fmt.Sprintf("i18n: read catalogues: %v", err))
	}
	for _, lang := range Languages {
		cat := catalogue{Plain: map[string]string{}, Plural: map[string]bool{}}
		tag := language.MustParse(lang)
		for _, e := range entries {
			name := e.Name()
			if name != lang+".json" && !strings.HasSuffix(name, "."+lang+".json") {
				continue
			}
			raw, err := localeFS.ReadFile("locales/" + name)
			if err != nil {
				panic(fmt.Sprintf("i18n: catalogue %s: %v", name, err))
			}
			m := map[string]json.RawMessage{}
			if err := json.Unmarshal(raw, &m); err != nil {
				panic(fmt.Sprintf("i18n: catalogue %s: %v", name, err))
			}
			for k, v := range m {
				if _, dup := cat.Plain[k]; dup {
					panic(fmt.Sprintf("i18n: key %q defined twice for %s (in %s)", k, lang, name))
				}
				var s string
				if err := json.Unmarshal(v, &s); err == nil {
					cat.Plain[k] = s
					continue
				}
				var p pluralEntry
				if err := json.Unmarshal(v, &p); err != nil || p.One == "" || p.Other == "" {
					panic(fmt.Sprintf("i18n: key %q in %s is neither a string nor a {one, other} plural", k, name))
				}
				cat.Plain[k], cat.Plural[k] = p.Other, true
				if err := b.AddMessages(tag, &goi18n.Message{ID: k, One: p.One, Other: p.Other}); err != nil {
					panic(fmt.Sprintf("i18n: key %q in %s: %v", k, name, err))
				}
			}
		}
		if len(cat.Plain) == 0 {
			panic("i18n: no catalogue for " + lang)
		}
		out[lang] = cat
	}
	return out, b
}

func newLocalizers(b *goi18n.Bundle) map[string]*goi18n.Localizer {
	m := make(map[string]*goi18n.Localizer, len(Languages))
	for _, lang := range Languages {
		m[lang] = goi18n.NewLocalizer(b, lang)
	}
	return m
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

// T translates key into lang, formatting args into it. A plural entry
// called through T takes its form from the first argument of an integer
// type (so handlers that pass a count keep reading right), and its "other"
// form when there is none; N is the explicit way.
func T(lang, key string, args ...any) string {
	if isPlural(lang, key) {
		for _, a := range args {
			if n, ok := asCount(a); ok {
				return N(lang, key, n, args...)
			}
		}
	}
	s, ok := lookup(lang, key)
	if !ok {
		return key
	}
	return format(s, args)
}

// format fills a catalogue text with args. A text with no verb at all (a
// plural's "one" form often names no number: "Corrija o campo marcado") is
// returned as is; one that uses only some arguments names them by index
// (%[2]s), which fmt does not count as extra.
func format(s string, args []any) string {
	if len(args) == 0 || !strings.Contains(s, "%") {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Integer is any integer type a count may come in.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// N translates a key whose words depend on count ("1 mensagem", "2
// mensagens"): the form is chosen by the CLDR plural rules of lang, then
// formatted with args (pass the count among them, usually already
// formatted by FormatInt). A key with a single form is used as is.
func N[I Integer](lang, key string, count I, args ...any) string {
	s, ok := pluralForm(lang, key, int64(count))
	if !ok {
		if s, ok = lookup(lang, key); !ok {
			return key
		}
	}
	return format(s, args)
}

// pluralForm is the form of a plural key for count, in lang or else in
// the default language.
func pluralForm(lang, key string, count int64) (string, bool) {
	for _, l := range []string{lang, Default} {
		if !catalogs[l].Plural[key] {
			continue
		}
		s, err := localizers[l].Localize(&goi18n.LocalizeConfig{MessageID: key, PluralCount: count, TemplateParser: template.IdentityParser{}})
		if err == nil {
			return s, true
		}
	}
	return "", false
}

func lookup(lang, key string) (string, bool) {
	if s, ok := catalogs[lang].Plain[key]; ok {
		return s, true
	}
	s, ok := catalogs[Default].Plain[key]
	return s, ok
}

func isPlural(lang, key string) bool {
	return catalogs[lang].Plural[key] || catalogs[Default].Plural[key]
}

// asCount reads an argument of an integer type as a count.
func asCount(a any) (int64, bool) {
	switch n := a.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case uint:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		return int64(n), true
	}
	return 0, false
}

// Has reports whether lang's catalogue defines key.
func Has(lang, key string) bool {
	_, ok := catalogs[lang].Plain[key]
	return ok
}

// IsPlural reports whether lang's catalogue gives key one/other forms.
func IsPlural(lang, key string) bool { return catalogs[lang].Plural[key] }

// Forms returns every text lang's catalogue holds for key: one string, or
// a plural entry's one and other forms. Tests read it to check wording.
func Forms(lang, key string) []string {
	if !catalogs[lang].Plural[key] {
		if s, ok := catalogs[lang].Plain[key]; ok {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, n := range []int64{1, 2} {
		if s, err := localizers[lang].Localize(&goi18n.LocalizeConfig{MessageID: key, PluralCount: n, TemplateParser: template.IdentityParser{}}); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// Keys returns the sorted keys of lang's catalogue.
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang].Plain))
	for k := range catalogs[lang].Plain {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
