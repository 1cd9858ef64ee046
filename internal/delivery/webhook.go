package delivery

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"arauto/internal/wavy"
)

// ErrUnknownWebhook is returned by Classify for a path that names no
// kind of notification.
var ErrUnknownWebhook = errors.New("delivery: unknown webhook")

// Classify checks a webhook body with the wavy parsers and says which kind
// of event it is and how many entries it holds. path is the last segment
// of the webhook URL: sms-status, sms-mo or whatsapp (which carries both
// statuses and replies). An unknown path returns ErrUnknownWebhook.
//
// The SMS webhooks post one small object per status or reply, tens of
// thousands a second in a campaign's peak: a body that is valid JSON, one
// object (no list at its top level) naming its message (id or
// correlationId; id or source for a reply), is accepted without the full
// decode, which the applier does anyway (and notes there if a field turns
// out unreadable). Anything else goes through the wavy parsers, which say
// precisely what is wrong.
func Classify(path string, body []byte) (kind string, items int, err error) {
	switch path {
	case "sms-status":
		if singleObjectNaming(body, "id", "correlationId") {
			return KindSMSStatus, 1, nil
		}
		st, err := wavy.ParseSMSStatus(body)
		return KindSMSStatus, len(st), err
	case "sms-mo":
		if singleObjectNaming(body, "id", "source") {
			return KindSMSMO, 1, nil
		}
		mo, err := wavy.ParseSMSMO(body)
		return KindSMSMO, len(mo), err
	case "whatsapp":
		// Both parsers accept either body (each needs only an id), so the
		// content decides: replies have a sender or a message.
		mo, merr := wavy.ParseWhatsAppMO(body)
		if merr == nil && len(mo) > 0 && allReplies(mo) {
			return KindWhatsAppMO, len(mo), nil
		}
		if st, serr := wavy.ParseWhatsAppStatus(body); serr == nil {
			return KindWhatsAppStatus, len(st), nil
		} else if merr == nil {
			return KindWhatsAppMO, len(mo), nil
		} else {
			return KindWhatsAppStatus, 0, fmt.Errorf("neither a WhatsApp status (%v) nor a reply (%v)", serr, merr)
		}
	}
	return "", 0, fmt.Errorf("%w %q", ErrUnknownWebhook, path)
}

// allReplies reports whether every entry of a WhatsApp body is a reply
// (has a sender or content) rather than a status.
func allReplies(mos []wavy.WhatsAppMO) bool {
	for _, m := range mos {
		c := m.Message
		if m.Source == "" && c.Type == "" && c.MessageText == "" && c.MediaURL == "" && c.Payload == "" && c.Location == nil && len(c.Contacts) == 0 {
			return false
		}
	}
	return true
}

// singleObjectNaming reports whether body is valid JSON holding one object
// without arrays at its top level (so no list wrapper) in which one of
// the keys has a non-empty string or number value.
func singleObjectNaming(body []byte, keys ...string) bool {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' || !json.Valid(body) {
		return false
	}
	named := false
	i = skipSpace(body, i+1)
	for i < len(body) && body[i] == '"' {
		end := skipString(body, i)
		key := body[i+1 : end-1]
		i = skipSpace(body, end)
		i = skipSpace(body, i+1) // the colon
		if i >= len(body) {
			return false
		}
		start := i
		i = skipValue(body, i)
		val := body[start:i]
		switch val[0] {
		case '[':
			return false
		case '"':
			if len(val) > 2 && slices.Contains(keys, string(key)) {
				named = true
			}
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			if slices.Contains(keys, string(key)) {
				named = true
			}
		}
		i = skipSpace(body, i)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return named
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the (valid) JSON value at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	default:
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\t' && b[i] != '\r' {
			i++
		}
		return i
	}
}
