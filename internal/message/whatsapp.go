package message

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The channel name of WhatsApp campaigns and templates.
const ChannelWhatsApp = "whatsapp"

// WhatsApp kinds: an approved template (HSM), which may go to anyone, or
// free-form content, which WhatsApp only delivers inside a 24-hour session
// the recipient opened by replying.
const (
	WhatsAppTemplate = "template"
	WhatsAppText     = "text"
	WhatsAppImage    = "image"
	WhatsAppAudio    = "audio"
	WhatsAppDocument = "document"
	WhatsAppLocation = "location"
	WhatsAppContacts = "contacts"
)

// WhatsAppKinds lists the kinds in the order the editor offers them.
var WhatsAppKinds = []string{WhatsAppTemplate, WhatsAppText, WhatsAppImage, WhatsAppDocument, WhatsAppAudio, WhatsAppLocation, WhatsAppContacts}

// Limits of WhatsApp templates (seeds/000, templates).
const (
	MaxWhatsAppBody          = 1024 // template body text
	MaxWhatsAppBodyDecorated = 160  // body text when the template has a header or footer
	MaxWhatsAppHeaderTitle   = 60   // header text
	MaxWhatsAppFooter        = 60   // footer text
	MaxWhatsAppText          = 4096 // free-form text
)

// WhatsAppLanguages are the template language codes the API accepts.
var WhatsAppLanguages = []string{"pt_BR", "en", "es", "en_US", "en_GB", "pt_PT", "es_AR", "es_ES", "es_MX", "it", "fr"}

// WhatsAppPolicies are the template language policies; the first is the default.
var WhatsAppPolicies = []string{"DETERMINISTIC", "FALLBACK"}

// Header kinds of a template: none, text (with parameters), or one media.
var WhatsAppHeaderKinds = []string{"", "text", "image", "document", "video", "audio"}

// whatsAppMediaTypes are the documented file types per media kind.
var whatsAppMediaTypes = map[string][]string{
	"image":    {"JPG", "JPEG", "PNG"},
	"document": {"PDF"},
	"audio":    {"AAC", "MP4", "AMR", "MP3", "OGG"},
	"video":    {"MP4", "3GPP"},
}

// WhatsApp is the message of a WhatsApp campaign, stored as JSON. Parameter
// values and free-form text may hold {{placeholders}} of the list's fields;
// a value without one is a constant.
type WhatsApp struct {
	Kind     string               `json:"kind"`
	Template *WhatsAppTemplateMsg `json:"template,omitempty"`
	// Text is the free-form text.
	Text string `json:"text,omitempty"`
	// Media is the free-form image, audio or document.
	Media *WhatsAppMedia `json:"media,omitempty"`
	// Location is the free-form location.
	Location *WhatsAppPlace `json:"location,omitempty"`
	// Contact is the free-form contact card.
	Contact *WhatsAppCard `json:"contact,omitempty"`
}

// WhatsAppTemplateMsg is an approved template and how to fill it.
type WhatsAppTemplateMsg struct {
	Namespace      string `json:"namespace"`
	ElementName    string `json:"elementName"`
	LanguageCode   string `json:"languageCode"`
	LanguagePolicy string `json:"languagePolicy"`
	// HeaderKind is "", "text" or a media kind (image, document, video, audio).
	HeaderKind string `json:"headerKind,omitempty"`
	// HeaderText is the header as approved, with {{1}}.. variables (preview).
	HeaderText string `json:"headerText,omitempty"`
	// HeaderParameters fill the header text's variables.
	HeaderParameters []string `json:"headerParameters,omitempty"`
	// HeaderMedia is the header media, for a media header.
	HeaderMedia *WhatsAppMedia `json:"headerMedia,omitempty"`
	// BodyText is the body as approved, with {{1}}.. variables (preview and limits).
	BodyText string `json:"bodyText,omitempty"`
	// BodyParameters fill the body's variables in order.
	BodyParameters []string `json:"bodyParameters,omitempty"`
	// FooterText is the footer as approved (preview).
	FooterText string `json:"footerText,omitempty"`
}

// WhatsAppMedia is a file by URL with its type.
type WhatsAppMedia struct {
	URL     string `json:"url"`
	Type    string `json:"type"`
	Caption string `json:"caption,omitempty"`
}

// WhatsAppPlace is a location.
type WhatsAppPlace struct {
	GeoPoint string `json:"geoPoint"`
	Name     string `json:"name,omitempty"`
	Address  string `json:"address,omitempty"`
}

// WhatsAppCard is one contact card.
type WhatsAppCard struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// ParseWhatsApp reads a stored WhatsApp message; "" is the zero message.
func ParseWhatsApp(raw string) (WhatsApp, error) {
	var w WhatsApp
	if strings.TrimSpace(raw) == "" {
		return w, nil
	}
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		return w, fmt.Errorf("message: whatsapp: %w", err)
	}
	return w, nil
}

// JSON encodes the message for storage.
func (w WhatsApp) JSON() string {
	b, _ := json.Marshal(w)
	return string(b)
}

// NeedsSession reports whether the message is free-form, deliverable only
// to recipients with an open 24-hour session.
func (w WhatsApp) NeedsSession() bool { return w.Kind != "" && w.Kind != WhatsAppTemplate }

// Summary is a short description of the message (campaign lists, review).
func (w WhatsApp) Summary() string {
	switch w.Kind {
	case WhatsAppTemplate:
		if t := w.Template; t != nil {
			return "[template " + t.Namespace + "/" + t.ElementName + "] " + t.BodyText
		}
	case WhatsAppText:
		return w.Text
	case WhatsAppImage, WhatsAppAudio, WhatsAppDocument:
		if w.Media != nil {
			return "[" + w.Kind + "] " + w.Media.URL
		}
	case WhatsAppLocation:
		if w.Location != nil {
			return "[location] " + w.Location.GeoPoint
		}
	case WhatsAppContacts:
		if w.Contact != nil {
			return "[contact] " + w.Contact.Name
		}
	}
	return ""
}

var templateVar = regexp.MustCompile(`\{\{\s*([0-9]+)\s*\}\}`)

// templateVars returns the highest {{n}} variable of an approved text.
func templateVars(s string) int {
	n := 0
	for _, m := range templateVar.FindAllStringSubmatch(s, -1) {
		if v, _ := strconv.Atoi(m[1]); v > n {
			n = v
		}
	}
	return n
}

// fill replaces {{n}} variables with values (1-based); missing ones stay.
func fill(s string, values []string) string {
	return templateVar.ReplaceAllStringFunc(s, func(m string) string {
		v, _ := strconv.Atoi(templateVar.FindStringSubmatch(m)[1])
		if v >= 1 && v <= len(values) {
			return values[v-1]
		}
		return m
	})
}

func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

var geoPoint = regexp.MustCompile(`^\s*-?[0-9]{1,2}(\.[0-9]+)?\s*,\s*-?[0-9]{1,3}(\.[0-9]+)?\s*$`)

// Problems checks the message against the API's rules and the list's
// columns (nil columns skip the placeholder check). Keys are under
// "whatsapp.problem.".
func (w WhatsApp) Problems(columns []string) []Problem {
	var ps []Problem
	add := func(field, key string, args ...any) {
		ps = append(ps, Problem{Field: field, Key: "whatsapp.problem." + key, Args: args})
	}
	checkValue := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			add(field, "param_empty")
			return
		}
		err := CheckSyntax(v)
		if err == nil && columns != nil {
			err = Validate(v, columns)
		}
		if err != nil {
			p := PlaceholderProblem(err)
			p.Field = field
			ps = append(ps, p)
		}
	}
	checkMedia := func(prefix, kind string, m *WhatsAppMedia) {
		if m == nil || strings.TrimSpace(m.URL) == "" {
			add(prefix+"url", "media_url_required")
		} else if !isHTTP(m.URL) {
			add(prefix+"url", "media_url")
		}
		types := whatsAppMediaTypes[kind]
		if m == nil || m.Type == "" {
			add(prefix+"type", "media_type_required")
		} else if !slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, m.Type) }) {
			add(prefix+"type", "media_type", m.Type, strings.Join(types, ", "))
		}
	}
	switch w.Kind {
	case WhatsAppTemplate:
		t := w.Template
		if t == nil {
			t = &WhatsAppTemplateMsg{}
		}
		if strings.TrimSpace(t.Namespace) == "" {
			add("namespace", "required")
		}
		if strings.TrimSpace(t.ElementName) == "" {
			add("element_name", "required")
		}
		if !slices.Contains(WhatsAppLanguages, t.LanguageCode) {
			add("language_code", "language")
		}
		if t.LanguagePolicy != "" && !slices.Contains(WhatsAppPolicies, t.LanguagePolicy) {
			add("language_policy", "policy")
		}
		decorated := strings.TrimSpace(t.FooterText) != ""
		switch t.HeaderKind {
		case "":
		case "text":
			decorated = true
			if n := utf8.RuneCountInString(t.HeaderText); n > MaxWhatsAppHeaderTitle {
				add("header_text", "header_too_long", MaxWhatsAppHeaderTitle, n)
			}
			if want := templateVars(t.HeaderText); want != len(t.HeaderParameters) {
				add("header_params", "param_count", want, len(t.HeaderParameters))
			}
			for i, v := range t.HeaderParameters {
				checkValue(fmt.Sprintf("header_param_%d", i+1), v)
			}
		case "image", "document", "video", "audio":
			decorated = true
			checkMedia("header_media_", t.HeaderKind, t.HeaderMedia)
		default:
			add("header_kind", "header_kind")
		}
		body := t.BodyText
		if strings.TrimSpace(body) == "" {
			add("body_text", "body_required")
		}
		limit := MaxWhatsAppBody
		if decorated {
			limit = MaxWhatsAppBodyDecorated
		}
		if n := utf8.RuneCountInString(body); n > limit {
			if decorated {
				add("body_text", "body_too_long_decorated", limit, n)
			} else {
				add("body_text", "body_too_long", limit, n)
			}
		}
		if want := templateVars(body); want != len(t.BodyParameters) {
			add("body_params", "param_count", want, len(t.BodyParameters))
		}
		for i, v := range t.BodyParameters {
			checkValue(fmt.Sprintf("body_param_%d", i+1), v)
		}
		if n := utf8.RuneCountInString(t.FooterText); n > MaxWhatsAppFooter {
			add("footer_text", "footer_too_long", MaxWhatsAppFooter, n)
		}
	case WhatsAppText:
		if strings.TrimSpace(w.Text) == "" {
			add("text", "text_required")
		} else {
			if n := utf8.RuneCountInString(w.Text); n > MaxWhatsAppText {
				add("text", "text_too_long", MaxWhatsAppText, n)
			}
			checkValue("text", w.Text)
		}
	case WhatsAppImage, WhatsAppAudio, WhatsAppDocument:
		checkMedia("media_", w.Kind, w.Media)
		if w.Media != nil && w.Media.Caption != "" {
			if w.Kind == WhatsAppAudio {
				add("media_caption", "caption_audio")
			} else {
				checkValue("media_caption", w.Media.Caption)
			}
		}
	case WhatsAppLocation:
		if w.Location == nil || !geoPoint.MatchString(w.Location.GeoPoint) {
			add("geo_point", "geo_point")
		}
	case WhatsAppContacts:
		if w.Contact == nil || strings.TrimSpace(w.Contact.Name) == "" {
			add("contact_name", "required")
		}
		if w.Contact == nil || strings.TrimSpace(w.Contact.Phone) == "" {
			add("contact_phone", "required")
		}
	default:
		add("kind", "kind")
	}
	return ps
}

// WhatsAppRendered is what differs between recipients: the filled
// parameters and texts. Recipients with equal renderings share a request.
type WhatsAppRendered struct {
	HeaderParameters []string `json:"h,omitempty"`
	BodyParameters   []string `json:"b,omitempty"`
	Text             string   `json:"t,omitempty"`
	Caption          string   `json:"c,omitempty"`
}

// Key identifies a rendering, to group recipients.
func (r WhatsAppRendered) Key() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// CompileWhatsApp prepares the message for rendering with each recipient's
// fields; it fails when a value names a field the columns lack.
func CompileWhatsApp(w WhatsApp, columns []string) (func(fields []string) WhatsAppRendered, error) {
	compileAll := func(vs []string) ([]*Compiled, error) {
		out := make([]*Compiled, len(vs))
		for i, v := range vs {
			c, err := Compile(v, columns)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	render := func(cs []*Compiled, fields []string) []string {
		if len(cs) == 0 {
			return nil
		}
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Render(fields)
		}
		return out
	}
	var head, body []*Compiled
	var text, caption *Compiled
	var err error
	switch w.Kind {
	case WhatsAppTemplate:
		if w.Template == nil {
			return nil, fmt.Errorf("message: whatsapp template missing")
		}
		if head, err = compileAll(w.Template.HeaderParameters); err != nil {
			return nil, err
		}
		if body, err = compileAll(w.Template.BodyParameters); err != nil {
			return nil, err
		}
	case WhatsAppText:
		if text, err = Compile(w.Text, columns); err != nil {
			return nil, err
		}
	case WhatsAppImage, WhatsAppDocument:
		if w.Media != nil && w.Media.Caption != "" {
			if caption, err = Compile(w.Media.Caption, columns); err != nil {
				return nil, err
			}
		}
	}
	return func(fields []string) WhatsAppRendered {
		r := WhatsAppRendered{HeaderParameters: render(head, fields), BodyParameters: render(body, fields)}
		if text != nil {
			r.Text = text.Render(fields)
		}
		if caption != nil {
			r.Caption = caption.Render(fields)
		}
		return r
	}, nil
}

// WhatsAppPreview is the message as a phone shows it to one recipient.
type WhatsAppPreview struct {
	HeaderText string
	MediaKind  string // image, document, video, audio, or ""
	MediaURL   string
	Body       string
	Footer     string
	Location   *WhatsAppPlace
	Contact    *WhatsAppCard
}

// Preview renders the message for a recipient with these fields; values
// naming unknown fields are shown as written.
func (w WhatsApp) Preview(columns, fields []string) WhatsAppPreview {
	r := func(v string) string {
		if out, err := Render(v, columns, fields); err == nil {
			return out
		}
		return v
	}
	rs := func(vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = r(v)
		}
		return out
	}
	var p WhatsAppPreview
	switch w.Kind {
	case WhatsAppTemplate:
		t := w.Template
		if t == nil {
			return p
		}
		switch t.HeaderKind {
		case "text":
			p.HeaderText = fill(t.HeaderText, rs(t.HeaderParameters))
		case "image", "document", "video", "audio":
			p.MediaKind = t.HeaderKind
			if t.HeaderMedia != nil {
				p.MediaURL = t.HeaderMedia.URL
			}
		}
		p.Body = fill(t.BodyText, rs(t.BodyParameters))
		p.Footer = t.FooterText
	case WhatsAppText:
		p.Body = r(w.Text)
	case WhatsAppImage, WhatsAppAudio, WhatsAppDocument:
		p.MediaKind = w.Kind
		if w.Media != nil {
			p.MediaURL = w.Media.URL
			p.Body = r(w.Media.Caption)
		}
	case WhatsAppLocation:
		p.Location = w.Location
	case WhatsAppContacts:
		p.Contact = w.Contact
	}
	return p
}
