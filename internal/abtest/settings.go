package abtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/message"
)

// Bounds and defaults of a test's settings.
const (
	DefaultShare = 20
	MinWait      = time.Hour
	MaxWait      = 72 * time.Hour
	DefaultWait  = 4 * time.Hour
)

// Click is the click criterion: clicks per message sent. It is offered only
// to campaigns that track clicks.
var Click = Criterion{Name: "click", Count: func(s Stats) int64 { return s.Clicked }, Base: func(s Stats) int64 { return s.Sent }}

// AllCriteria are every criterion a test may use, in the editor's order.
var AllCriteria = []Criterion{Delivery, Click, Reply}

// Settings are a campaign's A/B test. Variant A is the campaign's message;
// Others are the texts of B, C and D (1..3 of them). The zero value is no
// test.
type Settings struct {
	Others    []string      `json:"others"`
	Share     int           `json:"share"`
	Criterion string        `json:"criterion"`
	Wait      time.Duration `json:"wait"`
	// Manual leaves the choice to a person: no wait, no scheduler.
	Manual bool `json:"manual"`
}

// On reports whether the campaign runs a test.
func (s Settings) On() bool { return len(s.Others) > 0 }

// Variants is how many variants the test has, A included.
func (s Settings) Variants() int { return 1 + len(s.Others) }

// Text is the text of variant v (1 = A) given A's text.
func (s Settings) Text(a string, v int) string {
	if v <= 1 || v-2 >= len(s.Others) {
		return a
	}
	return s.Others[v-2]
}

// Criterion is the settings' criterion (Delivery when unknown).
func (s Settings) CriterionOf() Criterion {
	for _, c := range AllCriteria {
		if c.Name == s.Criterion {
			return c
		}
	}
	return Delivery
}

// Encode is the settings as the store keeps them ("" for none).
func (s Settings) Encode() string {
	if !s.On() {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// Parse reads settings kept by Encode.
func Parse(raw string) (Settings, error) {
	var s Settings
	if raw == "" {
		return s, nil
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, fmt.Errorf("abtest: settings: %w", err)
	}
	return s, nil
}

// Name is a variant's letter (1 = A).
func Name(v int) string {
	if v < 1 || v > MaxVariants {
		return "?"
	}
	return string(rune('A' + v - 1))
}

// Problem is what is wrong with submitted settings: the form field and a
// translation key with its arguments.
type Problem = message.Problem

// Form is the settings as a person submitted them.
type Form struct {
	// Others are the texts of B, C, D as typed (empty ones are dropped
	// from the end; a gap before a filled one is an error).
	Others    []string
	Share     string
	Criterion string
	WaitHours string
	Manual    bool
	// Tracking tells whether the campaign tracks clicks (the click
	// criterion needs it).
	Tracking bool
}

// Check checks a submitted test: 1..3 further texts (each required up to
// the last one given, within the SMS limit, placeholders known to the
// list's columns when checkFields), the share (MinShare..MaxShare), the
// criterion (click only with tracking) and, unless chosen by hand, the
// wait in whole hours (MinWait..MaxWait). Each problem names its field
// ("variant_b".., "share", "criterion", "wait").
func Check(f Form, columns []string, checkFields bool) (Settings, []Problem) {
	var out []Problem
	s := Settings{Share: DefaultShare, Criterion: f.Criterion, Wait: DefaultWait, Manual: f.Manual}
	last := -1
	for i, t := range f.Others {
		if strings.TrimSpace(t) != "" {
			last = i
		}
	}
	if last < 0 {
		out = append(out, Problem{Field: "variant_b", Key: "abtest.problem.need_two"})
	}
	for i := 0; i <= last && i < MaxVariants-1; i++ {
		field := "variant_" + strings.ToLower(Name(i+2))
		if p, bad := message.BodyProblem(f.Others[i], columns, checkFields); bad {
			p.Field = field
			out = append(out, p)
		}
		s.Others = append(s.Others, f.Others[i])
	}
	if v := strings.TrimSpace(f.Share); v != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
		if err != nil || n < MinShare || n > MaxShare {
			out = append(out, Problem{Field: "share", Key: "abtest.problem.share", Args: []any{MinShare, MaxShare}})
		} else {
			s.Share = n
		}
	}
	switch f.Criterion {
	case Delivery.Name, Reply.Name:
	case Click.Name:
		if !f.Tracking {
			out = append(out, Problem{Field: "criterion", Key: "abtest.problem.click_needs_tracking"})
		}
	default:
		out = append(out, Problem{Field: "criterion", Key: "abtest.problem.criterion"})
	}
	if !f.Manual {
		h, err := strconv.Atoi(strings.TrimSpace(f.WaitHours))
		w := time.Duration(h) * time.Hour
		if err != nil || w < MinWait || w > MaxWait {
			out = append(out, Problem{Field: "wait", Key: "abtest.problem.wait", Args: []any{int(MinWait.Hours()), int(MaxWait.Hours())}})
		} else {
			s.Wait = w
		}
	} else {
		s.Wait = 0
	}
	return s, out
}
