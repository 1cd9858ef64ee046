package smpp

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// The data_coding values the seeds list for Wavy.
const (
	CodingGSM7      uint8 = 0x00 // GSM 03.38 default alphabet, one septet per octet
	CodingLatin1    uint8 = 0x01 // ISO-8859-1 (Wavy's reading of data_coding 1)
	CodingUCS2      uint8 = 0x08 // UTF-16 big endian
	CodingGSM7Flash uint8 = 0x10 // GSM-7, message class 0 (flash)
	CodingUCS2Flash uint8 = 0x18 // UCS-2, message class 0 (flash)
)

// Capacities of one short_message, in the coding's units (septets,
// octets, UTF-16 units), alone and as a part of a concatenated message
// with an 8-bit (6-octet UDH) or 16-bit (7-octet UDH) reference.
const (
	GSM7Single, GSM7Part8, GSM7Part16       = 160, 153, 152
	Latin1Single, Latin1Part8, Latin1Part16 = 140, 134, 133
	UCS2Single, UCS2Part8, UCS2Part16       = 70, 67, 66
	// MaxParts is the most parts a concatenated message can have (the
	// UDH counts them in one octet).
	MaxParts = 255
)

// TextOptions chooses how a text is encoded.
type TextOptions struct {
	// Latin1 sends a text that is not all GSM-7 but fits ISO-8859-1 as
	// data_coding 1 instead of UCS-2.
	Latin1 bool
	// Flash sends the text as class 0 (0x10 GSM-7, 0x18 UCS-2). The seeds
	// define no flash Latin-1, so a flash text that needs more than GSM-7
	// goes as UCS-2 even with Latin1 set.
	Flash bool
	// Ref16 uses a 16-bit concatenation reference (7-octet UDH) instead
	// of an 8-bit one (6 octets), at the cost of one unit per part.
	Ref16 bool
}

// Encoded is a text ready for one submit_sm per part.
type Encoded struct {
	// DataCoding is the same for every part.
	DataCoding uint8
	// ESMClass is ESMUDHI when the text is concatenated, 0 otherwise.
	ESMClass uint8
	// Parts are the short_message octets, each with its UDH when there is
	// more than one.
	Parts [][]byte
}

// ErrEmptyText is returned for a text with nothing to send.
var ErrEmptyText = errors.New("smpp: empty text")

// Coding returns the data_coding a text is sent with: GSM-7 when every
// character is in the GSM 03.38 basic table; otherwise Latin-1 when
// allowed and the text fits it; otherwise UCS-2. Characters of the GSM
// extension table ({ } [ ] ~ ^ | \ € and form feed) count as outside
// GSM-7, because the seeds say carriers do not support that table: sent
// as UCS-2 they reach the handset exactly as written, at 70 characters a
// part instead of 160. Flash adds class 0.
func Coding(text string, o TextOptions) uint8 {
	gsm, latin := true, true
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && n == 1 {
				latin = false // an invalid byte travels as U+FFFD
			}
		}
		if _, ok := septetOf(r); !ok {
			gsm = false
		}
		if r > 0xFF {
			latin = false
		}
		i += n
	}
	switch {
	case gsm && o.Flash:
		return CodingGSM7Flash
	case gsm:
		return CodingGSM7
	case o.Flash:
		return CodingUCS2Flash
	case latin && o.Latin1:
		return CodingLatin1
	}
	return CodingUCS2
}

// capacity returns the single and per-part capacity of a coding, in units.
func capacity(coding uint8, ref16 bool) (single, part int) {
	switch coding &^ 0x10 {
	case CodingGSM7:
		if ref16 {
			return GSM7Single, GSM7Part16
		}
		return GSM7Single, GSM7Part8
	case CodingLatin1:
		if ref16 {
			return Latin1Single, Latin1Part16
		}
		return Latin1Single, Latin1Part8
	}
	if ref16 {
		return UCS2Single, UCS2Part16
	}
	return UCS2Single, UCS2Part8
}

// unitsOf is the size of r in the coding: one septet or octet, or one or
// two UTF-16 units (a surrogate pair is never split).
func unitsOf(r rune, coding uint8) int {
	if coding&^0x10 == CodingUCS2 && r >= 0x10000 {
		return 2
	}
	return 1
}

// CountParts returns the coding and the number of submit_sm a text needs:
// what an SMPP campaign is sized and timed by (each part is one of the 80
// messages per second a bind may carry). The empty text needs none.
func CountParts(text string, o TextOptions) (coding uint8, parts int) {
	coding = Coding(text, o)
	single, part := capacity(coding, o.Ref16)
	units := 0
	for _, r := range text {
		units += unitsOf(r, coding)
	}
	switch {
	case units == 0:
		return coding, 0
	case units <= single:
		return coding, 1
	}
	used := 0
	parts = 1
	for _, r := range text {
		u := unitsOf(r, coding)
		if used+u > part {
			parts++
			used = 0
		}
		used += u
	}
	return coding, parts
}

// EncodeText encodes a text for submit_sm: the coding chosen by Coding,
// and one part, or several parts of at most 153/152 septets, 134/133
// octets or 67/66 UTF-16 units each behind a concatenation UDH with the
// reference ref (its low 8 bits unless o.Ref16). Parts end between
// characters: never inside a surrogate pair. Invalid UTF-8 bytes are sent
// as U+FFFD.
func EncodeText(text string, ref uint16, o TextOptions) (Encoded, error) {
	coding, n := CountParts(text, o)
	if n == 0 {
		return Encoded{}, ErrEmptyText
	}
	if n > MaxParts {
		return Encoded{}, fmt.Errorf("smpp: text needs %d parts, at most %d", n, MaxParts)
	}
	single, part := capacity(coding, o.Ref16)
	enc := Encoded{DataCoding: coding}
	if n == 1 {
		b := appendUnits(make([]byte, 0, single*2), text, coding)
		enc.Parts = [][]byte{b}
		return enc, nil
	}
	enc.ESMClass = ESMUDHI
	enc.Parts = make([][]byte, 0, n)
	start, used := 0, 0
	flush := func(end int) {
		b := make([]byte, 0, 7+part*2)
		b = appendUDH(b, ref, uint8(n), uint8(len(enc.Parts)+1), o.Ref16)
		enc.Parts = append(enc.Parts, appendUnits(b, text[start:end], coding))
		start, used = end, 0
	}
	for i, r := range text {
		u := unitsOf(r, coding)
		if used+u > part {
			flush(i)
		}
		used += u
	}
	flush(len(text))
	return enc, nil
}

// appendUDH appends a concatenation user data header (3GPP TS 23.040
// §9.2.3.24.1 and .8).
func appendUDH(b []byte, ref uint16, total, seq uint8, ref16 bool) []byte {
	if ref16 {
		return append(b, 6, 0x08, 4, byte(ref>>8), byte(ref), total, seq)
	}
	return append(b, 5, 0x00, 3, byte(ref), total, seq)
}

// appendUnits appends text in the coding; characters are known to fit.
func appendUnits(b []byte, text string, coding uint8) []byte {
	switch coding &^ 0x10 {
	case CodingGSM7:
		for _, r := range text {
			s, _ := septetOf(r)
			b = append(b, s)
		}
	case CodingLatin1:
		for _, r := range text {
			b = append(b, byte(r))
		}
	default:
		for _, r := range text {
			if r >= 0x10000 {
				r1, r2 := utf16.EncodeRune(r)
				b = append(b, byte(r1>>8), byte(r1), byte(r2>>8), byte(r2))
				continue
			}
			b = append(b, byte(r>>8), byte(r))
		}
	}
	return b
}

// Concat locates one part of a concatenated message.
type Concat struct {
	Ref        uint16
	Total, Seq uint8
}

// SplitUDH separates the user data header of a short_message sent with
// esm_class UDHI. It returns the concatenation element when the header has
// one (ok), and the text octets after the header. Other information
// elements are skipped.
func SplitUDH(sm []byte) (c Concat, ok bool, text []byte, err error) {
	if len(sm) == 0 {
		return c, false, nil, errors.New("smpp: udh: empty short_message")
	}
	n := int(sm[0])
	if 1+n > len(sm) {
		return c, false, nil, fmt.Errorf("smpp: udh: length %d exceeds the %d octets", n, len(sm)-1)
	}
	h := sm[1 : 1+n]
	for len(h) > 0 {
		if len(h) < 2 || 2+int(h[1]) > len(h) {
			return c, false, nil, errors.New("smpp: udh: truncated information element")
		}
		id, l, v := h[0], int(h[1]), h[2:2+int(h[1])]
		switch {
		case id == 0x00 && l == 3:
			c, ok = Concat{Ref: uint16(v[0]), Total: v[1], Seq: v[2]}, true
		case id == 0x08 && l == 4:
			c, ok = Concat{Ref: uint16(v[0])<<8 | uint16(v[1]), Total: v[2], Seq: v[3]}, true
		}
		h = h[2+l:]
	}
	if ok && (c.Total == 0 || c.Seq == 0 || c.Seq > c.Total) {
		return c, false, nil, fmt.Errorf("smpp: udh: part %d of %d", c.Seq, c.Total)
	}
	return c, ok, sm[1+n:], nil
}

// ErrDataCoding reports a data_coding this package cannot read.
var ErrDataCoding = errors.New("smpp: unsupported data_coding")

// DecodeText turns user data (without UDH) into text. It reads GSM-7
// (0x00, 0x10 and the 0xF0-0xF3 message-class group; one septet per
// octet, extension table included, since what arrives may use it),
// Latin-1 (0x01 as Wavy defines it, and 0x03, SMPP's own Latin-1 value)
// and UCS-2/UTF-16 (0x08, 0x18). Other codings wrap ErrDataCoding.
func DecodeText(coding uint8, b []byte) (string, error) {
	switch {
	case coding == CodingGSM7 || coding == CodingGSM7Flash || coding&0xFC == 0xF0:
		out := make([]rune, 0, len(b))
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c >= 0x80 {
				return "", fmt.Errorf("smpp: gsm-7 octet 0x%02x at %d is not a septet", c, i)
			}
			if c == gsmEscape && i+1 < len(b) {
				i++
				if r, ok := gsmExtension[b[i]]; ok {
					out = append(out, r)
				} else if b[i] < 0x80 {
					out = append(out, gsmBasic[b[i]]) // 23.038: unknown escapes show the basic character
				}
				continue
			}
			if c == gsmEscape {
				out = append(out, ' ')
				continue
			}
			out = append(out, gsmBasic[c])
		}
		return string(out), nil
	case coding == CodingLatin1 || coding == 0x03:
		out := make([]rune, len(b))
		for i, c := range b {
			out[i] = rune(c)
		}
		return string(out), nil
	case coding == CodingUCS2 || coding == CodingUCS2Flash:
		if len(b)%2 != 0 {
			return "", fmt.Errorf("smpp: ucs-2 text has an odd number of octets (%d)", len(b))
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u)), nil
	}
	return "", fmt.Errorf("%w 0x%02x", ErrDataCoding, coding)
}
