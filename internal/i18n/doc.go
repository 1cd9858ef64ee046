// Package i18n translates every user-visible string. Catalogues are flat JSON
// files in locales/ (pt-BR, the default, and en), embedded in the binary.
// Keys are dotted names ("nav.campaigns"); values may hold fmt verbs filled
// by the arguments of T. A key missing from a language falls back to pt-BR,
// and a key missing everywhere is returned as is, so a gap shows up on the
// page instead of crashing it (the catalogue test catches gaps first).
package i18n
