package sandbox

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// maxBodyBytes bounds request bodies: 1000 messages of 1280 four-byte
// characters plus their fields fit comfortably.
const maxBodyBytes = 16 << 20

// Sandbox is an http.Handler that behaves like the Wavy / Sinch messaging
// API and its Campaign API. Create it with New and release it with Close.
type Sandbox struct {
	opts       Options
	log        *slog.Logger
	now        func() time.Time
	scale      float64
	replyRate  float64
	readRate   float64
	cum        [numFates]float64
	seedHash   uint64
	idKey      uint64
	batchSeq   atomic.Uint32
	lookupSeq  atomic.Uint32
	maxAttempt int
	email      string

	mu       sync.Mutex
	recs     recStore
	strs     arena
	shared   arena // interned texts (prune.go)
	batches  []batchRec
	corr     map[uint64]uint32 // correlationId hash -> 1 + index of the latest message
	texts    map[string]sref   // shared message texts
	names    map[string]string // interned aliases and sub-accounts
	optOut   map[string]int64
	sessions map[string]int64
	credit   creditState
	pending  moHeap
	mos      []moRec
	moCursor int
	stCursor int
	camps    campaignStore
	queue    evQueue
	stats    counters
	tzCache  sync.Map // time zone name -> *time.Location
	smpp     smppHub  // the SMPP server's sessions and deliveries (smpp.go)

	faultMu  sync.Mutex
	faults   Faults
	faultRng *rand.Rand
	clicker  *clicker

	limMu    sync.Mutex
	limiters map[string]*ipLimiters

	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup
	wake       chan struct{}
	deliveries chan delivery
	client     *http.Client
	ownClient  bool
	closeOnce  sync.Once
}

// ipLimiters are the two documented per-IP limits.
type ipLimiters struct {
	api, status *rate.Limiter
}

// New returns a Sandbox configured by opts. It starts the webhook scheduler
// only when a webhook URL is configured.
func New(opts Options) *Sandbox {
	if opts.Username == "" {
		opts.Username = DefaultUsername
	}
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = DefaultRateLimit
	}
	if opts.StatusQueryRate == 0 {
		opts.StatusQueryRate = DefaultStatusQueryRate
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = DefaultWebhookAttempts
	}
	if opts.WebhookWorkers <= 0 {
		opts.WebhookWorkers = DefaultWebhookWorkers
	}
	mem := newChunkMemory(opts.OffHeapLedger)
	s := &Sandbox{
		opts:       opts,
		log:        opts.Logger,
		now:        opts.Now,
		scale:      max(opts.DelayScale, 0),
		replyRate:  rateOrDefault(opts.ReplyRate, DefaultReplyRate),
		readRate:   rateOrDefault(opts.ReadRate, DefaultReadRate),
		cum:        opts.Outcomes.cumulative(),
		seedHash:   mix64(uint64(opts.Seed) ^ 0x6a09e667f3bcc908),
		maxAttempt: opts.WebhookAttempts,
		recs:       recStore{mem: mem},
		strs:       newArena(mem),
		shared:     newArena(mem),
		corr:       make(map[uint64]uint32),
		texts:      make(map[string]sref),
		names:      make(map[string]string),
		optOut:     make(map[string]int64),
		sessions:   make(map[string]int64),
		camps:      newCampaignStore(),
		queue:      newEvQueue(),
		faults:     opts.Faults,
		credit:     creditState{limit: max(opts.NoCreditAfter, 0)},
		faultRng:   rand.New(rand.NewPCG(uint64(opts.Seed), 0xda3e39cb94b95bdb)),
		limiters:   make(map[string]*ipLimiters),
		wake:       make(chan struct{}, 1),
	}
	// The ID key mixes the seed with the clock at construction so provider
	// IDs stay unique across restarts; outcomes depend on the seed only.
	s.idKey = mix64(s.seedHash ^ uint64(opts.Now().UnixNano()))
	s.clicker = newClicker(opts, s.scale)
	s.email = opts.Username
	if !strings.Contains(s.email, "@") {
		s.email = opts.Username + "@sandbox.local"
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if opts.StatusURL != "" || opts.MOURL != "" || opts.WhatsAppURL != "" {
		s.client = opts.HTTPClient
		if s.client == nil {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = opts.WebhookWorkers
			s.client = &http.Client{Timeout: 10 * time.Second, Transport: tr}
			s.ownClient = true
		}
		s.deliveries = make(chan delivery, opts.WebhookWorkers*4)
		s.wg.Add(1 + opts.WebhookWorkers)
		go s.schedulerLoop()
		for range opts.WebhookWorkers {
			go s.worker()
		}
	}
	return s
}

func rateOrDefault(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	case v > 1:
		return 1
	}
	return v
}

// Close stops webhook delivery and waits for the background goroutines to
// exit. Pending webhooks are dropped. Close is idempotent; the handler keeps
// answering API requests afterwards, but posts no more webhooks.
func (s *Sandbox) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
		if s.ownClient {
			s.client.CloseIdleConnections()
		}
	})
}

// SetFaults replaces the injected faults at run time.
func (s *Sandbox) SetFaults(f Faults) {
	s.faultMu.Lock()
	s.faults = f
	s.faultMu.Unlock()
}

func (s *Sandbox) nowMs() int64 { return s.now().UnixMilli() }

// reqCtx carries per-request decisions to handlers.
type reqCtx struct {
	then500 bool
}

type handlerFunc func(s *Sandbox, w http.ResponseWriter, r *http.Request, rc *reqCtx)

// route is one served path.
type route struct {
	methods     map[string]handlerFunc
	allow       string
	noAuth      bool
	statusQuery bool
	send        bool
}

func newRoute(m map[string]handlerFunc) *route {
	rt := &route{methods: m}
	var names []string
	for _, name := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if _, ok := m[name]; ok {
			names = append(names, name)
		}
	}
	rt.allow = strings.Join(names, ", ")
	return rt
}

var (
	routeSendSMS = func() *route {
		rt := newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleSendSMS, http.MethodPost: (*Sandbox).handleSendSMS})
		rt.send = true
		return rt
	}()
	routeSendBulk = func() *route {
		rt := newRoute(map[string]handlerFunc{http.MethodPost: (*Sandbox).handleSendBulk})
		rt.send = true
		return rt
	}()
	routeStatusSearch = func() *route {
		rt := newRoute(map[string]handlerFunc{http.MethodPost: (*Sandbox).handleStatusSearch})
		rt.statusQuery = true
		return rt
	}()
	routeStatusList = func() *route {
		rt := newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleStatusList})
		rt.statusQuery = true
		return rt
	}()
	routeMOList   = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleMOList})
	routeMOSearch = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleMOSearch})
	routeLookup   = newRoute(map[string]handlerFunc{http.MethodPost: (*Sandbox).handleCarrierLookup})
	routeWhatsApp = func() *route {
		rt := newRoute(map[string]handlerFunc{http.MethodPost: (*Sandbox).handleWhatsAppSend})
		rt.send = true
		return rt
	}()
	routeSession     = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleSession})
	routeSessionFile = func() *route {
		rt := newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleSessionFile})
		rt.noAuth = true
		return rt
	}()
	routeCampaigns = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleCampaignList, http.MethodPost: (*Sandbox).handleCampaignCreate})
	routeCampaign  = newRoute(map[string]handlerFunc{
		http.MethodGet: (*Sandbox).handleCampaignGet, http.MethodPut: (*Sandbox).handleCampaignUpdate,
		http.MethodDelete: (*Sandbox).handleCampaignDelete,
	})
	routeCampaignSingular = newRoute(map[string]handlerFunc{http.MethodGet: (*Sandbox).handleCampaignGet})

	exactRoutes = map[string]*route{
		"/v1/send-sms":           routeSendSMS,
		"/v1/send-bulk-sms":      routeSendBulk,
		"/v1/sms/status/search":  routeStatusSearch,
		"/v1/sms/status/list":    routeStatusList,
		"/v1/sms/receive/list":   routeMOList,
		"/v1/sms/receive/search": routeMOSearch,
		"/v1/carrier/lookup":     routeLookup,
		"/v1/whatsapp/send":      routeWhatsApp,
		"/v1/session":            routeSession,
		"/api/v1/campaigns":      routeCampaigns,
		LedgerPath:               routeLedger,
		CreditPath:               routeCredit,
		SMPPPath:                 routeSMPP,
	}
)

// sessionFilePrefix is where the CSV behind /v1/session's file_url is served.
const sessionFilePrefix = "/v1/session/files/"

func findRoute(path string) *route {
	if rt, ok := exactRoutes[path]; ok {
		return rt
	}
	switch {
	case strings.HasPrefix(path, "/api/v1/campaigns/") && !strings.Contains(path[len("/api/v1/campaigns/"):], "/"):
		return routeCampaign
	case strings.HasPrefix(path, "/api/v1/campaign/") && !strings.Contains(path[len("/api/v1/campaign/"):], "/"):
		return routeCampaignSingular
	case strings.HasPrefix(path, sessionFilePrefix) && !strings.Contains(path[len(sessionFilePrefix):], "/"):
		return routeSessionFile
	}
	return nil
}

// ServeHTTP serves the api-messaging paths (/v1/...) and the apigw Campaign
// API paths (/api/v1/...).
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		w = sw
		defer func() {
			s.log.Debug("sandbox: request", "method", r.Method, "path", r.URL.Path, "status", sw.code, "duration", time.Since(start))
		}()
	}
	path := r.URL.Path
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		path = strings.TrimRight(path, "/")
	}
	rt := findRoute(path)
	if rt == nil {
		s.writeError(w, r, http.StatusNotFound, "no such resource: "+r.URL.Path)
		return
	}
	h, ok := rt.methods[r.Method]
	if !ok {
		w.Header().Set("Allow", rt.allow)
		s.writeError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use "+rt.allow)
		return
	}
	s.faultMu.Lock()
	latency := s.faults.Latency
	s.faultMu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if rt.noAuth {
		h(s, w, r, &reqCtx{})
		return
	}
	ip := clientIP(r)
	if !s.allow(ip, false) {
		s.stats.rateLimited.Add(1)
		w.Header().Set("Retry-After", "1")
		s.writeError(w, r, http.StatusTooManyRequests, "rate limit exceeded")
		return
	}
	if !s.authorized(r) {
		s.stats.unauthorized.Add(1)
		s.writeError(w, r, http.StatusUnauthorized, "invalid UserName or AuthenticationToken")
		return
	}
	if rt.statusQuery && !s.allow(ip, true) {
		s.stats.rateLimited.Add(1)
		w.Header().Set("Retry-After", "1")
		s.writeError(w, r, http.StatusTooManyRequests, "status queries are limited to 1 request per second")
		return
	}
	rc := &reqCtx{}
	if code := s.drawFault(rt.send, rc); code != 0 {
		s.stats.faults.Add(1)
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		s.writeError(w, r, code, "injected fault")
		return
	}
	h(s, w, r, rc)
}

// statusWriter remembers the status code for the debug log.
type statusWriter struct {
	http.ResponseWriter
	code int
}

// WriteHeader records the code and passes it on.
func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// drawFault decides the injected fault of one request: an HTTP status to
// answer right away, or 0 (possibly with rc.then500 set for sends).
func (s *Sandbox) drawFault(send bool, rc *reqCtx) int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults
	if f.ErrorRate <= 0 && f.Status503Rate <= 0 && f.Status429Rate <= 0 && f.AcceptThen500Rate <= 0 {
		return 0
	}
	u := s.faultRng.Float64()
	switch {
	case u < f.Status429Rate:
		return http.StatusTooManyRequests
	case u < f.Status429Rate+f.Status503Rate:
		return http.StatusServiceUnavailable
	case u < f.Status429Rate+f.Status503Rate+f.ErrorRate:
		return http.StatusInternalServerError
	}
	if send && f.AcceptThen500Rate > 0 && s.faultRng.Float64() < f.AcceptThen500Rate {
		rc.then500 = true
	}
	return 0
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow applies the per-IP API limit, or the status query limit.
func (s *Sandbox) allow(ip string, status bool) bool {
	limit := s.opts.RateLimit
	if status {
		limit = s.opts.StatusQueryRate
	}
	if limit < 0 {
		return true
	}
	s.limMu.Lock()
	l, ok := s.limiters[ip]
	if !ok {
		l = &ipLimiters{
			api:    rate.NewLimiter(rate.Limit(max(s.opts.RateLimit, 0)), max(int(s.opts.RateLimit), 1)),
			status: rate.NewLimiter(rate.Limit(max(s.opts.StatusQueryRate, 0)), max(int(s.opts.StatusQueryRate), 1)),
		}
		s.limiters[ip] = l
	}
	s.limMu.Unlock()
	if status {
		return l.status.AllowN(s.now(), 1)
	}
	return l.api.AllowN(s.now(), 1)
}

// authorized checks the UserName and AuthenticationToken headers (any
// case). GET send-sms may also carry them in the query string.
func (s *Sandbox) authorized(r *http.Request) bool {
	user, token := r.Header.Get("UserName"), r.Header.Get("AuthenticationToken")
	if user == "" && token == "" && r.Method == http.MethodGet {
		q := r.URL.Query()
		user, token = queryFold(q, "username"), queryFold(q, "authenticationtoken")
	}
	okUser := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.Username)) == 1
	okToken := subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.Token)) == 1
	return okUser && okToken
}

func queryFold(q map[string][]string, name string) string {
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// writeJSON answers with v encoded as JSON.
func (s *Sandbox) writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("sandbox: encode response", "err", err)
		http.Error(w, `{"errorCode":500,"errorMessage":"encoding failed"}`, http.StatusInternalServerError)
		return
	}
	s.writeRaw(w, code, b)
}

func (s *Sandbox) writeRaw(w http.ResponseWriter, code int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// writeError answers an error in the shape of the API the path belongs to.
func (s *Sandbox) writeError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if code >= 400 && code < 500 {
		s.stats.clientErrors.Add(1)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeJSON(w, code, campaignResponse{Status: apigwStatus{Error: true, Message: msg}})
		return
	}
	s.writeJSON(w, code, apiError{ErrorCode: code, ErrorMessage: msg})
}

func (s *Sandbox) badRequest(w http.ResponseWriter, msg string) {
	s.stats.clientErrors.Add(1)
	s.writeJSON(w, http.StatusBadRequest, apiError{ErrorCode: http.StatusBadRequest, ErrorMessage: msg})
}

// errEmptyBody is returned by decodeJSON for a request without a body.
var errEmptyBody = errors.New("request body is empty")

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decodeJSON reads the whole request body (at most 16 MiB) and decodes it
// into v, refusing trailing garbage.
func decodeJSON(r *http.Request, v any) error {
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 4<<20 {
			bodyPool.Put(buf)
		}
	}()
	if r.ContentLength > 0 && r.ContentLength <= maxBodyBytes {
		buf.Grow(int(r.ContentLength) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return fmt.Errorf("read request body: %w", err)
	}
	if n > maxBodyBytes {
		return fmt.Errorf("request body exceeds %d bytes", maxBodyBytes)
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return errEmptyBody
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}
