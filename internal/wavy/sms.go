package wavy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	_ "time/tzdata" // time zones for timeZone/scheduledDate without relying on the host

	"arauto/internal/sms"
)

// Documented limits of the SMS API.
const (
	// MaxMessageText is the longest messageText, in characters as
	// sms.Length counts them.
	MaxMessageText = sms.MaxLength
	// MaxCorrelationID is the longest correlationId, in characters.
	MaxCorrelationID = 64
	// MaxExtraInfo is the longest extraInfo, in characters.
	MaxExtraInfo = 255
	// MaxBulkMessages is the largest number of messages in one send-bulk-sms request.
	MaxBulkMessages = 1000
	// MinScheduleLead is how far ahead a scheduled message must be.
	MinScheduleLead = 30 * time.Minute
)

// LocalDateLayout is the provider's zone-less date format
// (yyyy-MM-dd'T'HH:mm:ss), read in the request's timeZone.
const LocalDateLayout = "2006-01-02T15:04:05"

// SMS is one message for POST or GET /v1/send-sms. Zero fields are omitted.
//
// Times are time.Time: ExpiresAt and ScheduledAt go on the wire as Unix time
// in milliseconds; ExpiresDate and ScheduledDate as yyyy-MM-dd'T'HH:mm:ss
// wall-clock time in TimeZone. When TimeZone is empty and one of those two
// dates is set, the dates are written in UTC and timeZone "UTC" is sent, so
// the provider never reads them in an unknown account zone.
type SMS struct {
	// Destination is the phone number with country code, e.g. 5511900000000. Required.
	Destination string
	// MessageText is the text (at most 1280 characters). Required unless
	// FlowID, TemplateID or TemplateName supplies it.
	MessageText string
	// CorrelationID is the caller's id for matching statuses (at most 64 characters).
	CorrelationID string
	// ExtraInfo is free data echoed in statuses (at most 255 characters).
	ExtraInfo string
	// TimeWindow lists the hours (0-23) in which the message may be sent.
	TimeWindow []int
	// ExpiresAt: the message is not sent after this instant.
	ExpiresAt time.Time
	// ExpiresInMinutes: the message expires this many minutes after the provider receives it.
	ExpiresInMinutes int
	// ExpiresDate: the message is not sent after this date (sent as wall-clock time in TimeZone).
	ExpiresDate time.Time
	// ScheduledAt: the message is not sent before this instant (at least 30 minutes ahead).
	ScheduledAt time.Time
	// DelayedInMinutes: the message is sent this many minutes after the request.
	DelayedInMinutes int
	// ScheduledDate: the message is not sent before this date (sent as wall-clock time in TimeZone).
	ScheduledDate time.Time
	// TimeZone is an IANA zone for ExpiresDate, ScheduledDate and TimeWindow.
	TimeZone string
	// CampaignAlias tags the message with a campaign registered on apigw.
	CampaignAlias string
	// FlashSMS asks for a pop-up (class 0) message.
	FlashSMS bool
	// FlowID selects a bot flow that supplies the text.
	FlowID string
	// SubAccount selects a sub-account (administrator users only).
	SubAccount string
	// Params replaces placeholders in the flow or template text.
	Params map[string]string
	// TemplateID selects an SMS template created in the portal (0 = none).
	TemplateID int64
	// TemplateName selects an SMS template by name.
	TemplateName string
}

// smsWire is SMS as it travels.
type smsWire struct {
	Destination      string            `json:"destination"`
	MessageText      string            `json:"messageText,omitempty"`
	CorrelationID    string            `json:"correlationId,omitempty"`
	ExtraInfo        string            `json:"extraInfo,omitempty"`
	TimeWindow       []int             `json:"timeWindow,omitempty"`
	ExpiresAt        int64             `json:"expiresAt,omitempty"`
	ExpiresInMinutes int               `json:"expiresInMinutes,omitempty"`
	ExpiresDate      string            `json:"expiresDate,omitempty"`
	ScheduledAt      int64             `json:"scheduledAt,omitempty"`
	DelayedInMinutes int               `json:"delayedInMinutes,omitempty"`
	ScheduledDate    string            `json:"scheduledDate,omitempty"`
	TimeZone         string            `json:"timeZone,omitempty"`
	CampaignAlias    string            `json:"campaignAlias,omitempty"`
	FlashSMS         bool              `json:"flashSMS,omitempty"`
	FlowID           string            `json:"flowId,omitempty"`
	SubAccount       string            `json:"subAccount,omitempty"`
	Params           map[string]string `json:"params,omitempty"`
	TemplateID       int64             `json:"templateId,omitempty"`
	TemplateName     string            `json:"templateName,omitempty"`
}

// smsWireIn is smsWire with tolerant scalars, for decoding.
type smsWireIn struct {
	Destination      FlexString        `json:"destination"`
	MessageText      string            `json:"messageText"`
	CorrelationID    FlexString        `json:"correlationId"`
	ExtraInfo        rawText           `json:"extraInfo"`
	TimeWindow       []FlexInt         `json:"timeWindow"`
	ExpiresAt        FlexInt           `json:"expiresAt"`
	ExpiresInMinutes FlexInt           `json:"expiresInMinutes"`
	ExpiresDate      string            `json:"expiresDate"`
	ScheduledAt      FlexInt           `json:"scheduledAt"`
	DelayedInMinutes FlexInt           `json:"delayedInMinutes"`
	ScheduledDate    string            `json:"scheduledDate"`
	TimeZone         string            `json:"timeZone"`
	CampaignAlias    string            `json:"campaignAlias"`
	FlashSMS         FlexBool          `json:"flashSMS"`
	FlowID           string            `json:"flowId"`
	SubAccount       string            `json:"subAccount"`
	Params           map[string]string `json:"params"`
	TemplateID       FlexInt           `json:"templateId"`
	TemplateName     string            `json:"templateName"`
}

// zoneFor returns the location for a timeZone field; empty means UTC.
func zoneFor(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}

// wallClock formats t in loc with LocalDateLayout, or "" when zero.
func wallClock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(LocalDateLayout)
}

// parseWallClock reads a LocalDateLayout date (an offset is accepted too) in loc.
func parseWallClock(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(LocalDateLayout, s, loc); err == nil {
		return t, nil
	}
	if t, ok := ParseTime(s); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("wavy: bad date %q, want yyyy-MM-ddTHH:mm:ss", s)
}

func unixMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(n FlexInt) time.Time {
	if n == 0 {
		return time.Time{}
	}
	t, _ := ParseTime(strconv.FormatInt(int64(n), 10))
	return t
}

func (m SMS) wire() (smsWire, error) {
	tz := m.TimeZone
	if tz == "" && (!m.ExpiresDate.IsZero() || !m.ScheduledDate.IsZero()) {
		tz = "UTC"
	}
	loc, err := zoneFor(tz)
	if err != nil {
		return smsWire{}, fmt.Errorf("wavy: timeZone: %w", err)
	}
	return smsWire{
		Destination:      m.Destination,
		MessageText:      m.MessageText,
		CorrelationID:    m.CorrelationID,
		ExtraInfo:        m.ExtraInfo,
		TimeWindow:       m.TimeWindow,
		ExpiresAt:        unixMillis(m.ExpiresAt),
		ExpiresInMinutes: m.ExpiresInMinutes,
		ExpiresDate:      wallClock(m.ExpiresDate, loc),
		ScheduledAt:      unixMillis(m.ScheduledAt),
		DelayedInMinutes: m.DelayedInMinutes,
		ScheduledDate:    wallClock(m.ScheduledDate, loc),
		TimeZone:         tz,
		CampaignAlias:    m.CampaignAlias,
		FlashSMS:         m.FlashSMS,
		FlowID:           m.FlowID,
		SubAccount:       m.SubAccount,
		Params:           m.Params,
		TemplateID:       m.TemplateID,
		TemplateName:     m.TemplateName,
	}, nil
}

// MarshalJSON encodes the message with the documented field names.
func (m SMS) MarshalJSON() ([]byte, error) {
	w, err := m.wire()
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the documented JSON form (used by the simulator and
// by tests); numbers and strings are accepted interchangeably.
func (m *SMS) UnmarshalJSON(b []byte) error {
	var w smsWireIn
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	loc, err := zoneFor(w.TimeZone)
	if err != nil {
		return fmt.Errorf("wavy: timeZone: %w", err)
	}
	expires, err := parseWallClock(w.ExpiresDate, loc)
	if err != nil {
		return err
	}
	scheduled, err := parseWallClock(w.ScheduledDate, loc)
	if err != nil {
		return err
	}
	*m = SMS{
		Destination:      string(w.Destination),
		MessageText:      w.MessageText,
		CorrelationID:    string(w.CorrelationID),
		ExtraInfo:        string(w.ExtraInfo),
		TimeWindow:       ints(w.TimeWindow),
		ExpiresAt:        fromMillis(w.ExpiresAt),
		ExpiresInMinutes: int(w.ExpiresInMinutes),
		ExpiresDate:      expires,
		ScheduledAt:      fromMillis(w.ScheduledAt),
		DelayedInMinutes: int(w.DelayedInMinutes),
		ScheduledDate:    scheduled,
		TimeZone:         w.TimeZone,
		CampaignAlias:    w.CampaignAlias,
		FlashSMS:         bool(w.FlashSMS),
		FlowID:           w.FlowID,
		SubAccount:       w.SubAccount,
		Params:           w.Params,
		TemplateID:       int64(w.TemplateID),
		TemplateName:     w.TemplateName,
	}
	return nil
}

func ints(in []FlexInt) []int {
	if in == nil {
		return nil
	}
	out := make([]int, len(in))
	for i, v := range in {
		out[i] = int(v)
	}
	return out
}

// Query encodes the message as the query string of GET /v1/send-sms.
// TimeWindow is sent as repeated timeWindow parameters. Params cannot be
// expressed in a query string; Validate reports them for GET.
func (m SMS) Query() (url.Values, error) {
	w, err := m.wire()
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	setInt := func(k string, v int64) {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	set("destination", w.Destination)
	set("messageText", w.MessageText)
	set("correlationId", w.CorrelationID)
	set("extraInfo", w.ExtraInfo)
	for _, h := range w.TimeWindow {
		q.Add("timeWindow", strconv.Itoa(h))
	}
	setInt("expiresAt", w.ExpiresAt)
	setInt("expiresInMinutes", int64(w.ExpiresInMinutes))
	set("expiresDate", w.ExpiresDate)
	setInt("scheduledAt", w.ScheduledAt)
	setInt("delayedInMinutes", int64(w.DelayedInMinutes))
	set("scheduledDate", w.ScheduledDate)
	set("timeZone", w.TimeZone)
	set("campaignAlias", w.CampaignAlias)
	if w.FlashSMS {
		q.Set("flashSMS", "true")
	}
	set("flowId", w.FlowID)
	set("subAccount", w.SubAccount)
	setInt("templateId", w.TemplateID)
	set("templateName", w.TemplateName)
	return q, nil
}

// Validate checks the documented limits before anything is sent: required
// destination and text, lengths of messageText (1280), correlationId (64) and
// extraInfo (255), timeWindow hours, a valid timeZone, mutually exclusive
// expiresAt/expiresInMinutes/expiresDate, a single schedule at least 30
// minutes after now, expiry after schedule, and params only with a flow or
// template. Lengths count UTF-16 code units (see charLen). The error joins
// one *FieldError per problem and matches ErrInvalidRequest.
func (m SMS) Validate(now time.Time) error {
	var p problems
	validateMessageFields(&p, "", m.Destination, m.MessageText, m.CorrelationID, m.ExtraInfo,
		m.FlowID != "" || m.TemplateID != 0 || m.TemplateName != "", m.Params)
	validateCommon(&p, now, commonFields{
		timeZone: m.TimeZone, timeWindow: m.TimeWindow,
		expiresAt: m.ExpiresAt, expiresInMinutes: m.ExpiresInMinutes, expiresDate: m.ExpiresDate,
		scheduledAt: m.ScheduledAt, delayedInMinutes: m.DelayedInMinutes, scheduledDate: m.ScheduledDate,
	})
	return p.err()
}

// validateMessageFields checks one message's own fields; prefix is the JSON
// path prefix ("" or "messages[3].").
func validateMessageFields(p *problems, prefix, destination, text, correlationID, extraInfo string, textFromElsewhere bool, params map[string]string) {
	if destination == "" {
		p.add(prefix+"destination", "required")
	} else if !isPhoneLike(destination) {
		p.add(prefix+"destination", "not a phone number: %q", destination)
	}
	if text == "" && !textFromElsewhere {
		p.add(prefix+"messageText", "required unless flowId, templateId or templateName is set")
	}
	if n := charLen(text); n > MaxMessageText {
		p.add(prefix+"messageText", "%d characters, at most %d", n, MaxMessageText)
	}
	if n := charLen(correlationID); n > MaxCorrelationID {
		p.add(prefix+"correlationId", "%d characters, at most %d", n, MaxCorrelationID)
	}
	if n := charLen(extraInfo); n > MaxExtraInfo {
		p.add(prefix+"extraInfo", "%d characters, at most %d", n, MaxExtraInfo)
	}
	if len(params) > 0 && !textFromElsewhere {
		p.add(prefix+"params", "needs flowId, templateId or templateName")
	}
}

// charLen counts characters as the provider does (sms.Length: UTF-16 code
// units, an emoji counts two), for every "chars" limit of the seeds
// ("max 1280 chars", "max 64 chars", "max 255 chars"). The sandbox, the
// composer and the pre-flight count with the same function, so 700 emoji
// (1400) are refused before anything is sent, never by the provider.
func charLen(s string) int { return sms.Length(s) }

// isPhoneLike accepts the documented number spellings: digits with an
// optional leading '+', spaces, dashes and parentheses ("+55(19)997712322").
func isPhoneLike(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits > 0
}

// commonFields are the scheduling and expiry fields shared by SMS and BulkSMS.
type commonFields struct {
	timeZone         string
	timeWindow       []int
	expiresAt        time.Time
	expiresInMinutes int
	expiresDate      time.Time
	scheduledAt      time.Time
	delayedInMinutes int
	scheduledDate    time.Time
}

func validateCommon(p *problems, now time.Time, f commonFields) {
	if f.timeZone != "" {
		if _, err := time.LoadLocation(f.timeZone); err != nil {
			p.add("timeZone", "unknown time zone %q", f.timeZone)
		}
	}
	for i, h := range f.timeWindow {
		if h < 0 || h > 23 {
			p.add(fmt.Sprintf("timeWindow[%d]", i), "hour %d outside 0-23", h)
		}
	}

	var expiries []string
	if !f.expiresAt.IsZero() {
		expiries = append(expiries, "expiresAt")
	}
	if f.expiresInMinutes != 0 {
		expiries = append(expiries, "expiresInMinutes")
	}
	if !f.expiresDate.IsZero() {
		expiries = append(expiries, "expiresDate")
	}
	if len(expiries) > 1 {
		p.add(expiries[0], "mutually exclusive with %v", expiries[1:])
	}
	if f.expiresInMinutes < 0 {
		p.add("expiresInMinutes", "must be positive, got %d", f.expiresInMinutes)
	}

	var schedules []string
	var start time.Time
	if !f.scheduledAt.IsZero() {
		schedules = append(schedules, "scheduledAt")
		start = f.scheduledAt
	}
	if f.delayedInMinutes != 0 {
		schedules = append(schedules, "delayedInMinutes")
		start = now.Add(time.Duration(f.delayedInMinutes) * time.Minute)
	}
	if !f.scheduledDate.IsZero() {
		schedules = append(schedules, "scheduledDate")
		start = f.scheduledDate
	}
	if len(schedules) > 1 {
		p.add(schedules[0], "mutually exclusive with %v", schedules[1:])
	}
	if len(schedules) == 1 && start.Sub(now) < MinScheduleLead {
		p.add(schedules[0], "must be at least %v after now (%s), got %s", MinScheduleLead,
			now.UTC().Format(time.RFC3339), start.UTC().Format(time.RFC3339))
	}

	expiry := f.expiresAt
	if !f.expiresDate.IsZero() {
		expiry = f.expiresDate
	}
	if !expiry.IsZero() && len(expiries) == 1 {
		switch {
		case !expiry.After(now):
			p.add(expiries[0], "already past at %s", now.UTC().Format(time.RFC3339))
		case !start.IsZero() && !expiry.After(start):
			p.add(expiries[0], "not after the schedule %s", start.UTC().Format(time.RFC3339))
		}
	}
}

// BulkMessage is one entry of send-bulk-sms "messages", or the
// "defaultValues" applied to entries that leave a field empty.
type BulkMessage struct {
	// Destination is the phone number with country code.
	Destination string `json:"destination,omitempty"`
	// MessageText is the text; defaultValues.messageText fills it when empty.
	MessageText string `json:"messageText,omitempty"`
	// CorrelationID is the caller's id for this message (at most 64 characters).
	CorrelationID string `json:"correlationId,omitempty"`
	// ExtraInfo is free data echoed in statuses (at most 255 characters).
	ExtraInfo string `json:"extraInfo,omitempty"`
	// FlashSMS asks for a pop-up message.
	FlashSMS bool `json:"flashSMS,omitempty"`
	// Params replaces placeholders in the flow or template text.
	Params map[string]string `json:"params,omitempty"`
}

// UnmarshalJSON accepts numbers or strings for the scalar fields (the
// documentation sends "flashSMS":"true").
func (m *BulkMessage) UnmarshalJSON(b []byte) error {
	var w struct {
		Destination   FlexString        `json:"destination"`
		MessageText   string            `json:"messageText"`
		CorrelationID FlexString        `json:"correlationId"`
		ExtraInfo     rawText           `json:"extraInfo"`
		FlashSMS      FlexBool          `json:"flashSMS"`
		Params        map[string]string `json:"params"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = BulkMessage{
		Destination:   string(w.Destination),
		MessageText:   w.MessageText,
		CorrelationID: string(w.CorrelationID),
		ExtraInfo:     string(w.ExtraInfo),
		FlashSMS:      bool(w.FlashSMS),
		Params:        w.Params,
	}
	return nil
}

func (m BulkMessage) isZero() bool {
	return m.Destination == "" && m.MessageText == "" && m.CorrelationID == "" &&
		m.ExtraInfo == "" && !m.FlashSMS && len(m.Params) == 0
}

// BulkSMS is the body of POST /v1/send-bulk-sms: up to 1000 messages, the
// defaults they inherit, and the request-level (root) options. Times follow
// the same rules as SMS.
type BulkSMS struct {
	// Messages are the individual messages (1 to 1000).
	Messages []BulkMessage
	// DefaultValues fill fields a message leaves empty.
	DefaultValues BulkMessage
	// TimeZone is an IANA zone for ExpiresDate, ScheduledDate and TimeWindow.
	TimeZone string
	// ScheduledDate: nothing is sent before this date (wall-clock time in TimeZone).
	ScheduledDate time.Time
	// ScheduledAt: nothing is sent before this instant.
	ScheduledAt time.Time
	// DelayedInMinutes: messages are sent this many minutes after the request.
	DelayedInMinutes int
	// TimeWindow lists the hours (0-23) in which messages may be sent.
	TimeWindow []int
	// ExpiresAt: messages are not sent after this instant.
	ExpiresAt time.Time
	// ExpiresInMinutes: messages expire this many minutes after receipt.
	ExpiresInMinutes int
	// ExpiresDate: messages are not sent after this date (wall-clock time in TimeZone).
	ExpiresDate time.Time
	// CampaignAlias tags every message with a campaign registered on apigw.
	CampaignAlias string
	// FlowID selects a bot flow that supplies the text.
	FlowID string
	// SubAccount selects a sub-account (administrator users only).
	SubAccount string
	// TemplateID selects an SMS template (0 = none).
	TemplateID int64
	// TemplateName selects an SMS template by name.
	TemplateName string
}

type bulkWire struct {
	Messages         []BulkMessage `json:"messages"`
	DefaultValues    *BulkMessage  `json:"defaultValues,omitempty"`
	TimeZone         string        `json:"timeZone,omitempty"`
	ScheduledDate    string        `json:"scheduledDate,omitempty"`
	ScheduledAt      int64         `json:"scheduledAt,omitempty"`
	DelayedInMinutes int           `json:"delayedInMinutes,omitempty"`
	TimeWindow       []int         `json:"timeWindow,omitempty"`
	ExpiresAt        int64         `json:"expiresAt,omitempty"`
	ExpiresInMinutes int           `json:"expiresInMinutes,omitempty"`
	ExpiresDate      string        `json:"expiresDate,omitempty"`
	CampaignAlias    string        `json:"campaignAlias,omitempty"`
	FlowID           string        `json:"flowId,omitempty"`
	SubAccount       string        `json:"subAccount,omitempty"`
	TemplateID       int64         `json:"templateId,omitempty"`
	TemplateName     string        `json:"templateName,omitempty"`
}

// MarshalJSON encodes the request with the documented field names.
func (b BulkSMS) MarshalJSON() ([]byte, error) {
	tz := b.TimeZone
	if tz == "" && (!b.ExpiresDate.IsZero() || !b.ScheduledDate.IsZero()) {
		tz = "UTC"
	}
	loc, err := zoneFor(tz)
	if err != nil {
		return nil, fmt.Errorf("wavy: timeZone: %w", err)
	}
	w := bulkWire{
		Messages:         b.Messages,
		TimeZone:         tz,
		ScheduledDate:    wallClock(b.ScheduledDate, loc),
		ScheduledAt:      unixMillis(b.ScheduledAt),
		DelayedInMinutes: b.DelayedInMinutes,
		TimeWindow:       b.TimeWindow,
		ExpiresAt:        unixMillis(b.ExpiresAt),
		ExpiresInMinutes: b.ExpiresInMinutes,
		ExpiresDate:      wallClock(b.ExpiresDate, loc),
		CampaignAlias:    b.CampaignAlias,
		FlowID:           b.FlowID,
		SubAccount:       b.SubAccount,
		TemplateID:       b.TemplateID,
		TemplateName:     b.TemplateName,
	}
	if w.Messages == nil {
		w.Messages = []BulkMessage{}
	}
	if !b.DefaultValues.isZero() {
		dv := b.DefaultValues
		w.DefaultValues = &dv
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the documented JSON form.
func (b *BulkSMS) UnmarshalJSON(data []byte) error {
	var w struct {
		Messages         []BulkMessage `json:"messages"`
		DefaultValues    *BulkMessage  `json:"defaultValues"`
		TimeZone         string        `json:"timeZone"`
		ScheduledDate    string        `json:"scheduledDate"`
		ScheduledAt      FlexInt       `json:"scheduledAt"`
		DelayedInMinutes FlexInt       `json:"delayedInMinutes"`
		TimeWindow       []FlexInt     `json:"timeWindow"`
		ExpiresAt        FlexInt       `json:"expiresAt"`
		ExpiresInMinutes FlexInt       `json:"expiresInMinutes"`
		ExpiresDate      string        `json:"expiresDate"`
		CampaignAlias    string        `json:"campaignAlias"`
		FlowID           string        `json:"flowId"`
		SubAccount       string        `json:"subAccount"`
		TemplateID       FlexInt       `json:"templateId"`
		TemplateName     string        `json:"templateName"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	loc, err := zoneFor(w.TimeZone)
	if err != nil {
		return fmt.Errorf("wavy: timeZone: %w", err)
	}
	scheduled, err := parseWallClock(w.ScheduledDate, loc)
	if err != nil {
		return err
	}
	expires, err := parseWallClock(w.ExpiresDate, loc)
	if err != nil {
		return err
	}
	*b = BulkSMS{
		Messages:         w.Messages,
		TimeZone:         w.TimeZone,
		ScheduledDate:    scheduled,
		ScheduledAt:      fromMillis(w.ScheduledAt),
		DelayedInMinutes: int(w.DelayedInMinutes),
		TimeWindow:       ints(w.TimeWindow),
		ExpiresAt:        fromMillis(w.ExpiresAt),
		ExpiresInMinutes: int(w.ExpiresInMinutes),
		ExpiresDate:      expires,
		CampaignAlias:    w.CampaignAlias,
		FlowID:           w.FlowID,
		SubAccount:       w.SubAccount,
		TemplateID:       int64(w.TemplateID),
		TemplateName:     w.TemplateName,
	}
	if w.DefaultValues != nil {
		b.DefaultValues = *w.DefaultValues
	}
	return nil
}

// Validate checks the documented limits: 1 to 1000 messages, each with a
// destination and a text (its own or defaultValues', unless a flow or
// template supplies it) within the length limits, correlationIds unique
// within the request, and the root options as for SMS.Validate.
func (b BulkSMS) Validate(now time.Time) error {
	var p problems
	switch n := len(b.Messages); {
	case n == 0:
		p.add("messages", "at least one message is required")
	case n > MaxBulkMessages:
		p.add("messages", "%d messages, at most %d per request", n, MaxBulkMessages)
	}
	fromElsewhere := b.FlowID != "" || b.TemplateID != 0 || b.TemplateName != ""
	d := b.DefaultValues
	if n := charLen(d.MessageText); n > MaxMessageText {
		p.add("defaultValues.messageText", "%d characters, at most %d", n, MaxMessageText)
	}
	if n := charLen(d.ExtraInfo); n > MaxExtraInfo {
		p.add("defaultValues.extraInfo", "%d characters, at most %d", n, MaxExtraInfo)
	}
	if len(d.Params) > 0 && !fromElsewhere {
		p.add("defaultValues.params", "needs flowId, templateId or templateName")
	}
	seen := make(map[string]int, len(b.Messages))
	for i, m := range b.Messages {
		prefix := fmt.Sprintf("messages[%d].", i)
		text := m.MessageText
		if text == "" {
			text = d.MessageText
		}
		extra := m.ExtraInfo
		if extra == "" {
			extra = d.ExtraInfo
		}
		validateMessageFields(&p, prefix, m.Destination, text, m.CorrelationID, extra, fromElsewhere, m.Params)
		if m.CorrelationID != "" {
			if j, dup := seen[m.CorrelationID]; dup {
				p.add(prefix+"correlationId", "%q already used by messages[%d]", m.CorrelationID, j)
			} else {
				seen[m.CorrelationID] = i
			}
		}
	}
	validateCommon(&p, now, commonFields{
		timeZone: b.TimeZone, timeWindow: b.TimeWindow,
		expiresAt: b.ExpiresAt, expiresInMinutes: b.ExpiresInMinutes, expiresDate: b.ExpiresDate,
		scheduledAt: b.ScheduledAt, delayedInMinutes: b.DelayedInMinutes, scheduledDate: b.ScheduledDate,
	})
	return p.err()
}

// SendSMSResponse is the synchronous answer to send-sms: the provider's UUID
// for the message and the caller's correlationId.
type SendSMSResponse struct {
	// ID is the provider's UUID for the message.
	ID string `json:"id"`
	// CorrelationID echoes the caller's correlationId.
	CorrelationID string `json:"correlationId,omitempty"`
}

// BulkSMSResponse is the answer to send-bulk-sms: a UUID for the batch and
// one entry per message, in request order. The seeds' own example answer
// carries ids only, no correlationIds; SendBulkSMS then fills each entry's
// CorrelationID from the request message at the same position (when the
// answer has one entry per message), so callers can always match by
// correlationId.
type BulkSMSResponse struct {
	// ID is the provider's UUID for the batch.
	ID string `json:"id"`
	// Messages holds the id and correlationId of each message.
	Messages []SendSMSResponse `json:"messages"`
}

type sendRespWire struct {
	ID            FlexString `json:"id"`
	CorrelationID FlexString `json:"correlationId"`
}

// ParseSendSMSResponse reads a send-sms answer. The documentation shows a
// one-element array ([{"id":..,"correlationId":..}]) while the service has
// also been seen to answer a bare object; both are accepted. An answer
// without an id is an error.
func ParseSendSMSResponse(body []byte) (SendSMSResponse, error) {
	items, _, _, err := splitPayload(body)
	if err != nil {
		return SendSMSResponse{}, err
	}
	if len(items) == 0 {
		return SendSMSResponse{}, errors.New("wavy: empty list in send-sms response")
	}
	var w sendRespWire
	if err := json.Unmarshal(items[0], &w); err != nil {
		return SendSMSResponse{}, err
	}
	if w.ID == "" {
		return SendSMSResponse{}, errors.New("wavy: send-sms response has no id")
	}
	return SendSMSResponse{ID: string(w.ID), CorrelationID: string(w.CorrelationID)}, nil
}

// ParseBulkSMSResponse reads a send-bulk-sms answer; it needs a batch id.
func ParseBulkSMSResponse(body []byte) (BulkSMSResponse, error) {
	var w struct {
		ID       FlexString     `json:"id"`
		Messages []sendRespWire `json:"messages"`
	}
	if err := decodeLenient(body, &w); err != nil {
		return BulkSMSResponse{}, err
	}
	if w.ID == "" {
		return BulkSMSResponse{}, errors.New("wavy: send-bulk-sms response has no id")
	}
	out := BulkSMSResponse{ID: string(w.ID), Messages: make([]SendSMSResponse, 0, len(w.Messages))}
	for _, m := range w.Messages {
		out.Messages = append(out.Messages, SendSMSResponse{ID: string(m.ID), CorrelationID: string(m.CorrelationID)})
	}
	return out, nil
}

// SendSMS sends one message with POST /v1/send-sms after validating it
// against Config.Now. It is never retried: on ErrUnknownOutcome the message
// may have been accepted.
func (c *Client) SendSMS(ctx context.Context, m SMS) (SendSMSResponse, error) {
	const op = "send-sms"
	if err := m.Validate(c.now()); err != nil {
		return SendSMSResponse{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	var out SendSMSResponse
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/v1/send-sms", body: m},
		func(res result) (err error) { out, err = ParseSendSMSResponse(res.body); return err })
	return out, err
}

// SendSMSGet sends one message with GET /v1/send-sms and the fields in the
// query string. Params are not supported by this form. Never retried.
func (c *Client) SendSMSGet(ctx context.Context, m SMS) (SendSMSResponse, error) {
	const op = "send-sms-get"
	var p problems
	if len(m.Params) > 0 {
		p.add("params", "cannot be sent in a query string; use SendSMS (POST)")
	}
	if err := errors.Join(m.Validate(c.now()), p.err()); err != nil {
		return SendSMSResponse{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	q, err := m.Query()
	if err != nil {
		return SendSMSResponse{}, fmt.Errorf("wavy: %s: %w: %w", op, ErrInvalidRequest, err)
	}
	var out SendSMSResponse
	err = c.do(ctx, call{op: op, method: http.MethodGet, path: "/v1/send-sms", query: q},
		func(res result) (err error) { out, err = ParseSendSMSResponse(res.body); return err })
	return out, err
}

// SendBulkSMS sends up to 1000 messages with POST /v1/send-bulk-sms after
// validating them against Config.Now. Never retried.
func (c *Client) SendBulkSMS(ctx context.Context, b BulkSMS) (BulkSMSResponse, error) {
	const op = "send-bulk-sms"
	if err := b.Validate(c.now()); err != nil {
		return BulkSMSResponse{}, fmt.Errorf("wavy: %s: %w", op, err)
	}
	var out BulkSMSResponse
	err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/v1/send-bulk-sms", body: b},
		func(res result) (err error) { out, err = ParseBulkSMSResponse(res.body); return err })
	if err == nil && len(out.Messages) == len(b.Messages) {
		for i := range out.Messages {
			if out.Messages[i].CorrelationID == "" {
				out.Messages[i].CorrelationID = b.Messages[i].CorrelationID
			}
		}
	}
	return out, err
}
