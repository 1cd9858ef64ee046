package wavy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults used by New for zero Config fields.
const (
	// DefaultAPIURL is the api-messaging base URL (SMS, carrier lookup, WhatsApp).
	DefaultAPIURL = "https://api-messaging.wavy.global"
	// DefaultAPIGWURL is the apigw base URL (Campaign API).
	DefaultAPIGWURL = "https://apigw.wavy.global"
	// DefaultRequestsPerSecond stays below the documented 700 requests/s per IP.
	DefaultRequestsPerSecond = 500
	// DefaultStatusQueriesPerSecond is the documented limit for status queries.
	DefaultStatusQueriesPerSecond = 1
	// DefaultMaxRetries is how often a safe request is retried.
	DefaultMaxRetries = 3
	// DefaultRetryBaseDelay is the first backoff delay.
	DefaultRetryBaseDelay = 250 * time.Millisecond
	// DefaultRetryMaxDelay caps the backoff delay.
	DefaultRetryMaxDelay = 10 * time.Second
	// DefaultTimeout is the HTTP client timeout used when Config.HTTPClient is nil.
	DefaultTimeout = 30 * time.Second
)

// maxRetryAfter is the longest Retry-After the client waits for itself; a
// longer one ends the retries and is left to the caller.
const maxRetryAfter = time.Minute

// maxBody bounds how much of a response body is read.
const maxBody = 16 << 20

// Config configures a Client. The zero value of every field selects its default.
type Config struct {
	// APIURL is the api-messaging base URL; default DefaultAPIURL.
	APIURL string
	// APIGWURL is the apigw base URL used by the Campaign API; default DefaultAPIGWURL.
	APIGWURL string
	// Username is sent as the UserName header (user name or e-mail).
	Username string
	// Token is sent as the AuthenticationToken header.
	Token string
	// HTTPClient performs the requests; default an http.Client with a
	// DefaultTimeout timeout. Per-call timeouts come from the context.
	HTTPClient *http.Client
	// RequestsPerSecond limits all requests; default 500 (the documented
	// ceiling is 700 per IP). Negative disables the limit.
	RequestsPerSecond float64
	// StatusQueriesPerSecond additionally limits status search and status
	// list; default 1, the documented limit. Negative disables the limit.
	StatusQueriesPerSecond float64
	// MaxRetries is how many times a safe request (reads, lookups, campaign
	// GETs) is retried on a TryLater or Unknown outcome; default 3. Negative
	// disables retries. Sends and campaign writes are never retried.
	MaxRetries int
	// RetryBaseDelay is the first backoff delay; default 250ms. Each retry
	// doubles it, with jitter, up to RetryMaxDelay.
	RetryBaseDelay time.Duration
	// RetryMaxDelay caps the backoff delay; default 10s.
	RetryMaxDelay time.Duration
	// Now is the clock used to validate schedules before sending; default time.Now.
	Now func() time.Time
}

// Client is a typed client for the Wavy / Sinch messaging HTTP APIs. It is
// safe for concurrent use.
type Client struct {
	apiURL        string
	apigwURL      string
	username      string
	token         string
	hc            *http.Client
	limiter       *rate.Limiter
	statusLimiter *rate.Limiter
	maxRetries    int
	retryBase     time.Duration
	retryMax      time.Duration
	now           func() time.Time

	// statusGate holds one token while a status query is in flight;
	// statusNext, guarded by it, is when the next one may leave.
	statusGate chan struct{}
	statusNext time.Time
}

// New returns a Client for cfg, filling in defaults.
func New(cfg Config) *Client {
	c := &Client{
		apiURL:     strings.TrimRight(orDefault(cfg.APIURL, DefaultAPIURL), "/"),
		apigwURL:   strings.TrimRight(orDefault(cfg.APIGWURL, DefaultAPIGWURL), "/"),
		username:   cfg.Username,
		token:      cfg.Token,
		hc:         cfg.HTTPClient,
		maxRetries: cfg.MaxRetries,
		retryBase:  cfg.RetryBaseDelay,
		retryMax:   cfg.RetryMaxDelay,
		now:        cfg.Now,
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: DefaultTimeout}
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.retryBase <= 0 {
		c.retryBase = DefaultRetryBaseDelay
	}
	if c.retryMax <= 0 {
		c.retryMax = DefaultRetryMaxDelay
	}
	if c.retryMax < c.retryBase {
		c.retryMax = c.retryBase
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.limiter = newLimiter(cfg.RequestsPerSecond, DefaultRequestsPerSecond, 10)
	c.statusLimiter = newLimiter(cfg.StatusQueriesPerSecond, DefaultStatusQueriesPerSecond, 0)
	c.statusGate = make(chan struct{}, 1)
	return c
}

// newLimiter builds a token bucket: rps 0 selects def, negative means no
// limit. The burst is a tenth of a second's worth when burstDiv > 0, else 1,
// so that no one-second window sees much more than the rate.
func newLimiter(rps, def float64, burstDiv int) *rate.Limiter {
	if rps == 0 {
		rps = def
	}
	if rps < 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	burst := 1
	if burstDiv > 0 {
		burst = max(1, int(rps)/burstDiv)
	}
	return rate.NewLimiter(rate.Limit(rps), burst)
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// host selects the base URL of a call.
type host int

const (
	hostAPI host = iota
	hostAPIGW
)

// call describes one API operation.
type call struct {
	op     string
	method string
	host   host
	path   string
	query  url.Values
	body   any
	// safe marks requests that may be repeated without side effects.
	safe bool
	// status marks status queries, which have their own rate limit.
	status bool
}

// result is a decoded successful answer.
type result struct {
	code   int
	header http.Header
	body   []byte
}

// decodeFunc turns a 2xx answer into the caller's value; an error it returns
// becomes ErrBadResponse (or is returned as is when it is already an *APIError).
type decodeFunc func(res result) error

// do runs a call with rate limiting and, for safe calls, retries. decode runs
// inside the retry loop so that a garbled answer to a safe read is retried.
func (c *Client) do(ctx context.Context, cl call, decode decodeFunc) error {
	if c.username == "" || c.token == "" {
		return fmt.Errorf("wavy: %s: missing username or token: %w: %w", cl.op, ErrUnauthorized, ErrRejected)
	}
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return fmt.Errorf("wavy: %s: encode request: %w: %w", cl.op, ErrInvalidRequest, err)
		}
		payload = b
	}
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, cl, payload, decode)
		if err == nil {
			return nil
		}
		if !cl.safe || attempt >= c.maxRetries || ctx.Err() != nil {
			return err
		}
		if o := Classify(err); o != TryLater && o != Unknown {
			return err
		}
		delay := c.backoff(attempt)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > maxRetryAfter {
				return err
			}
			delay = max(delay, apiErr.RetryAfter)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// backoff returns the delay before retry number attempt+1: exponential with
// "equal jitter" (between half and all of the exponential value).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retryBase
	for i := 0; i < attempt && d < c.retryMax; i++ {
		d *= 2
	}
	d = min(d, c.retryMax)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// once performs a single HTTP exchange.
func (c *Client) once(ctx context.Context, cl call, payload []byte, decode decodeFunc) error {
	if err := c.limiter.Wait(ctx); err != nil {
		return fmt.Errorf("wavy: %s: rate limit wait: %w: %w", cl.op, ErrTryLater, waitErr(ctx, err))
	}
	if cl.status {
		release, err := c.statusTurn(ctx)
		if err != nil {
			return fmt.Errorf("wavy: %s: status rate limit wait: %w: %w", cl.op, ErrTryLater, waitErr(ctx, err))
		}
		defer release() // after the answer has been read
	}

	base := c.apiURL
	if cl.host == hostAPIGW {
		base = c.apigwURL
	}
	u := base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), cl.method, u, body)
	if err != nil {
		return fmt.Errorf("wavy: %s: build request: %w: %w", cl.op, ErrRejected, err)
	}
	// Set with the documented spelling; header names are case-insensitive
	// on the wire but some gateways are not.
	req.Header["UserName"] = []string{c.username}
	req.Header["AuthenticationToken"] = []string{c.token}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "arauto-wavy/1")

	resp, err := c.hc.Do(req)
	if err != nil {
		if !wrote.Load() {
			return fmt.Errorf("wavy: %s: request not sent: %w: %w", cl.op, ErrTryLater, err)
		}
		return fmt.Errorf("wavy: %s: no answer: %w: %w", cl.op, ErrUnknownOutcome, err)
	}
	defer resp.Body.Close()
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newStatusError(cl.op, resp.StatusCode, resp.Header, data)
	}
	if readErr != nil {
		return fmt.Errorf("wavy: %s: reading response: %w: %w", cl.op, ErrUnknownOutcome, readErr)
	}
	if len(data) > maxBody {
		return newBadResponse(cl.op, resp.StatusCode, data[:maxErrorBody], "response body too large")
	}
	if decode == nil {
		return nil
	}
	if err := decode(result{code: resp.StatusCode, header: resp.Header, body: data}); err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			return err
		}
		return newBadResponse(cl.op, resp.StatusCode, data, describeBadBody(resp.Header, data, err))
	}
	return nil
}

// statusTurn waits until this client may send a status query and returns
// the function to call once its answer has been read.
//
// The documented limit is 1 status query per second per IP (seeds/001,
// "/v1/sms/status/search" with its 1 request/s limit), and the server counts
// it when queries arrive. The token bucket alone spaces the moments queries
// are cleared to go, not their arrivals: a query that leaves late followed by
// one that leaves on time reach the server less than a second apart and the
// second is answered 429 (internal/sandbox did so for about 4 queries in 10,
// each costing a 1 s Retry-After and a retry). So, while the status limit is
// on, status queries go one at a time and the next leaves only an interval
// after the previous answer arrived, hence more than an interval after the
// previous query reached the server.
func (c *Client) statusTurn(ctx context.Context) (release func(), err error) {
	lim := c.statusLimiter.Limit()
	if lim == rate.Inf || lim <= 0 {
		return func() {}, c.statusLimiter.Wait(ctx)
	}
	select {
	case c.statusGate <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	unlock := func() { <-c.statusGate }
	if wait := time.Until(c.statusNext); wait > 0 {
		if dl, ok := ctx.Deadline(); ok && dl.Before(c.statusNext) {
			unlock()
			return nil, fmt.Errorf("status query would exceed the context deadline")
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			unlock()
			return nil, ctx.Err()
		}
	}
	if err := c.statusLimiter.Wait(ctx); err != nil {
		unlock()
		return nil, err
	}
	interval := time.Duration(float64(time.Second) / float64(lim))
	return func() {
		c.statusNext = time.Now().Add(interval)
		unlock()
	}, nil
}

// waitErr prefers the context's own error (so errors.Is(err,
// context.DeadlineExceeded) holds) over the limiter's description.
func waitErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	if _, ok := ctx.Deadline(); ok {
		// The limiter refuses to wait past the deadline before it arrives.
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}

// describeBadBody explains why a 2xx body was refused.
func describeBadBody(h http.Header, data []byte, err error) string {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return "empty response body"
	case trimmed[0] == '<':
		ct := h.Get("Content-Type")
		if ct == "" {
			ct = "markup"
		}
		return "unexpected " + ct + " response"
	default:
		return "undecodable response: " + err.Error()
	}
}
