package message

import (
	"iter"
	"unsafe"

	"arauto/internal/sms"
)

// Cost is what sending one message to every recipient of a list costs,
// counted after each recipient's fields are filled in.
type Cost struct {
	// Recipients is how many messages would be sent.
	Recipients int
	// Segments is the sum of every message's segments: what is billed,
	// since each segment is charged as one SMS.
	Segments int64
	// Longest is the rendered message with the most segments (the most
	// characters among those; the first such recipient), LongestSegments
	// its segments, LongestIndex its recipient's 0-based position.
	Longest         string
	LongestSegments int
	LongestIndex    int
	// UCS2 counts messages billed per 70 characters (UCS-2), for example
	// because a name has an accent.
	UCS2 int
	// TooLong counts messages longer than sms.MaxLength characters (as
	// sms.Length counts them), which the provider refuses.
	TooLong int
}

// Average is the mean number of segments per message, 0 for no recipients.
func (c Cost) Average() float64 {
	if c.Recipients == 0 {
		return 0
	}
	return float64(c.Segments) / float64(c.Recipients)
}

// CostPreview renders body for every recipient (each a list of fields in
// the order of columns) and adds up what sending it costs under
// sms.Default. It returns a *SyntaxError or an *UnknownFieldsError when
// body does not fit columns.
//
// recipients is a push iterator, so a caller can stream them from a
// database; the fields slice need not outlive the call to yield.
func CostPreview(body string, columns []string, recipients iter.Seq[[]string]) (Cost, error) {
	c, err := Compile(body, columns)
	if err != nil {
		return Cost{}, err
	}
	return c.Cost(recipients), nil
}

// Cost is CostFor under sms.Default, the Wavy rule.
func (c *Compiled) Cost(recipients iter.Seq[[]string]) Cost {
	return c.CostFor(sms.Default, recipients)
}

// CostFor is CostPreview for a compiled body under a billing rule. It
// renders each message into one reused buffer and measures it in place
// with rule.Measure, so it does not allocate per recipient (only when a
// new longest message is found, to keep a copy).
func (c *Compiled) CostFor(rule sms.Rule, recipients iter.Seq[[]string]) Cost {
	var out Cost
	if !c.Placeholders() {
		// Every recipient gets the same text: measure it once.
		for range recipients {
			out.Recipients++
		}
		if out.Recipients > 0 {
			m := rule.Measure(c.lits[0])
			out.add(m, out.Recipients)
			out.Longest, out.LongestSegments = c.lits[0], m.Segments
		}
		return out
	}
	buf := make([]byte, 0, 512)
	longestChars := -1
	for fields := range recipients {
		buf = c.Append(buf[:0], fields)
		// The string shares buf's memory only while Measure reads it;
		// Measure keeps nothing.
		m := rule.Measure(unsafe.String(unsafe.SliceData(buf), len(buf)))
		out.add(m, 1)
		if m.Segments > out.LongestSegments || (m.Segments == out.LongestSegments && m.Chars > longestChars) {
			out.Longest, out.LongestSegments, out.LongestIndex = string(buf), m.Segments, out.Recipients
			longestChars = m.Chars
		}
		out.Recipients++
	}
	return out
}

// add counts n messages measuring m.
func (c *Cost) add(m sms.Count, n int) {
	c.Segments += int64(m.Segments) * int64(n)
	if m.Encoding == sms.UCS2 {
		c.UCS2 += n
	}
	if m.TooLong {
		c.TooLong += n
	}
}
