package segment

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/areacode"
	"arauto/internal/contact"
)

// Match says how a filter's rules combine.
type Match string

// The two ways.
const (
	All Match = "all" // every rule holds (AND)
	Any Match = "any" // at least one rule holds (OR)
)

// Kind is what a rule tests.
type Kind string

// The kinds of rule.
const (
	KindAttr          Kind = "attr"           // Field Op Values
	KindList          Kind = "list"           // in the list Values[0] (an id)
	KindDDD           Kind = "ddd"            // the number's DDD is one of Values
	KindState         Kind = "state"          // the number's state (UF) is one of Values
	KindCarrier       Kind = "carrier"        // the carrier is one of Values
	KindDelivered     Kind = "delivered"      // a message was delivered within Days
	KindReplied       Kind = "replied"        // the contact replied within Days
	KindClicked       Kind = "clicked"        // the contact clicked within Days
	KindNeverMessaged Kind = "never_messaged" // no message was ever sent
	KindOptedOut      Kind = "opted_out"      // the number is on the suppression list
)

// Kinds lists the kinds in the order the editor offers them.
var Kinds = []Kind{KindAttr, KindList, KindDDD, KindState, KindCarrier, KindDelivered, KindReplied, KindClicked, KindNeverMessaged, KindOptedOut}

// Op compares a field.
type Op string

// The comparisons of a field.
const (
	Equals   Op = "equals"
	Contains Op = "contains"
	In       Op = "in" // one of Values
)

// Ops lists the comparisons in the order offered.
var Ops = []Op{Equals, Contains, In}

// Rule is one condition.
type Rule struct {
	Kind   Kind     `json:"kind"`
	Field  string   `json:"field,omitempty"`
	Op     Op       `json:"op,omitempty"`
	Values []string `json:"values,omitempty"`
	Days   int      `json:"days,omitempty"`
	// Not selects the contacts the rule would leave out.
	Not bool `json:"not,omitempty"`
}

// Filter is a segment's rules.
type Filter struct {
	Match Match  `json:"match"`
	Rules []Rule `json:"rules"`
}

// Segment is a saved, named filter.
type Segment struct {
	ID        int64
	Name      string
	Filter    Filter
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Limits of what people may write.
const (
	MaxRules   = 20
	MaxValues  = 50
	MaxDays    = 3650
	MaxNameLen = 100
	maxValue   = 200
)

// Known is what a filter is checked against.
type Known struct {
	// Fields are the fields contacts have (contact_fields).
	Fields []string
	// Lists are the ready lists by id.
	Lists map[int64]string
}

// Problem is what is wrong with one input of a filter.
type Problem struct {
	// Rule is the rule's index; -1 for the segment itself (name, match).
	Rule int
	// Input names the input: name, match, kind, field, op, values, days.
	Input string
	Key   string
	Args  []any
}

// Folded returns the values of an attribute rule as they are compared.
func (r Rule) Folded() []string {
	out := make([]string, 0, len(r.Values))
	for _, v := range r.Values {
		if f := contact.Fold(v); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// DDDs returns the area codes a DDD or state rule selects.
func (r Rule) DDDs() []int {
	var out []int
	switch r.Kind {
	case KindDDD:
		for _, v := range r.Values {
			if d, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				if _, ok := areacode.Lookup(d); ok && !slices.Contains(out, d) {
					out = append(out, d)
				}
			}
		}
	case KindState:
		for _, v := range r.Values {
			for _, d := range areacode.DDDs(strings.ToUpper(strings.TrimSpace(v))) {
				if !slices.Contains(out, d) {
					out = append(out, d)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// ListID returns the list a list rule names.
func (r Rule) ListID() int64 {
	if len(r.Values) == 0 {
		return 0
	}
	id, _ := strconv.ParseInt(r.Values[0], 10, 64)
	return id
}

// NormalizeName trims a typed name and collapses inner whitespace.
func NormalizeName(s string) string { return strings.Join(strings.Fields(s), " ") }

// CheckName returns a translation key for what is wrong with a name, or "".
func CheckName(name string) string {
	switch {
	case name == "":
		return "segments.problem.name_required"
	case utf8.RuneCountInString(name) > MaxNameLen:
		return "segments.problem.name_long"
	}
	return ""
}

// Check returns what is wrong with the filter, rule by rule; nil when
// it can be saved and counted.
func (f Filter) Check(k Known) []Problem {
	var ps []Problem
	add := func(rule int, input, key string, args ...any) {
		ps = append(ps, Problem{Rule: rule, Input: input, Key: key, Args: args})
	}
	if f.Match != All && f.Match != Any {
		add(-1, "match", "segments.problem.match")
	}
	if len(f.Rules) > MaxRules {
		add(-1, "rules", "segments.problem.too_many_rules", MaxRules)
	}
	for i, r := range f.Rules {
		if len(r.Values) > MaxValues {
			add(i, "values", "segments.problem.too_many_values", MaxValues)
			continue
		}
		for _, v := range r.Values {
			if utf8.RuneCountInString(v) > maxValue {
				add(i, "values", "segments.problem.value_long", maxValue)
				break
			}
		}
		switch r.Kind {
		case KindAttr:
			switch {
			case r.Field == "":
				add(i, "field", "segments.problem.field_required")
			case !slices.Contains(k.Fields, r.Field):
				add(i, "field", "segments.problem.field_unknown", r.Field)
			}
			if !slices.Contains(Ops, r.Op) {
				add(i, "op", "segments.problem.op")
			} else if len(r.Folded()) == 0 {
				add(i, "values", "segments.problem.value_required")
			} else if r.Op != In && len(r.Values) > 1 {
				add(i, "values", "segments.problem.one_value")
			}
		case KindList:
			id := r.ListID()
			if _, ok := k.Lists[id]; !ok || id == 0 {
				add(i, "values", "segments.problem.list_unknown")
			}
		case KindDDD:
			if len(r.Values) == 0 {
				add(i, "values", "segments.problem.ddd_required")
			}
			for _, v := range r.Values {
				d, err := strconv.Atoi(strings.TrimSpace(v))
				if _, ok := areacode.Lookup(d); err != nil || !ok {
					add(i, "values", "segments.problem.ddd_unknown", strings.TrimSpace(v))
					break
				}
			}
		case KindState:
			if len(r.Values) == 0 {
				add(i, "values", "segments.problem.state_required")
			}
			for _, v := range r.Values {
				if !areacode.ValidState(strings.ToUpper(strings.TrimSpace(v))) {
					add(i, "values", "segments.problem.state_unknown", strings.TrimSpace(v))
					break
				}
			}
		case KindCarrier:
			if len(r.Values) == 0 {
				add(i, "values", "segments.problem.carrier_required")
			}
		case KindDelivered, KindReplied, KindClicked:
			if r.Days <= 0 {
				add(i, "days", "segments.problem.days_positive")
			} else if r.Days > MaxDays {
				add(i, "days", "segments.problem.days_too_big", MaxDays)
			}
		case KindNeverMessaged, KindOptedOut:
		default:
			add(i, "kind", "segments.problem.kind")
		}
	}
	return ps
}

// SplitValues reads a typed list of values: separated by commas or new
// lines, trimmed, blanks dropped.
func SplitValues(s string) []string {
	var out []string
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
