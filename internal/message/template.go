package message

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/sms"
)

// ChannelSMS is the channel of SMS templates, for now the only one.
const ChannelSMS = "sms"

// Limits of a template's fields.
const (
	// MaxNameLen is the longest template name, in characters.
	MaxNameLen = 100
	// MaxExtraInfoLen is Wavy's limit on extraInfo, in characters.
	MaxExtraInfoLen = 255
)

// Template is a saved, reusable message.
type Template struct {
	ID      int64
	Name    string
	Channel string // ChannelSMS
	Body    string // with {{field}} placeholders
	// Flash asks the handset to show the SMS at once without storing it.
	Flash bool
	// ExtraInfo is free text Wavy stores with each message and returns in
	// reports.
	ExtraInfo string
	// ListID is the preview list whose columns the placeholders are
	// checked against, 0 for none.
	ListID    int64
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Problem is something wrong with one field of a template, to say in the
// reader's language: Key is a translation key, Args its arguments.
type Problem struct {
	Field string
	Key   string
	Args  []any
}

// Problems checks a template as a person filled it in. columns are the
// preview list's fields, used only when t.ListID is set; without a list
// only the placeholders' syntax is checked. It returns nil when the
// template may be saved.
func (t *Template) Problems(columns []string) []Problem {
	var out []Problem
	add := func(field, key string, args ...any) { out = append(out, Problem{Field: field, Key: key, Args: args}) }
	switch n := utf8.RuneCountInString(t.Name); {
	case strings.TrimSpace(t.Name) == "":
		add("name", "templates.problem.name_required")
	case n > MaxNameLen:
		add("name", "templates.problem.name_too_long", MaxNameLen, n)
	}
	if t.Channel != ChannelSMS {
		add("channel", "templates.problem.channel")
	}
	if n := utf8.RuneCountInString(t.ExtraInfo); n > MaxExtraInfoLen {
		add("extra_info", "templates.problem.extra_info_too_long", MaxExtraInfoLen, n)
	}
	if p, ok := BodyProblem(t.Body, columns, t.ListID != 0); ok {
		out = append(out, p)
	}
	return out
}

// BodyProblem returns the first problem with a message body: empty, longer
// than sms.MaxLength characters, a placeholder that cannot be read, or
// (when checkFields) fields that columns lack, named with the fields
// available. The Problem's Field is "body".
func BodyProblem(body string, columns []string, checkFields bool) (Problem, bool) {
	if strings.TrimSpace(body) == "" {
		return Problem{Field: "body", Key: "templates.problem.body_required"}, true
	}
	if c := sms.Measure(body); c.TooLong {
		return Problem{Field: "body", Key: "templates.problem.body_too_long", Args: []any{sms.MaxLength, c.Chars}}, true
	}
	var err error
	if checkFields {
		err = Validate(body, columns)
	} else {
		err = CheckSyntax(body)
	}
	if err == nil {
		return Problem{}, false
	}
	return PlaceholderProblem(err), true
}

// PlaceholderProblem explains an error of Parse, Compile or Validate.
func PlaceholderProblem(err error) Problem {
	var se *SyntaxError
	var ue *UnknownFieldsError
	switch {
	case errors.As(err, &se) && se.Empty:
		return Problem{Field: "body", Key: "templates.problem.empty_placeholder"}
	case errors.As(err, &se):
		return Problem{Field: "body", Key: "templates.problem.unclosed", Args: []any{se.Near}}
	case errors.As(err, &ue) && len(ue.Available) == 0:
		return Problem{Field: "body", Key: "templates.problem.no_fields", Args: []any{Braced(ue.Unknown)}}
	case errors.As(err, &ue) && len(ue.Unknown) == 1:
		return Problem{Field: "body", Key: "templates.problem.unknown_field", Args: []any{Braced(ue.Unknown), Braced(ue.Available)}}
	case errors.As(err, &ue):
		return Problem{Field: "body", Key: "templates.problem.unknown_fields", Args: []any{Braced(ue.Unknown), Braced(ue.Available)}}
	}
	return Problem{Field: "body", Key: "templates.problem.body_invalid"}
}
