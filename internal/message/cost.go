package message

import (
	"iter"

	"arauto/internal/recipient"
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
	// LongestPhone is the number of the longest message's recipient ("" when
	// the walk does not say).
	LongestPhone string
	// MinSegments is the fewest segments of one message; with
	// LongestSegments, the range a counter shows.
	MinSegments int
	// Sercomtel counts recipients on Sercomtel, SercomtelSegments the SMS
	// they are billed (separate parts with order markers), included in
	// Segments.
	Sercomtel         int
	SercomtelSegments int64
	// FieldAccents counts messages billed per 70 only because of their
	// field values: the text as written is billed per 160.
	FieldAccents int
	// Replaced is what Segments would be with every character that forces
	// the 70 table replaced by its look-alike, in the text and in the
	// fields; Segments - Replaced is what replacing them saves.
	Replaced int64
}

// Saved is how many segments replacing every accent would save over the
// whole list.
func (c Cost) Saved() int64 { return max(c.Segments-c.Replaced, 0) }

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

// CostFor is CostPreview for a compiled body under a billing rule: Plan.Cost
// over recipients given by their fields alone (none on Sercomtel).
func (c *Compiled) CostFor(rule sms.Rule, recipients iter.Seq[[]string]) Cost {
	p := &Plan{Rule: rule, compiled: c}
	var r recipient.Recipient
	return p.Cost(func(yield func(*recipient.Recipient) bool) {
		for fields := range recipients {
			r.Fields = fields
			if !yield(&r) {
				return
			}
		}
	})
}
