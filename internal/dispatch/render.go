package dispatch

import (
	"context"
	"fmt"

	"arauto/internal/message"
	"arauto/internal/sms"
)

// ShortLinks makes the short links of tracked campaigns
// (internal/clicks): every link is Prefix followed by a code of CodeLen
// characters.
type ShortLinks interface {
	Prefix() string
	CodeLen() int
	AppendCode(dst []byte, messageID int64, link int) []byte
}

// SMSCompiler is the Config.Compile of SMS campaigns: the campaign's
// message.Plan under the billing rule that rule returns for the batch
// (the setting in force), the accents of field values replaced when the
// campaign asks, each text counted as the composer and the pre-flight
// counted it, and a text too long once personalised refused on its own
// (TooLongReason) instead of failing the whole request.
//
// With links given, a campaign that tracks clicks has each of its http(s)
// links replaced by the recipient's own short link (links.Prefix and a
// code of links.CodeLen characters naming the message and the link),
// counted as the composer counted the shortened text.
func SMSCompiler(rule func(ctx context.Context) (sms.Rule, error), links ...ShortLinks) func(ctx context.Context, c Campaign) (func(Message) Rendered, error) {
	return func(ctx context.Context, c Campaign) (func(Message) Rendered, error) {
		r, err := rule(ctx)
		if err != nil {
			return nil, fmt.Errorf("dispatch: billing rule: %w", err)
		}
		var sh *message.Shortener
		var short ShortLinks
		if c.TrackClicks && len(links) > 0 && links[0] != nil {
			short = links[0]
			sh = &message.Shortener{Prefix: short.Prefix(), CodeLen: short.CodeLen()}
		}
		texts := c.Variants
		if len(texts) == 0 {
			texts = []string{c.Message}
		}
		// One plan per variant; a variant's links follow those of the
		// variants before it in the campaign's tracked links (offset).
		plans := make([]*message.Plan, len(texts))
		offsets := make([]int, len(texts))
		next := 0
		for i, t := range texts {
			if plans[i], err = message.NewTrackedPlan(t, c.Columns, r, c.ReplaceAccents, sh); err != nil {
				return nil, fmt.Errorf("dispatch: variant %d: %w", i+1, err)
			}
			links, _ := message.FindLinks(t)
			offsets[i], next = next, next+len(links)
		}
		return func(m Message) Rendered {
			v := max(m.Variant, -m.Variant)
			if v < 1 || v > len(plans) {
				v = 1
			}
			plan, offset := plans[v-1], offsets[v-1]
			var link func(dst []byte, i int) []byte
			if short != nil {
				link = func(dst []byte, i int) []byte {
					return short.AppendCode(append(dst, short.Prefix()...), m.ID, offset+i)
				}
			}
			o := plan.OutgoingLinks(m.Fields, link)
			out := Rendered{Text: o.Text, Segments: o.Count.Segments, SercomtelSegments: o.Sercomtel}
			if o.Count.TooLong {
				out.Refused = TooLongReason
			}
			return out
		}, nil
	}
}
