// Package sms measures and splits SMS texts exactly as a handset receives
// them, following 3GPP TS 23.038 (alphabets) and TS 23.040 (concatenation).
// It is pure: no I/O except RunSegments, which reads and writes the streams
// it is given, and no dependencies outside the standard library.
//
// # Encoding
//
// A message is GSM-7 when every character is in the GSM 03.38 default
// alphabet (128 entries) or its extension table; extension characters (form
// feed, ^ { } \ [ ~ ] | and €) cost two septets, escape plus character.
// Otherwise the whole message is UCS-2 and every character costs its UTF-16
// length: 1, or 2 outside the Basic Multilingual Plane (most emoji). No
// Unicode normalisation is applied: "é" as U+00E9 is GSM-7, "e" followed by
// U+0301 is UCS-2. Invalid UTF-8 bytes count as U+FFFD, one non-GSM
// character each.
//
// # Segments
//
// A message of up to 160 septets or 70 UTF-16 units travels as one segment.
// A longer one is split into parts of at most 153 septets or 67 units (the
// rest of each part carries the concatenation header). Parts are filled
// greedily and never split an escape pair, a surrogate pair or a grapheme
// cluster (CR LF, a letter with combining marks, a flag, an emoji with skin
// tone, a ZWJ sequence, a keycap; grapheme.go lists the exact rules). The
// only exception is a single cluster larger than a whole part: it cannot fit
// anywhere, so it is split between code points, still never inside an
// escape or surrogate pair. Because a character that does not fit moves
// whole to the next part, the segment count can exceed
// ceil(units/153) or ceil(units/67); Measure and Split always agree.
//
// # Length limit
//
// Wavy accepts at most MaxLength (1280) characters in messageText. Count.Chars
// counts Unicode code points, which is how we read the provider's "max 1280
// chars" for the JSON string, not bytes, septets, UTF-16 units or grapheme
// clusters;
// Count.TooLong reports when the limit is exceeded. Measure still measures
// texts over the limit.
//
// # Helpers
//
// NonGSM locates the characters that force UCS-2 so a UI can highlight
// them; Transliterate and SuggestTransliteration offer GSM-7 look-alikes for
// them; RunSegments is the `arauto segments` command.
package sms
