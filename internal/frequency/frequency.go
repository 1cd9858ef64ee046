package frequency

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits of a rule people may set.
const (
	MaxMessages = 1000
	MaxDays     = 365
)

// Rule caps the messages one number gets on one channel.
type Rule struct {
	Channel string // "sms" or "whatsapp"
	Max     int    // at most this many messages
	Days    int    // per this many days
}

// Active reports whether the rule caps anything.
func (r Rule) Active() bool { return r.Max > 0 && r.Days > 0 }

// Since is the start of the rolling window that ends at now.
func (r Rule) Since(now time.Time) time.Time {
	return now.Add(-time.Duration(r.Days) * 24 * time.Hour)
}

// Capped reports whether a number that got sent messages in the window
// may get no more.
func (r Rule) Capped(sent int) bool { return r.Active() && sent >= r.Max }

// SettingKey is the setting that holds a channel's rule.
func SettingKey(channel string) string { return "frequency." + channel }

// Channels are the channels a rule may cap.
var Channels = []string{"sms", "whatsapp"}

// Format is the stored form of the rule ("" when inactive).
func (r Rule) Format() string {
	if !r.Active() {
		return ""
	}
	return strconv.Itoa(r.Max) + "/" + strconv.Itoa(r.Days)
}

// Parse reads the rule of channel from saved settings; an absent, empty or
// damaged value is no cap.
func Parse(saved map[string]string, channel string) Rule {
	r := Rule{Channel: channel}
	m, d, ok := strings.Cut(saved[SettingKey(channel)], "/")
	if !ok {
		return r
	}
	max, err1 := strconv.Atoi(m)
	days, err2 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || max <= 0 || days <= 0 {
		return r
	}
	r.Max, r.Days = max, days
	return r
}

// reasonPrefix starts the recorded form of a rule.
const reasonPrefix = "frequency_cap:"

// Reason is the rule as recorded on a capped message and in the report's
// counters: "frequency_cap:sms:1:1".
func (r Rule) Reason() string {
	return fmt.Sprintf("%s%s:%d:%d", reasonPrefix, r.Channel, r.Max, r.Days)
}

// ParseReason reads a recorded rule back; false when s is not one.
func ParseReason(s string) (Rule, bool) {
	rest, ok := strings.CutPrefix(s, reasonPrefix)
	if !ok {
		return Rule{}, false
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 {
		return Rule{}, false
	}
	max, err1 := strconv.Atoi(parts[1])
	days, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return Rule{}, false
	}
	return Rule{Channel: parts[0], Max: max, Days: days}, true
}

// Problem is what is wrong with one field of a typed rule.
type Problem struct {
	Field string // "max" or "days"
	Key   string // translation key
	Args  []any
}

// Check reads a rule typed in a form: on, with the maximum and the window
// in days as typed. An inactive rule (on false) has no problems.
func Check(channel string, on bool, max, days string) (Rule, []Problem) {
	r := Rule{Channel: channel}
	if !on {
		return r, nil
	}
	var ps []Problem
	m, err := strconv.Atoi(strings.TrimSpace(max))
	switch {
	case err != nil:
		ps = append(ps, Problem{Field: "max", Key: "frequency.problem.max_number"})
	case m <= 0:
		ps = append(ps, Problem{Field: "max", Key: "frequency.problem.max_positive"})
	case m > MaxMessages:
		ps = append(ps, Problem{Field: "max", Key: "frequency.problem.max_too_big", Args: []any{MaxMessages}})
	}
	d, err := strconv.Atoi(strings.TrimSpace(days))
	switch {
	case err != nil:
		ps = append(ps, Problem{Field: "days", Key: "frequency.problem.days_number"})
	case d <= 0:
		ps = append(ps, Problem{Field: "days", Key: "frequency.problem.days_positive"})
	case d > MaxDays:
		ps = append(ps, Problem{Field: "days", Key: "frequency.problem.days_too_big", Args: []any{MaxDays}})
	}
	if len(ps) > 0 {
		return r, ps
	}
	r.Max, r.Days = m, d
	return r, nil
}

// FromSettings returns the lookup of the rule in force for a channel over
// a reader of the saved settings (read on every call: a changed rule
// applies to the next batch).
func FromSettings(read func(ctx context.Context) (map[string]string, error)) func(ctx context.Context, channel string) (Rule, error) {
	return func(ctx context.Context, channel string) (Rule, error) {
		saved, err := read(ctx)
		if err != nil {
			return Rule{}, fmt.Errorf("frequency: read the rule: %w", err)
		}
		return Parse(saved, channel), nil
	}
}
