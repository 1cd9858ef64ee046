package message

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
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
	MaxWhatsAppHeaderTitle   = 60   // header text, and the header title a request carries
	MaxWhatsAppFooter        = 60   // footer text
	MaxWhatsAppText          = 4096 // free-form text
)

// MaxWhatsAppMediaData is the largest file uploaded with a message (sent as
// base64 "data"), decoded. The seeds give no size; 5 MB is WhatsApp's
// limit for images, the smallest of its limits, and the one the Wavy
// client applies (wavy.MaxMediaData). Larger files go by URL.
const MaxWhatsAppMediaData = 5 << 20

// Values the seeds list for the type of a contact's address, e-mail, URL
// and phone.
var (
	WhatsAppContactTypes      = []string{"HOME", "WORK"}
	WhatsAppContactPhoneTypes = []string{"CELL", "MAIN", "IPHONE", "HOME", "WORK"}
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
	// PreviewFirstURL asks WhatsApp to show a preview of the first URL of
	// the free-form text (previewFirstUrl).
	PreviewFirstURL bool `json:"previewFirstUrl,omitempty"`
	// Location is the free-form location.
	Location *WhatsAppPlace `json:"location,omitempty"`
	// Contacts are the free-form contact cards, with every field the
	// seeds list.
	Contacts []WhatsAppContact `json:"contacts,omitempty"`
	// Contact is the simple form of one card (a name and a phone), as
	// older messages stored it; it is sent after Contacts.
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
	// HeaderMedia is the header media, for a media header (by URL: the
	// seeds accept only http(s) URLs there).
	HeaderMedia *WhatsAppMedia `json:"headerMedia,omitempty"`
	// HeaderTitle is the header title the request carries (header.title,
	// at most 60 characters), alone or with the header media; not with
	// header parameters.
	HeaderTitle string `json:"headerTitle,omitempty"`
	// BodyText is the body as approved, with {{1}}.. variables (preview and limits).
	BodyText string `json:"bodyText,omitempty"`
	// BodyParameters fill the body's variables in order.
	BodyParameters []string `json:"bodyParameters,omitempty"`
	// FooterText is the footer as approved (preview).
	FooterText string `json:"footerText,omitempty"`
	// Buttons are the approved template's button texts (preview only: a
	// send request carries no buttons, the approved template has them).
	Buttons []string `json:"buttons,omitempty"`
}

// WhatsAppMedia is a file given by URL or uploaded (exactly one), with its
// type and, for images and documents, a caption.
type WhatsAppMedia struct {
	URL string `json:"url"`
	// Data is the uploaded file in base64 (standard encoding), at most
	// MaxWhatsAppMediaData bytes once decoded.
	Data    string `json:"data,omitempty"`
	Type    string `json:"type"`
	Caption string `json:"caption,omitempty"`
	// Upload and FileName name the uploaded file (MediaUpload) the Data
	// came from, for the editor; they do not travel to the provider.
	Upload   int64  `json:"upload,omitempty"`
	FileName string `json:"fileName,omitempty"`
}

// MediaUpload is a file uploaded in the editor to go with a campaign's
// WhatsApp message as base64 data.
type MediaUpload struct {
	ID, CampaignID int64
	FileName       string
	// Type is the documented file type (JPG, PNG, PDF, MP3, ...).
	Type string
	// Size is the file's size in bytes; Data its base64 (empty when only
	// the description was loaded).
	Size int64
	Data string
}

// MediaTypeOf returns the documented type of a file by its extension
// (".jpg" -> JPG) and whether a message of kind may carry it.
func MediaTypeOf(kind, ext string) (string, bool) {
	t := strings.ToUpper(strings.TrimPrefix(ext, "."))
	return t, slices.Contains(whatsAppMediaTypes[kind], t)
}

// MediaExtensions lists the file extensions the editor takes for kind
// (".jpg", ...), lower case.
func MediaExtensions(kind string) []string {
	var out []string
	for _, t := range whatsAppMediaTypes[kind] {
		out = append(out, "."+strings.ToLower(t))
	}
	return out
}

// WhatsAppContact is one contact card with the fields of the seeds'
// Contact (name, birthday YYYY-MM-DD, addresses, e-mails, organisation,
// phones, URLs). Values are sent as written.
type WhatsAppContact struct {
	Name      WhatsAppContactName      `json:"name"`
	Birthday  string                   `json:"birthday,omitempty"`
	Addresses []WhatsAppContactAddress `json:"addresses,omitempty"`
	Emails    []WhatsAppContactValue   `json:"emails,omitempty"`
	Org       WhatsAppContactOrg       `json:"org,omitzero"`
	Phones    []WhatsAppContactPhone   `json:"phones,omitempty"`
	URLs      []WhatsAppContactValue   `json:"urls,omitempty"`
}

// WhatsAppContactName is a contact's name; Formatted is how it shows.
type WhatsAppContactName struct {
	Formatted string `json:"formatted,omitempty"`
	First     string `json:"first,omitempty"`
	Middle    string `json:"middle,omitempty"`
	Last      string `json:"last,omitempty"`
	Prefix    string `json:"prefix,omitempty"`
	Suffix    string `json:"suffix,omitempty"`
}

// Display is the name as a card shows it: Formatted, or the parts joined.
func (n WhatsAppContactName) Display() string {
	if f := strings.TrimSpace(n.Formatted); f != "" {
		return f
	}
	return strings.Join(strings.Fields(strings.Join([]string{n.Prefix, n.First, n.Middle, n.Last, n.Suffix}, " ")), " ")
}

// WhatsAppContactAddress is a postal address (type HOME or WORK).
type WhatsAppContactAddress struct {
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	Type        string `json:"type,omitempty"`
}

// WhatsAppContactValue is an e-mail address or a URL with its type
// (HOME or WORK).
type WhatsAppContactValue struct {
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

// WhatsAppContactPhone is a phone number (type CELL, MAIN, IPHONE, HOME or
// WORK) and, optionally, its WhatsApp id.
type WhatsAppContactPhone struct {
	Phone string `json:"phone"`
	Type  string `json:"type,omitempty"`
	WaID  string `json:"waId,omitempty"`
}

// WhatsAppContactOrg is a contact's organisation.
type WhatsAppContactOrg struct {
	Company    string `json:"company,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
}

// AllContacts returns the cards the message sends: Contacts, then the
// simple Contact as a card with a formatted name and one CELL phone.
func (w WhatsApp) AllContacts() []WhatsAppContact {
	out := slices.Clone(w.Contacts)
	if c := w.Contact; c != nil {
		out = append(out, WhatsAppContact{Name: WhatsAppContactName{Formatted: c.Name, First: c.Name},
			Phones: []WhatsAppContactPhone{{Phone: c.Phone, Type: "CELL"}}})
	}
	return out
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
			if w.Media.URL == "" && w.Media.Data != "" {
				return "[" + w.Kind + "] " + strings.ToUpper(w.Media.Type)
			}
			return "[" + w.Kind + "] " + w.Media.URL
		}
	case WhatsAppLocation:
		if w.Location != nil {
			return strings.TrimSpace("[location] " + w.Location.GeoPoint + " " + w.Location.Name)
		}
	case WhatsAppContacts:
		var names []string
		for _, c := range w.AllContacts() {
			names = append(names, c.Name.Display())
		}
		if len(names) > 0 {
			return "[contact] " + strings.Join(names, ", ")
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

// firstURL finds the first web address of a text, as WhatsApp previews it.
var firstURL = regexp.MustCompile(`https?://[^\s<>"]+`)

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
	checkMedia := func(prefix, kind string, m *WhatsAppMedia, uploadOK bool) {
		hasURL := m != nil && strings.TrimSpace(m.URL) != ""
		hasData := m != nil && m.Data != ""
		switch {
		case hasURL && hasData:
			add(prefix+"url", "media_url_or_upload")
		case hasData && !uploadOK:
			add(prefix+"url", "media_url_required")
		case hasData:
			if n, err := base64DecodedLen(m.Data); err != nil {
				add(prefix+"data", "media_data")
			} else if n > MaxWhatsAppMediaData {
				add(prefix+"data", "media_data_too_large", MaxWhatsAppMediaData/(1<<20), (n+(1<<20)-1)/(1<<20))
			}
		case !hasURL && uploadOK:
			add(prefix+"url", "media_url_or_upload_required")
		case !hasURL:
			add(prefix+"url", "media_url_required")
		case !isHTTP(m.URL):
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
			checkMedia("header_media_", t.HeaderKind, t.HeaderMedia, false)
		default:
			add("header_kind", "header_kind")
		}
		if n := utf8.RuneCountInString(t.HeaderTitle); n > MaxWhatsAppHeaderTitle {
			add("header_title", "header_too_long", MaxWhatsAppHeaderTitle, n)
		}
		if t.HeaderTitle != "" && len(t.HeaderParameters) > 0 {
			add("header_title", "header_title_with_params")
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
		checkMedia("media_", w.Kind, w.Media, true)
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
		if len(w.Contacts) == 0 && w.Contact == nil {
			add("contact_name", "required")
		}
		if c := w.Contact; c != nil {
			if strings.TrimSpace(c.Name) == "" {
				add("contact_name", "required")
			}
			if strings.TrimSpace(c.Phone) == "" {
				add("contact_phone", "required")
			}
		}
		for i, c := range w.Contacts {
			ps = append(ps, c.problems(fmt.Sprintf("contact_%d_", i+1))...)
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
	// MediaUploaded is true when the file travels with the message (no URL
	// to show); MediaFileName names it.
	MediaUploaded bool
	MediaFileName string
	// HeaderTitle is a template header's title shown above its media.
	HeaderTitle string
	// LinkPreview is the first URL of a free-form text whose preview
	// WhatsApp is asked to show (previewFirstUrl); "" for none.
	LinkPreview string
	Body        string
	Footer      string
	// Buttons are a template's button texts, under the bubble.
	Buttons  []string
	Location *WhatsAppPlace
	// Contacts are every card sent; Contact is the simple card, if any.
	Contacts []WhatsAppContact
	Contact  *WhatsAppCard
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
		if p.HeaderText == "" && p.MediaKind == "" {
			p.HeaderText = t.HeaderTitle
		} else if p.MediaKind != "" {
			p.HeaderTitle = t.HeaderTitle
		}
		p.Body = fill(t.BodyText, rs(t.BodyParameters))
		p.Footer = t.FooterText
		p.Buttons = t.Buttons
	case WhatsAppText:
		p.Body = r(w.Text)
		if w.PreviewFirstURL {
			p.LinkPreview = firstURL.FindString(p.Body)
		}
	case WhatsAppImage, WhatsAppAudio, WhatsAppDocument:
		p.MediaKind = w.Kind
		if w.Media != nil {
			p.MediaURL = w.Media.URL
			p.MediaUploaded = w.Media.Data != ""
			p.MediaFileName = w.Media.FileName
			p.Body = r(w.Media.Caption)
		}
	case WhatsAppLocation:
		p.Location = w.Location
	case WhatsAppContacts:
		p.Contacts = w.AllContacts()
		p.Contact = w.Contact
	}
	return p
}

// base64DecodedLen decodes an uploaded file's base64 and returns its size.
func base64DecodedLen(data string) (int, error) {
	b, err := base64.StdEncoding.DecodeString(data)
	return len(b), err
}

// problems checks one contact card; field names start with prefix
// ("contact_2_").
func (c WhatsAppContact) problems(prefix string) []Problem {
	var ps []Problem
	add := func(field, key string, args ...any) {
		ps = append(ps, Problem{Field: prefix + field, Key: "whatsapp.problem." + key, Args: args})
	}
	typeOK := func(v string, allowed []string) bool {
		return v == "" || slices.Contains(allowed, strings.ToUpper(v))
	}
	if c.Name.Display() == "" {
		add("name", "required")
	}
	if c.Birthday != "" {
		if _, err := time.Parse(time.DateOnly, c.Birthday); err != nil {
			add("birthday", "contact_birthday")
		}
	}
	for i, p := range c.Phones {
		f := fmt.Sprintf("phone_%d", i+1)
		if strings.TrimSpace(p.Phone) == "" {
			add(f, "required")
		}
		if !typeOK(p.Type, WhatsAppContactPhoneTypes) {
			add(f, "contact_type", p.Type, strings.Join(WhatsAppContactPhoneTypes, ", "))
		}
	}
	for i, e := range c.Emails {
		f := fmt.Sprintf("email_%d", i+1)
		if at := strings.IndexByte(e.Value, '@'); at <= 0 || at == len(e.Value)-1 || strings.ContainsAny(e.Value, " \t\r\n") {
			add(f, "contact_email")
		}
		if !typeOK(e.Type, WhatsAppContactTypes) {
			add(f, "contact_type", e.Type, strings.Join(WhatsAppContactTypes, ", "))
		}
	}
	for i, u := range c.URLs {
		f := fmt.Sprintf("url_%d", i+1)
		if !isHTTP(u.Value) {
			add(f, "media_url")
		}
		if !typeOK(u.Type, WhatsAppContactTypes) {
			add(f, "contact_type", u.Type, strings.Join(WhatsAppContactTypes, ", "))
		}
	}
	for i, a := range c.Addresses {
		f := fmt.Sprintf("address_%d", i+1)
		if !typeOK(a.Type, WhatsAppContactTypes) {
			add(f, "contact_type", a.Type, strings.Join(WhatsAppContactTypes, ", "))
		}
		if cc := a.CountryCode; cc != "" && (len(cc) != 2 || !isASCIILetters(cc)) {
			add(f+"_country_code", "contact_country_code")
		}
	}
	return ps
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
