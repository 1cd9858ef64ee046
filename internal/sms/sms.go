package sms

import "unicode/utf8"

// Encoding names the data coding a message is sent with.
type Encoding string

// The two encodings an SMS can use.
const (
	// GSM7 is the GSM 03.38 7-bit default alphabet plus its extension table.
	GSM7 Encoding = "GSM-7"
	// UCS2 is 16-bit UCS-2, counted as UTF-16 code units.
	UCS2 Encoding = "UCS-2"
)

// Segment capacities (3GPP TS 23.040): a concatenated part loses room to the
// 6-octet user data header.
const (
	// GSM7Single is the number of septets in a message sent as one segment.
	GSM7Single = 160
	// GSM7Part is the number of septets in each part of a concatenated message.
	GSM7Part = 153
	// UCS2Single is the number of UTF-16 units in a message sent as one segment.
	UCS2Single = 70
	// UCS2Part is the number of UTF-16 units in each part of a concatenated message.
	UCS2Part = 67
)

// MaxLength is Wavy's limit on messageText, in Unicode code points (see Count.Chars).
const MaxLength = 1280

// Count is the measurement of one message.
type Count struct {
	// Encoding is GSM7 when every character is in GSM 03.38, UCS2 otherwise.
	// The empty message is GSM7.
	Encoding Encoding
	// Units is the size of the whole message: septets for GSM-7 (extension
	// characters count 2), UTF-16 code units for UCS-2 (characters outside
	// the BMP, such as most emoji, count 2).
	Units int
	// Segments is the number of SMS the message is sent (and billed) as; 0
	// for the empty message. For a concatenated message it equals len(Split).
	Segments int
	// Chars is the number of Unicode code points, which is what MaxLength
	// limits (an invalid UTF-8 byte counts as one).
	Chars int
	// PerSegment is the capacity of one segment given the segment count:
	// 160 or 153 septets, 70 or 67 units.
	PerSegment int
	// Remaining is the number of units still free in the last segment
	// before another segment is needed.
	Remaining int
	// TooLong reports Chars > MaxLength.
	TooLong bool
}

// Span locates one character in a string.
type Span struct {
	// Start and End are byte offsets: text[Start:End] is the character.
	Start, End int
	// Char is the character; utf8.RuneError for an invalid UTF-8 byte.
	Char rune
}

// scan walks text once and reports whether it is all GSM-7, its size in
// septets (meaningful only when gsm), in UTF-16 units and in code points.
func scan(text string) (gsm bool, septets, units, chars int) {
	gsm = true
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			s := asciiSeptets[c]
			if s == 0 {
				gsm = false
			}
			septets += int(s)
			units++
			chars++
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		s := Septets(r)
		if s == 0 {
			gsm = false
		}
		septets += s
		units += utf16Units(r)
		chars++
		i += n
	}
	return gsm, septets, units, chars
}

// capacities returns the encoding and the single-segment and per-part
// capacities for it.
func capacities(gsm bool) (enc Encoding, single, part int) {
	if gsm {
		return GSM7, GSM7Single, GSM7Part
	}
	return UCS2, UCS2Single, UCS2Part
}

// cost is the price of r in the chosen encoding.
func cost(r rune, gsm bool) int {
	if gsm {
		return Septets(r)
	}
	return utf16Units(r)
}

// parts iterates over the parts of a concatenated message without
// allocating.
type parts struct {
	s        string
	gsm      bool
	capacity int
	pos      int // start of the next part
	bigEnd   int // end of a cluster larger than a part that is being split
}

// next returns the byte range of the next part and the units it uses; ok is
// false when the text is exhausted.
//
// Parts are filled greedily with whole grapheme clusters. A cluster that does
// not fit in what is left of the current part starts the next part. A
// cluster larger than a whole part (for example a long run of combining
// marks) cannot be kept whole, so it is split between code points, filling
// the current part first; a code point (an escape pair in GSM-7, a surrogate
// pair in UCS-2) is never split.
func (p *parts) next() (start, end, used int, ok bool) {
	s := p.s
	if p.pos >= len(s) {
		return 0, 0, 0, false
	}
	start = p.pos
	for p.pos < len(s) {
		if p.bigEnd > p.pos {
			r, n := decodeAt(s, p.pos)
			c := cost(r, p.gsm)
			if used+c > p.capacity {
				break
			}
			used += c
			p.pos += n
			continue
		}
		e := clusterEnd(s, p.pos)
		c := 0
		if b := s[p.pos]; e == p.pos+1 && b < utf8.RuneSelf {
			c = 1
			if p.gsm {
				c = int(asciiSeptets[b])
			}
		} else {
			for i := p.pos; i < e; {
				r, n := decodeAt(s, i)
				c += cost(r, p.gsm)
				i += n
			}
		}
		if used+c <= p.capacity {
			used += c
			p.pos = e
			continue
		}
		if c > p.capacity {
			p.bigEnd = e
			continue
		}
		break
	}
	return start, p.pos, used, true
}

// Measure counts the encoding, units and segments of text exactly as a
// handset receives it. It does not allocate.
func Measure(text string) Count {
	gsm, septets, units, chars := scan(text)
	enc, single, part := capacities(gsm)
	total := units
	if gsm {
		total = septets
	}
	c := Count{Encoding: enc, Units: total, Chars: chars, TooLong: chars > MaxLength}
	switch {
	case total == 0:
		c.PerSegment, c.Remaining = single, single
	case total <= single:
		c.Segments, c.PerSegment, c.Remaining = 1, single, single-total
	default:
		it := parts{s: text, gsm: gsm, capacity: part}
		last := 0
		for {
			_, _, used, ok := it.next()
			if !ok {
				break
			}
			c.Segments++
			last = used
		}
		c.PerSegment, c.Remaining = part, part-last
	}
	return c
}

// Split returns the parts of text as the handset receives them: one part
// when text fits a single segment, otherwise parts of at most 153 septets or
// 67 UTF-16 units that never split an escape pair, a surrogate pair or a
// grapheme cluster (unless the cluster alone exceeds a part; see the
// package documentation).
// Concatenating the parts gives text back byte for byte, and
// len(Split(text)) == Measure(text).Segments; Split of "" is nil.
func Split(text string) []string {
	gsm, septets, units, _ := scan(text)
	_, single, part := capacities(gsm)
	total := units
	if gsm {
		total = septets
	}
	switch {
	case total == 0:
		return nil
	case total <= single:
		return []string{text}
	}
	out := make([]string, 0, total/part+2)
	it := parts{s: text, gsm: gsm, capacity: part}
	for {
		start, end, _, ok := it.next()
		if !ok {
			return out
		}
		out = append(out, text[start:end])
	}
}

// NonGSM returns every character of text that is not in GSM 03.38 and so
// forces the whole message into UCS-2, in order, with byte offsets a UI can
// use to highlight them. It returns nil when text is all GSM-7.
func NonGSM(text string) []Span {
	var out []Span
	for i := 0; i < len(text); {
		r, n := decodeAt(text, i)
		if Septets(r) == 0 {
			out = append(out, Span{Start: i, End: i + n, Char: r})
		}
		i += n
	}
	return out
}
