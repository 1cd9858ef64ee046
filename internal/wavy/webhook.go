package wavy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SMSStatus is an SMS sent-status callback, a delivery report (DLR), or an
// entry returned by the status search and list APIs. A callback carries only
// the sent fields; a DLR carries both. Times are UTC and zero when absent.
type SMSStatus struct {
	// ID is the provider's UUID for the message.
	ID string
	// CorrelationID is the caller's id given at send time.
	CorrelationID string
	// CarrierID identifies the carrier.
	CarrierID int64
	// CarrierName names the carrier (VIVO, TIM, ...).
	CarrierName string
	// Destination is the phone number.
	Destination string
	// SentStatusCode is the first-level (carrier) status code; 0 when absent.
	SentStatusCode int
	// SentStatus is the name of SentStatusCode, e.g. SENT_SUCCESS.
	SentStatus string
	// SentAt is when the carrier took (or refused) the message, from
	// sentAt/sentStatusAt (epoch) or sentDate/sentStatusDate.
	SentAt time.Time
	// DeliveredStatusCode is the second-level (handset) code; 0 when absent.
	DeliveredStatusCode int
	// DeliveredStatus is the name of DeliveredStatusCode, e.g. DELIVERED_SUCCESS.
	DeliveredStatus string
	// DeliveredAt is when the handset outcome was known, from deliveredAt or deliveredDate.
	DeliveredAt time.Time
	// CampaignID identifies the campaign, as text ("64").
	CampaignID string
	// ExtraInfo echoes the extraInfo given at send time.
	ExtraInfo string
}

type smsStatusWire struct {
	ID                  FlexString      `json:"id"`
	CorrelationID       FlexString      `json:"correlationId"`
	CarrierID           FlexInt         `json:"carrierId"`
	CarrierName         FlexString      `json:"carrierName"`
	Destination         FlexString      `json:"destination"`
	SentStatusCode      FlexInt         `json:"sentStatusCode"`
	SentStatus          FlexString      `json:"sentStatus"`
	SentAt              json.RawMessage `json:"sentAt"`
	SentDate            json.RawMessage `json:"sentDate"`
	SentStatusAt        json.RawMessage `json:"sentStatusAt"`
	SentStatusDate      json.RawMessage `json:"sentStatusDate"`
	DeliveredStatusCode FlexInt         `json:"deliveredStatusCode"`
	DeliveredStatus     FlexString      `json:"deliveredStatus"`
	DeliveredAt         json.RawMessage `json:"deliveredAt"`
	DeliveredDate       json.RawMessage `json:"deliveredDate"`
	CampaignID          FlexString      `json:"campaignId"`
	ExtraInfo           rawText         `json:"extraInfo"`
}

// UnmarshalJSON accepts both the callback spelling (sentAt/sentDate) and the
// DLR/status-API spelling (sentStatusAt/sentStatusDate), numbers or strings
// for ids and codes, and epoch or string dates.
func (s *SMSStatus) UnmarshalJSON(b []byte) error {
	var w smsStatusWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = SMSStatus{
		ID:                  string(w.ID),
		CorrelationID:       string(w.CorrelationID),
		CarrierID:           int64(w.CarrierID),
		CarrierName:         string(w.CarrierName),
		Destination:         string(w.Destination),
		SentStatusCode:      int(w.SentStatusCode),
		SentStatus:          string(w.SentStatus),
		SentAt:              firstTime(w.SentAt, w.SentStatusAt, w.SentDate, w.SentStatusDate),
		DeliveredStatusCode: int(w.DeliveredStatusCode),
		DeliveredStatus:     string(w.DeliveredStatus),
		DeliveredAt:         firstTime(w.DeliveredAt, w.DeliveredDate),
		CampaignID:          string(w.CampaignID),
		ExtraInfo:           string(w.ExtraInfo),
	}
	return nil
}

// MarshalJSON writes the webhook form with the callback spelling (sentAt as
// epoch milliseconds and sentDate as an ISO date; deliveredAt/deliveredDate
// likewise), omitting absent fields.
func (s SMSStatus) MarshalJSON() ([]byte, error) {
	type out struct {
		ID                  string `json:"id"`
		CorrelationID       string `json:"correlationId,omitempty"`
		CarrierID           int64  `json:"carrierId,omitempty"`
		CarrierName         string `json:"carrierName,omitempty"`
		Destination         string `json:"destination,omitempty"`
		SentStatusCode      int    `json:"sentStatusCode,omitempty"`
		SentStatus          string `json:"sentStatus,omitempty"`
		SentAt              *int64 `json:"sentAt,omitempty"`
		SentDate            string `json:"sentDate,omitempty"`
		DeliveredStatusCode int    `json:"deliveredStatusCode,omitempty"`
		DeliveredStatus     string `json:"deliveredStatus,omitempty"`
		DeliveredAt         *int64 `json:"deliveredAt,omitempty"`
		DeliveredDate       string `json:"deliveredDate,omitempty"`
		CampaignID          string `json:"campaignId,omitempty"`
		ExtraInfo           string `json:"extraInfo,omitempty"`
	}
	return json.Marshal(out{
		ID: s.ID, CorrelationID: s.CorrelationID, CarrierID: s.CarrierID, CarrierName: s.CarrierName,
		Destination: s.Destination, SentStatusCode: s.SentStatusCode, SentStatus: s.SentStatus,
		SentAt: millisOrNil(s.SentAt), SentDate: dateOrEmpty(s.SentAt),
		DeliveredStatusCode: s.DeliveredStatusCode, DeliveredStatus: s.DeliveredStatus,
		DeliveredAt: millisOrNil(s.DeliveredAt), DeliveredDate: dateOrEmpty(s.DeliveredAt),
		CampaignID: s.CampaignID, ExtraInfo: s.ExtraInfo,
	})
}

// IsDeliveryReport reports whether the status carries a handset (second
// level) outcome.
func (s SMSStatus) IsDeliveryReport() bool {
	return s.DeliveredStatusCode != 0 || s.DeliveredStatus != ""
}

// Status returns the catalogue entry for the most advanced phase present:
// the delivered code when there is one, else the sent code. Codes are looked
// up by number first, then by name.
func (s SMSStatus) Status() (StatusCode, bool) {
	if s.IsDeliveryReport() {
		return lookupEither(s.DeliveredStatusCode, s.DeliveredStatus)
	}
	return lookupEither(s.SentStatusCode, s.SentStatus)
}

func lookupEither(code int, name string) (StatusCode, bool) {
	if sc, ok := LookupStatus(code); ok {
		return sc, true
	}
	return LookupStatusName(name)
}

// statusWrapperKeys are envelope keys under which a list of statuses may
// arrive from the status APIs (their envelope is not documented).
var statusWrapperKeys = []string{"data", "messages", "statuses", "status", "items", "results"}

// ParseSMSStatus reads the body of an SMS status webhook (sent-status
// callback or DLR) or of a status API answer. The documented webhook body is
// one object; a JSON array of such objects and an object wrapping the array
// (under data, messages, statuses, items or results) are accepted too. Items
// without an id and correlationId are refused. Unknown fields are ignored.
func ParseSMSStatus(body []byte) ([]SMSStatus, error) {
	if s, ok := parseStatusFast(body); ok {
		return []SMSStatus{s}, nil
	}
	return parseSMSStatusGeneral(body)
}

// parseSMSStatusGeneral reads any shape ParseSMSStatus accepts.
func parseSMSStatusGeneral(body []byte) ([]SMSStatus, error) {
	items, _, _, err := splitPayload(body, statusWrapperKeys...)
	if err != nil {
		return nil, fmt.Errorf("wavy: sms status: %w", err)
	}
	out := make([]SMSStatus, 0, len(items))
	for i, raw := range items {
		// The item was read as JSON by splitPayload already: decoding it
		// straight (not through json.Unmarshal, which would check it all
		// once more before calling this) is a third of a status's cost,
		// paid for each of the two statuses of every message.
		var s SMSStatus
		if err := s.UnmarshalJSON(raw); err != nil {
			return nil, fmt.Errorf("wavy: sms status [%d]: %w", i, err)
		}
		if s.ID == "" && s.CorrelationID == "" {
			return nil, fmt.Errorf("wavy: sms status [%d]: neither id nor correlationId", i)
		}
		out = append(out, s)
	}
	return out, nil
}

// MTRef links an MO to the MT that prompted it.
type MTRef struct {
	// ID is the provider's UUID of the MT.
	ID string `json:"id"`
	// CorrelationID is the caller's id of the MT.
	CorrelationID string `json:"correlationId,omitempty"`
	// Username is the user that sent the MT.
	Username string `json:"username,omitempty"`
	// Email is the e-mail of that user.
	Email string `json:"email,omitempty"`
}

// SMSMO is an SMS reply (mobile originated), from the MO webhook or the MO
// list/search APIs.
type SMSMO struct {
	// ID is the provider's id of the MO.
	ID string
	// SubAccount is the sub-account of the MT that prompted the reply.
	SubAccount string
	// CampaignAlias is the alias of the campaign that prompted the reply.
	CampaignAlias string
	// CarrierID identifies the carrier.
	CarrierID int64
	// CarrierName names the carrier.
	CarrierName string
	// Source is the phone number that replied.
	Source string
	// ShortCode is the short code the reply was sent to.
	ShortCode string
	// MessageText is the reply.
	MessageText string
	// ReceivedAt is when the reply arrived, from receivedAt or receivedDate.
	ReceivedAt time.Time
	// MT is the message that prompted the reply; nil when not linked.
	MT *MTRef
}

type smsMOWire struct {
	ID            FlexString      `json:"id"`
	SubAccount    FlexString      `json:"subAccount"`
	CampaignAlias FlexString      `json:"campaignAlias"`
	CarrierID     FlexInt         `json:"carrierId"`
	CarrierName   FlexString      `json:"carrierName"`
	Source        FlexString      `json:"source"`
	ShortCode     FlexString      `json:"shortCode"`
	MessageText   string          `json:"messageText"`
	ReceivedAt    json.RawMessage `json:"receivedAt"`
	ReceivedDate  json.RawMessage `json:"receivedDate"`
	MT            *struct {
		ID            FlexString `json:"id"`
		CorrelationID FlexString `json:"correlationId"`
		Username      FlexString `json:"username"`
		Email         FlexString `json:"email"`
	} `json:"mt"`
}

// UnmarshalJSON decodes the documented MO object tolerantly.
func (m *SMSMO) UnmarshalJSON(b []byte) error {
	var w smsMOWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = SMSMO{
		ID:            string(w.ID),
		SubAccount:    string(w.SubAccount),
		CampaignAlias: string(w.CampaignAlias),
		CarrierID:     int64(w.CarrierID),
		CarrierName:   string(w.CarrierName),
		Source:        string(w.Source),
		ShortCode:     string(w.ShortCode),
		MessageText:   w.MessageText,
		ReceivedAt:    firstTime(w.ReceivedAt, w.ReceivedDate),
	}
	if w.MT != nil && (w.MT.ID != "" || w.MT.CorrelationID != "") {
		m.MT = &MTRef{ID: string(w.MT.ID), CorrelationID: string(w.MT.CorrelationID), Username: string(w.MT.Username), Email: string(w.MT.Email)}
	}
	return nil
}

// MarshalJSON writes the documented webhook form.
func (m SMSMO) MarshalJSON() ([]byte, error) {
	type out struct {
		ID            string `json:"id"`
		SubAccount    string `json:"subAccount,omitempty"`
		CampaignAlias string `json:"campaignAlias,omitempty"`
		CarrierID     int64  `json:"carrierId,omitempty"`
		CarrierName   string `json:"carrierName,omitempty"`
		Source        string `json:"source"`
		ShortCode     string `json:"shortCode,omitempty"`
		MessageText   string `json:"messageText"`
		ReceivedAt    *int64 `json:"receivedAt,omitempty"`
		ReceivedDate  string `json:"receivedDate,omitempty"`
		MT            *MTRef `json:"mt,omitempty"`
	}
	return json.Marshal(out{
		ID: m.ID, SubAccount: m.SubAccount, CampaignAlias: m.CampaignAlias, CarrierID: m.CarrierID,
		CarrierName: m.CarrierName, Source: m.Source, ShortCode: m.ShortCode, MessageText: m.MessageText,
		ReceivedAt: millisOrNil(m.ReceivedAt), ReceivedDate: dateOrEmpty(m.ReceivedAt), MT: m.MT,
	})
}

// MOList is the answer of the MO list and search APIs.
type MOList struct {
	// Total is the number of MOs returned.
	Total int
	// Start is the lower bound of the query.
	Start time.Time
	// End is the upper bound of the query.
	End time.Time
	// Messages are the MOs.
	Messages []SMSMO
}

// ParseMOList reads an MO list or search answer
// ({"total":..,"start":..,"end":..,"messages":[..]}).
func ParseMOList(body []byte) (MOList, error) {
	var w struct {
		Total    FlexInt         `json:"total"`
		Start    json.RawMessage `json:"start"`
		End      json.RawMessage `json:"end"`
		Messages []SMSMO         `json:"messages"`
	}
	if err := decodeLenient(body, &w); err != nil {
		return MOList{}, fmt.Errorf("wavy: mo list: %w", err)
	}
	out := MOList{Total: int(w.Total), Start: firstTime(w.Start), End: firstTime(w.End), Messages: w.Messages}
	if out.Messages == nil {
		out.Messages = []SMSMO{}
	}
	return out, nil
}

// ParseSMSMO reads the body of the SMS MO webhook. The documented body is one
// object; an array of objects and the list-API envelope ({"messages":[..]})
// are accepted too. Items without id and source are refused.
func ParseSMSMO(body []byte) ([]SMSMO, error) {
	items, _, _, err := splitPayload(body, "messages", "data")
	if err != nil {
		return nil, fmt.Errorf("wavy: sms mo: %w", err)
	}
	out := make([]SMSMO, 0, len(items))
	for i, raw := range items {
		var m SMSMO
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("wavy: sms mo [%d]: %w", i, err)
		}
		if m.ID == "" && m.Source == "" {
			return nil, fmt.Errorf("wavy: sms mo [%d]: neither id nor source", i)
		}
		out = append(out, m)
	}
	return out, nil
}

// ClientInfo identifies the account a WhatsApp webhook belongs to.
type ClientInfo struct {
	// CustomerID identifies the customer.
	CustomerID int64
	// SubAccountID identifies the sub-account.
	SubAccountID int64
	// UserID identifies the user.
	UserID int64
}

type clientInfoWire struct {
	CustomerID   FlexInt `json:"customerId"`
	SubAccountID FlexInt `json:"subAccountId"`
	UserID       FlexInt `json:"userId"`
}

func (w *clientInfoWire) info() ClientInfo {
	if w == nil {
		return ClientInfo{}
	}
	return ClientInfo{CustomerID: int64(w.CustomerID), SubAccountID: int64(w.SubAccountID), UserID: int64(w.UserID)}
}

// WhatsAppStatus is one entry of the WhatsApp status webhook: sent,
// delivered and read flags with their codes and times.
type WhatsAppStatus struct {
	// ID is the provider's id of the message.
	ID string
	// CorrelationID is the caller's id given at send time.
	CorrelationID string
	// Destination is the recipient's phone number.
	Destination string
	// Origin is the WhatsApp account number.
	Origin string
	// CampaignID identifies the campaign, as text.
	CampaignID string
	// CampaignAlias is the campaign alias given at send time.
	CampaignAlias string
	// FlowID is the bot flow, if any.
	FlowID string
	// ExtraInfo echoes the extra info given at send time.
	ExtraInfo string
	// Sent reports that WhatsApp's server took the message.
	Sent bool
	// SentStatusCode is the sent-phase code.
	SentStatusCode int
	// SentStatus describes the sent phase.
	SentStatus string
	// SentAt is when the message was sent.
	SentAt time.Time
	// Delivered reports delivery to the recipient.
	Delivered bool
	// DeliveredStatusCode is the delivered-phase code.
	DeliveredStatusCode int
	// DeliveredStatus describes the delivered phase.
	DeliveredStatus string
	// DeliveredAt is when the message was delivered.
	DeliveredAt time.Time
	// Read reports that the recipient read the message.
	Read bool
	// ReadAt is when the message was read.
	ReadAt time.Time
	// UpdatedAt is when this status last changed.
	UpdatedAt time.Time
	// Type is the entity type; currently always MESSAGE.
	Type string
	// ClientInfo is the batch's clientInfo, copied into every entry.
	ClientInfo ClientInfo
}

type waStatusWire struct {
	ID                  FlexString      `json:"id"`
	CorrelationID       FlexString      `json:"correlationId"`
	Destination         FlexString      `json:"destination"`
	Origin              FlexString      `json:"origin"`
	CampaignID          FlexString      `json:"campaignId"`
	CampaignAlias       FlexString      `json:"campaignAlias"`
	FlowID              FlexString      `json:"flowId"`
	ExtraInfo           rawText         `json:"extraInfo"`
	Sent                FlexBool        `json:"sent"`
	SentStatusCode      FlexInt         `json:"sentStatusCode"`
	SentStatus          FlexString      `json:"sentStatus"`
	SentDate            json.RawMessage `json:"sentDate"`
	SentAt              json.RawMessage `json:"sentAt"`
	Delivered           FlexBool        `json:"delivered"`
	DeliveredStatusCode FlexInt         `json:"deliveredStatusCode"`
	DeliveredStatus     FlexString      `json:"deliveredStatus"`
	DeliveredDate       json.RawMessage `json:"deliveredDate"`
	DeliveredAt         json.RawMessage `json:"deliveredAt"`
	Read                FlexBool        `json:"read"`
	ReadDate            json.RawMessage `json:"readDate"`
	ReadAt              json.RawMessage `json:"readAt"`
	UpdatedDate         json.RawMessage `json:"updatedDate"`
	UpdatedAt           json.RawMessage `json:"updatedAt"`
	Type                FlexString      `json:"type"`
}

// UnmarshalJSON decodes one data entry tolerantly.
func (s *WhatsAppStatus) UnmarshalJSON(b []byte) error {
	var w waStatusWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = WhatsAppStatus{
		ID: string(w.ID), CorrelationID: string(w.CorrelationID), Destination: string(w.Destination),
		Origin: string(w.Origin), CampaignID: string(w.CampaignID), CampaignAlias: string(w.CampaignAlias),
		FlowID: string(w.FlowID), ExtraInfo: string(w.ExtraInfo),
		Sent: bool(w.Sent), SentStatusCode: int(w.SentStatusCode), SentStatus: string(w.SentStatus),
		SentAt:    firstTime(w.SentAt, w.SentDate),
		Delivered: bool(w.Delivered), DeliveredStatusCode: int(w.DeliveredStatusCode),
		DeliveredStatus: string(w.DeliveredStatus), DeliveredAt: firstTime(w.DeliveredAt, w.DeliveredDate),
		Read: bool(w.Read), ReadAt: firstTime(w.ReadAt, w.ReadDate),
		UpdatedAt: firstTime(w.UpdatedAt, w.UpdatedDate), Type: string(w.Type),
	}
	return nil
}

// MarshalJSON writes one data entry in the documented form.
func (s WhatsAppStatus) MarshalJSON() ([]byte, error) {
	type out struct {
		ID                  string `json:"id"`
		CorrelationID       string `json:"correlationId,omitempty"`
		Destination         string `json:"destination,omitempty"`
		Origin              string `json:"origin,omitempty"`
		CampaignID          string `json:"campaignId,omitempty"`
		CampaignAlias       string `json:"campaignAlias,omitempty"`
		FlowID              string `json:"flowId,omitempty"`
		ExtraInfo           string `json:"extraInfo,omitempty"`
		Sent                bool   `json:"sent"`
		SentStatusCode      int    `json:"sentStatusCode,omitempty"`
		SentStatus          string `json:"sentStatus,omitempty"`
		SentDate            string `json:"sentDate,omitempty"`
		SentAt              *int64 `json:"sentAt,omitempty"`
		Delivered           bool   `json:"delivered"`
		DeliveredStatusCode int    `json:"deliveredStatusCode,omitempty"`
		DeliveredStatus     string `json:"deliveredStatus,omitempty"`
		DeliveredDate       string `json:"deliveredDate,omitempty"`
		DeliveredAt         *int64 `json:"deliveredAt,omitempty"`
		Read                bool   `json:"read"`
		ReadDate            string `json:"readDate,omitempty"`
		ReadAt              *int64 `json:"readAt,omitempty"`
		UpdatedDate         string `json:"updatedDate,omitempty"`
		UpdatedAt           *int64 `json:"updatedAt,omitempty"`
		Type                string `json:"type,omitempty"`
	}
	return json.Marshal(out{
		ID: s.ID, CorrelationID: s.CorrelationID, Destination: s.Destination, Origin: s.Origin,
		CampaignID: s.CampaignID, CampaignAlias: s.CampaignAlias, FlowID: s.FlowID, ExtraInfo: s.ExtraInfo,
		Sent: s.Sent, SentStatusCode: s.SentStatusCode, SentStatus: s.SentStatus,
		SentDate: dateOrEmpty(s.SentAt), SentAt: millisOrNil(s.SentAt),
		Delivered: s.Delivered, DeliveredStatusCode: s.DeliveredStatusCode, DeliveredStatus: s.DeliveredStatus,
		DeliveredDate: dateOrEmpty(s.DeliveredAt), DeliveredAt: millisOrNil(s.DeliveredAt),
		Read: s.Read, ReadDate: dateOrEmpty(s.ReadAt), ReadAt: millisOrNil(s.ReadAt),
		UpdatedDate: dateOrEmpty(s.UpdatedAt), UpdatedAt: millisOrNil(s.UpdatedAt), Type: s.Type,
	})
}

// Status returns the catalogue entry for the most advanced phase present:
// READ_SUCCESS when read, else the delivered code or name, else the sent one.
func (s WhatsAppStatus) Status() (StatusCode, bool) {
	if s.Read {
		return LookupStatusName("READ_SUCCESS")
	}
	if s.DeliveredStatusCode != 0 || s.DeliveredStatus != "" {
		if sc, ok := lookupEither(s.DeliveredStatusCode, s.DeliveredStatus); ok {
			return sc, true
		}
		if s.Delivered {
			return LookupStatusName("DELIVERED_SUCCESS")
		}
	}
	if sc, ok := lookupEither(s.SentStatusCode, s.SentStatus); ok {
		return sc, true
	}
	switch {
	case s.Delivered:
		return LookupStatusName("DELIVERED_SUCCESS")
	case s.Sent:
		return LookupStatusName("SENT_SUCCESS")
	}
	return StatusCode{}, false
}

// ParseWhatsAppStatus reads the body of the WhatsApp status webhook
// ({"total":..,"data":[..],"clientInfo":{..}}); clientInfo is copied into
// every entry. A bare entry or an array of entries is accepted too.
func ParseWhatsAppStatus(body []byte) ([]WhatsAppStatus, error) {
	items, wrapper, _, err := splitPayload(body, "data")
	if err != nil {
		return nil, fmt.Errorf("wavy: whatsapp status: %w", err)
	}
	ci, err := wrapperClientInfo(wrapper)
	if err != nil {
		return nil, fmt.Errorf("wavy: whatsapp status: %w", err)
	}
	out := make([]WhatsAppStatus, 0, len(items))
	for i, raw := range items {
		var s WhatsAppStatus
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("wavy: whatsapp status [%d]: %w", i, err)
		}
		if s.ID == "" && s.CorrelationID == "" {
			return nil, fmt.Errorf("wavy: whatsapp status [%d]: neither id nor correlationId", i)
		}
		s.ClientInfo = ci
		out = append(out, s)
	}
	return out, nil
}

func wrapperClientInfo(wrapper map[string]json.RawMessage) (ClientInfo, error) {
	raw, ok := wrapper["clientInfo"]
	if !ok || isJSONNull(raw) {
		return ClientInfo{}, nil
	}
	var w clientInfoWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return ClientInfo{}, fmt.Errorf("clientInfo: %w", err)
	}
	return w.info(), nil
}

// UserProfile describes the WhatsApp user who wrote.
type UserProfile struct {
	// Name is the user's profile name.
	Name string `json:"name,omitempty"`
	// WhatsAppID is the user's WhatsApp id.
	WhatsAppID string `json:"whatsAppId,omitempty"`
}

// Referral describes the ad or post a conversation started from.
type Referral struct {
	// HeadLine is the ad's title.
	HeadLine string `json:"headLine,omitempty"`
	// Body is the ad's text.
	Body string `json:"body,omitempty"`
	// SourceType is "ad", "post" or "unknown".
	SourceType string `json:"sourceType,omitempty"`
	// SourceID is the ad's Facebook id.
	SourceID string `json:"sourceId,omitempty"`
	// SourceURL leads to the ad.
	SourceURL string `json:"sourceUrl,omitempty"`
	// MediaType is "image" or "video".
	MediaType string `json:"mediaType,omitempty"`
	// MediaURL is the ad's media.
	MediaURL string `json:"mediaUrl,omitempty"`
}

// Session is the customer-service session an MO belongs to.
type Session struct {
	// ID identifies the session (documented both as "id" and "sessionId").
	ID string
	// CreatedAt is when the session opened.
	CreatedAt time.Time
}

// InboundMessage is the "message" of a WhatsApp MO.
type InboundMessage struct {
	// Type is TEXT, BUTTON, IMAGE, AUDIO or DOCUMENT (see Kind for untyped ones).
	Type string
	// MessageText is the text, or a button's label.
	MessageText string
	// Payload is a button's payload.
	Payload string
	// WaGroupID is the group the message was sent to.
	WaGroupID string
	// MediaURL downloads the media.
	MediaURL string
	// MimeType is the media's MIME type.
	MimeType string
	// Caption is the media's caption.
	Caption string
	// Location is a shared location.
	Location *Location
	// Contacts are shared contacts.
	Contacts []Contact
}

// Kind returns Type, or for untyped messages (the documented location and
// contacts examples carry no type) LOCATION, CONTACTS, MEDIA or TEXT by content.
func (m InboundMessage) Kind() string {
	switch {
	case m.Type != "":
		return strings.ToUpper(m.Type)
	case m.Location != nil:
		return "LOCATION"
	case len(m.Contacts) > 0:
		return "CONTACTS"
	case m.MediaURL != "":
		return "MEDIA"
	default:
		return "TEXT"
	}
}

// WhatsAppMO is one entry of the WhatsApp MO webhook.
type WhatsAppMO struct {
	// ID is the provider's id of the MO.
	ID string
	// MessageID is the id of the message a button reply answers, when present.
	MessageID string
	// Source is the sender's phone number.
	Source string
	// Origin is the WhatsApp account number written to.
	Origin string
	// UserProfile describes the sender.
	UserProfile UserProfile
	// CampaignID identifies the campaign, as text.
	CampaignID string
	// CorrelationID is the correlationId of the MT that prompted the MO.
	CorrelationID string
	// CampaignAlias is the alias of that campaign.
	CampaignAlias string
	// FlowID is the bot flow.
	FlowID string
	// ExtraInfo is the extra info, as text (JSON objects are kept as JSON text).
	ExtraInfo string
	// Message is the content.
	Message InboundMessage
	// ReceivedAt is when the MO arrived.
	ReceivedAt time.Time
	// Referral is the ad that started the conversation, if any.
	Referral *Referral
	// MTSentAt is when the last MT was sent to this user.
	MTSentAt time.Time
	// Session is the customer-service session, if any.
	Session *Session
	// ClientInfo is the batch's clientInfo, copied into every entry.
	ClientInfo ClientInfo
}

type waMOWire struct {
	ID            FlexString      `json:"id"`
	MessageID     FlexString      `json:"messageId"`
	Source        FlexString      `json:"source"`
	Origin        FlexString      `json:"origin"`
	UserProfile   *UserProfile    `json:"userProfile"`
	CampaignID    FlexString      `json:"campaignId"`
	CorrelationID FlexString      `json:"correlationId"`
	CampaignAlias FlexString      `json:"campaignAlias"`
	FlowID        FlexString      `json:"flowId"`
	ExtraInfo     rawText         `json:"extraInfo"`
	Message       *inboundWire    `json:"message"`
	ReceivedAt    json.RawMessage `json:"receivedAt"`
	ReceivedDate  json.RawMessage `json:"receivedDate"`
	Referral      *Referral       `json:"referral"`
	MTSentAt      json.RawMessage `json:"mtSentAt"`
	Session       *struct {
		ID        FlexString      `json:"id"`
		SessionID FlexString      `json:"sessionId"`
		CreatedAt json.RawMessage `json:"createdAt"`
	} `json:"session"`
}

type inboundWire struct {
	Type        FlexString `json:"type"`
	MessageText string     `json:"messageText"`
	Payload     FlexString `json:"payload"`
	WaGroupID   FlexString `json:"waGroupId"`
	MediaURL    string     `json:"mediaUrl"`
	MimeType    string     `json:"mimeType"`
	Caption     string     `json:"caption"`
	Location    *Location  `json:"location"`
	Contacts    []Contact  `json:"contacts"`
}

// UnmarshalJSON decodes one data entry tolerantly.
func (m *WhatsAppMO) UnmarshalJSON(b []byte) error {
	var w waMOWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = WhatsAppMO{
		ID: string(w.ID), MessageID: string(w.MessageID), Source: string(w.Source), Origin: string(w.Origin),
		CampaignID: string(w.CampaignID), CorrelationID: string(w.CorrelationID),
		CampaignAlias: string(w.CampaignAlias), FlowID: string(w.FlowID), ExtraInfo: string(w.ExtraInfo),
		ReceivedAt: firstTime(w.ReceivedAt, w.ReceivedDate), Referral: w.Referral,
		MTSentAt: firstTime(w.MTSentAt),
	}
	if w.UserProfile != nil {
		m.UserProfile = *w.UserProfile
	}
	if w.Message != nil {
		m.Message = InboundMessage{
			Type: string(w.Message.Type), MessageText: w.Message.MessageText, Payload: string(w.Message.Payload),
			WaGroupID: string(w.Message.WaGroupID), MediaURL: w.Message.MediaURL, MimeType: w.Message.MimeType,
			Caption: w.Message.Caption, Location: w.Message.Location, Contacts: w.Message.Contacts,
		}
	}
	if w.Session != nil {
		id := w.Session.ID
		if id == "" {
			id = w.Session.SessionID
		}
		m.Session = &Session{ID: string(id), CreatedAt: firstTime(w.Session.CreatedAt)}
	}
	return nil
}

// MarshalJSON writes one data entry in the documented form.
func (m WhatsAppMO) MarshalJSON() ([]byte, error) {
	type msg struct {
		Type        string    `json:"type,omitempty"`
		MessageText string    `json:"messageText,omitempty"`
		Payload     string    `json:"payload,omitempty"`
		WaGroupID   string    `json:"waGroupId,omitempty"`
		MediaURL    string    `json:"mediaUrl,omitempty"`
		MimeType    string    `json:"mimeType,omitempty"`
		Caption     string    `json:"caption,omitempty"`
		Location    *Location `json:"location,omitempty"`
		Contacts    []Contact `json:"contacts,omitempty"`
	}
	type session struct {
		ID        string `json:"id"`
		CreatedAt *int64 `json:"createdAt,omitempty"`
	}
	type out struct {
		ID            string       `json:"id"`
		MessageID     string       `json:"messageId,omitempty"`
		Source        string       `json:"source"`
		Origin        string       `json:"origin,omitempty"`
		UserProfile   *UserProfile `json:"userProfile,omitempty"`
		CampaignID    string       `json:"campaignId,omitempty"`
		CorrelationID string       `json:"correlationId,omitempty"`
		CampaignAlias string       `json:"campaignAlias,omitempty"`
		FlowID        string       `json:"flowId,omitempty"`
		ExtraInfo     string       `json:"extraInfo,omitempty"`
		Referral      *Referral    `json:"referral,omitempty"`
		MTSentAt      *int64       `json:"mtSentAt,omitempty"`
		Message       msg          `json:"message"`
		ReceivedAt    *int64       `json:"receivedAt,omitempty"`
		ReceivedDate  string       `json:"receivedDate,omitempty"`
		Session       *session     `json:"session,omitempty"`
	}
	o := out{
		ID: m.ID, MessageID: m.MessageID, Source: m.Source, Origin: m.Origin,
		CampaignID: m.CampaignID, CorrelationID: m.CorrelationID, CampaignAlias: m.CampaignAlias,
		FlowID: m.FlowID, ExtraInfo: m.ExtraInfo, Referral: m.Referral, MTSentAt: millisOrNil(m.MTSentAt),
		Message: msg{
			Type: m.Message.Type, MessageText: m.Message.MessageText, Payload: m.Message.Payload,
			WaGroupID: m.Message.WaGroupID, MediaURL: m.Message.MediaURL, MimeType: m.Message.MimeType,
			Caption: m.Message.Caption, Location: m.Message.Location, Contacts: m.Message.Contacts,
		},
		ReceivedAt: millisOrNil(m.ReceivedAt), ReceivedDate: dateOrEmpty(m.ReceivedAt),
	}
	if m.UserProfile != (UserProfile{}) {
		up := m.UserProfile
		o.UserProfile = &up
	}
	if m.Session != nil {
		o.Session = &session{ID: m.Session.ID, CreatedAt: millisOrNil(m.Session.CreatedAt)}
	}
	return json.Marshal(o)
}

// ParseWhatsAppMO reads the body of the WhatsApp MO webhook
// ({"total":..,"data":[..],"clientInfo":{..}}); clientInfo is copied into
// every entry. A bare entry or an array of entries is accepted too.
func ParseWhatsAppMO(body []byte) ([]WhatsAppMO, error) {
	items, wrapper, _, err := splitPayload(body, "data")
	if err != nil {
		return nil, fmt.Errorf("wavy: whatsapp mo: %w", err)
	}
	ci, err := wrapperClientInfo(wrapper)
	if err != nil {
		return nil, fmt.Errorf("wavy: whatsapp mo: %w", err)
	}
	out := make([]WhatsAppMO, 0, len(items))
	for i, raw := range items {
		var m WhatsAppMO
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("wavy: whatsapp mo [%d]: %w", i, err)
		}
		if m.ID == "" && m.Source == "" {
			return nil, fmt.Errorf("wavy: whatsapp mo [%d]: neither id nor source", i)
		}
		m.ClientInfo = ci
		out = append(out, m)
	}
	return out, nil
}

// SegmentationList is one entry of the segmentation lists a WhatsApp MO may
// carry in extraInfo.
type SegmentationList struct {
	// ID identifies the list.
	ID int64
	// CustomerID identifies the customer.
	CustomerID int64
	// SubAccountID identifies the sub-account.
	SubAccountID int64
	// Name names the list.
	Name string
	// Active reports whether the list is active.
	Active bool
}

// ErrNoSegmentationLists is returned by SegmentationLists when extraInfo
// carries none.
var ErrNoSegmentationLists = errors.New("wavy: extraInfo has no segmentation lists")

// SegmentationLists decodes the segmentation lists from ExtraInfo. The
// documentation names the key both "segmentation_lists" and
// "segmentation_list"; both are read.
func (m WhatsAppMO) SegmentationLists() ([]SegmentationList, error) {
	return ParseSegmentationLists(m.ExtraInfo)
}

// ParseSegmentationLists decodes segmentation lists from an extraInfo JSON text.
func ParseSegmentationLists(extraInfo string) ([]SegmentationList, error) {
	var w map[string]json.RawMessage
	if err := decodeLenient([]byte(extraInfo), &w); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoSegmentationLists, err)
	}
	raw, ok := w["segmentation_lists"]
	if !ok {
		raw, ok = w["segmentation_list"]
	}
	if !ok || isJSONNull(raw) {
		return nil, ErrNoSegmentationLists
	}
	var items []struct {
		ID           FlexInt    `json:"id"`
		CustomerID   FlexInt    `json:"customerId"`
		SubAccountID FlexInt    `json:"subAccountId"`
		Name         FlexString `json:"name"`
		Active       FlexBool   `json:"active"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("wavy: segmentation lists: %w", err)
	}
	out := make([]SegmentationList, 0, len(items))
	for _, it := range items {
		out = append(out, SegmentationList{ID: int64(it.ID), CustomerID: int64(it.CustomerID),
			SubAccountID: int64(it.SubAccountID), Name: string(it.Name), Active: bool(it.Active)})
	}
	return out, nil
}

// LatLng splits a "latitude,longitude" geoPoint.
func (l Location) LatLng() (lat, lng float64, ok bool) {
	a, b, found := strings.Cut(l.GeoPoint, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return 0, 0, false
	}
	return lat, lng, true
}
