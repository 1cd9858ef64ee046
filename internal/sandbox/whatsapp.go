package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"arauto/internal/sms"
)

// Documented WhatsApp media types and template options.
var (
	waImageTypes    = map[string]bool{"JPG": true, "JPEG": true, "PNG": true}
	waAudioTypes    = map[string]bool{"AAC": true, "MP4": true, "AMR": true, "MP3": true, "OGG": true}
	waDocumentTypes = map[string]bool{"PDF": true}
	waLanguageCodes = map[string]bool{
		"pt_BR": true, "en": true, "es": true, "en_US": true, "en_GB": true, "pt_PT": true,
		"es_AR": true, "es_ES": true, "es_MX": true, "it": true, "fr": true,
	}
)

// waContent is the validated kind of a WhatsApp message.
type waContent struct {
	template bool
	summary  string // what the ledger records as the text
}

func validHTTPURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func validateMedia(name string, m *waMedia, types map[string]bool) (string, error) {
	if m.Type == "" {
		return "", fmt.Errorf("message.%s.type is required", name)
	}
	if !types[strings.ToUpper(m.Type)] {
		return "", fmt.Errorf("message.%s.type %q is not supported", name, m.Type)
	}
	switch {
	case m.URL == "" && m.Data == "":
		return "", fmt.Errorf("message.%s needs url or data", name)
	case m.URL != "" && m.Data != "":
		return "", fmt.Errorf("message.%s takes url or data, not both", name)
	case m.URL != "" && !validHTTPURL(m.URL):
		return "", fmt.Errorf("message.%s.url must be an http or https URL", name)
	case m.Data != "":
		if _, err := base64.StdEncoding.DecodeString(m.Data); err != nil {
			return "", fmt.Errorf("message.%s.data is not valid base64", name)
		}
	}
	summary := "[" + name + " " + strings.ToUpper(m.Type) + "]"
	if m.Caption != "" {
		summary += " " + m.Caption
	}
	return summary, nil
}

func validateGeoPoint(v string) error {
	lat, lon, ok := strings.Cut(v, ",")
	if !ok {
		return fmt.Errorf("message.location.geoPoint must be \"latitude,longitude\"")
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 {
		return fmt.Errorf("message.location.geoPoint %q is not a valid latitude,longitude", v)
	}
	return nil
}

func validateTemplate(t *waTemplate) error {
	if strings.TrimSpace(t.Namespace) == "" {
		return fmt.Errorf("message.template.namespace is required")
	}
	if strings.TrimSpace(t.ElementName) == "" {
		return fmt.Errorf("message.template.elementName is required")
	}
	switch t.LanguagePolicy {
	case "", "DETERMINISTIC", "FALLBACK":
	default:
		return fmt.Errorf("message.template.languagePolicy %q must be DETERMINISTIC or FALLBACK", t.LanguagePolicy)
	}
	if t.LanguageCode != "" && !waLanguageCodes[t.LanguageCode] {
		return fmt.Errorf("message.template.languageCode %q is not supported", t.LanguageCode)
	}
	h := t.Header
	if h == nil {
		return nil
	}
	if sms.Length(h.Title) > 60 {
		return fmt.Errorf("message.template.header.title is limited to 60 characters")
	}
	elements := 0
	for name, el := range map[string]*waHeaderMedia{"image": h.Image, "audio": h.Audio, "document": h.Document, "video": h.Video} {
		if el == nil {
			continue
		}
		elements++
		if !validHTTPURL(el.URL) {
			return fmt.Errorf("message.template.header.%s.url must be an http or https URL", name)
		}
		if el.Type == "" {
			return fmt.Errorf("message.template.header.%s.type is required", name)
		}
	}
	if h.Text != nil {
		elements++
	}
	if elements > 1 {
		return fmt.Errorf("message.template.header takes one element")
	}
	if len(h.Parameters) > 0 && (h.Title != "" || elements > 0) {
		return fmt.Errorf("message.template.header with parameters must have no title nor element")
	}
	return nil
}

// validateWhatsAppMessage checks that exactly one documented content kind
// is present and has its required fields.
func validateWhatsAppMessage(m *waMessage) (waContent, error) {
	kinds := countSet(m.MessageText != nil, m.Image != nil, m.Audio != nil, m.Document != nil,
		m.Location != nil, m.Contacts != nil, m.Template != nil)
	if kinds == 0 {
		return waContent{}, fmt.Errorf("message needs one of messageText, image, audio, document, location, contacts or template")
	}
	if kinds > 1 {
		return waContent{}, fmt.Errorf("message takes only one of messageText, image, audio, document, location, contacts or template")
	}
	var c waContent
	var err error
	switch {
	case m.MessageText != nil:
		if strings.TrimSpace(*m.MessageText) == "" {
			return c, fmt.Errorf("message.messageText is empty")
		}
		c.summary = *m.MessageText
	case m.Image != nil:
		c.summary, err = validateMedia("image", m.Image, waImageTypes)
	case m.Audio != nil:
		c.summary, err = validateMedia("audio", m.Audio, waAudioTypes)
	case m.Document != nil:
		c.summary, err = validateMedia("document", m.Document, waDocumentTypes)
	case m.Location != nil:
		if m.Location.GeoPoint == "" {
			return c, fmt.Errorf("message.location.geoPoint is required")
		}
		err = validateGeoPoint(m.Location.GeoPoint)
		c.summary = "[location " + m.Location.GeoPoint + "]"
	case m.Contacts != nil:
		if len(m.Contacts) == 0 {
			return c, fmt.Errorf("message.contacts is empty")
		}
		c.summary = "[contacts " + strconv.Itoa(len(m.Contacts)) + "]"
	default:
		err = validateTemplate(m.Template)
		c.template = true
		c.summary = "[template " + m.Template.Namespace + "/" + m.Template.ElementName + "]"
	}
	return c, err
}

// handleWhatsAppSend answers POST /v1/whatsapp/send. The answer has the
// shape of send-bulk-sms: a batch id and one id per destination.
func (s *Sandbox) handleWhatsAppSend(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var req waSendRequest
	if err := decodeJSON(r, &req); err != nil {
		s.badRequest(w, err.Error())
		return
	}
	dests := req.Destinations
	if len(dests) == 0 {
		dests = req.Destination
	}
	if len(dests) == 0 {
		s.badRequest(w, "destinations is required")
		return
	}
	if len(dests) > MaxMessagesPerRequest {
		s.badRequest(w, fmt.Sprintf("%d destinations in one request; the limit is %d", len(dests), MaxMessagesPerRequest))
		return
	}
	if req.Message == nil {
		s.badRequest(w, "message is required")
		return
	}
	content, err := validateWhatsAppMessage(req.Message)
	if err != nil {
		s.badRequest(w, err.Error())
		return
	}
	now := s.nowMs()
	pp := getPending(len(dests))
	defer putPending(pp)
	recs := *pp
	for i, d := range dests {
		raw := strings.TrimSpace(d.Destination)
		if raw == "" {
			s.badRequest(w, fmt.Sprintf("destinations[%d].destination is required", i))
			return
		}
		group := false
		switch strings.ToLower(d.RecipientType) {
		case "", "individual":
		case "group":
			group = true
		default:
			s.badRequest(w, fmt.Sprintf("destinations[%d].recipientType must be individual or group", i))
			return
		}
		dest, valid := raw, true
		if !group {
			dest, valid = normalizeNumber(raw)
		}
		p := s.planWhatsApp(dest, valid, group, d.CorrelationID)
		pr := &recs[i]
		pr.plan = p
		pr.group = groupKey{alias: req.CampaignAlias, flowID: req.FlowID}
		pr.needSession = !content.template
		pr.acceptedAt = now
		pr.dest, pr.corrID, pr.text, pr.extraInfo = dest, d.CorrelationID, content.summary, req.DefaultExtraInfo
		pr.sentAt = now + p.sentDelay
		pr.sentCode, pr.dlrCode = p.sentCode, p.dlrCode
		pr.dlrDelay, pr.readDelay = p.dlrDelay, p.readDelay
		if p.read {
			pr.flags |= flagRead
		}
	}
	acc := s.record(recs, chWhatsApp, rc.then500, now)
	if rc.then500 {
		s.writeJSON(w, http.StatusInternalServerError, apiError{ErrorCode: 500, ErrorMessage: "internal server error"})
		return
	}
	s.writeRaw(w, http.StatusOK, s.appendBatchResponse(make([]byte, 0, 64+len(acc.corrIDs)*96), acc))
}

// handleSession answers GET /v1/session?customerId=&subAccountId= with a
// link to a CSV of the open sessions.
func (s *Sandbox) handleSession(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	q := r.URL.Query()
	v := q.Get("customerId")
	if v == "" {
		s.badRequest(w, "customerId is required")
		return
	}
	cid, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		s.badRequest(w, "customerId must be a number")
		return
	}
	if sub := q.Get("subAccountId"); sub != "" {
		if _, err := strconv.ParseUint(sub, 10, 32); err != nil {
			s.badRequest(w, "subAccountId must be a number")
			return
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	file := uuidString(uuidFor(s.idKey, domainSessionFile, uint32(cid)))
	s.writeJSON(w, http.StatusOK, sessionResponse{FileURL: scheme + "://" + r.Host + sessionFilePrefix + file + ".csv"})
}

// handleSessionFile serves the CSV behind a /v1/session file_url: source
// and session_created_at of every session opened in the last 24 hours.
func (s *Sandbox) handleSessionFile(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	name, ok := strings.CutSuffix(r.URL.Path[len(sessionFilePrefix):], ".csv")
	b, okID := parseUUID(name)
	var cid uint32
	if okID {
		cid, okID = seqOf(s.idKey, domainSessionFile, b)
	}
	if !ok || !okID {
		s.writeError(w, r, http.StatusNotFound, "no such file")
		return
	}
	var sb strings.Builder
	sb.WriteString("source,session_created_at\n")
	if cid == CustomerID {
		now := s.nowMs()
		type row struct {
			src string
			at  int64
		}
		var rows []row
		s.mu.Lock()
		s.drainMOLocked(now)
		for src, at := range s.sessions {
			if now-at < sessionLifetimeMs {
				rows = append(rows, row{src, at})
			}
		}
		s.mu.Unlock()
		sort.Slice(rows, func(i, j int) bool { return rows[i].src < rows[j].src })
		for _, rw := range rows {
			sb.WriteString(rw.src + "," + formatDate(rw.at) + "\n")
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(sb.String()))
}
