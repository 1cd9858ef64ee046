package web

import (
	"arauto/internal/abpick"
	"arauto/internal/clicks"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/sessions"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/contact"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/door"
	"arauto/internal/events"
	"arauto/internal/lease"
	"arauto/internal/listimport"
	"arauto/internal/provider"
	wasession "arauto/internal/session"
	"arauto/internal/testsend"
	"arauto/store"
)

// Deps is what the web layer is built from; main wires it.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Log    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// WebhookSecret is the path segment that makes webhook URLs unguessable.
	WebhookSecret string
	// Sandbox is the built-in Wavy simulator, served by ServeSandbox on a
	// listener of its own; nil leaves it out.
	Sandbox http.Handler
	// Hub carries live updates to open pages; nil makes a private one.
	Hub *events.Hub
	// Dispatcher is told when a campaign is started, paused, resumed or
	// cancelled, so it acts within a second; nil when no worker runs.
	Dispatcher Waker
	// Provider hands out the Wavy client of the settings in force, shared
	// with the dispatcher; nil makes one over Store.
	Provider *provider.Clients
	// Doors are the doors to Wavy the dispatcher sends through (tests of
	// SMPP and SFTP, the SMPP pool's state, capacity for ETAs); nil makes
	// doors over Store that nothing sends through.
	Doors *door.Doors
	// Sessions tells which WhatsApp recipients have an open session,
	// shared with the dispatcher; nil makes one over Store and Provider.
	Sessions *wasession.Tracker
	// TestSends sends campaigns' test messages over the HTTPS door,
	// shared with the dispatcher; nil makes one over Provider.
	TestSends *testsend.Service
	// Links are the short links of tracked campaigns, shared with the
	// dispatcher; nil makes them from the store's secret.
	Links *clicks.Links
	// Leases keep each list import on one instance when several share
	// the database; nil makes a keeper over Store for this process.
	Leases *lease.Keeper
}

// Waker is the part of the dispatcher the web layer needs.
type Waker interface{ Wake() }

type noWaker struct{}

func (noWaker) Wake() {}

// Server is the console's HTTP side.
type Server struct {
	clicks   *clickTracking
	cfg      config.Config
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	app      *fiber.App
	sessions *sessions.CookieStore
	logins   *loginLimiter
	// passwordChecks slows down wrong current passwords on the account
	// page, per user and client address.
	passwordChecks *loginLimiter
	// hasUsers turns true once the first admin exists and never back, so
	// the setup check costs one query only until then.
	hasUsers atomic.Bool

	webhookSecret string
	// sandboxServer serves the built-in sandbox (nil without one).
	sandboxServer *http.Server

	hub        *events.Hub
	clients    *provider.Clients
	doors      *door.Doors
	waSessions *wasession.Tracker // open WhatsApp sessions
	campaigns  *campaign.Service
	contacts   *contact.Service
	imports    *listimport.Jobs
	carriers   *carrierChecks
	testSends  *testsend.Service
	// picker chooses A/B winners by hand (the scheduler runs in main).
	picker *abpick.Picker
	// closing is closed when shutdown starts, ending event streams so
	// in-flight requests can finish.
	closing chan struct{}
	// listener is what Serve listens on, for Shutdown to close the
	// connections that never sent a request.
	listener atomic.Pointer[trackedListener]

	automation
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if len(d.WebhookSecret) < 16 {
		return nil, errors.New("web: webhook secret missing or too short")
	}
	if d.Hub == nil {
		d.Hub = events.New()
	}
	if d.Dispatcher == nil {
		d.Dispatcher = noWaker{}
	}
	if d.Provider == nil {
		d.Provider = provider.New(d.Config, d.Store)
	}
	if d.Doors == nil {
		d.Doors = door.New(door.Config{Config: d.Config, Settings: d.Store, Log: d.Log,
			HTTPS: wavysender.New(d.Provider.Client, wavysender.Config{RequestsPerSecond: d.Config.SendRequestsPerSecond})})
	}
	if d.Sessions == nil {
		d.Sessions = &wasession.Tracker{Replies: d.Store, Source: d.Provider.Sessions}
	}
	if d.TestSends == nil {
		d.TestSends = NewTestSends(d.Store, wavysender.New(d.Provider.Client, wavysender.Config{RequestsPerSecond: d.Config.SendRequestsPerSecond}), d.Log)
	}
	if d.Leases == nil {
		d.Leases = &lease.Keeper{Store: d.Store, Holder: lease.NewHolder(), Log: d.Log}
	}
	s := &Server{cfg: d.Config, store: d.Store, log: d.Log, now: d.Now, webhookSecret: d.WebhookSecret,
		hub: d.Hub, clients: d.Provider, doors: d.Doors, waSessions: d.Sessions, campaigns: newCampaignService(d), imports: listimport.New(d.Store, d.Hub, d.Log, d.Leases), carriers: newCarrierChecks(), closing: make(chan struct{}),
		contacts: &contact.Service{Store: d.Store, NotFound: store.ErrNotFound, Now: d.Now}, testSends: d.TestSends}
	s.picker = &abpick.Picker{Store: d.Store, Now: d.Now, Log: d.Log, Chosen: func(id int64) {
		d.Dispatcher.Wake()
		d.Hub.Publish("campaign:"+strconv.FormatInt(id, 10), events.Event{Name: "report"})
	}}
	if d.Sandbox != nil {
		s.sandboxServer = s.newSandboxServer(d.Sandbox)
	}
	key, err := loadSessionKey(d.Config)
	if err != nil {
		return nil, err
	}
	// The Wavy token and the door passwords are stored encrypted with a key derived from the
	// session key, so the database file alone does not give it away.
	if err := d.Store.SealSettings(context.Background(), key, config.SecretSettings()...); err != nil {
		return nil, err
	}
	s.sessions = newCookieStore(key, d.Config.SecureCookies())
	s.initAutomation(d)
	if err := s.initClicks(d); err != nil {
		return nil, err
	}
	s.logins = newLoginLimiter(d.Store, "sign-in", s.now)
	s.passwordChecks = newLoginLimiter(d.Store, "password-check", s.now)
	s.app = fiber.New(fiber.Config{
		AppName:               "arauto",
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// Bodies are read by limitBody under each route's own limit (see
		// limits.go), never whole before a handler runs: fasthttp would
		// otherwise allocate whatever length a request announces.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    int(d.Config.MaxUploadBytes + uploadOverhead),
		ReadTimeout:                  readTimeout,
		IdleTimeout:                  2 * time.Minute,
		Immutable:                    true,
		ProxyHeader:                  "",
		Network:                      "tcp",
		ReadBufferSize:               16 << 10,
	})
	s.app.Server().ContinueHandler = s.continueAllowed
	s.routes()
	return s, nil
}

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	tl := newTrackedListener(ln)
	s.listener.Store(tl)
	if err := s.app.Listener(tl); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("web: serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections, closes those that are idle (between
// requests, or that never sent one), and waits for in-flight requests
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	close(s.closing)
	defer s.shutdownAutomation()
	defer s.shutdownClicks()
	s.imports.Shutdown()
	s.carriers.shutdown()
	stopped := make(chan struct{})
	defer close(stopped)
	if tl := s.listener.Load(); tl != nil {
		go func() {
			// Until fasthttp is done: a connection accepted just as the
			// listener closed is caught on a later tick.
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				tl.closeFresh()
				select {
				case <-stopped:
					return
				case <-tick.C:
				}
			}
		}()
	}
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if s.sandboxServer != nil {
		if err := s.sandboxServer.Shutdown(ctx); err != nil {
			return fmt.Errorf("web: shutdown sandbox: %w", err)
		}
	}
	return nil
}

// Test runs one request through the app without a network, for handler tests.
func (s *Server) App() *fiber.App { return s.app }
