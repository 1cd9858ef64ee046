package dispatch

import (
	"context"
	"fmt"

	"arauto/internal/message"
	"arauto/internal/sms"
)

// SMSCompiler is the Config.Compile of SMS campaigns: the campaign's
// message.Plan under the billing rule that rule returns for the batch
// (the setting in force), the accents of field values replaced when the
// campaign asks, each text counted as the composer and the pre-flight
// counted it, and a text too long once personalised refused on its own
// (TooLongReason) instead of failing the whole request.
func SMSCompiler(rule func(ctx context.Context) (sms.Rule, error)) func(ctx context.Context, c Campaign) (func([]string) Rendered, error) {
	return func(ctx context.Context, c Campaign) (func([]string) Rendered, error) {
		r, err := rule(ctx)
		if err != nil {
			return nil, fmt.Errorf("dispatch: billing rule: %w", err)
		}
		plan, err := message.NewPlan(c.Message, c.Columns, r, c.ReplaceAccents)
		if err != nil {
			return nil, err
		}
		return func(fields []string) Rendered {
			o := plan.Outgoing(fields)
			out := Rendered{Text: o.Text, Segments: o.Count.Segments, SercomtelSegments: o.Sercomtel}
			if o.Count.TooLong {
				out.Refused = TooLongReason
			}
			return out
		}, nil
	}
}
