package views

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"arauto/internal/billing"
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
	// SegmentID is the segment previewed instead of a list (a campaign
	// whose audience is a segment not yet frozen; ListID is then 0).
	SegmentID int64
	// ListError is the (translated) problem with the chosen list.
	ListError string
	// Columns are the chosen list's personalisation fields.
	Columns []string
	// ReadOnly shows the text without editing or live counting (viewers).
	ReadOnly bool
	// AccentOption offers to replace the accents of field values when the
	// campaign sends; ReplaceAccents is its state.
	AccentOption, ReplaceAccents bool
	// ClickOption offers link tracking (an SMS campaign's composer);
	// TrackClicks is its state.
	ClickOption, TrackClicks bool
	Meter                    ComposeMeter
}

// ComposeMeter is what the composer shows about a message, all from one
// computation under the billing rule in force: the text as written
// (placeholders and all) and, with a preview list, every recipient's
// rendered message (message.Plan.Cost). The counter, the phone and the
// highlights of the sample show the same message — the list's longest —
// and the cost panel adds up the same walk, so they cannot disagree.
type ComposeMeter struct {
	// Billing is the rule, the accents switch and the prices in force.
	Billing billing.Settings
	// Body is the text as written.
	Body string
	// Written is the text as written, measured and split under the rule.
	Written sms.Analysis
	// Pieces is the text as written with its placeholders and the
	// characters that force the 70 table marked.
	Pieces []message.Piece
	// ListChosen says a preview list is chosen, so placeholders are
	// checked against Columns.
	ListChosen bool
	Columns    []string
	// Problem is what is wrong with the placeholders (unknown fields,
	// unclosed braces), or nil.
	Problem *message.Problem
	// Cost is the message rendered for every recipient of the list (nil
	// without a list or with a problem).
	Cost *message.Cost
	// Sample is the list's longest message, as its recipient receives it.
	Sample *ComposeSample
	// Sercomtel is what a recipient on Sercomtel receives of the sample,
	// when the list has any.
	Sercomtel *sms.SercomtelDelivery
	// ReplaceAccents is the campaign's option to replace the accents of
	// field values when sending; AccentOption says the page offers it.
	ReplaceAccents, AccentOption bool
	// TrackClicks: the campaign tracks clicks, so Written is the text with
	// its links shortened (ShortLinks of them, each ShortLinkLen
	// characters); Untracked are the link-looking tokens left as written.
	TrackClicks  bool
	ShortLinks   int
	ShortLinkLen int
	Untracked    []message.Untracked
}

// WithShortLinks measures the text as it goes when its links are tracked:
// each http(s) link replaced by a short link as long as sh makes them. The
// counter, the phone and the 1280 limit then show the shortened text.
func (m ComposeMeter) WithShortLinks(sh message.Shortener) ComposeMeter {
	links, untracked := message.FindLinks(m.Body)
	m.TrackClicks, m.ShortLinks, m.ShortLinkLen, m.Untracked = true, len(links), len(sh.Sample()), untracked
	if len(links) > 0 {
		m.Written = sms.Analyze(sh.Shorten(m.Body), m.Billing.Rule)
	}
	return m
}

// ComposeSample is a message rendered for one real recipient.
type ComposeSample struct {
	Phone    string // E.164 digits
	Text     string
	Analysis sms.Analysis
}

// NewComposeMeter measures body as written under the rule in force and
// checks its placeholders against the preview list's columns when
// listChosen. WithCost adds the list.
func NewComposeMeter(body string, bill billing.Settings, listChosen bool, columns []string) ComposeMeter {
	m := ComposeMeter{Billing: bill, Body: body, Written: sms.Analyze(body, bill.Rule), Pieces: message.HighlightFor(body, columns, bill.Rule),
		ListChosen: listChosen, Columns: columns}
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
	return m
}

// WithCost adds what the walk over every recipient found: the cost, the
// longest message as the sample, and what a Sercomtel recipient gets.
func (m ComposeMeter) WithCost(c message.Cost) ComposeMeter {
	m.Cost = &c
	if c.Recipients == 0 {
		return m
	}
	m.Sample = &ComposeSample{Phone: c.LongestPhone, Text: c.Longest, Analysis: sms.Analyze(c.Longest, m.Billing.Rule)}
	if c.Sercomtel > 0 {
		d := sms.Sercomtel(c.Longest)
		m.Sercomtel = &d
	}
	return m
}

// Shown is the analysis the counter and the phone show: the list's
// longest message, else the text as written.
func (m ComposeMeter) Shown() sms.Analysis {
	if m.Sample != nil {
		return m.Sample.Analysis
	}
	return m.Written
}

// Count is what the counter shows.
func (m ComposeMeter) Count() sms.Count { return m.Shown().Count }

// Parts are the SMS the phone shows.
func (m ComposeMeter) Parts() []string { return m.Shown().Parts }

// Saving is what replacing the accents saves: over the whole list (text
// and field values) when there is one, else for the text as written.
// before and after are segments; ok says it is worth offering.
func (m ComposeMeter) Saving() (before, after int64, ok bool) {
	if m.Cost != nil {
		return m.Cost.Segments, m.Cost.Replaced, m.Cost.Replaced < m.Cost.Segments
	}
	r := m.Written.Replacement
	return int64(r.Before.Segments), int64(r.After.Segments), r.Saves()
}

// TextReplaceable says the text as written has characters the accent
// replacement changes.
func (m ComposeMeter) TextReplaceable() bool { return m.Written.Replacement.Text != m.Body }

// AccentsOff says the account has no accents enabled by Wavy while the
// messages have characters outside the 160 table: the composer warns.
func (m ComposeMeter) AccentsOff() bool {
	if m.Billing.Accents {
		return false
	}
	if m.Cost != nil {
		return m.Cost.UCS2 > 0
	}
	return m.Written.Count.Encoding == sms.UCS2
}

// LineBreaks says the message has a line break (the composer explains how
// line breaks are billed).
func (m ComposeMeter) LineBreaks() bool { return strings.ContainsAny(m.Body, "\n\r") }

// ComposeCost is the cost of sending a message to the whole preview list,
// from the same walk as the meter.
type ComposeCost struct {
	// List is the preview list, nil when none is chosen.
	List *recipient.List
	// Pending is true until the first count of the page arrives.
	Pending bool
	// Empty is true while there is no text to price.
	Empty bool
	// Problem is set when the text does not fit the list's fields.
	Problem *message.Problem
	Cost    message.Cost
	// Encoding is the text's as written: when it is GSM-7, messages that
	// are UCS-2 owe it to the recipients' fields.
	Encoding sms.Encoding
	// Billing holds the price per SMS segment, for the money.
	Billing billing.Settings
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
	return N(ctx, "compose.segments_n", n, num(ctx, n))
}

func composePartLabel(i, n int) string { return "(" + strconv.Itoa(i+1) + "/" + strconv.Itoa(n) + ")" }

func composeListOption(ctx context.Context, l *recipient.List) string {
	return N(ctx, "compose.list_option", l.Valid, l.Name, num(ctx, l.Valid))
}

func composeProblem(ctx context.Context, p *message.Problem) string {
	if p == nil {
		return ""
	}
	return T(ctx, p.Key, p.Args...)
}

func composeAverage(ctx context.Context, f float64) string { return decimal(ctx, f, 2) }

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
func composePhoneEncoding(m ComposeMeter) string { return string(m.Count().Encoding) }

// composeTemplateTitle is the title of a template page.
func composeTemplateTitle(ctx context.Context, d TemplateFormData) string {
	if d.Template == nil {
		return T(ctx, "templates.new")
	}
	return d.Template.Name
}

// composeAudience is the list_id the compose endpoints read: a list's id,
// or "s" and a segment's id.
func composeAudience(d ComposerData) string {
	if d.ListID == 0 && d.SegmentID != 0 {
		return "s" + strconv.FormatInt(d.SegmentID, 10)
	}
	return strconv.FormatInt(d.ListID, 10)
}
