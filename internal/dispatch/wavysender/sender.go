package wavysender

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"arauto/internal/dispatch"
	"arauto/internal/message"
	"arauto/internal/schedule"
	"arauto/internal/wavy"
)

// Defaults of Config.
const (
	// DefaultRequestsPerSecond is the WhatsApp request rate when none is
	// configured; it matches the dispatcher's default.
	DefaultRequestsPerSecond = 100
	// DefaultAttempts is how often one WhatsApp request is tried under
	// 429/503 before its recipients go back to the queue.
	DefaultAttempts = 6
	// DefaultRetryBase is the first wait before a WhatsApp request is
	// tried again; each retry doubles it, with jitter, up to RetryMax.
	DefaultRetryBase = 250 * time.Millisecond
	// DefaultRetryMax caps the wait between two tries of one request.
	DefaultRetryMax = 4 * time.Second
	// maxInFlight bounds the WhatsApp requests of one batch in flight.
	maxInFlight = 32
	// launchMargin is kept free before a batch's deadline: no request
	// starts later, so none is cut off mid-way (which would leave its
	// recipients unknown); their recipients go back to the queue.
	launchMargin = 5 * time.Second
)

// Config tunes a Sender. Zero fields take the defaults.
type Config struct {
	// RequestsPerSecond limits the WhatsApp send requests of every batch
	// together (ARAUTO_SEND_REQUESTS_PER_SECOND). A personalised WhatsApp
	// message costs one request per recipient, so a batch of 1000 makes up
	// to 1000 requests, which the dispatcher's own limit (one token per
	// batch) does not see. Negative disables the limit (tests).
	RequestsPerSecond float64
	// Attempts is how often one WhatsApp request is tried under 429/503
	// (default DefaultAttempts; 1 means no retry).
	Attempts int
	// RetryBase and RetryMax shape the wait between tries (defaults
	// DefaultRetryBase, DefaultRetryMax). A Retry-After header, up to a
	// minute, is honoured.
	RetryBase, RetryMax time.Duration
}

// Sender sends dispatch batches through the Wavy API. Create it with New;
// it is safe for concurrent use, and its WhatsApp rate limit holds across
// the batches the dispatcher sends at once.
type Sender struct {
	// client returns the client for the provider settings in force.
	client   func(ctx context.Context) (*wavy.Client, error)
	cfg      Config
	requests *rate.Limiter
	inFlight int
}

// New returns a Sender that asks client for the Wavy client of each batch
// (so a change of provider settings applies to the next batch).
func New(client func(ctx context.Context) (*wavy.Client, error), cfg Config) *Sender {
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = DefaultRequestsPerSecond
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = DefaultRetryBase
	}
	if cfg.RetryMax < cfg.RetryBase {
		cfg.RetryMax = max(DefaultRetryMax, cfg.RetryBase)
	}
	s := &Sender{client: client, cfg: cfg, requests: rate.NewLimiter(rate.Inf, 0), inFlight: maxInFlight}
	if cfg.RequestsPerSecond > 0 {
		// Burst of a tenth of a second, as the dispatcher's limiter; enough
		// requests in flight to keep the rate with answers of 250 ms.
		s.requests = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), max(1, int(cfg.RequestsPerSecond/10)))
		s.inFlight = min(maxInFlight, max(1, int(cfg.RequestsPerSecond/4)))
	}
	return s
}

// Send submits the batch with send-bulk-sms; every message carries its
// correlationId and the campaign's alias and expiry. A WhatsApp batch goes
// through sendWhatsApp.
func (s *Sender) Send(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	if b.Campaign.Channel == message.ChannelWhatsApp {
		return s.sendWhatsApp(ctx, b)
	}
	c, err := s.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrTryLater, err)
	}
	expiresDate, timeZone := expiryDate(b.Campaign)
	req := wavy.BulkSMS{
		Messages:         make([]wavy.BulkMessage, len(b.Messages)),
		CampaignAlias:    b.Campaign.Alias,
		DefaultValues:    wavy.BulkMessage{FlashSMS: b.Campaign.Flash, ExtraInfo: b.Campaign.ExtraInfo},
		ExpiresAt:        b.Campaign.Schedule.Expiry.At,
		ExpiresInMinutes: b.Campaign.Schedule.Expiry.InMinutes,
		ExpiresDate:      expiresDate,
		TimeZone:         timeZone,
		SubAccount:       b.Campaign.SubAccount,
		FlowID:           b.Campaign.FlowID,
		TemplateID:       b.Campaign.TemplateID,
		TemplateName:     b.Campaign.TemplateName,
	}
	// A template or flow kept at the provider supplies the text: the
	// composer's text only stood for it in the preview and the cost.
	providerText := b.Campaign.FlowID != "" || b.Campaign.TemplateID != 0 || b.Campaign.TemplateName != ""
	byCorr := make(map[string]int64, len(b.Messages))
	for i, m := range b.Messages {
		corr := dispatch.CorrelationID(m.CampaignID, m.ID)
		byCorr[corr] = m.ID
		req.Messages[i] = wavy.BulkMessage{Destination: m.Phone, MessageText: m.Text, CorrelationID: corr}
		if providerText {
			req.Messages[i].MessageText = ""
		}
	}
	// The client matches an answer without correlationIds by position.
	resp, err := c.SendBulkSMS(ctx, req)
	if err != nil {
		return nil, classify(err)
	}
	acc := make([]dispatch.Accepted, 0, len(resp.Messages))
	for _, r := range resp.Messages {
		if id, ok := byCorr[r.CorrelationID]; ok && r.ID != "" {
			acc = append(acc, dispatch.Accepted{MessageID: id, ProviderID: r.ID})
		}
	}
	return acc, nil
}

// expiryDate gives the expiresDate and timeZone of a campaign that expires
// at the end of a day: that day's last second as a wall time in the
// campaign's zone (schedule.Expiry.DateEnd), sent with the zone's name so
// the provider reads the same instant. A zone the provider could not read
// is replaced by UTC, which keeps the instant.
func expiryDate(c dispatch.Campaign) (time.Time, string) {
	e := c.Schedule.Expiry
	if e.Date.IsZero() {
		return time.Time{}, ""
	}
	name := c.Schedule.Zone
	if name == "" {
		name = schedule.DefaultZone
	}
	loc, err := schedule.LoadZone(name)
	if err != nil {
		loc, name = time.UTC, "UTC"
	}
	return e.DateEnd(loc), name
}

// CanReconcile reports whether Find can verify messages of the channel:
// the seeds document a status search for SMS only, so WhatsApp messages
// with an unknown outcome are never looked up (nor resent).
func (s *Sender) CanReconcile(channel string) bool { return channel != message.ChannelWhatsApp }

// waGroup is the recipients of one WhatsApp request: those with the same
// rendering of the message, at most 1000.
type waGroup struct {
	r    message.WhatsAppRendered
	msgs []dispatch.Message
}

// waOutcome is what became of one WhatsApp request.
type waOutcome struct {
	started bool
	acc     []dispatch.Accepted
	err     error // nil when accepted
}

// sendWhatsApp sends a WhatsApp batch: one request per distinct rendering
// of the message (at most 1000 destinations each), each destination with
// its correlationId. Requests run a few at a time under the Sender's rate
// limit; one answered 429 or 503 is tried again after a backoff, for its
// own recipients only, up to Config.Attempts times. Refused credentials or
// an exhausted account stop new requests from starting; any other failure
// is the request's own and the others go on. The error, if any, is
// classified as usual and applies to the recipients of the failed
// requests of its class (see whatsAppResult); the recipients of requests
// never made, or certainly refused for a lesser reason, come back in a
// *dispatch.StoppedError's Unsent, to be queued again.
func (s *Sender) sendWhatsApp(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	w, err := message.ParseWhatsApp(b.Campaign.WhatsApp)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrRejected, err)
	}
	render, err := message.CompileWhatsApp(w, b.Campaign.Columns)
	if err != nil {
		return nil, fmt.Errorf("wavysender: whatsapp message: %w: %w", dispatch.ErrRejected, err)
	}
	c, err := s.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("wavysender: %w: %w", dispatch.ErrTryLater, err)
	}
	var groups []*waGroup
	byKey := map[string]*waGroup{}
	for _, m := range b.Messages {
		r := render(m.Fields)
		k := r.Key()
		g := byKey[k]
		if g == nil || len(g.msgs) == wavy.MaxBulkMessages {
			g = &waGroup{r: r}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.msgs = append(g.msgs, m)
	}

	// launch bounds when a request may still start (or be retried).
	launch := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		launch, cancel = context.WithDeadline(ctx, dl.Add(-min(launchMargin, time.Until(dl)/4)))
		defer cancel()
	}
	outcomes := make([]waOutcome, len(groups))
	var (
		next    atomic.Int64
		stopped atomic.Bool
		wg      sync.WaitGroup
	)
	for range min(s.inFlight, len(groups)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				gi := int(next.Add(1) - 1)
				if gi >= len(groups) || stopped.Load() {
					return
				}
				o := s.sendGroup(ctx, launch, c, b.Campaign, w, groups[gi])
				outcomes[gi] = o
				if o.started && o.err != nil && accountWide(o.err) {
					stopped.Store(true)
				}
				if !o.started {
					return // the launch window is over
				}
			}
		}()
	}
	wg.Wait()
	return whatsAppResult(groups, outcomes)
}

// sendGroup makes one WhatsApp request, tried again after a backoff while
// the answer is 429 or 503. started is false when the request never left
// (the launch window closed first).
func (s *Sender) sendGroup(ctx, launch context.Context, c *wavy.Client, camp dispatch.Campaign, w message.WhatsApp, g *waGroup) waOutcome {
	req := wavy.WhatsAppRequest{Message: WhatsAppMessage(w, g.r), CampaignAlias: camp.Alias, DefaultExtraInfo: camp.ExtraInfo,
		FlowID: camp.FlowID, Destinations: make([]wavy.WhatsAppDestination, len(g.msgs))}
	byCorr := make(map[string]int64, len(g.msgs))
	for i, m := range g.msgs {
		corr := dispatch.CorrelationID(m.CampaignID, m.ID)
		byCorr[corr] = m.ID
		req.Destinations[i] = wavy.WhatsAppDestination{CorrelationID: corr, Destination: m.Phone}
	}
	var o waOutcome
	for attempt := 0; ; attempt++ {
		if err := s.requests.Wait(launch); err != nil {
			// The launch window closed: before the first try the request
			// never started; after a 429/503, o.err still says so.
			return o
		}
		o.started = true
		resp, err := c.SendWhatsApp(ctx, req)
		if err == nil {
			o.err = nil
			for _, d := range resp.Destinations {
				if id, ok := byCorr[d.CorrelationID]; ok && d.ID != "" {
					o.acc = append(o.acc, dispatch.Accepted{MessageID: id, ProviderID: d.ID})
				}
			}
			return o
		}
		o.err = err
		if wavy.Classify(err) != wavy.TryLater || errors.Is(err, wavy.ErrAccountLimit) || attempt+1 >= s.cfg.Attempts {
			return o
		}
		t := time.NewTimer(s.backoff(attempt, err))
		select {
		case <-launch.Done():
			t.Stop()
			return o
		case <-t.C:
		}
	}
}

// backoff is the wait before try attempt+2 of a request: exponential with
// jitter (between half and all of it), at least the answer's Retry-After.
func (s *Sender) backoff(attempt int, err error) time.Duration {
	d := s.cfg.RetryBase
	for i := 0; i < attempt && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.RetryMax)
	d = d/2 + rand.N(d/2+1)
	var apiErr *wavy.APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		d = max(d, min(apiErr.RetryAfter, time.Minute))
	}
	return d
}

// whatsAppResult turns the outcomes of a batch's requests into the
// dispatcher's answer. With one request its error is returned as is. With
// several, the accepted recipients are returned and, when a request
// failed, a *dispatch.StoppedError whose Err is the gravest failure —
// unknown outcome, then refused credentials, an exhausted account, a
// refusal, and last 429/503 after every retry — applying to the
// recipients of the requests that failed that way. The recipients of
// requests that never started or failed for a lesser reason are Unsent:
// none of them was accepted, so they go back to the queue (an unknown
// outcome is never put there, being always the gravest).
func whatsAppResult(groups []*waGroup, outcomes []waOutcome) ([]dispatch.Accepted, error) {
	var acc []dispatch.Accepted
	worst, worstRank := error(nil), -1
	for _, o := range outcomes {
		acc = append(acc, o.acc...)
		if o.started && o.err != nil {
			if r := gravity(o.err); r > worstRank {
				worst, worstRank = o.err, r
			}
		}
	}
	if len(groups) == 1 {
		if worst != nil {
			return nil, classify(worst)
		}
		if !outcomes[0].started {
			return nil, fmt.Errorf("wavysender: %w: no time left in the batch to send it", dispatch.ErrTryLater)
		}
		return acc, nil
	}
	var unsent []int64
	for gi, o := range outcomes {
		if o.started && (o.err == nil || gravity(o.err) == worstRank) {
			continue
		}
		for _, m := range groups[gi].msgs {
			unsent = append(unsent, m.ID)
		}
	}
	switch {
	case worst != nil:
		return acc, &dispatch.StoppedError{Unsent: unsent, Err: classify(worst)}
	case len(unsent) > 0:
		return acc, &dispatch.StoppedError{Unsent: unsent,
			Err: fmt.Errorf("wavysender: %w: no time left in the batch for %d recipients", dispatch.ErrTryLater, len(unsent))}
	}
	return acc, nil
}

// accountWide reports whether a request's failure concerns every request
// of the account (refused credentials, no credit or quota left), so that
// making the others would be pointless. Any other failure is the
// request's own: a refusal may be about one recipient's parameters, and
// an unknown outcome (a 500) about one request.
func accountWide(err error) bool {
	return errors.Is(err, wavy.ErrUnauthorized) || errors.Is(err, wavy.ErrAccountLimit)
}

// gravity ranks a failed request's error: the higher, the more it must be
// the one the dispatcher hears about.
func gravity(err error) int {
	switch {
	case wavy.Classify(err) == wavy.Unknown:
		return 4
	case errors.Is(err, wavy.ErrUnauthorized):
		return 3
	case errors.Is(err, wavy.ErrAccountLimit):
		return 2
	case errors.Is(err, wavy.ErrRejected):
		return 1
	}
	return 0 // 429/503 after every retry
}

// WhatsAppMessage builds the API message from the campaign's message and
// one rendering of its parameters: template (header parameters, title and
// media), free-form text (with previewFirstUrl), media by URL or uploaded
// as base64, location with name and address, and every contact card with
// the seeds' vCard fields.
func WhatsAppMessage(w message.WhatsApp, r message.WhatsAppRendered) wavy.WhatsAppMessage {
	var m wavy.WhatsAppMessage
	switch w.Kind {
	case message.WhatsAppTemplate:
		t := w.Template
		wt := &wavy.Template{Namespace: t.Namespace, ElementName: t.ElementName, LanguageCode: t.LanguageCode,
			LanguagePolicy: t.LanguagePolicy, BodyParameters: r.BodyParameters}
		if wt.LanguagePolicy == "" {
			wt.LanguagePolicy = message.WhatsAppPolicies[0]
		}
		h := &wavy.TemplateHeader{Title: t.HeaderTitle}
		switch t.HeaderKind {
		case "text":
			h.Parameters = r.HeaderParameters
		case "image", "document", "video", "audio":
			if hm := t.HeaderMedia; hm != nil {
				tm := &wavy.TemplateMedia{URL: hm.URL, Type: hm.Type}
				switch t.HeaderKind {
				case "image":
					h.Image = tm
				case "document":
					h.Document = tm
				case "video":
					h.Video = tm
				case "audio":
					h.Audio = tm
				}
			}
		}
		if len(h.Parameters) > 0 || h.Title != "" || h.Image != nil || h.Document != nil || h.Video != nil || h.Audio != nil {
			wt.Header = h
		}
		m.Template = wt
	case message.WhatsAppText:
		m.MessageText = r.Text
		m.PreviewFirstURL = w.PreviewFirstURL
	case message.WhatsAppImage, message.WhatsAppAudio, message.WhatsAppDocument:
		if w.Media != nil {
			md := &wavy.Media{URL: w.Media.URL, Data: w.Media.Data, Type: w.Media.Type, Caption: r.Caption}
			switch w.Kind {
			case message.WhatsAppImage:
				m.Image = md
			case message.WhatsAppAudio:
				m.Audio = md
			default:
				m.Document = md
			}
		}
	case message.WhatsAppLocation:
		if w.Location != nil {
			m.Location = &wavy.Location{GeoPoint: w.Location.GeoPoint, Name: w.Location.Name, Address: w.Location.Address}
		}
	case message.WhatsAppContacts:
		for _, c := range w.AllContacts() {
			m.Contacts = append(m.Contacts, wavyContact(c))
		}
	}
	return m
}

// wavyContact is a contact card in the API's shape.
func wavyContact(c message.WhatsAppContact) wavy.Contact {
	out := wavy.Contact{Birthday: c.Birthday}
	if n := c.Name; n != (message.WhatsAppContactName{}) {
		out.Name = &wavy.ContactName{FormattedName: n.Display(), FirstName: n.First, MiddleName: n.Middle, LastName: n.Last,
			NamePrefix: n.Prefix, NameSuffix: n.Suffix}
	}
	if o := c.Org; o != (message.WhatsAppContactOrg{}) {
		out.Org = &wavy.ContactOrg{Company: o.Company, Department: o.Department, Title: o.Title}
	}
	for _, a := range c.Addresses {
		out.Addresses = append(out.Addresses, wavy.ContactAddress{Street: a.Street, City: a.City, State: a.State, Zip: a.Zip,
			Country: a.Country, CountryCode: a.CountryCode, Type: strings.ToUpper(a.Type)})
	}
	for _, e := range c.Emails {
		out.Emails = append(out.Emails, wavy.ContactEmail{Email: e.Value, Type: strings.ToUpper(e.Type)})
	}
	for _, p := range c.Phones {
		out.Phones = append(out.Phones, wavy.ContactPhone{Phone: p.Phone, Type: strings.ToUpper(p.Type), WaID: p.WaID})
	}
	for _, u := range c.URLs {
		out.URLs = append(out.URLs, wavy.ContactURL{URL: u.Value, Type: strings.ToUpper(u.Type)})
	}
	return out
}

// Find looks messages up with the status search (1 request per second,
// enforced by the client's limiter). Records of messages refused for the
// account's credit or quota are not "known": those were never sent.
func (s *Sender) Find(ctx context.Context, correlationIDs []string) (map[string]string, error) {
	c, err := s.client(ctx)
	if err != nil {
		return nil, err
	}
	sts, err := c.SearchSMSStatus(ctx, wavy.StatusQuery{CorrelationIDs: correlationIDs})
	if err != nil {
		return nil, classify(err)
	}
	found := make(map[string]string, len(sts))
	for _, st := range sts {
		// A message refused for the account's credit or quota was not
		// sent: the provider knows it, but it must go again (a message
		// queued again after an account limit has that record too).
		sc, ok := wavy.LookupStatus(st.SentStatusCode)
		if !ok {
			sc, ok = wavy.LookupStatusName(st.SentStatus)
		}
		if ok && sc.AccountLimit {
			continue
		}
		if st.CorrelationID != "" && st.ID != "" {
			found[st.CorrelationID] = st.ID
		}
	}
	return found, nil
}

// classify maps the client's error kinds onto the dispatcher's. What the
// client calls an unknown outcome stays unclassified: the dispatcher then
// reconciles instead of guessing. An exhausted account
// (wavy.ErrAccountLimit: NO_CREDIT, the quota) is dispatch.ErrAccountLimit,
// which pauses the campaign; the wavy error stays in the chain.
func classify(err error) error {
	switch {
	case errors.Is(err, wavy.ErrUnauthorized):
		return fmt.Errorf("%w: %w", dispatch.ErrUnauthorized, err)
	case errors.Is(err, wavy.ErrRejected):
		return fmt.Errorf("%w: %w", dispatch.ErrRejected, err)
	case errors.Is(err, wavy.ErrAccountLimit):
		return fmt.Errorf("%w: %w", dispatch.ErrAccountLimit, err)
	case errors.Is(err, wavy.ErrTryLater):
		return fmt.Errorf("%w: %w", dispatch.ErrTryLater, err)
	}
	return err
}
