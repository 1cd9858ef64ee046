// Package sms decides what an SMS text is billed and how it travels: its
// table (160 or 70 characters per SMS), units, segments, parts, the
// characters that make it dearer, the replacement of those characters and
// what it saves, the provider's length limit, and what a recipient on a
// carrier without accents and concatenation receives. It is pure: no I/O
// except RunSegments, which reads and writes the streams it is given.
//
// # One entry point
//
// Analyze(text, rule) decides everything at once and is what every surface
// (counter, highlights, phone preview, cost, pre-flight, reports) calls;
// Rule.Measure is its allocation-free subset for streaming a cost over a
// large list, and the package-level Measure, Split, Transliterate and
// SuggestTransliteration are the same answers under Default for callers
// that do not choose a rule. All of them go through one alphabet per rule,
// so they cannot disagree.
//
// # Billing rules
//
// Wavy (the Default) is the provider's table (seeds/000, "Acentos e
// caracteres especiais"): messages made only of the characters of its
// table are billed per 160 characters; one character outside it bills the
// whole message per 70. The table as printed lists 12 columns of 8 rows:
// the ASCII chart from space (0x20) to DEL (0x7F), row r and column c
// holding 0x20+8c+r, with a few glyphs lost or swapped by the rendering
// (" ' | and DEL missing, brackets printed as braces). It is read here as
// what it depicts:
// every printable ASCII character, space to "~" (0x20-0x7E), each costing
// one character, { } [ ] ~ ^ \ | included (DEL is not printable). Anything
// else — accents (á é ç ã, also those GSM 03.38 has, such as é à ü ñ), €,
// emoji, tab — makes the whole message UCS-2, counted in UTF-16 units.
//
// Line breaks are not in the printed table. They are counted as one
// character of the 160 table, for three reasons read in the seeds: the
// documentation's own example message is "linha\nquebrada", so line breaks
// are an ordinary part of messageText; the table is said to follow "a
// especificação do protocolo na rede das operadoras", whose 7-bit alphabet
// has LF and CR; and the same page contrasts the two tables as "sem
// acento" and "com acento" (also status 401 MESSAGE_SPLIT: "160 caractéres
// sem acento ou 70"), and a line break is neither an accent nor a special
// character. So LF and CR each cost 1 and never switch a message to 70; a
// composer says so with the sentence under LineBreakNoteKey.
//
// GSM is GSM 03.38 (3GPP TS 23.038): the default alphabet (128 entries)
// costs one septet per character, its extension table (form feed, ^ { } \
// [ ~ ] | and €) two, escape plus character; anything else makes the
// message UCS-2. It is what handsets and SMPP see.
//
// Under both rules no Unicode normalisation is applied ("é" as U+00E9 and
// "e" followed by U+0301 are measured as written) and an invalid UTF-8
// byte counts as U+FFFD, outside both 160 tables.
//
// # Segments
//
// A message of up to 160 units of the 160 table or 70 UTF-16 units travels
// as one segment. A longer one is split into parts of at most 153 or 67
// units (the rest of each part carries the concatenation header; the
// seeds' "a cada 63 ou 160" is read as this 67, which their 70 less the
// header gives). Each part is billed as one SMS. Parts are filled greedily
// and never split an escape pair, a surrogate pair or a grapheme cluster
// (CR LF, a letter with combining marks, a flag, an emoji with skin tone,
// a ZWJ sequence, a keycap; grapheme.go lists the exact rules). The only
// exception is a single cluster larger than a whole part: it cannot fit
// anywhere, so it is split between code points, still never inside an
// escape or surrogate pair. Because a character that does not fit moves
// whole to the next part, the segment count can exceed ceil(units/153) or
// ceil(units/67); Measure and Split always agree.
//
// # Replacement
//
// Analyze offers the message with look-alikes for the characters that
// force the 70 table: under Wavy every accented letter loses its accent
// (á é ç ü → a e c u), ß æ œ ø become ss ae oe o, € becomes EUR; under GSM
// only the letters GSM 03.38 lacks do (é à ü ñ stay). Both turn curly
// quotes, dashes, the ellipsis and typographic spaces into ASCII and drop
// invisible characters; emoji and other scripts are left alone. The offer
// is worthwhile (Saving.Saves) only when it saves a segment.
//
// # Sercomtel
//
// Sercomtel receives no accents and no concatenated messages: the provider
// replaces the accents and sends a long text as separate SMS of at most
// 160 characters with order markers " (1/2)", " (2/2)". Sercomtel gives
// what such a recipient receives and how many SMS it bills.
//
// # Length limit
//
// The provider accepts at most MaxLength (1280) characters of messageText.
// Length counts them as the provider does, in UTF-16 code units (its
// backend is Java, and the 70 table is counted the same way): an emoji
// counts two. Count.Chars is that length and Count.TooLong compares it
// with MaxLength, under either rule; the client's and the sandbox's
// validations call Length too, so a message is refused everywhere or
// nowhere. Measure still measures texts over the limit.
//
// # Command
//
// RunSegments is `arauto segments [--rule wavy|gsm]`.
package sms
