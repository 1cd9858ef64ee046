package walibrary

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"arauto/internal/message"
)

// Status is the state of a template at Facebook, as a person set it.
type Status string

// The states a template may be in; only Approved templates can be sent.
const (
	Approved Status = "approved"
	Paused   Status = "paused"
	Rejected Status = "rejected"
)

// Statuses lists the states in the order the pages offer them.
var Statuses = []Status{Approved, Paused, Rejected}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Button kinds of an approved template: a quick reply sends its text back,
// a link opens a web address, a call dials a number.
const (
	ButtonReply = "reply"
	ButtonURL   = "url"
	ButtonCall  = "call"
)

// ButtonKinds lists the button kinds in the order the pages offer them.
var ButtonKinds = []string{ButtonReply, ButtonURL, ButtonCall}

// Limits of what a template keeps (WhatsApp's: up to three quick replies or
// two call-to-action buttons, 25 characters of button text).
const (
	MaxButtons      = 3
	MaxButtonText   = 25
	MaxParamNameLen = 64
	MaxNameLen      = 512 // namespace and element name
)

// Button is one button of an approved template, shown in the preview.
type Button struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
	// Value is the web address of a link button or the phone of a call
	// button; empty for a quick reply.
	Value string `json:"value,omitempty"`
}

// Template is one approved WhatsApp template of the library.
type Template struct {
	ID           int64
	Namespace    string
	ElementName  string
	LanguageCode string
	// HeaderKind is "", "text" or a media kind (image, document, video,
	// audio), as message.WhatsAppHeaderKinds.
	HeaderKind string
	// HeaderText is the approved header with its {{1}}.. variables.
	HeaderText string
	// HeaderParams name the header text's variables in order.
	HeaderParams []string
	// BodyText is the approved body with its {{1}}.. variables.
	BodyText string
	// BodyParams name the body's variables in order.
	BodyParams []string
	FooterText string
	Buttons    []Button
	Status     Status
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Label is how pages name the template: its element name and language.
func (t Template) Label() string { return t.ElementName + " (" + t.LanguageCode + ")" }

var variable = regexp.MustCompile(`\{\{\s*([0-9]+)\s*\}\}`)

// Variables returns the number of distinct {{n}} variables of an approved
// text, and whether they are numbered 1..n without a gap.
func Variables(s string) (int, bool) {
	seen := map[int]bool{}
	high := 0
	for _, m := range variable.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.Atoi(m[1])
		seen[v] = true
		high = max(high, v)
	}
	return len(seen), len(seen) == high && !seen[0]
}

var paramName = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}_ .-]*$`)

// Problems checks a template as a person filled it in; keys are under
// "walibrary.problem.". It returns nil when the template may be saved.
func (t Template) Problems() []message.Problem {
	var ps []message.Problem
	add := func(field, key string, args ...any) {
		ps = append(ps, message.Problem{Field: field, Key: "walibrary.problem." + key, Args: args})
	}
	for field, v := range map[string]string{"namespace": t.Namespace, "element_name": t.ElementName} {
		switch {
		case strings.TrimSpace(v) == "":
			add(field, "required")
		case utf8.RuneCountInString(v) > MaxNameLen:
			add(field, "too_long", MaxNameLen, utf8.RuneCountInString(v))
		case strings.ContainsAny(v, " \t\r\n"):
			add(field, "spaces")
		}
	}
	if !slices.Contains(message.WhatsAppLanguages, t.LanguageCode) {
		add("language_code", "language")
	}
	if !slices.Contains(message.WhatsAppHeaderKinds, t.HeaderKind) {
		add("header_kind", "header_kind")
	}
	if !t.Status.Valid() {
		add("status", "status")
	}
	decorated := t.HeaderKind != "" || strings.TrimSpace(t.FooterText) != ""
	if t.HeaderKind == "text" {
		if strings.TrimSpace(t.HeaderText) == "" {
			add("header_text", "header_required")
		} else if n := utf8.RuneCountInString(t.HeaderText); n > message.MaxWhatsAppHeaderTitle {
			add("header_text", "too_long", message.MaxWhatsAppHeaderTitle, n)
		}
		checkParams(add, "header_params", t.HeaderText, t.HeaderParams)
	} else if len(t.HeaderParams) > 0 {
		add("header_params", "params_without_text")
	}
	limit := message.MaxWhatsAppBody
	if decorated {
		limit = message.MaxWhatsAppBodyDecorated
	}
	switch n := utf8.RuneCountInString(t.BodyText); {
	case strings.TrimSpace(t.BodyText) == "":
		add("body_text", "body_required")
	case n > limit && decorated:
		add("body_text", "body_too_long_decorated", limit, n)
	case n > limit:
		add("body_text", "too_long", limit, n)
	}
	checkParams(add, "body_params", t.BodyText, t.BodyParams)
	if n := utf8.RuneCountInString(t.FooterText); n > message.MaxWhatsAppFooter {
		add("footer_text", "too_long", message.MaxWhatsAppFooter, n)
	}
	if len(t.Buttons) > MaxButtons {
		add("buttons", "buttons_count", MaxButtons, len(t.Buttons))
	}
	for i, b := range t.Buttons {
		field := fmt.Sprintf("button_%d", i+1)
		switch {
		case !slices.Contains(ButtonKinds, b.Kind):
			add(field, "button_kind")
		case strings.TrimSpace(b.Text) == "":
			add(field, "button_text")
		case utf8.RuneCountInString(b.Text) > MaxButtonText:
			add(field, "button_too_long", MaxButtonText, utf8.RuneCountInString(b.Text))
		case b.Kind == ButtonURL && !strings.HasPrefix(b.Value, "https://") && !strings.HasPrefix(b.Value, "http://"):
			add(field, "button_url")
		case b.Kind == ButtonCall && !isPhone(b.Value):
			add(field, "button_phone")
		}
	}
	return ps
}

func checkParams(add func(field, key string, args ...any), field, text string, names []string) {
	n, ordered := Variables(text)
	switch {
	case !ordered:
		add(field, "variables_order")
	case n != len(names):
		add(field, "param_count", n, len(names))
	}
	for i, name := range names {
		if utf8.RuneCountInString(name) > MaxParamNameLen || !paramName.MatchString(name) {
			add(field, "param_name", i+1, name)
			return
		}
	}
}

func isPhone(s string) bool {
	digits := strings.TrimPrefix(s, "+")
	if len(digits) < 8 || len(digits) > 15 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Fill returns the campaign message of the template: its parameters
// written as the list fields they name ({{nome}}), the field's spelling
// taken from columns. Names columns lacks are returned in order; they are
// written as placeholders all the same, so the composer's check names
// them. With nil columns every name is written as given.
func (t Template) Fill(columns []string) (message.WhatsAppTemplateMsg, []string) {
	var missing []string
	param := func(name string) string {
		if columns != nil {
			if i := message.Column(columns, name); i >= 0 {
				name = columns[i]
			} else if !slices.ContainsFunc(missing, func(m string) bool { return strings.EqualFold(m, name) }) {
				missing = append(missing, name)
			}
		}
		return message.Open + name + message.Close
	}
	m := message.WhatsAppTemplateMsg{
		Namespace: t.Namespace, ElementName: t.ElementName, LanguageCode: t.LanguageCode,
		LanguagePolicy: message.WhatsAppPolicies[0], HeaderKind: t.HeaderKind,
		BodyText: t.BodyText, FooterText: t.FooterText,
	}
	if t.HeaderKind == "text" {
		m.HeaderText = t.HeaderText
		for _, n := range t.HeaderParams {
			m.HeaderParameters = append(m.HeaderParameters, param(n))
		}
	}
	for _, n := range t.BodyParams {
		m.BodyParameters = append(m.BodyParameters, param(n))
	}
	for _, b := range t.Buttons {
		m.Buttons = append(m.Buttons, b.Text)
	}
	return m, missing
}
