package views

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"arauto/internal/areacode"
	"arauto/internal/contact"
	"arauto/internal/frequency"
	"arauto/internal/i18n"
	"arauto/internal/segment"
)

// ContactsFilter is the contacts table's query as the page shows it.
type ContactsFilter struct {
	Search   string
	State    string // a UF, or ""
	ListID   int64  // 0 for every list
	OptedOut string // "", "yes" or "no"
}

// Active reports whether the table is narrowed at all.
func (f ContactsFilter) Active() bool { return f != ContactsFilter{} }

func (f ContactsFilter) query(after string) string {
	v := url.Values{}
	if f.Search != "" {
		v.Set("q", f.Search)
	}
	if f.State != "" {
		v.Set("state", f.State)
	}
	if f.ListID != 0 {
		v.Set("list", strconv.FormatInt(f.ListID, 10))
	}
	if f.OptedOut != "" {
		v.Set("optout", f.OptedOut)
	}
	if after != "" {
		v.Set("after", after)
	}
	if q := v.Encode(); q != "" {
		return "/contacts?" + q
	}
	return "/contacts"
}

// ContactsData is what the contacts page shows.
type ContactsData struct {
	Filter   ContactsFilter
	Contacts []contact.Contact
	// Total counts the book (or the part the filters select); -1 when a
	// search makes counting pointless.
	Total int64
	// All counts the whole book.
	All int64
	// After is the cursor this page was opened with; Next the following
	// page's ("" when none).
	After, Next string
	Lists       []ListOption
}

// ListOption is a list offered in a filter or a rule.
type ListOption struct {
	ID   int64
	Name string
}

// ContactData is what a contact's page shows.
type ContactData struct {
	Profile contact.Profile
	// Lists names the lists that still exist, by id.
	Lists map[int64]string
	// Fields are the contact's fields in order.
	Fields []string
}

// SegmentRow is one segment in the list of segments.
type SegmentRow struct {
	Segment *segment.Segment
}

// SegmentsData is what the segments page shows.
type SegmentsData struct {
	Segments []*segment.Segment
}

// SegmentEditor is the segment page: the filter being edited, its live
// count and what is wrong with it.
type SegmentEditor struct {
	Segment *segment.Segment // ID 0 for a new one
	Name    string
	Filter  segment.Filter
	// Problems are translated, by rule index and input ("-1:name").
	Problems map[string]string
	Message  string
	// Count is the live count (-1 when the filter cannot be counted) and
	// CountMS how long it took.
	Count   int64
	CountMS int64
	Fields  []string
	Lists   []ListOption
	// Carriers are the carriers contacts have, offered in carrier rules.
	Carriers []string
	ReadOnly bool
}

// Problem returns the problem of a rule's input (rule -1: the segment).
func (e SegmentEditor) Problem(rule int, input string) string {
	return e.Problems[strconv.Itoa(rule)+":"+input]
}

// PrivacyData is what the data subject requests page shows.
type PrivacyData struct {
	Phone    string
	Error    string
	Done     string
	Requests []contact.AuditEntry
}

// AudienceSettings is the Settings section of the frequency caps and the
// opt-in keywords.
type AudienceSettings struct {
	Caps          []frequency.Rule // one per channel, inactive when off
	CapForm       Form
	OptInKeywords string
	OptInForm     Form
}

// CapRuleText writes a frequency rule in words: "no máximo 1 mensagem por
// número a cada 1 dia (SMS)".
func CapRuleText(lang string, r frequency.Rule) string {
	ch := "SMS"
	if r.Channel == "whatsapp" {
		ch = "WhatsApp"
	}
	msgs := i18n.N(lang, "frequency.messages", r.Max, i18n.FormatInt(lang, r.Max))
	days := i18n.N(lang, "frequency.days", r.Days, i18n.FormatInt(lang, r.Days))
	return i18n.T(lang, "frequency.rule_text", msgs, days, ch)
}

func capText(ctx context.Context, r frequency.Rule) string { return CapRuleText(EnvFrom(ctx).Lang, r) }

// areaText is a number's state and DDD ("SP · 11"), or "".
func areaText(phone string) string {
	a, ok := areacode.FromPhone(phone)
	if !ok {
		return ""
	}
	return a.State + " · " + strconv.Itoa(a.DDD)
}

func contactURL(phone string) string { return "/contacts/" + url.PathEscape(phone) }

func segmentURL(id int64, suffix string) string {
	return "/contacts/segments/" + strconv.FormatInt(id, 10) + suffix
}

// contactName is the contact's name or a dash.
func contactName(c contact.Contact) string {
	if n := c.Name(); n != "" {
		return n
	}
	return "—"
}

// SortedFields are a contact's field names, the name first.
func SortedFields(attrs map[string]string) []string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if i := contact.NameField(keys); i > 0 {
		n := keys[i]
		keys = append([]string{n}, slices.Delete(keys, i, i+1)...)
	}
	return keys
}

func basisLabel(ctx context.Context, b contact.LegalBasis) string {
	return T(ctx, "contacts.basis."+string(b))
}

// sourceText describes where a contact came from.
func sourceText(ctx context.Context, s contact.Source, lists map[int64]string) string {
	if s.Kind == contact.SourceKeyword {
		return T(ctx, "contacts.source.keyword", s.Keyword)
	}
	name := s.ListName
	if _, ok := lists[s.ListID]; !ok || s.ListID == 0 {
		return T(ctx, "contacts.source.list_deleted", name, s.FileName)
	}
	return T(ctx, "contacts.source.list", name, s.FileName)
}

func eventLabel(ctx context.Context, kind string) string { return T(ctx, "contacts.event."+kind) }

// ruleKindLabel names a kind of rule.
func ruleKindLabel(ctx context.Context, k segment.Kind) string {
	return T(ctx, "segments.kind."+string(k))
}

func opLabel(ctx context.Context, o segment.Op) string { return T(ctx, "segments.op."+string(o)) }

// ruleValue is the text box's value of a rule: its values joined.
func ruleValue(r segment.Rule) string { return strings.Join(r.Values, ", ") }

func ruleInput(i int, name string) string { return "rule." + strconv.Itoa(i) + "." + name }

func ruleID(i int, name string) string { return "rule-" + strconv.Itoa(i) + "-" + name }

func auditActionLabel(ctx context.Context, a contact.Action) string {
	return T(ctx, "privacy.action."+string(a))
}

func auditOutcomeLabel(ctx context.Context, o string) string { return T(ctx, "privacy.outcome."+o) }

// shortHash is the start of a subject hash, enough to tell entries apart.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// channelName is a channel as people write it.
func channelName(ch string) string {
	if ch == "whatsapp" {
		return "WhatsApp"
	}
	return "SMS"
}

// stateNames are the states offered in filters and rules.
func stateNames() []string { return areacode.States }

func segmentTitle(ctx context.Context, e SegmentEditor) string {
	if e.Segment == nil || e.Segment.ID == 0 {
		return T(ctx, "segments.new")
	}
	return T(ctx, "segments.edit_title", e.Segment.Name)
}

func segmentAction(e SegmentEditor) string {
	if e.Segment == nil || e.Segment.ID == 0 {
		return "/contacts/segments"
	}
	return segmentURL(e.Segment.ID, "")
}

func fieldKnown(fields []string, f string) bool { return slices.Contains(fields, f) }

func fieldOptionText(ctx context.Context, f string) string {
	if f == "" {
		return T(ctx, "segments.pick_field")
	}
	return f
}

func carrierHint(ctx context.Context, known []string) string {
	if len(known) == 0 {
		return T(ctx, "segments.carriers_hint")
	}
	return T(ctx, "segments.carriers_known", strings.Join(known, ", "))
}

func daysValue(d int) string {
	if d <= 0 {
		return ""
	}
	return strconv.Itoa(d)
}

func removeVals(i int) string { return `{"remove":"` + strconv.Itoa(i) + `"}` }
