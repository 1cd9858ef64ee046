package wavy

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WhatsAppRequest is the body of POST /v1/whatsapp/send: one message to one
// or more destinations.
type WhatsAppRequest struct {
	// Destinations receive the message. Required.
	Destinations []WhatsAppDestination `json:"destinations"`
	// Message is the content. Required.
	Message WhatsAppMessage `json:"message"`
	// FlowID identifies a bot flow.
	FlowID string `json:"flowId,omitempty"`
	// DefaultExtraInfo is linked to every destination.
	DefaultExtraInfo string `json:"defaultExtraInfo,omitempty"`
	// CampaignAlias links every message to a campaign.
	CampaignAlias string `json:"campaignAlias,omitempty"`
}

// WhatsAppDestination is one recipient.
type WhatsAppDestination struct {
	// CorrelationID is the caller's id, echoed in status webhooks.
	CorrelationID string `json:"correlationId,omitempty"`
	// Destination is a phone number with country code (5519900001111,
	// +5519900001111, +55(19) 900001111) or a WhatsApp group id. Required.
	Destination string `json:"destination"`
	// RecipientType is "individual" or "group"; empty lets the provider decide.
	RecipientType string `json:"recipientType,omitempty"`
}

// WhatsAppMessage holds exactly one kind of content.
type WhatsAppMessage struct {
	// MessageText is free text (only inside an open 24h session).
	MessageText string `json:"messageText,omitempty"`
	// Image is a JPG, JPEG or PNG image.
	Image *Media `json:"image,omitempty"`
	// Audio is an AAC, MP4, AMR, MP3 or OGG audio.
	Audio *Media `json:"audio,omitempty"`
	// Document is a PDF document.
	Document *Media `json:"document,omitempty"`
	// Location is a map location.
	Location *Location `json:"location,omitempty"`
	// Contacts are contact cards.
	Contacts []Contact `json:"contacts,omitempty"`
	// Template is an approved message template (HSM).
	Template *Template `json:"template,omitempty"`
	// PreviewFirstURL controls the preview of the first URL in the text.
	PreviewFirstURL bool `json:"previewFirstUrl,omitempty"`
}

// Media is an image, audio or document given by URL or as base64 data.
type Media struct {
	// Type is the file type/extension, e.g. JPG, MP3, PDF. Required.
	Type string `json:"type"`
	// URL hosts the file. Exactly one of URL and Data is required.
	URL string `json:"url,omitempty"`
	// Data is the file content in base64.
	Data string `json:"data,omitempty"`
	// Caption is shown under images and documents.
	Caption string `json:"caption,omitempty"`
}

// Location is a geographic point with an optional name and address.
type Location struct {
	// GeoPoint is "latitude,longitude".
	GeoPoint string `json:"geoPoint"`
	// Name names the place.
	Name string `json:"name,omitempty"`
	// Address is the place's address.
	Address string `json:"address,omitempty"`
}

// Contact is a contact card, as sent and as received.
type Contact struct {
	// Addresses are postal addresses.
	Addresses []ContactAddress `json:"addresses,omitempty"`
	// Birthday is YYYY-MM-DD.
	Birthday string `json:"birthday,omitempty"`
	// Emails are e-mail addresses.
	Emails []ContactEmail `json:"emails,omitempty"`
	// Name is the full name.
	Name *ContactName `json:"name,omitempty"`
	// Org is the organisation.
	Org *ContactOrg `json:"org,omitempty"`
	// Phones are phone numbers.
	Phones []ContactPhone `json:"phones,omitempty"`
	// URLs are web addresses.
	URLs []ContactURL `json:"urls,omitempty"`
}

// ContactAddress is a postal address of a Contact.
type ContactAddress struct {
	// Street is the street and number.
	Street string `json:"street,omitempty"`
	// City is the city.
	City string `json:"city,omitempty"`
	// State is the state abbreviation.
	State string `json:"state,omitempty"`
	// Zip is the postal code.
	Zip string `json:"zip,omitempty"`
	// Country is the full country name.
	Country string `json:"country,omitempty"`
	// CountryCode is the two-letter country code.
	CountryCode string `json:"country_code,omitempty"`
	// Type is HOME or WORK.
	Type string `json:"type,omitempty"`
}

// ContactEmail is an e-mail address of a Contact.
type ContactEmail struct {
	// Email is the address.
	Email string `json:"email,omitempty"`
	// Type is HOME or WORK.
	Type string `json:"type,omitempty"`
}

// ContactName is the name of a Contact.
type ContactName struct {
	// FirstName is the first name.
	FirstName string `json:"first_name,omitempty"`
	// LastName is the last name.
	LastName string `json:"last_name,omitempty"`
	// MiddleName is the middle name.
	MiddleName string `json:"middle_name,omitempty"`
	// NameSuffix is the suffix.
	NameSuffix string `json:"name_suffix,omitempty"`
	// NamePrefix is the prefix.
	NamePrefix string `json:"name_prefix,omitempty"`
	// FormattedName is the name as usually displayed.
	FormattedName string `json:"formatted_name,omitempty"`
}

// ContactOrg is the organisation of a Contact.
type ContactOrg struct {
	// Company is the company name.
	Company string `json:"company,omitempty"`
	// Department is the department.
	Department string `json:"department,omitempty"`
	// Title is the job title.
	Title string `json:"title,omitempty"`
}

// ContactPhone is a phone number of a Contact.
type ContactPhone struct {
	// Phone is the formatted number.
	Phone string `json:"phone,omitempty"`
	// Type is CELL, MAIN, IPHONE, HOME or WORK.
	Type string `json:"type,omitempty"`
	// WaID is the WhatsApp id.
	WaID string `json:"wa_id,omitempty"`
}

// ContactURL is a web address of a Contact.
type ContactURL struct {
	// URL is the address.
	URL string `json:"url,omitempty"`
	// Type is HOME or WORK.
	Type string `json:"type,omitempty"`
}

// Template is an approved WhatsApp message template.
type Template struct {
	// Namespace is the Business Manager namespace. Required.
	Namespace string `json:"namespace"`
	// ElementName is the template's name. Required.
	ElementName string `json:"elementName"`
	// Header carries header parameters or media, when the template has them.
	Header *TemplateHeader `json:"header,omitempty"`
	// BodyParameters fill the body's variables in order.
	BodyParameters []string `json:"bodyParameters,omitempty"`
	// LanguageCode selects the language, e.g. pt_BR.
	LanguageCode string `json:"languageCode,omitempty"`
	// LanguagePolicy is DETERMINISTIC or FALLBACK.
	LanguagePolicy string `json:"languagePolicy,omitempty"`
}

// MarshalJSON writes the template with languagePolicy in the documented
// spelling. Validate accepts the policy in any case, but the seeds only show
// the upper-case enum ("languagePolicy": "DETERMINISTIC", seeds/000 WhatsApp
// templates) and the API (like internal/sandbox) refuses "fallback" with 400.
func (t Template) MarshalJSON() ([]byte, error) {
	type plain Template
	p := plain(t)
	p.LanguagePolicy = strings.ToUpper(p.LanguagePolicy)
	return json.Marshal(p)
}

// TemplateHeader is a template's header: text parameters, or one media element.
type TemplateHeader struct {
	// Parameters fill the header text's variables; not combined with Title or media.
	Parameters []string `json:"parameters,omitempty"`
	// Title is the header title (at most 60 characters).
	Title string `json:"title,omitempty"`
	// Image is an image header.
	Image *TemplateMedia `json:"image,omitempty"`
	// Audio is an audio header.
	Audio *TemplateMedia `json:"audio,omitempty"`
	// Document is a document header.
	Document *TemplateMedia `json:"document,omitempty"`
	// Video is a video header.
	Video *TemplateMedia `json:"video,omitempty"`
}

// TemplateMedia is a header media element.
type TemplateMedia struct {
	// URL is an http or https URL. Required.
	URL string `json:"url"`
	// Type is the media type (JPEG, MP3, PDF...). Required.
	Type string `json:"type"`
}

// Documented WhatsApp media types.
var (
	imageTypes    = []string{"JPG", "JPEG", "PNG"}
	audioTypes    = []string{"AAC", "MP4", "AMR", "MP3", "OGG"}
	documentTypes = []string{"PDF"}
	// languageCodes are the template languages the seeds list ("Codes: pt_BR,
	// en, es, en_US, en_GB, pt_PT, es_AR, es_ES, es_MX, it, fr", seeds/000
	// template fields); the API (like internal/sandbox) refuses others with 400.
	languageCodes = []string{"pt_BR", "en", "es", "en_US", "en_GB", "pt_PT", "es_AR", "es_ES", "es_MX", "it", "fr"}
)

// MaxTemplateHeaderTitle is the longest template header title.
const MaxTemplateHeaderTitle = 60

// MaxMediaData is the largest file sent inline as base64 "data", decoded.
// The seeds give no size for it; 5 MB is WhatsApp's own limit for images,
// the smallest of its media limits, and keeps a request (the file grows by
// a third in base64, and travels once per request) well within what the
// API and the sandbox read. Larger files go by URL.
const MaxMediaData = 5 << 20

// Validate checks the request before sending: at least one destination, each
// with a phone number or group id and a valid recipientType, unique
// correlationIds (at most 64 characters), exactly one kind of content, media
// with a documented type and exactly one of url and base64 data, and
// templates with namespace, elementName, a header that is either
// parameters/title or one http(s) media, a known languagePolicy and a
// documented languageCode.
func (r WhatsAppRequest) Validate() error {
	var p problems
	if len(r.Destinations) == 0 {
		p.add("destinations", "at least one destination is required")
	}
	seen := map[string]int{}
	for i, d := range r.Destinations {
		f := fmt.Sprintf("destinations[%d].", i)
		switch d.RecipientType {
		case "", "individual":
			if d.Destination == "" {
				p.add(f+"destination", "required")
			} else if !isPhoneLike(d.Destination) {
				p.add(f+"destination", "not a phone number: %q", d.Destination)
			}
		case "group":
			if d.Destination == "" {
				p.add(f+"destination", "required")
			}
		default:
			p.add(f+"recipientType", "must be individual or group, got %q", d.RecipientType)
		}
		if n := charLen(d.CorrelationID); n > MaxCorrelationID {
			p.add(f+"correlationId", "%d characters, at most %d", n, MaxCorrelationID)
		}
		if d.CorrelationID != "" {
			if j, dup := seen[d.CorrelationID]; dup {
				p.add(f+"correlationId", "%q already used by destinations[%d]", d.CorrelationID, j)
			} else {
				seen[d.CorrelationID] = i
			}
		}
	}
	r.Message.validate(&p)
	return p.err()
}

func (m WhatsAppMessage) validate(p *problems) {
	var kinds []string
	if m.MessageText != "" {
		kinds = append(kinds, "messageText")
	}
	if m.Image != nil {
		kinds = append(kinds, "image")
		validateMedia(p, "message.image", *m.Image, imageTypes, true)
	}
	if m.Audio != nil {
		kinds = append(kinds, "audio")
		validateMedia(p, "message.audio", *m.Audio, audioTypes, false)
	}
	if m.Document != nil {
		kinds = append(kinds, "document")
		validateMedia(p, "message.document", *m.Document, documentTypes, true)
	}
	if m.Location != nil {
		kinds = append(kinds, "location")
		if _, _, ok := m.Location.LatLng(); !ok {
			p.add("message.location.geoPoint", "want \"latitude,longitude\", got %q", m.Location.GeoPoint)
		}
	}
	if len(m.Contacts) > 0 {
		kinds = append(kinds, "contacts")
	}
	if m.Template != nil {
		kinds = append(kinds, "template")
		m.Template.validate(p)
	}
	switch len(kinds) {
	case 0:
		p.add("message", "needs one of messageText, image, audio, document, location, contacts or template")
	case 1:
	default:
		p.add("message", "only one kind of content per message, got %v", kinds)
	}
}

func validateMedia(p *problems, field string, m Media, types []string, captioned bool) {
	if m.Type == "" {
		p.add(field+".type", "required")
	} else if !containsFold(types, m.Type) {
		p.add(field+".type", "%q not one of %v", m.Type, types)
	}
	switch {
	case m.URL == "" && m.Data == "":
		p.add(field, "needs url or data")
	case m.URL != "" && m.Data != "":
		p.add(field, "url and data are mutually exclusive")
	case m.URL != "" && !isHTTPURL(m.URL):
		p.add(field+".url", "not an http(s) URL: %q", m.URL)
	case m.Data != "":
		// "data: conteúdo encodado em Base64" (seeds/000 media fields); the
		// API (like internal/sandbox) refuses anything else with 400.
		if n := base64.StdEncoding.DecodedLen(len(m.Data)); n > MaxMediaData+2 {
			p.add(field+".data", "%d bytes, at most %d (send larger files by url)", n, MaxMediaData)
		} else if b, err := base64.StdEncoding.DecodeString(m.Data); err != nil {
			p.add(field+".data", "not base64: %v", err)
		} else if len(b) > MaxMediaData {
			p.add(field+".data", "%d bytes, at most %d (send larger files by url)", len(b), MaxMediaData)
		}
	}
	if m.Caption != "" && !captioned {
		p.add(field+".caption", "not supported for this media")
	}
}

func (t Template) validate(p *problems) {
	if t.Namespace == "" {
		p.add("message.template.namespace", "required")
	}
	if t.ElementName == "" {
		p.add("message.template.elementName", "required")
	}
	switch strings.ToUpper(t.LanguagePolicy) {
	case "", "DETERMINISTIC", "FALLBACK":
	default:
		p.add("message.template.languagePolicy", "must be DETERMINISTIC or FALLBACK, got %q", t.LanguagePolicy)
	}
	if t.LanguageCode != "" && !slices.Contains(languageCodes, t.LanguageCode) {
		p.add("message.template.languageCode", "%q not one of %v", t.LanguageCode, languageCodes)
	}
	if h := t.Header; h != nil {
		media := 0
		for name, m := range map[string]*TemplateMedia{"image": h.Image, "audio": h.Audio, "document": h.Document, "video": h.Video} {
			if m == nil {
				continue
			}
			media++
			f := "message.template.header." + name
			if !isHTTPURL(m.URL) {
				p.add(f+".url", "needs an http(s) URL, got %q", m.URL)
			}
			if m.Type == "" {
				p.add(f+".type", "required")
			}
		}
		if media > 1 {
			p.add("message.template.header", "at most one media element")
		}
		if len(h.Parameters) > 0 && (h.Title != "" || media > 0) {
			p.add("message.template.header", "parameters exclude title and media")
		}
		if n := charLen(h.Title); n > MaxTemplateHeaderTitle {
			p.add("message.template.header.title", "%d characters, at most %d", n, MaxTemplateHeaderTitle)
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// WhatsAppAccepted is the provider's id for one destination of a send.
type WhatsAppAccepted struct {
	// ID is the provider's id of the message for this destination.
	ID string
	// CorrelationID echoes the caller's id.
	CorrelationID string
	// Destination echoes the destination.
	Destination string
}

// WhatsAppResponse is the synchronous answer to a WhatsApp send.
type WhatsAppResponse struct {
	// ID is the provider's id of the request, when given.
	ID string
	// Destinations are the per-destination ids, when given.
	Destinations []WhatsAppAccepted
}

// ParseWhatsAppResponse reads the answer to POST /v1/whatsapp/send. The
// seeds do not show it; accepted are an object with an "id" and/or a list of
// per-destination entries under "destinations", "messages" or "data", and a
// bare array of such entries. An answer with no id at all is an error.
func ParseWhatsAppResponse(body []byte) (WhatsAppResponse, error) {
	items, wrapper, shape, err := splitPayload(body, "destinations", "messages", "data")
	if err != nil {
		return WhatsAppResponse{}, err
	}
	var out WhatsAppResponse
	if wrapper != nil {
		var id FlexString
		if raw, ok := wrapper["id"]; ok {
			if err := json.Unmarshal(raw, &id); err != nil {
				return WhatsAppResponse{}, fmt.Errorf("id: %w", err)
			}
		}
		out.ID = string(id)
	}
	for i, raw := range items {
		var w struct {
			ID            FlexString `json:"id"`
			CorrelationID FlexString `json:"correlationId"`
			Destination   FlexString `json:"destination"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return WhatsAppResponse{}, fmt.Errorf("[%d]: %w", i, err)
		}
		if shape == shapeSingle {
			// A bare object: its id is the request id.
			out.ID = string(w.ID)
			if w.Destination == "" && w.CorrelationID == "" {
				continue
			}
		}
		out.Destinations = append(out.Destinations, WhatsAppAccepted{ID: string(w.ID), CorrelationID: string(w.CorrelationID), Destination: string(w.Destination)})
	}
	if out.ID == "" {
		for _, d := range out.Destinations {
			if d.ID != "" {
				return out, nil
			}
		}
		return WhatsAppResponse{}, errors.New("no id in whatsapp send response")
	}
	return out, nil
}

// SendWhatsApp sends a message with POST /v1/whatsapp/send after Validate.
// It is never retried: on ErrUnknownOutcome it may have been accepted.
// When the answer lists one entry per destination without correlationIds
// (as the seeds' bulk answers do), each entry takes the correlationId and
// destination of the request destination at the same position.
func (c *Client) SendWhatsApp(ctx context.Context, r WhatsAppRequest) (WhatsAppResponse, error) {
	const op = "whatsapp-send"
	if err := r.Validate(); err != nil {
		return WhatsAppResponse{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	var out WhatsAppResponse
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/v1/whatsapp/send", body: r},
		func(res result) (err error) { out, err = ParseWhatsAppResponse(res.body); return err })
	if err == nil && len(out.Destinations) == len(r.Destinations) {
		for i := range out.Destinations {
			d := &out.Destinations[i]
			if d.CorrelationID == "" && d.Destination == "" {
				d.CorrelationID, d.Destination = r.Destinations[i].CorrelationID, r.Destinations[i].Destination
			}
		}
	}
	return out, err
}

// SessionQuery selects the open WhatsApp sessions to export.
type SessionQuery struct {
	// CustomerID is required.
	CustomerID int64
	// SubAccountID narrows to one sub-account when not nil (0 is a valid id).
	SubAccountID *int64
}

// SessionExport is the answer of GET /v1/session: a link to a CSV file with
// the columns "source" and "session_created_at" (only a header when no
// session is open).
type SessionExport struct {
	// FileURL downloads the CSV.
	FileURL string `json:"file_url"`
}

// OpenSessions asks for the CSV of open WhatsApp sessions with
// GET /v1/session?customerId=..&subAccountId=... Safe to retry.
func (c *Client) OpenSessions(ctx context.Context, q SessionQuery) (SessionExport, error) {
	const op = "session"
	if q.CustomerID <= 0 {
		return SessionExport{}, fmt.Errorf("wavy: %s: %w", op, &FieldError{Field: "customerId", Problem: "required"})
	}
	v := url.Values{"customerId": {strconv.FormatInt(q.CustomerID, 10)}}
	if q.SubAccountID != nil {
		v.Set("subAccountId", strconv.FormatInt(*q.SubAccountID, 10))
	}
	var out SessionExport
	err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/v1/session", query: v, safe: true},
		func(res result) error {
			var w struct {
				FileURL FlexString `json:"file_url"`
			}
			if err := decodeLenient(res.body, &w); err != nil {
				return err
			}
			if w.FileURL == "" {
				return errors.New("no file_url")
			}
			out = SessionExport{FileURL: string(w.FileURL)}
			return nil
		})
	return out, err
}

// SessionLifetime is how long a customer-service session stays open after
// the user's last message: the 24-hour window of the seeds.
const SessionLifetime = 24 * time.Hour

// maxSessionFile bounds the download of an open-sessions CSV.
const maxSessionFile = 64 << 20

// OpenSession is one row of the open-sessions file: a user with an open
// 24-hour customer-service session, to whom free-form messages may go.
type OpenSession struct {
	// Source is the user's phone number, as the provider writes it.
	Source string
	// CreatedAt is when the session opened (session_created_at).
	CreatedAt time.Time
}

// OpenUntil is when the session closes, SessionLifetime after it opened.
func (s OpenSession) OpenUntil() time.Time { return s.CreatedAt.Add(SessionLifetime) }

// OpenSessionList asks for the open sessions with GET /v1/session
// (OpenSessions) and downloads the CSV behind its file_url. The file is
// usually on a CDN, so the request for it carries the UserName and
// AuthenticationToken headers only when it is on the API's own host
// (the credentials never go to another host). A file with only its header
// is no session. Safe to repeat; the file download itself is not retried.
func (c *Client) OpenSessionList(ctx context.Context, q SessionQuery) ([]OpenSession, error) {
	const op = "session-file"
	exp, err := c.OpenSessions(ctx, q)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(exp.FileURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &APIError{Op: op, StatusCode: http.StatusOK, Message: fmt.Sprintf("file_url %q is not an http(s) URL", exp.FileURL),
			kinds: []error{ErrBadResponse, ErrUnknownOutcome}}
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, fmt.Errorf("wavy: %s: rate limit wait: %w: %w", op, ErrTryLater, waitErr(ctx, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("wavy: %s: build request: %w: %w", op, ErrRejected, err)
	}
	if api, err := url.Parse(c.apiURL); err == nil && strings.EqualFold(api.Host, u.Host) {
		req.Header["UserName"] = []string{c.username}
		req.Header["AuthenticationToken"] = []string{c.token}
	}
	req.Header.Set("User-Agent", "arauto-wavy/1")
	resp, err := c.hc.Do(req)
	if err != nil {
		// A GET changes nothing: whatever happened, it may be repeated.
		return nil, fmt.Errorf("wavy: %s: %w: %w", op, ErrTryLater, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, newStatusError(op, resp.StatusCode, resp.Header, data)
	}
	sessions, err := ParseOpenSessions(io.LimitReader(resp.Body, maxSessionFile+1))
	if err != nil {
		return nil, &APIError{Op: op, StatusCode: resp.StatusCode, Message: err.Error(), kinds: []error{ErrBadResponse, ErrUnknownOutcome}}
	}
	return sessions, nil
}

// ParseOpenSessions reads an open-sessions CSV: a header naming the
// columns "source" and "session_created_at" (in any order and case, other
// columns ignored), then one session per row. Dates are read with
// ParseTime. An empty file or a header alone is no session; a row without
// a source is skipped; a missing column, a malformed row or an unreadable
// date is an error naming its line.
func ParseOpenSessions(r io.Reader) ([]OpenSession, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open sessions: header: %w", err)
	}
	src, at := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "source":
			src = i
		case "session_created_at":
			at = i
		}
	}
	if src < 0 || at < 0 {
		return nil, fmt.Errorf("open sessions: header %q lacks source or session_created_at", strings.Join(head, ","))
	}
	var out []OpenSession
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("open sessions: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) <= max(src, at) || strings.TrimSpace(rec[src]) == "" {
			continue
		}
		t, ok := ParseTime(rec[at])
		if !ok {
			return nil, fmt.Errorf("open sessions: line %d: session_created_at %q is not a date", line, rec[at])
		}
		out = append(out, OpenSession{Source: strings.TrimSpace(rec[src]), CreatedAt: t})
	}
}
