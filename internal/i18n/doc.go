// Package i18n translates every user-visible string. Catalogues are flat JSON
// files in locales/ (pt-BR, the default, and en; one <area>.<lang>.json per
// feature area), embedded in the binary. Keys are dotted names
// ("nav.campaigns"); values may hold fmt verbs filled by the arguments of T.
//
// A value is a string, or a plural entry {"one": ..., "other": ...} for
// words that depend on a count. N chooses the form by the CLDR plural rule
// of the language, through go-i18n (in Brazilian Portuguese 0 and 1 are
// singular; in English only 1); T on a plural key uses its first integer
// argument, so callers that pass a count read right either way. Lazy
// plurals such as "mensagem(ns)" are refused by the catalogue test.
//
// FormatInt, FormatDecimal and FormatPercent write numbers the way each
// language does (pt-BR 1.856 and 66,7%; en 1,856 and 66.7%), through
// golang.org/x/text.
//
// A key missing from a language falls back to pt-BR, and a key missing
// everywhere is returned as is, so a gap shows up on the page instead of
// crashing it (the catalogue tests catch gaps first).
package i18n
