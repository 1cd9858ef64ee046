package campaign

import (
	"context"
	"strings"

	"arauto/internal/abtest"
	"arauto/internal/billing"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/segment"
	"arauto/internal/sms"
)

// VariantWalk is one further A/B variant (B, C, D) rendered for every
// recipient as the dispatcher will render it: its problem against the
// list (an unknown placeholder, named) or its cost, links shortened.
type VariantWalk struct {
	// Variant is the variant's number (2 = B).
	Variant int
	// Problem, when set, is why the variant cannot be rendered for the
	// list; Cost is then empty.
	Problem *message.Problem
	Cost    message.Cost
}

// variantWalks renders each further variant of an SMS campaign's A/B test
// for its audience; nil without a test or a list.
func (s *Service) variantWalks(ctx context.Context, cp *Campaign, list *recipient.List, sg *segment.Segment, bill billing.Settings) ([]VariantWalk, error) {
	if cp.Channel != SMS || !cp.ABTest.On() || list == nil {
		return nil, nil
	}
	var out []VariantWalk
	for i, t := range cp.ABTest.Others {
		vw := VariantWalk{Variant: i + 2}
		if p, bad := message.BodyProblem(t, list.Columns, true); bad {
			vw.Problem = &p
			out = append(out, vw)
			continue
		}
		variant := *cp
		variant.Message = t
		w, err := s.walk(ctx, &variant, list, sg, bill)
		if err != nil {
			return nil, err
		}
		if w == nil {
			p := message.Problem{Key: "templates.problem.body_required"}
			if _, err := message.Compile(t, list.Columns); err != nil {
				p = message.PlaceholderProblem(err)
			}
			vw.Problem = &p
		} else {
			vw.Cost = w.Cost
		}
		out = append(out, vw)
	}
	return out, nil
}

// checkVariants adds the A/B test to the review: each further variant must
// render for every recipient within the SMS limit (links shortened); a
// variant that does not is named with what is wrong.
func checkVariants(r *Review, f Facts) {
	cp := f.Campaign
	if cp.Channel != SMS || !cp.ABTest.On() {
		return
	}
	if f.List == nil {
		for i, t := range cp.ABTest.Others {
			if p, bad := message.BodyProblem(t, nil, false); bad {
				r.add("abtest", CheckFail, text("abtest.review.variant", abtest.Name(i+2)), text(p.Key, p.Args...))
				return
			}
		}
		r.add("abtest", CheckOK, text("abtest.review.ok", cp.ABTest.Variants(), cp.ABTest.Share))
		return
	}
	for _, vw := range f.Variants {
		name := abtest.Name(vw.Variant)
		switch {
		case vw.Problem != nil:
			r.add("abtest", CheckFail, text("abtest.review.variant", name), text(vw.Problem.Key, vw.Problem.Args...))
			return
		case vw.Cost.TooLong > 0:
			r.add("abtest", CheckFail, text("abtest.review.variant", name), text("campaigns.review.too_long", Count(vw.Cost.TooLong), sms.MaxLength))
			return
		}
	}
	if cp.TrackClicks && len(trackedURLs(cp)) > message.MaxTrackedLinks {
		// The variants' links share one numbering in the short codes.
		r.add("abtest", CheckFail, text("abtest.review.too_many_links", message.MaxTrackedLinks))
		return
	}
	if strings.TrimSpace(cp.Message) == "" {
		return
	}
	r.add("abtest", CheckOK, text("abtest.review.ok", cp.ABTest.Variants(), cp.ABTest.Share))
}

// trackedURLs are the links a campaign's short links lead to, by index:
// variant A's, then each further variant's (the dispatcher's offsets).
func trackedURLs(cp *Campaign) []string {
	texts := []string{cp.Message}
	if cp.Channel == SMS && cp.ABTest.On() {
		texts = append(texts, cp.ABTest.Others...)
	}
	var urls []string
	for _, t := range texts {
		links, _ := message.FindLinks(t)
		for _, l := range links {
			urls = append(urls, l.URL)
		}
	}
	return urls
}
