package message

import (
	"iter"
	"strings"
	"unsafe"

	"arauto/internal/recipient"
	"arauto/internal/sms"
)

// Plan is how one SMS message goes out to the recipients of a list: the
// body compiled for the list's columns, counted under a billing rule, the
// accents of the field values replaced when the campaign asks for it. The
// composer, the pre-flight and the dispatcher all render and count
// through a Plan, so the texts previewed, priced and sent are the same.
type Plan struct {
	// Rule is the billing rule in force.
	Rule sms.Rule
	// ReplaceAccents replaces, in every field value, the characters that
	// force the 70 table by their look-alikes under Rule (the campaign's
	// option; the text itself is replaced in the composer).
	ReplaceAccents bool
	compiled       *Compiled
	// links are the tracked links' URLs as written, by index; their
	// placeholders are the columns from base on. sample stands for each
	// short link when counting.
	links  []string
	base   int
	sample string
}

// NewPlan compiles body for columns. It returns a *SyntaxError or an
// *UnknownFieldsError when body does not fit them.
func NewPlan(body string, columns []string, rule sms.Rule, replaceAccents bool) (*Plan, error) {
	c, err := Compile(body, columns)
	if err != nil {
		return nil, err
	}
	return &Plan{Rule: rule, ReplaceAccents: replaceAccents, compiled: c}, nil
}

// NewTrackedPlan is NewPlan with the body's http(s) links (FindLinks)
// shortened as sh says: counted as sh.Sample, sent as the link each
// recipient's AppendLinks writes. A nil sh tracks nothing.
func NewTrackedPlan(body string, columns []string, rule sms.Rule, replaceAccents bool, sh *Shortener) (*Plan, error) {
	if sh == nil {
		return NewPlan(body, columns, rule, replaceAccents)
	}
	links, _ := FindLinks(body)
	if len(links) == 0 {
		return NewPlan(body, columns, rule, replaceAccents)
	}
	tracked, cols := trackedBody(body, links, columns)
	c, err := Compile(tracked, cols)
	if err != nil {
		return nil, err
	}
	p := &Plan{Rule: rule, ReplaceAccents: replaceAccents, compiled: c, base: len(columns), sample: sh.Sample()}
	for _, l := range links {
		p.links = append(p.links, l.URL)
	}
	return p, nil
}

// Links are the tracked links' URLs as written, by index (none when the
// plan tracks nothing).
func (p *Plan) Links() []string { return p.links }

// Append renders the message for a recipient with these fields onto dst,
// each tracked link as the sample short link.
func (p *Plan) Append(dst []byte, fields []string) []byte {
	return p.AppendLinks(dst, fields, nil)
}

// AppendLinks renders the message onto dst, writing each tracked link
// (by index) with link; a nil link writes the sample.
func (p *Plan) AppendLinks(dst []byte, fields []string, link func(dst []byte, i int) []byte) []byte {
	c := p.compiled
	dst = append(dst, c.lits[0]...)
	for i, col := range c.cols {
		if len(p.links) > 0 && col >= p.base {
			if link != nil {
				dst = link(dst, col-p.base)
			} else {
				dst = append(dst, p.sample...)
			}
		} else if col < len(fields) {
			if p.ReplaceAccents {
				dst = p.Rule.AppendReplace(dst, fields[col])
			} else {
				dst = append(dst, fields[col]...)
			}
		}
		dst = append(dst, c.lits[i+1]...)
	}
	return dst
}

// Render returns the text a recipient with these fields receives.
func (p *Plan) Render(fields []string) string { return string(p.Append(nil, fields)) }

// Outgoing is one recipient's message as it is sent.
type Outgoing struct {
	Text string
	// Count is Text measured under the plan's rule: what it is billed
	// (Segments) and whether the provider refuses it (TooLong).
	Count sms.Count
	// Sercomtel is what Text is billed when the recipient is on Sercomtel
	// (sms.Sercomtel: separate SMS with order markers).
	Sercomtel int
}

// Outgoing renders and counts one recipient's message.
func (p *Plan) Outgoing(fields []string) Outgoing { return p.OutgoingLinks(fields, nil) }

// OutgoingLinks renders and counts one recipient's message with its own
// short links (see AppendLinks). Every short link is as long as the
// sample and made of the same kind of characters, so the count is the
// one the composer and the pre-flight made.
func (p *Plan) OutgoingLinks(fields []string, link func(dst []byte, i int) []byte) Outgoing {
	t := string(p.AppendLinks(nil, fields, link))
	return Outgoing{Text: t, Count: p.Rule.Measure(t), Sercomtel: sms.Sercomtel(t).Billed}
}

// OnSercomtel reports whether a carrier, as the carrier check names it, is
// Sercomtel, whose recipients get no accents and no concatenation.
func OnSercomtel(carrier string) bool {
	return strings.EqualFold(strings.TrimSpace(carrier), "SERCOMTEL")
}

// Cost walks the recipients (suppressed ones must be left out by the
// caller) and adds up what sending the plan's message to them costs:
// each message rendered into one reused buffer and measured in place, so
// a million recipients cost well under a second. Recipients on Sercomtel
// are billed what sms.Sercomtel says. It also finds the longest message,
// the range of segments per message, the messages billed per 70 only
// because of their field values, and what replacing every accent (text and
// fields) would bill.
func (p *Plan) Cost(recipients iter.Seq[*recipient.Recipient]) Cost {
	out := Cost{MinSegments: -1}
	asWritten := p.Rule.Measure(p.compiled.lits[0])
	if p.compiled.Placeholders() {
		asWritten = p.Rule.Measure(string(p.Append(nil, nil)))
	}
	buf, rbuf := make([]byte, 0, 512), make([]byte, 0, 512)
	longestChars := -1
	// Texts repeat when the message has no placeholders: measure once.
	var same sms.Count
	var sameReplaced int
	measured := false
	for r := range recipients {
		var m sms.Count
		var replaced int
		var text string
		if measured {
			m, replaced, text = same, sameReplaced, out.Longest
		} else {
			buf = p.Append(buf[:0], r.Fields)
			// The string shares buf's memory only while it is measured.
			text = unsafe.String(unsafe.SliceData(buf), len(buf))
			m = p.Rule.Measure(text)
			replaced = m.Segments
			if m.Encoding == sms.UCS2 {
				rbuf = p.Rule.AppendReplace(rbuf[:0], text)
				replaced = p.Rule.Measure(unsafe.String(unsafe.SliceData(rbuf), len(rbuf))).Segments
			}
		}
		billed := m.Segments
		if OnSercomtel(r.Carrier) {
			billed = sms.Sercomtel(text).Billed
			out.Sercomtel++
			out.SercomtelSegments += int64(billed)
			replaced = billed
		}
		out.Segments += int64(billed)
		out.Replaced += int64(replaced)
		if m.Encoding == sms.UCS2 {
			out.UCS2++
			if asWritten.Encoding == sms.GSM7 {
				out.FieldAccents++
			}
		}
		if m.TooLong {
			out.TooLong++
		}
		if out.MinSegments < 0 || m.Segments < out.MinSegments {
			out.MinSegments = m.Segments
		}
		if !measured && (m.Segments > out.LongestSegments || (m.Segments == out.LongestSegments && m.Chars > longestChars)) {
			out.Longest, out.LongestSegments, out.LongestIndex, out.LongestPhone = string(buf), m.Segments, out.Recipients, r.Phone
			longestChars = m.Chars
		}
		if !p.compiled.Placeholders() || len(p.compiled.cols) == len(p.links) {
			same, sameReplaced, measured = m, replaced, true
		}
		out.Recipients++
	}
	out.MinSegments = max(out.MinSegments, 0)
	return out
}
