package sms

import "unicode/utf8"

// Encoding names the table a message is billed (and sent) with.
type Encoding string

// The two tables. The names are the data codings they correspond to on
// the carriers' network.
const (
	// GSM7 is the 160 table: every character is in the rule's alphabet
	// (Wavy's printable ASCII, or GSM 03.38 with its extension table).
	GSM7 Encoding = "GSM-7"
	// UCS2 is the 70 table: 16-bit UCS-2, counted as UTF-16 code units.
	UCS2 Encoding = "UCS-2"
)

// Segment capacities (3GPP TS 23.040, and the seeds' 160/153 and 70/67): a
// concatenated part loses room to the 6-octet user data header.
const (
	// GSM7Single is the number of units in a message of the 160 table sent as one segment.
	GSM7Single = 160
	// GSM7Part is the number of units in each part of a concatenated message of the 160 table.
	GSM7Part = 153
	// UCS2Single is the number of UTF-16 units in a message sent as one segment.
	UCS2Single = 70
	// UCS2Part is the number of UTF-16 units in each part of a concatenated message.
	UCS2Part = 67
)

// Count is the measurement of one message.
type Count struct {
	// Encoding is GSM7 when every character is in the rule's 160 table
	// (billed per 160, or 153 per part), UCS2 otherwise (per 70, or 67).
	// The empty message is GSM7.
	Encoding Encoding
	// Units is the size of the whole message: for GSM-7 the cost of each
	// character in the table (1 under Wavy; under GSM 03.38 extension
	// characters count 2), for UCS-2 UTF-16 code units (characters outside
	// the BMP, such as most emoji, count 2).
	Units int
	// Segments is the number of SMS the message is sent (and billed) as; 0
	// for the empty message. For a concatenated message it equals len(Split).
	Segments int
	// Chars is the message's length as the provider counts it against
	// MaxLength: UTF-16 code units (see Length), whatever the rule.
	Chars int
	// PerSegment is the capacity of one segment given the segment count:
	// 160 or 153 septets, 70 or 67 units.
	PerSegment int
	// Remaining is the number of units still free in the last segment
	// before another segment is needed.
	Remaining int
	// TooLong reports Chars > MaxLength: the provider refuses the message.
	TooLong bool
}

// Span locates one character in a string.
type Span struct {
	// Start and End are byte offsets: text[Start:End] is the character.
	Start, End int
	// Char is the character; utf8.RuneError for an invalid UTF-8 byte.
	Char rune
}

// scan walks text once and reports whether it is all in the 160 table of
// al, its size in that table (meaningful only when in160) and in UTF-16
// units, which is also its length as the provider counts it.
func scan(text string, al alphabet) (in160 bool, units160, units int) {
	in160 = true
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			u := al.ascii[c]
			if u == 0 {
				in160 = false
			}
			units160 += int(u)
			units++
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		u := al.other(r)
		if u == 0 {
			in160 = false
		}
		units160 += u
		units += utf16Units(r)
		i += n
	}
	return in160, units160, units
}

// capacities returns the encoding and the single-segment and per-part
// capacities for it.
func capacities(in160 bool) (enc Encoding, single, part int) {
	if in160 {
		return GSM7, GSM7Single, GSM7Part
	}
	return UCS2, UCS2Single, UCS2Part
}

// cost is the price of r in the chosen table.
func (a alphabet) cost(r rune, in160 bool) int {
	if in160 {
		return a.cost160(r)
	}
	return utf16Units(r)
}

// parts iterates over the parts of a concatenated message without
// allocating.
type parts struct {
	s        string
	al       alphabet
	in160    bool
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
			c := p.al.cost(r, p.in160)
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
			if p.in160 {
				c = int(p.al.ascii[b])
			}
		} else {
			for i := p.pos; i < e; {
				r, n := decodeAt(s, i)
				c += p.al.cost(r, p.in160)
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

// Measure counts the table, units and segments of text under the rule,
// and its length against MaxLength. It does not allocate, so a cost
// preview can call it for every recipient of a large list; it agrees with
// Analyze, which calls it.
func (r Rule) Measure(text string) Count {
	al := r.alphabet()
	in160, units160, units := scan(text, al)
	enc, single, part := capacities(in160)
	total := units
	if in160 {
		total = units160
	}
	c := Count{Encoding: enc, Units: total, Chars: units, TooLong: units > MaxLength}
	switch {
	case total == 0:
		c.PerSegment, c.Remaining = single, single
	case total <= single:
		c.Segments, c.PerSegment, c.Remaining = 1, single, single-total
	default:
		it := parts{s: text, al: al, in160: in160, capacity: part}
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

// Split returns the parts of text as they travel under the rule: one part
// when text fits a single segment, otherwise parts of at most 153 units
// of the 160 table or 67 UTF-16 units that never split a GSM escape pair,
// a surrogate pair or a grapheme cluster (unless the cluster alone exceeds
// a part; see the package documentation). Concatenating the parts gives
// text back byte for byte, and len(r.Split(text)) == r.Measure(text).Segments;
// the split of "" is nil.
func (r Rule) Split(text string) []string {
	al := r.alphabet()
	in160, units160, units := scan(text, al)
	_, single, part := capacities(in160)
	total := units
	if in160 {
		total = units160
	}
	switch {
	case total == 0:
		return nil
	case total <= single:
		return []string{text}
	}
	out := make([]string, 0, total/part+2)
	it := parts{s: text, al: al, in160: in160, capacity: part}
	for {
		start, end, _, ok := it.next()
		if !ok {
			return out
		}
		out = append(out, text[start:end])
	}
}

// Measure is Default.Measure, for callers that do not choose a rule.
func Measure(text string) Count { return Default.Measure(text) }

// Split is Default.Split, for callers that do not choose a rule.
func Split(text string) []string { return Default.Split(text) }
