package wavy

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// Every message brings two status webhooks, each parsed once by the
// applier: at a million messages a campaign, encoding/json's reflection
// and the Flex types' second pass over every value were a tenth of the
// console's CPU. The documented body is one flat object of scalars, which
// fastjson reads in one pass without reflection. Anything else — an array,
// a wrapper key, a nested value, a key that differs from a known one only
// in case (encoding/json would take it), escapes, invalid UTF-8, a body
// fastjson refuses — goes the general way, so both ways read every body
// alike (FuzzStatusFastPath checks it).

var statusParsers fastjson.ParserPool

// parseStatusFast reads a body that is one flat status object; ok is false
// when the body needs the general parser.
func parseStatusFast(body []byte) (s SMSStatus, ok bool) {
	b := bytes.TrimSpace(body)
	if len(b) < 2 || b[0] != '{' || bytes.IndexByte(b, '\\') >= 0 || hasControl(b) || !utf8.Valid(b) {
		return SMSStatus{}, false
	}
	p := statusParsers.Get()
	defer statusParsers.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil {
		return SMSStatus{}, false
	}
	obj, err := v.Object()
	if err != nil {
		return SMSStatus{}, false
	}
	var sentAt, sentDate, sentStatusAt, sentStatusDate, deliveredAt, deliveredDate *fastjson.Value
	ok = true
	obj.Visit(func(key []byte, v *fastjson.Value) {
		if !ok {
			return
		}
		if !strictScalar(v) || bytes.ContainsAny(key, "\t\n\r") {
			ok = false
			return
		}
		var good bool
		switch string(key) {
		case "id":
			s.ID, good = flexString(v)
		case "correlationId":
			s.CorrelationID, good = flexString(v)
		case "carrierId":
			s.CarrierID, good = flexInt(v)
		case "carrierName":
			s.CarrierName, good = flexString(v)
		case "destination":
			s.Destination, good = flexString(v)
		case "sentStatusCode":
			var n int64
			n, good = flexInt(v)
			s.SentStatusCode = int(n)
		case "sentStatus":
			s.SentStatus, good = flexString(v)
		case "sentAt":
			sentAt, good = v, true
		case "sentDate":
			sentDate, good = v, true
		case "sentStatusAt":
			sentStatusAt, good = v, true
		case "sentStatusDate":
			sentStatusDate, good = v, true
		case "deliveredStatusCode":
			var n int64
			n, good = flexInt(v)
			s.DeliveredStatusCode = int(n)
		case "deliveredStatus":
			s.DeliveredStatus, good = flexString(v)
		case "deliveredAt":
			deliveredAt, good = v, true
		case "deliveredDate":
			deliveredDate, good = v, true
		case "campaignId":
			s.CampaignID, good = flexString(v)
		case "extraInfo":
			s.ExtraInfo, good = flexString(v)
		default:
			good = !foldsToStatusKey(key)
		}
		ok = good
	})
	if !ok || (s.ID == "" && s.CorrelationID == "") {
		return SMSStatus{}, false
	}
	s.SentAt = firstTimeValue(sentAt, sentStatusAt, sentDate, sentStatusDate)
	s.DeliveredAt = firstTimeValue(deliveredAt, deliveredDate)
	return s, true
}

// statusKeys are the keys smsStatusWire reads, and the wrapper keys.
var statusKeys = append([]string{"id", "correlationId", "carrierId", "carrierName", "destination", "sentStatusCode",
	"sentStatus", "sentAt", "sentDate", "sentStatusAt", "sentStatusDate", "deliveredStatusCode", "deliveredStatus",
	"deliveredAt", "deliveredDate", "campaignId", "extraInfo"}, statusWrapperKeys...)

// foldsToStatusKey reports whether key is a known key (or a wrapper key)
// in another case, which encoding/json would match and the switch above
// does not; exact wrapper keys are caught here too.
func foldsToStatusKey(key []byte) bool {
	for _, k := range statusKeys {
		if strings.EqualFold(k, string(key)) {
			return true
		}
	}
	return false
}

// strictScalar reports whether v is a scalar encoding/json reads the same
// way: fastjson is laxer with numbers (leading zeros, "1.", NaN) and with
// tabs and line breaks inside strings.
func strictScalar(v *fastjson.Value) bool {
	switch v.Type() {
	case fastjson.TypeNull, fastjson.TypeTrue, fastjson.TypeFalse:
		return true
	case fastjson.TypeString:
		return !bytes.ContainsAny(v.GetStringBytes(), "\t\n\r")
	case fastjson.TypeNumber:
		return json.Valid(v.MarshalTo(nil))
	}
	return false
}

// scalarText is a scalar's text as the Flex types read it: a string's
// value, a number's or boolean's literal, null as "".
func scalarText(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNull:
		return ""
	}
	return string(v.MarshalTo(nil))
}

// flexString is FlexString's reading of a (strict) scalar.
func flexString(v *fastjson.Value) (string, bool) { return scalarText(v), true }

// flexInt is FlexInt's reading: an integer as a number or a string, null
// and "" as 0; a boolean is refused.
func flexInt(v *fastjson.Value) (int64, bool) {
	switch v.Type() {
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return 0, false
	}
	text := strings.TrimSpace(scalarText(v))
	if text == "" {
		return 0, true
	}
	n, err := parseInteger(text)
	return n, err == nil
}

// firstTimeValue is firstTime over values read by fastjson.
func firstTimeValue(vs ...*fastjson.Value) time.Time {
	for _, v := range vs {
		if v == nil || v.Type() == fastjson.TypeNull {
			continue
		}
		if tm, ok := ParseTime(scalarText(v)); ok {
			return tm
		}
	}
	return time.Time{}
}

// hasControl reports a control byte other than the whitespace JSON allows
// between tokens (fastjson skips any byte up to a space).
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}
