package sandbox

import (
	"bytes"
	"fmt"
	"strconv"
)

// This file holds the server-side wire structs, written from the seeds and
// independently of internal/wavy.

// flexInt is a JSON Long that also accepts a quoted number, as the Java
// backend of the real API does.
type flexInt int64

// UnmarshalJSON accepts 123 and "123".
func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*f = flexInt(v)
	return nil
}

// flexBool is a JSON Boolean that also accepts "true"/"false" (example 3 of
// send-bulk-sms sends "flashSMS":"true").
type flexBool bool

// UnmarshalJSON accepts true and "true".
func (f *flexBool) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseBool(string(bytes.Trim(b, `"`)))
	if err != nil {
		return fmt.Errorf("not a boolean: %s", b)
	}
	*f = flexBool(v)
	return nil
}

// smsFields are the request fields of send-sms, of each element of
// send-bulk-sms "messages", of "defaultValues" and of the bulk root.
type smsFields struct {
	Destination      string         `json:"destination"`
	MessageText      string         `json:"messageText"`
	CorrelationID    string         `json:"correlationId"`
	ExtraInfo        string         `json:"extraInfo"`
	TimeWindow       []int          `json:"timeWindow"`
	ExpiresAt        *flexInt       `json:"expiresAt"`
	ExpiresInMinutes *flexInt       `json:"expiresInMinutes"`
	ExpiresDate      string         `json:"expiresDate"`
	ScheduledAt      *flexInt       `json:"scheduledAt"`
	DelayedInMinutes *flexInt       `json:"delayedInMinutes"`
	ScheduledDate    string         `json:"scheduledDate"`
	TimeZone         string         `json:"timeZone"`
	CampaignAlias    string         `json:"campaignAlias"`
	FlashSMS         *flexBool      `json:"flashSMS"`
	FlowID           string         `json:"flowId"`
	SubAccount       string         `json:"subAccount"`
	Params           map[string]any `json:"params"`
	TemplateID       *flexInt       `json:"templateId"`
	TemplateName     string         `json:"templateName"`
}

// bulkRequest is the body of POST /v1/send-bulk-sms.
type bulkRequest struct {
	smsFields
	Messages      []smsFields `json:"messages"`
	DefaultValues *smsFields  `json:"defaultValues"`
}

// sendResult is one element of the send-sms answer (a JSON array) and of
// the "messages" of the send-bulk-sms answer.
type sendResult struct {
	ID            string `json:"id"`
	CorrelationID string `json:"correlationId,omitempty"`
}

// bulkResponse is the answer of send-bulk-sms and of the WhatsApp send.
type bulkResponse struct {
	ID       string       `json:"id"`
	Messages []sendResult `json:"messages"`
}

// apiError is the body of every non-2xx answer on the api-messaging paths.
type apiError struct {
	ErrorCode    int    `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

// smsCallback is the sent-status webhook ("callback - entrega na operadora"),
// with the field names of its example: sentAt / sentDate and a string campaignId.
type smsCallback struct {
	ID             string `json:"id"`
	CorrelationID  string `json:"correlationId"`
	CarrierID      int    `json:"carrierId"`
	CarrierName    string `json:"carrierName"`
	Destination    string `json:"destination"`
	SentStatusCode int    `json:"sentStatusCode"`
	SentStatus     string `json:"sentStatus"`
	SentAt         int64  `json:"sentAt"`
	SentDate       string `json:"sentDate"`
	CampaignID     string `json:"campaignId,omitempty"`
	ExtraInfo      string `json:"extraInfo"`
}

// smsDeliveryReport is the DLR webhook, with the field names of its example:
// sentStatusAt / sentStatusDate and a numeric campaignId.
type smsDeliveryReport struct {
	ID                  string `json:"id"`
	CorrelationID       string `json:"correlationId"`
	CarrierID           int    `json:"carrierId"`
	CarrierName         string `json:"carrierName"`
	Destination         string `json:"destination"`
	SentStatusCode      int    `json:"sentStatusCode"`
	SentStatus          string `json:"sentStatus"`
	SentStatusAt        int64  `json:"sentStatusAt"`
	SentStatusDate      string `json:"sentStatusDate"`
	DeliveredStatusCode int    `json:"deliveredStatusCode"`
	DeliveredStatus     string `json:"deliveredStatus"`
	DeliveredAt         int64  `json:"deliveredAt"`
	DeliveredDate       string `json:"deliveredDate"`
	CampaignID          int64  `json:"campaignId,omitempty"`
	ExtraInfo           string `json:"extraInfo,omitempty"`
}

// statusEntry is one element of the status list and status search answers
// (fields of the "Campos JSON de resposta" table). Status fields are absent
// while the message is accepted but not yet reported.
type statusEntry struct {
	ID                  string `json:"id"`
	CorrelationID       string `json:"correlationId"`
	CarrierID           int    `json:"carrierId"`
	CarrierName         string `json:"carrierName"`
	Destination         string `json:"destination"`
	SentStatusCode      int    `json:"sentStatusCode,omitempty"`
	SentStatus          string `json:"sentStatus,omitempty"`
	SentStatusAt        int64  `json:"sentStatusAt,omitempty"`
	SentStatusDate      string `json:"sentStatusDate,omitempty"`
	DeliveredStatusCode int    `json:"deliveredStatusCode,omitempty"`
	DeliveredStatus     string `json:"deliveredStatus,omitempty"`
	DeliveredAt         int64  `json:"deliveredAt,omitempty"`
	DeliveredDate       string `json:"deliveredDate,omitempty"`
	CampaignID          int64  `json:"campaignId,omitempty"`
	ExtraInfo           string `json:"extraInfo,omitempty"`
}

// statusSearchRequest is the body of POST /v1/sms/status/search.
type statusSearchRequest struct {
	IDs            []string `json:"ids"`
	CorrelationIDs []string `json:"correlationIds"`
}

// moMT is the "mt" object of an SMS MO: the message that was answered.
type moMT struct {
	ID            string `json:"id"`
	CorrelationID string `json:"correlationId"`
	Username      string `json:"username"`
	Email         string `json:"email"`
}

// smsMO is the SMS MO webhook body and one element of the MO list/search.
type smsMO struct {
	ID            string `json:"id"`
	SubAccount    string `json:"subAccount"`
	CampaignAlias string `json:"campaignAlias"`
	CarrierID     int    `json:"carrierId"`
	CarrierName   string `json:"carrierName"`
	Source        string `json:"source"`
	ShortCode     string `json:"shortCode"`
	MessageText   string `json:"messageText"`
	ReceivedAt    int64  `json:"receivedAt"`
	ReceivedDate  string `json:"receivedDate"`
	MT            *moMT  `json:"mt,omitempty"`
}

// moListResponse is the answer of /v1/sms/receive/list and /search.
type moListResponse struct {
	Total    int     `json:"total"`
	Start    string  `json:"start"`
	End      string  `json:"end"`
	Messages []smsMO `json:"messages"`
}

// waDestination is one element of the WhatsApp "destinations".
type waDestination struct {
	CorrelationID string `json:"correlationId"`
	Destination   string `json:"destination"`
	RecipientType string `json:"recipientType"`
}

// waMedia is an image, audio or document of a WhatsApp message.
type waMedia struct {
	Type    string `json:"type"`
	URL     string `json:"url"`
	Data    string `json:"data"`
	Caption string `json:"caption"`
}

// waLocation is a WhatsApp location.
type waLocation struct {
	GeoPoint string `json:"geoPoint"`
	Name     string `json:"name"`
	Address  string `json:"address"`
}

// waAddress is an address of a WhatsApp contact.
type waAddress struct {
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
	Type        string `json:"type,omitempty"`
}

// waEmail is an e-mail of a WhatsApp contact.
type waEmail struct {
	Email string `json:"email,omitempty"`
	Type  string `json:"type,omitempty"`
}

// waName is the name of a WhatsApp contact.
type waName struct {
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	MiddleName    string `json:"middle_name,omitempty"`
	NameSuffix    string `json:"name_suffix,omitempty"`
	NamePrefix    string `json:"name_prefix,omitempty"`
	FormattedName string `json:"formatted_name,omitempty"`
}

// waOrg is the organisation of a WhatsApp contact.
type waOrg struct {
	Company    string `json:"company,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
}

// waPhone is a phone of a WhatsApp contact.
type waPhone struct {
	Phone string `json:"phone,omitempty"`
	Type  string `json:"type,omitempty"`
	WaID  string `json:"wa_id,omitempty"`
}

// waURL is a URL of a WhatsApp contact.
type waURL struct {
	URL  string `json:"url,omitempty"`
	Type string `json:"type,omitempty"`
}

// waContact is one WhatsApp contact card; every field is optional.
type waContact struct {
	Addresses []waAddress `json:"addresses,omitempty"`
	Birthday  string      `json:"birthday,omitempty"`
	Emails    []waEmail   `json:"emails,omitempty"`
	Name      *waName     `json:"name,omitempty"`
	Org       *waOrg      `json:"org,omitempty"`
	Phones    []waPhone   `json:"phones,omitempty"`
	URLs      []waURL     `json:"urls,omitempty"`
}

// waHeaderMedia is the media element of a template header.
type waHeaderMedia struct {
	URL  string `json:"url"`
	Type string `json:"type"`
}

// waTemplateHeader is the header of a WhatsApp template.
type waTemplateHeader struct {
	Parameters []string       `json:"parameters"`
	Title      string         `json:"title"`
	Text       *string        `json:"text"`
	Image      *waHeaderMedia `json:"image"`
	Audio      *waHeaderMedia `json:"audio"`
	Document   *waHeaderMedia `json:"document"`
	Video      *waHeaderMedia `json:"video"`
}

// waTemplate is a WhatsApp template (HSM) message.
type waTemplate struct {
	Namespace      string            `json:"namespace"`
	ElementName    string            `json:"elementName"`
	Header         *waTemplateHeader `json:"header"`
	BodyParameters []string          `json:"bodyParameters"`
	LanguagePolicy string            `json:"languagePolicy"`
	LanguageCode   string            `json:"languageCode"`
}

// waMessage is the "message" of a WhatsApp send: exactly one content kind.
type waMessage struct {
	MessageText     *string     `json:"messageText"`
	Image           *waMedia    `json:"image"`
	Audio           *waMedia    `json:"audio"`
	Document        *waMedia    `json:"document"`
	Location        *waLocation `json:"location"`
	Contacts        []waContact `json:"contacts"`
	Template        *waTemplate `json:"template"`
	PreviewFirstURL *bool       `json:"previewFirstUrl"`
}

// waSendRequest is the body of POST /v1/whatsapp/send. Several examples of
// the seeds spell the list "destination"; both spellings are accepted.
type waSendRequest struct {
	Destinations     []waDestination `json:"destinations"`
	Destination      []waDestination `json:"destination"`
	Message          *waMessage      `json:"message"`
	FlowID           string          `json:"flowId"`
	DefaultExtraInfo string          `json:"defaultExtraInfo"`
	CampaignAlias    string          `json:"campaignAlias"`
}

// waClientInfo identifies the account in WhatsApp webhooks.
type waClientInfo struct {
	CustomerID   int `json:"customerId"`
	SubAccountID int `json:"subAccountId"`
	UserID       int `json:"userId"`
}

// waStatus is one element of the "data" of a WhatsApp status webhook. Each
// event carries the levels reached so far (sent, then delivered, then read).
type waStatus struct {
	ID                  string `json:"id"`
	CorrelationID       string `json:"correlationId,omitempty"`
	Destination         string `json:"destination"`
	Origin              string `json:"origin"`
	CampaignID          int64  `json:"campaignId,omitempty"`
	CampaignAlias       string `json:"campaignAlias,omitempty"`
	FlowID              string `json:"flowId,omitempty"`
	ExtraInfo           string `json:"extraInfo,omitempty"`
	Sent                bool   `json:"sent"`
	SentStatusCode      int    `json:"sentStatusCode"`
	SentStatus          string `json:"sentStatus"`
	SentDate            string `json:"sentDate"`
	SentAt              int64  `json:"sentAt"`
	Delivered           *bool  `json:"delivered,omitempty"`
	DeliveredStatusCode int    `json:"deliveredStatusCode,omitempty"`
	DeliveredStatus     string `json:"deliveredStatus,omitempty"`
	DeliveredDate       string `json:"deliveredDate,omitempty"`
	DeliveredAt         int64  `json:"deliveredAt,omitempty"`
	Read                *bool  `json:"read,omitempty"`
	ReadDate            string `json:"readDate,omitempty"`
	ReadAt              int64  `json:"readAt,omitempty"`
	UpdatedDate         string `json:"updatedDate"`
	UpdatedAt           int64  `json:"updatedAt"`
	Type                string `json:"type"`
}

// waStatusWebhook is the body of a WhatsApp status webhook (a batch).
type waStatusWebhook struct {
	Total      int          `json:"total"`
	Data       []waStatus   `json:"data"`
	ClientInfo waClientInfo `json:"clientInfo"`
}

// waUserProfile is the sender profile of a WhatsApp MO.
type waUserProfile struct {
	Name       string `json:"name"`
	WhatsAppID string `json:"whatsAppId,omitempty"`
}

// waMOMessage is the content of a WhatsApp MO. As in the seeds' examples,
// location and contacts messages carry no type.
type waMOMessage struct {
	Type        string      `json:"type,omitempty"`
	MessageText string      `json:"messageText,omitempty"`
	Payload     string      `json:"payload,omitempty"`
	MediaURL    string      `json:"mediaUrl,omitempty"`
	MimeType    string      `json:"mimeType,omitempty"`
	Caption     string      `json:"caption,omitempty"`
	Location    *waLocation `json:"location,omitempty"`
	Contacts    []waContact `json:"contacts,omitempty"`
}

// waReferral is the ad or post a conversation started from.
type waReferral struct {
	HeadLine   string `json:"headLine"`
	Body       string `json:"body"`
	SourceType string `json:"sourceType"`
	SourceID   string `json:"sourceId"`
	SourceURL  string `json:"sourceUrl"`
	MediaType  string `json:"mediaType"`
	MediaURL   string `json:"mediaUrl"`
}

// waSession describes the conversation session an MO opened.
type waSession struct {
	ID        string `json:"id"`
	CreatedAt int64  `json:"createdAt"`
}

// waMO is one element of the "data" of a WhatsApp MO webhook.
type waMO struct {
	ID            string        `json:"id"`
	Source        string        `json:"source"`
	Origin        string        `json:"origin"`
	UserProfile   waUserProfile `json:"userProfile"`
	CampaignID    int64         `json:"campaignId,omitempty"`
	CorrelationID string        `json:"correlationId,omitempty"`
	CampaignAlias string        `json:"campaignAlias,omitempty"`
	FlowID        string        `json:"flowId,omitempty"`
	ExtraInfo     string        `json:"extraInfo,omitempty"`
	MTSentAt      int64         `json:"mtSentAt,omitempty"`
	MessageID     string        `json:"messageId,omitempty"`
	Referral      *waReferral   `json:"referral,omitempty"`
	Message       waMOMessage   `json:"message"`
	ReceivedAt    int64         `json:"receivedAt"`
	ReceivedDate  string        `json:"receivedDate"`
	Session       *waSession    `json:"session,omitempty"`
}

// waMOWebhook is the body of a WhatsApp MO webhook.
type waMOWebhook struct {
	Total      int          `json:"total"`
	Data       []waMO       `json:"data"`
	ClientInfo waClientInfo `json:"clientInfo"`
}

// sessionResponse is the answer of GET /v1/session.
type sessionResponse struct {
	FileURL string `json:"file_url"`
}

// campaignJSON is a campaign of the Campaign API (apigw).
type campaignJSON struct {
	Name  string `json:"name"`
	ID    int64  `json:"id"`
	Alias string `json:"alias"`
}

// apigwStatus is the "status" object of every Campaign API answer.
type apigwStatus struct {
	Error   bool   `json:"error"`
	Message string `json:"message,omitempty"`
}

// campaignListResponse is the answer of GET /api/v1/campaigns.
type campaignListResponse struct {
	Status    apigwStatus    `json:"status"`
	Campaigns []campaignJSON `json:"campaigns"`
}

// campaignResponse is the answer of get, create, update and delete.
type campaignResponse struct {
	Status   apigwStatus   `json:"status"`
	Campaign *campaignJSON `json:"campaign,omitempty"`
}

// campaignFields are the writable campaign fields.
type campaignFields struct {
	Name  *string `json:"name"`
	Alias *string `json:"alias"`
}

// campaignRequest is the body of create and update: {"campaign": {...}} as in
// the curl examples, or the fields at the root as in the parameter table.
type campaignRequest struct {
	Campaign *campaignFields `json:"campaign"`
	campaignFields
}
