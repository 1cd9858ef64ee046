package delivery

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrEmptyQuery is returned by SMSMOFromQuery for a query string that
// names neither a sender nor a text.
var ErrEmptyQuery = errors.New("delivery: the query string carries no reply")

// moQueryFields are the fields of an SMS reply (seed 001, "Exemplo JSON
// enviado para sua API"), which the GET form carries as query parameters
// of the same names. Numbers stay numbers.
var moQueryFields = []string{"id", "subAccount", "campaignAlias", "carrierId", "carrierName", "source", "shortCode",
	"messageText", "receivedAt", "receivedDate"}

// moQueryMT are the fields of the reply's "mt" (the message it answers),
// given as mt.id or mt[id] (or, for the correlationId, bare).
var moQueryMT = []string{"id", "correlationId", "username", "email"}

// SMSMOFromQuery turns an SMS reply delivered by GET with a query string
// (seed 001: Wavy can forward replies "via método GET (query string) como
// via método POST (JSON)") into the JSON body the POST form carries, so it
// is stored and applied as one. Unknown parameters are left out.
func SMSMOFromQuery(q url.Values) ([]byte, error) {
	obj := map[string]any{}
	for _, k := range moQueryFields {
		if v := strings.TrimSpace(q.Get(k)); v != "" || (k == "messageText" && q.Has(k)) {
			obj[k] = scalar(k, q.Get(k))
		}
	}
	mt := map[string]any{}
	for _, k := range moQueryMT {
		for _, name := range []string{"mt." + k, "mt[" + k + "]"} {
			if v := strings.TrimSpace(q.Get(name)); v != "" {
				mt[k] = v
			}
		}
	}
	if _, ok := mt["correlationId"]; !ok {
		if v := strings.TrimSpace(q.Get("correlationId")); v != "" {
			mt["correlationId"] = v
		}
	}
	if len(mt) > 0 {
		obj["mt"] = mt
	}
	if obj["source"] == nil && obj["messageText"] == nil {
		return nil, ErrEmptyQuery
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("delivery: reply from a query string: %w", err)
	}
	return b, nil
}

// scalar keeps the numeric fields numeric (receivedAt in milliseconds, the
// carrier's id) and everything else text, as the POST form has them.
func scalar(key, v string) any {
	if key == "carrierId" || key == "receivedAt" {
		if n := json.Number(strings.TrimSpace(v)); isDigits(string(n)) {
			return n
		}
	}
	return v
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
