package views

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/sms"
)

// ComposerData is what a Composer shows: the message field, the optional
// preview list whose columns become {{fields}}, and the live meter.
type ComposerData struct {
	// Field is the form field name of the message text ("body").
	Field string
	// Label is the translated label of the text box.
	Label string
	Body  string
	// Error is the (translated) problem with the text, from the last save.
	Error string
	// Lists are the ready lists to pick a preview list from; nil hides the
	// choice (a page that fixes the list sends list_id itself).
	Lists  []*recipient.List
	ListID int64
	// ListError is the (translated) problem with the chosen list.
	ListError string
	// Columns are the chosen list's personalisation fields.
	Columns []string
	// ReadOnly shows the text without editing or live counting (viewers).
	ReadOnly bool
	Meter    ComposeMeter
}

// ComposeMeter is the measurement of a message as written, shown live under the
// text box and, as bubbles, on the phone.
type ComposeMeter struct {
	Count sms.Count
	// Pieces is the text with its placeholders and the characters that
	// force UCS-2 marked.
	Pieces []message.Piece
	// Saving is set when replacing accents saves segments.
	Saving *sms.Saving
	// ListChosen says a preview list is chosen, so placeholders are
	// checked against Columns and a Sample may be shown.
	ListChosen bool
	Columns    []string
	// Problem is what is wrong with the placeholders (unknown fields,
	// unclosed braces), or nil.
	Problem *message.Problem
	// ComposeSample is the message as the list's first recipient receives it.
	Sample *ComposeSample
	// Parts are the SMS the phone shows: the sample's, or the text's as
	// written.
	Parts []string
}

// ComposeSample is a message rendered for one real recipient.
type ComposeSample struct {
	Phone string // E.164 digits
	Text  string
	Count sms.Count
}

// NewComposeMeter measures body as written (placeholders and all) with package
// sms, checks its placeholders against the preview list's columns when
// listChosen, and renders it for first, the list's first recipient, when
// there is one.
func NewComposeMeter(body string, listChosen bool, columns []string, first *recipient.Recipient) ComposeMeter {
	m := ComposeMeter{Count: sms.Measure(body), Pieces: message.Highlight(body, columns), ListChosen: listChosen, Columns: columns}
	if s, ok := sms.SuggestTransliteration(body); ok {
		m.Saving = &s
	}
	if body != "" {
		var err error
		if listChosen {
			err = message.Validate(body, columns)
		} else {
			err = message.CheckSyntax(body)
		}
		if err != nil {
			p := message.PlaceholderProblem(err)
			m.Problem = &p
		}
	}
	m.Parts = sms.Split(body)
	if listChosen && first != nil && m.Problem == nil && body != "" {
		text, err := message.Render(body, columns, first.Fields)
		if err == nil {
			m.Sample = &ComposeSample{Phone: first.Phone, Text: text, Count: sms.Measure(text)}
			m.Parts = sms.Split(text)
		}
	}
	return m
}

// Saved is how many segments accepting the suggestion saves.
func (m ComposeMeter) Saved() int {
	if m.Saving == nil {
		return 0
	}
	return m.Saving.Before.Segments - m.Saving.After.Segments
}

// ComposeCost is the cost of sending a message to the whole preview list.
type ComposeCost struct {
	// List is the preview list, nil when none is chosen.
	List *recipient.List
	// Pending is true until the first answer of /compose/cost arrives.
	Pending bool
	// Empty is true while there is no text to price.
	Empty bool
	// Problem is set when the text does not fit the list's fields.
	Problem *message.Problem
	Cost    message.Cost
	// Encoding is the text's as written: when it is GSM-7, messages that
	// are UCS-2 owe it to the recipients' fields.
	Encoding sms.Encoding
}

// composeVals tells the compose endpoints which form field holds the text.
func composeVals(field string) string {
	b, _ := json.Marshal(map[string]string{"compose_field": field})
	return string(b)
}

// composeTextareaValue keeps a leading line break: HTML drops the first newline
// after <textarea>, so one is always written before the text.
func composeTextareaValue(s string) string { return "\n" + s }

func composeBraced(name string) string { return message.Open + name + message.Close }

func composePieceClass(p message.Piece, listChosen bool) string {
	switch {
	case p.Kind == message.NonGSM:
		return "ucs2"
	case p.Kind == message.Field && listChosen && p.Column < 0:
		return "ph ph-bad"
	case p.Kind == message.Field:
		return "ph"
	}
	return ""
}

// composeCharName names a character that forces UCS-2 for its tooltip: U+00E3 ã.
func composeCharName(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "U+%04X", r)
	}
	return b.String()
}

func composeEncodingHint(ctx context.Context, e sms.Encoding) string {
	if e == sms.UCS2 {
		return T(ctx, "compose.encoding.ucs2_hint")
	}
	return T(ctx, "compose.encoding.gsm7_hint")
}

// composeSegments is "1 segmento" or "3 segmentos".
func composeSegments(ctx context.Context, n int) string {
	if n == 1 {
		return T(ctx, "compose.segments_one")
	}
	return T(ctx, "compose.segments_other", num(ctx, n))
}

func composePartLabel(i, n int) string { return "(" + strconv.Itoa(i+1) + "/" + strconv.Itoa(n) + ")" }

func composeListOption(ctx context.Context, l *recipient.List) string {
	if l.Valid == 1 {
		return T(ctx, "compose.list_option_one", l.Name)
	}
	return T(ctx, "compose.list_option", l.Name, num(ctx, l.Valid))
}

func composeProblem(ctx context.Context, p *message.Problem) string {
	if p == nil {
		return ""
	}
	return T(ctx, p.Key, p.Args...)
}

func composeAverage(ctx context.Context, f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if EnvFrom(ctx).Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// composeSnippet is the start of a message for a table cell.
func composeSnippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func composeTemplateURL(id int64, suffix string) string {
	return "/templates/" + strconv.FormatInt(id, 10) + suffix
}

// composeHasHighlights reports whether any piece is more than plain text.
func composeHasHighlights(ps []message.Piece) bool {
	for _, p := range ps {
		if p.Kind != message.Plain {
			return true
		}
	}
	return false
}

func composeHasKind(ps []message.Piece, k message.PieceKind) bool {
	for _, p := range ps {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// composePhoneEncoding is the encoding of what the phone shows.
func composePhoneEncoding(m ComposeMeter) string {
	if m.Sample != nil {
		return string(m.Sample.Count.Encoding)
	}
	return string(m.Count.Encoding)
}

// composeTemplateTitle is the title of a template page.
func composeTemplateTitle(ctx context.Context, d TemplateFormData) string {
	if d.Template == nil {
		return T(ctx, "templates.new")
	}
	return d.Template.Name
}
