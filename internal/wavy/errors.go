package wavy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel kinds. Every error returned by a Client method matches exactly one
// of ErrRejected, ErrTryLater or ErrUnknownOutcome with errors.Is; the others
// refine them.
var (
	// ErrRejected means the request itself is wrong (HTTP 400, 401, 403, 404,
	// 405, 412 and other 4xx except 429, a failed client-side validation, or a
	// 2xx whose envelope reports an error). Nothing was accepted; repeating the
	// same request will fail the same way.
	ErrRejected = errors.New("wavy: request rejected")

	// ErrUnauthorized refines ErrRejected for HTTP 401 and 403 and for a
	// client configured without credentials.
	ErrUnauthorized = errors.New("wavy: unauthorized")

	// ErrTryLater means nothing was accepted and the same request may be sent
	// again later: HTTP 429 and 503, a connection that could not be opened, or
	// a local rate-limit wait that was cut short.
	ErrTryLater = errors.New("wavy: try later")

	// ErrUnknownOutcome means the request was sent but its fate is unknown: a
	// timeout or dropped connection after the request was written, a 5xx
	// other than 503, or a 2xx whose body cannot be understood. A send may or
	// may not have been accepted; reconcile through status queries or webhooks
	// before sending again.
	ErrUnknownOutcome = errors.New("wavy: unknown outcome")

	// ErrBadResponse refines ErrUnknownOutcome for a 2xx answer whose body is
	// empty, HTML, truncated or otherwise not the documented JSON.
	ErrBadResponse = errors.New("wavy: bad response")

	// ErrInvalidRequest refines ErrRejected for a request refused by Validate
	// before anything was sent. errors.Is(ErrInvalidRequest, ErrRejected) holds.
	ErrInvalidRequest = fmt.Errorf("%w: invalid request", ErrRejected)

	// ErrAccountLimit refines ErrTryLater: the account cannot send because
	// its credit or quota is exhausted — status NO_CREDIT (201: the limit set
	// by the company's administrator for the account or sub-account, or the
	// prepaid credit, ran out) or CUSTOMER_QUOTA_BLOCKED (215). Nothing is
	// wrong with the messages and nothing more will go until someone tops
	// the account up, so the caller must neither fail the messages nor keep
	// retrying: it pauses the campaign at once, says why (the account's
	// credit or quota, to be raised with the provider or the company's
	// administrator), keeps the unsent messages queued and sends them when
	// the user resumes. The seeds report both codes as sent statuses
	// (callbacks, status search), where StatusCode.AccountLimit marks them
	// and StatusCode.Err returns this error; an HTTP answer that names
	// either status is classified the same way. errors.Is(ErrAccountLimit,
	// ErrTryLater) holds, so a caller unaware of it requeues and backs off.
	ErrAccountLimit = fmt.Errorf("%w: account credit or quota exhausted", ErrTryLater)
)

// maxErrorBody is how much of a response body an APIError keeps.
const maxErrorBody = 1024

// APIError describes an answer from the provider that is not a success: a
// non-2xx HTTP status, a 2xx body that cannot be decoded, or a 2xx envelope
// with an error flag. Use errors.Is with the sentinel kinds to decide what to
// do; the fields are for logs and operators.
type APIError struct {
	// Op names the API operation, for example "send-sms".
	Op string
	// StatusCode is the HTTP status code received.
	StatusCode int
	// Message is the provider's error message when the body carried one, or a
	// short description of what was wrong with the body.
	Message string
	// Body is the start of the raw response body (at most 1 KiB).
	Body string
	// RetryAfter is the delay from a Retry-After header, zero when absent.
	RetryAfter time.Duration

	kinds []error
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("wavy: ")
	b.WriteString(e.Op)
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the sentinel kinds the error belongs to, so that errors.Is
// works with ErrRejected, ErrUnauthorized, ErrTryLater, ErrUnknownOutcome and
// ErrBadResponse.
func (e *APIError) Unwrap() []error { return e.kinds }

// FieldError is one problem found by a request's Validate method. It matches
// ErrInvalidRequest (and so ErrRejected) with errors.Is. Validate joins all
// problems with errors.Join.
type FieldError struct {
	// Field is the JSON path of the offending field, e.g. "messages[2].messageText".
	Field string
	// Problem says what is wrong with it.
	Problem string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// Unwrap returns ErrInvalidRequest.
func (e *FieldError) Unwrap() error { return ErrInvalidRequest }

// problems accumulates FieldErrors.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }

// Outcome is the coarse meaning of an error for a caller deciding whether to
// retry or reconcile.
type Outcome int

// The outcomes, from best to worst knowledge.
const (
	// OK means there was no error.
	OK Outcome = iota
	// Rejected means the request is wrong and nothing was accepted.
	Rejected
	// TryLater means nothing was accepted and the request may be repeated.
	TryLater
	// Unknown means the request may or may not have been accepted.
	Unknown
)

// String returns the outcome's name.
func (o Outcome) String() string {
	switch o {
	case OK:
		return "ok"
	case Rejected:
		return "rejected"
	case TryLater:
		return "try-later"
	default:
		return "unknown"
	}
}

// Classify maps an error returned by this package to an Outcome. Errors that
// do not come from this package classify as Unknown, the only safe guess.
func Classify(err error) Outcome {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, ErrRejected):
		return Rejected
	case errors.Is(err, ErrTryLater):
		return TryLater
	default:
		return Unknown
	}
}

// kindsForStatus returns the sentinel kinds for a non-2xx HTTP status.
func kindsForStatus(code int) []error {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return []error{ErrRejected, ErrUnauthorized}
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		return []error{ErrTryLater}
	case code == http.StatusRequestTimeout:
		// The server gave up reading the request: nothing was processed.
		return []error{ErrTryLater}
	case code >= 400 && code < 500:
		return []error{ErrRejected}
	default:
		// 5xx other than 503, and 1xx/3xx left over after redirects.
		return []error{ErrUnknownOutcome}
	}
}

// newStatusError builds the APIError for a non-2xx answer.
func newStatusError(op string, code int, header http.Header, body []byte) *APIError {
	msg := errorMessage(body)
	kinds := kindsForStatus(code)
	if code >= 400 && code < 500 && code != http.StatusUnauthorized && code != http.StatusForbidden && namesAccountLimit(body) {
		kinds = []error{ErrAccountLimit}
	}
	return &APIError{
		Op:         op,
		StatusCode: code,
		Message:    msg,
		Body:       truncate(body, maxErrorBody),
		RetryAfter: parseRetryAfter(header.Get("Retry-After"), time.Now()),
		kinds:      kinds,
	}
}

// namesAccountLimit reports whether an error body names one of the
// account-limit statuses (NO_CREDIT, CUSTOMER_QUOTA_BLOCKED). The seeds
// document them as sent statuses only; an answer refusing a request for
// them is not documented but would mean the same, so it is read the same.
func namesAccountLimit(body []byte) bool {
	for _, sc := range catalogue {
		if sc.AccountLimit && bytes.Contains(bytes.ToUpper(body), []byte(sc.Name)) {
			return true
		}
	}
	return false
}

// newBadResponse builds the APIError for a 2xx answer that cannot be used.
func newBadResponse(op string, code int, body []byte, why string) *APIError {
	return &APIError{
		Op:         op,
		StatusCode: code,
		Message:    why,
		Body:       truncate(body, maxErrorBody),
		kinds:      []error{ErrBadResponse, ErrUnknownOutcome},
	}
}

// truncate returns at most n bytes of b as a string, cut on a rune boundary.
func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…"
}

// errorMessage digs a human message out of an error body: a JSON object with
// one of the usual keys (also inside "status" or "error"), else the trimmed
// text when it is short and not HTML.
func errorMessage(body []byte) string {
	var obj map[string]any
	if err := decodeLenient(body, &obj); err == nil {
		if m := messageFrom(obj); m != "" {
			return m
		}
		return ""
	}
	text := strings.TrimSpace(string(body))
	if text == "" || strings.HasPrefix(text, "<") {
		return ""
	}
	return truncate([]byte(firstLine(text)), 200)
}

func messageFrom(obj map[string]any) string {
	for _, k := range []string{"message", "errorMessage", "error_message", "description", "detail", "errorDescription", "error"} {
		switch v := obj[k].(type) {
		case string:
			if strings.TrimSpace(v) != "" {
				return v
			}
		case map[string]any:
			if m := messageFrom(v); m != "" {
				return m
			}
		}
	}
	if st, ok := obj["status"].(map[string]any); ok {
		return messageFrom(st)
	}
	if errs, ok := obj["errors"].([]any); ok && len(errs) > 0 {
		switch v := errs[0].(type) {
		case string:
			return v
		case map[string]any:
			return messageFrom(v)
		}
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// envelopeError reports the Campaign API's {"status":{"error":true}} on a 2xx.
func envelopeError(op string, code int, body []byte, status *envelopeStatus) error {
	if status == nil || !bool(status.Error) {
		return nil
	}
	msg := ""
	if len(status.raw) > 0 {
		var obj map[string]any
		if json.Unmarshal(status.raw, &obj) == nil {
			msg = messageFrom(obj)
		}
	}
	if msg == "" {
		msg = "provider reported an error"
	}
	return &APIError{Op: op, StatusCode: code, Message: msg, Body: truncate(body, maxErrorBody), kinds: []error{ErrRejected}}
}
