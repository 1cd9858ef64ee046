package outhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event types.
const (
	MessageDelivered    = "message.delivered"
	MessageFailed       = "message.failed"
	MessageRead         = "message.read"
	ReplyReceived       = "reply.received"
	OptedOut            = "contact.opted_out"
	CampaignStateChange = "campaign.state_changed"
	ImportFinished      = "list.import_finished"
	// MessageClicked: a recipient clicked one of the message's tracked
	// links for the first time (link tracking; previews are not clicks).
	MessageClicked = "message.clicked"
)

// Types lists every event type, in the order the page offers them.
var Types = []string{MessageDelivered, MessageFailed, MessageRead, ReplyReceived, OptedOut, CampaignStateChange, ImportFinished, MessageClicked}

// Endpoint is a registered receiver.
type Endpoint struct {
	ID          int64
	URL         string
	Description string
	Events      []string
	Active      bool
	// Secret signs deliveries; loaded only for the worker.
	Secret    string
	CreatedAt time.Time
	// Pending and Failed count its deliveries waiting and given up (for
	// the page).
	Pending, Failed int
}

// Wants reports whether the endpoint subscribed to the event type.
func (e *Endpoint) Wants(typ string) bool { return slices.Contains(e.Events, typ) }

// MaxURLLen bounds a receiver's URL.
const MaxURLLen = 2048

// Problem is something wrong with one field, as a translation key.
type Problem struct{ Field, Key string }

// Check validates an endpoint as an admin filled it in.
func (e *Endpoint) Check() []Problem {
	var ps []Problem
	u, err := url.Parse(strings.TrimSpace(e.URL))
	switch {
	case strings.TrimSpace(e.URL) == "":
		ps = append(ps, Problem{"url", "webhooks.problem.url_required"})
	case len(e.URL) > MaxURLLen || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		ps = append(ps, Problem{"url", "webhooks.problem.url"})
	case u.User != nil:
		ps = append(ps, Problem{"url", "webhooks.problem.url_credentials"})
	}
	if len(e.Events) == 0 {
		ps = append(ps, Problem{"events", "webhooks.problem.events_required"})
	}
	for _, t := range e.Events {
		if !slices.Contains(Types, t) {
			ps = append(ps, Problem{"events", "webhooks.problem.events"})
			break
		}
	}
	if utf8.RuneCountInString(e.Description) > 200 {
		ps = append(ps, Problem{"description", "webhooks.problem.description_long"})
	}
	return ps
}

// NewSecret returns a fresh signing secret.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("outhook: crypto/rand failed: %v", err))
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// SignatureHeader is the header carrying the signature.
const SignatureHeader = "X-Arauto-Signature"

// Sign returns the signature header's value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrBadSignature = errors.New("outhook: signature does not match")
	ErrStale        = errors.New("outhook: signature too old")
)

// Verify checks a signature header as a receiver should: the HMAC over
// the timestamp and the body, and the timestamp within tolerance of now
// (so a captured delivery cannot be replayed later).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return ErrBadSignature
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	return nil
}

// GiveUpAfter is how long an event is retried.
const GiveUpAfter = 24 * time.Hour

// backoff are the waits after each failed attempt; the last repeats.
var backoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour}

// Backoff is the wait after the given number of failed attempts (1 for
// the first failure).
func Backoff(attempts int) time.Duration {
	return backoff[min(max(attempts, 1), len(backoff))-1]
}
