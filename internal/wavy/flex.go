package wavy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FlexString is a JSON scalar the provider sends sometimes as a string and
// sometimes as a number or boolean ("campaignId":"64" and "campaignId":1234
// both appear in the documentation). It decodes any scalar into its text and
// null into "". It encodes as a JSON string.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("wavy: want a string or number, got %.20s", b)
	default:
		// number, true or false: keep the literal text.
		if !json.Valid(b) {
			return fmt.Errorf("wavy: invalid JSON scalar %.20s", b)
		}
		*f = FlexString(b)
	}
	return nil
}

// FlexInt is a JSON integer the provider may also send as a string ("2" or
// 2). Null and "" decode as 0. It encodes as a JSON number.
type FlexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = 0
		return nil
	}
	text := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		if text == "" {
			*f = 0
			return nil
		}
	}
	n, err := parseInteger(text)
	if err != nil {
		return fmt.Errorf("wavy: want an integer, got %.20q", text)
	}
	*f = FlexInt(n)
	return nil
}

// parseInteger accepts "12", "-3" and integral floats such as "2.0" or "1.5e3".
func parseInteger(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	fl, err := strconv.ParseFloat(s, 64)
	if err != nil || fl != math.Trunc(fl) || math.Abs(fl) > 1<<62 {
		return 0, errors.New("not an integer")
	}
	return int64(fl), nil
}

// FlexBool is a JSON boolean the provider may also send as a string or
// number (the documentation shows "flashSMS":"true"). Null, "" and 0 are
// false. It encodes as a JSON boolean.
type FlexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexBool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = false
		return nil
	}
	text := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "true", "1", "yes", "y":
		*f = true
	case "false", "0", "no", "n", "":
		*f = false
	default:
		return fmt.Errorf("wavy: want a boolean, got %.20q", text)
	}
	return nil
}

// rawText decodes a JSON string as its value and any other JSON value as its
// compact text; used for extraInfo, which the WhatsApp API documents as JSON.
type rawText string

// UnmarshalJSON implements json.Unmarshaler.
func (r *rawText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*r = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = rawText(s)
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*r = rawText(buf.String())
	}
	return nil
}

// epochSecondsLimit separates epoch seconds from epoch milliseconds: 1e11
// milliseconds is March 1973, 1e11 seconds is the year 5138.
const epochSecondsLimit = 1e11

// parseTimeJSON reads a JSON timestamp value; ok is false when it is absent
// or not understood.
func parseTimeJSON(b []byte) (time.Time, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return time.Time{}, false
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return time.Time{}, false
		}
		return ParseTime(s)
	}
	return ParseTime(string(b))
}

// dateLayouts are the string forms seen in the documentation
// ("2010-02-20T10:05:00Z", "2017-12-18T17:09:31.891Z", Java's
// yyyy-MM-dd'T'HH:mm:ssZ as "+0000", and zone-less local forms, read as UTC).
// Fractional seconds are accepted after the seconds by every layout.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseTime reads a provider timestamp: epoch milliseconds (or seconds, when
// the number is below 1e11) as digits, or a date string in one of the
// documented formats; strings without a zone are taken as UTC. The result is
// in UTC. ok is false for an empty or unrecognised value.
func ParseTime(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if n, err := parseInteger(s); err == nil {
		if n == 0 {
			return time.Time{}, false
		}
		if n > -epochSecondsLimit && n < epochSecondsLimit {
			return time.Unix(n, 0).UTC(), true
		}
		return time.UnixMilli(n).UTC(), true
	}
	for _, layout := range dateLayouts {
		if tm, err := time.Parse(layout, s); err == nil {
			return tm.UTC(), true
		}
	}
	return time.Time{}, false
}

// firstTime returns the first of the candidate JSON values that parses.
func firstTime(raws ...json.RawMessage) time.Time {
	for _, r := range raws {
		if t, ok := parseTimeJSON(r); ok {
			return t
		}
	}
	return time.Time{}
}

// isoMillis formats t like the provider's sentDate values.
func isoMillis(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// millisOrNil returns t as epoch milliseconds, or nil when zero, for marshalling.
func millisOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

// dateOrEmpty formats t as an ISO date string, or "" when zero.
func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return isoMillis(t)
}

var errEmptyBody = errors.New("empty body")

// isJSONNull reports whether raw is absent or null.
func isJSONNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// decodeLenient unmarshals data into v. Valid JSON is decoded as is. When
// the input is not valid JSON, it repairs the two defects found in the
// provider's own published examples before trying again: trailing commas
// before a closing brace or bracket, and an object whose opening brace is
// missing. It never panics on any input.
func decodeLenient(data []byte, v any) error {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return errEmptyBody
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return err
	}
	fixed := stripTrailingCommas(data)
	if fixed[0] == '"' && !json.Valid(fixed) {
		fixed = append([]byte{'{'}, fixed...)
	}
	if !json.Valid(fixed) {
		return err
	}
	return json.Unmarshal(fixed, v)
}

// stripTrailingCommas removes commas that are followed (after optional
// whitespace) by '}' or ']', outside of strings.
func stripTrailingCommas(data []byte) []byte {
	out := make([]byte, 0, len(data))
	inString, escaped := false, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
		}
		if c == ',' {
			j := i + 1
			for j < len(data) && isJSONSpace(data[j]) {
				j++
			}
			if j < len(data) && (data[j] == '}' || data[j] == ']') {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// payloadShape says how splitPayload found the items.
type payloadShape int

const (
	shapeSingle  payloadShape = iota // one bare object
	shapeArray                       // a JSON array of objects
	shapeWrapped                     // an object holding the array under a key
)

// containsAnyKey reports whether any of keys appears quoted in b.
func containsAnyKey(b []byte, keys []string) bool {
	for _, k := range keys {
		if bytes.Contains(b, []byte(`"`+k+`"`)) {
			return true
		}
	}
	return false
}

// splitPayload turns a webhook or list body into its items: a single object,
// a JSON array of objects, or an object wrapping the array under one of the
// given keys. For the wrapped shape the wrapper object is returned too, so
// callers can read envelope fields such as clientInfo.
func splitPayload(body []byte, wrapperKeys ...string) (items []json.RawMessage, wrapper map[string]json.RawMessage, shape payloadShape, err error) {
	var top json.RawMessage
	if err := decodeLenient(body, &top); err != nil {
		return nil, nil, 0, err
	}
	top = json.RawMessage(bytes.TrimSpace(top))
	switch top[0] {
	case '[':
		if err := json.Unmarshal(top, &items); err != nil {
			return nil, nil, 0, err
		}
		return items, nil, shapeArray, nil
	case '{':
		// Most bodies are one object naming none of the wrapper keys:
		// when no key can be one (no "key" in the text, and no escape
		// that could spell one), it is a single item without reading it
		// into a map first.
		if !bytes.Contains(top, []byte(`\u`)) && !containsAnyKey(top, wrapperKeys) {
			return []json.RawMessage{top}, nil, shapeSingle, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(top, &obj); err != nil {
			return nil, nil, 0, err
		}
		for _, k := range wrapperKeys {
			raw, ok := obj[k]
			if !ok {
				continue
			}
			raw = bytes.TrimSpace(raw)
			if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
				return nil, obj, shapeWrapped, nil
			}
			if raw[0] != '[' {
				continue
			}
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, nil, 0, err
			}
			return items, obj, shapeWrapped, nil
		}
		return []json.RawMessage{top}, nil, shapeSingle, nil
	default:
		return nil, nil, 0, fmt.Errorf("wavy: want a JSON object or array, got %.20s", top)
	}
}
