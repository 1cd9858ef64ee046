package sandbox

import (
	"math/rand/v2"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// Simulated recipients clicking the console's short links (link tracking):
// some recipients a message reached open its short links a human while
// after the delivery, with a phone browser's user agent; some links are
// unfurled by a preview bot within a second of the delivery, as WhatsApp
// and iMessage do. Both call the console's public /r/ URL for real and
// never follow the redirect.

// Defaults of the click simulation.
const (
	// DefaultClickRate is the share of delivered SMS with short links whose
	// recipient clicks (the first link).
	DefaultClickRate = 0.3
	// DefaultPreviewRate is the share unfurled by a preview bot.
	DefaultPreviewRate = 0.1
)

// Agents the simulated clicks announce.
const (
	humanAgent = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
	botAgent   = "WhatsApp/2.24.8.78 A"
)

// shortLinkRE finds the console's short links in a message text.
var shortLinkRE = regexp.MustCompile(`https?://[^\s/]+(?:/[^\s]*)?/r/[A-Za-z0-9_-]{16,24}`)

// clicker makes the simulated clicks, a bounded number at a time.
type clicker struct {
	mu      sync.Mutex
	rng     *rand.Rand
	client  *http.Client
	slots   chan struct{}
	click   float64
	preview float64
	scale   float64
	// done counts clicks and previews made (tests).
	done sync.WaitGroup
}

func newClicker(o Options, scale float64) *clicker {
	return &clicker{
		rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed0c11c4)),
		client: &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		slots:   make(chan struct{}, 64),
		click:   rateOrDefault(o.ClickRate, DefaultClickRate),
		preview: rateOrDefault(o.PreviewRate, DefaultPreviewRate),
		scale:   scale,
	}
}

// plan decides, for a message delivered at deliveredAt (unix ms), whether
// its recipient clicks its first short link and whether a bot unfurls it,
// and schedules the requests.
func (c *clicker) plan(text string, deliveredAt int64) {
	if c == nil || (c.click <= 0 && c.preview <= 0) {
		return
	}
	link := shortLinkRE.FindString(text)
	if link == "" {
		return
	}
	c.mu.Lock()
	clicks, previews := c.rng.Float64() < c.click, c.rng.Float64() < c.preview
	human := 1500*time.Millisecond + time.Duration(c.rng.Float64()*float64(20*time.Second)*c.scale)
	bot := 150*time.Millisecond + time.Duration(c.rng.Float64()*float64(500*time.Millisecond))
	c.mu.Unlock()
	at := time.UnixMilli(deliveredAt)
	if previews {
		c.after(time.Until(at.Add(bot)), link, botAgent)
	}
	if clicks {
		c.after(time.Until(at.Add(human)), link, humanAgent)
	}
}

func (c *clicker) after(d time.Duration, url, agent string) {
	c.done.Add(1)
	time.AfterFunc(max(d, 0), func() {
		defer c.done.Done()
		select {
		case c.slots <- struct{}{}:
		default:
			return // too many at once: this one is lost, as a busy phone's would be
		}
		defer func() { <-c.slots }()
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return
		}
		req.Header.Set("User-Agent", agent)
		if resp, err := c.client.Do(req); err == nil {
			resp.Body.Close()
		}
	})
}
