// Command arauto is the campaign console for SMS and WhatsApp over the
// Wavy/Sinch Messaging API. This file is the composition root: it reads the
// configuration, opens the store, wires the provider, the worker and the web
// server, and shuts them down in order.
//
//	arauto                      serve the console
//	arauto sandbox [flags]      run the Wavy API simulator alone
//	arauto segments             count SMS segments of JSON strings on stdin
//	arauto import --dry-run F   print the import report of a recipient file
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"arauto/internal/abpick"
	"arauto/internal/billing"
	"arauto/internal/breaker"
	"arauto/internal/config"
	"arauto/internal/contact"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/door"
	"arauto/internal/events"
	"arauto/internal/fallback"
	"arauto/internal/frequency"
	"arauto/internal/lease"
	"arauto/internal/outhook"
	"arauto/internal/provider"
	"arauto/internal/retention"
	"arauto/internal/sandbox"
	"arauto/internal/session"
	"arauto/internal/sms"
	"arauto/internal/user"
	"arauto/store"
	"arauto/web"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	defer startProfiles(getenv, cmd, stderr)()
	switch cmd {
	case "", "serve":
		return serve(getenv, stderr)
	case "segments":
		if err := sms.RunSegments(args, stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "arauto segments:", err)
			return 1
		}
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	if code, ok := runTool(cmd, args, stdin, stdout, stderr); ok {
		return code
	}
	fmt.Fprintf(stderr, "arauto: unknown command %q\n\n%s", cmd, usage)
	return 2
}

const usage = `Usage:
  arauto                       serve the console (configured by ARAUTO_* variables)
  arauto sandbox [flags]       run the Wavy API simulator alone (--help for flags)
  arauto segments              read one JSON string per line, print its SMS encoding and segments
  arauto import --dry-run FILE print the import report of a recipient file as JSON
`

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(getenv func(string) string, stderr io.Writer) int {
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "arauto: configuration:", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveUntil(ctx, cfg, log); err != nil {
		log.Error("stopped", "err", err)
		return 1
	}
	return 0
}

// serveUntil runs the console until ctx is cancelled, then shuts down:
// stop taking requests, finish those in flight, stop the worker, close the
// database.
func serveUntil(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	// The console's live heap is small and steady while webhooks pour in:
	// collecting at three times it rather than twice cuts the collector's
	// share of the CPU by half, and the soft limit keeps the peak bounded.
	// The limit covers Go's memory only: SQLite's page caches (32 MB for
	// the writer, 4 MB per reader) come on top, so 128 MB keeps the whole
	// process under 200 MB through a 1M campaign. GOGC and GOMEMLIMIT
	// still win when set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(128 << 20)
	}
	st, err := openStore(cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := bootstrapAdmin(ctx, cfg, st, log); err != nil {
		return err
	}
	secret, err := st.SettingOrCreate(ctx, "webhook.secret", newWebhookSecret)
	if err != nil {
		return err
	}
	// Listen before building the rest: with port 0 (tests) the public URL,
	// and so the sandbox's webhook targets, is known only now.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (ARAUTO_ADDR): %w", cfg.Addr, err)
	}
	if !cfg.PublicURLSet {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	// The built-in sandbox gets a loopback listener of its own and a
	// generated token: it is never reachable on the console's address.
	sbLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen for the built-in sandbox: %w", err)
	}
	defer sbLn.Close()
	cfg.SandboxURL = "http://" + sbLn.Addr().String()
	if cfg.SandboxToken, err = loadSandboxToken(cfg.DataDir); err != nil {
		ln.Close()
		return err
	}
	sbDoors, err := listenSandboxDoors(&cfg)
	if err != nil {
		ln.Close()
		return err
	}
	defer sbDoors.close()
	sb := newSandbox(cfg, secret, log)
	defer sb.Close()
	if err := sbDoors.serve(sb, log); err != nil {
		ln.Close()
		return err
	}
	// The sandbox keeps its Campaign API in memory: give it back the
	// campaigns registered with it before, so ids never clash and old
	// campaigns can still be renamed after a restart.
	refs, err := st.CampaignRefs(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	restored := make([]sandbox.Campaign, 0, len(refs))
	for _, c := range refs {
		restored = append(restored, sandbox.Campaign{ID: c.RemoteID, Name: c.Name, Alias: c.Alias})
	}
	sb.RestoreCampaigns(restored)
	clients := provider.New(cfg, st)
	// The HTTPS door, shared by the doors and the test sends, so they
	// share its request rate.
	https := wavysender.New(clients.Client, wavysender.Config{RequestsPerSecond: cfg.SendRequestsPerSecond})
	doors := newDoors(cfg, st, https, log)
	testSends := web.NewTestSends(st, https, log.With("component", "testsend"))
	// Open WhatsApp sessions: the provider's list with the stored replies,
	// one cache for the composer, the pre-flight check and the dispatcher.
	sessions := &session.Tracker{Replies: st, Source: clients.Sessions}
	links, err := clickLinks(ctx, cfg, st)
	if err != nil {
		ln.Close()
		return err
	}
	// Work that must run once across instances sharing the database runs
	// under named leases (docs/instances.md); with SQLite this instance
	// holds them all.
	leases := &lease.Keeper{Store: st, Holder: lease.NewHolder(), Log: log.With("component", "lease")}
	startsCtx, stopStarts := context.WithCancel(context.Background())
	starts, startsReleased := leases.Hold(startsCtx, "campaign-starts")
	defer func() {
		stopStarts()
		startsReleased()
	}()
	worker := newWorker(cfg, st, doors, sessions, links, starts.Held, log)
	// In PostgreSQL the store relays live updates between instances
	// (LISTEN/NOTIFY); SQLite has one instance and no relay.
	var relay any = st
	if st.Postgres() {
		r, err := st.NewRelay(ctx)
		if err != nil {
			return err
		}
		defer r.Close()
		relay = r
	}
	hub, stopRelay := newHub(relay, log)
	defer stopRelay()
	// The circuit breaker pauses a campaign whose first messages meet too
	// many opt-outs, blocked numbers or complaints; the applier tells it
	// which campaigns got statuses or replies.
	guard := &breaker.Guard{Store: st, Log: log.With("component", "breaker"),
		Settings: func(ctx context.Context) (breaker.Settings, error) {
			saved, err := st.Settings(ctx)
			return breaker.Load(saved), err
		},
		OnTrip: func(id int64) {
			worker.Wake()
			hub.Publish(fmt.Sprintf("campaign:%d", id), events.Event{Name: "report"})
		}}
	// WhatsApp recipients WhatsApp cannot reach get their campaign's SMS
	// fallback, queued by the sweeper in the companion the worker sends.
	fallbacks := &fallback.Sweeper{Store: st, Wake: worker.Wake, Now: clock(cfg), Log: log.With("component", "fallback")}
	// A/B tests: the winner is chosen when the test's wait ends, and the
	// held remainder released to the worker.
	picker := &abpick.Picker{Store: st, Now: clock(cfg), Every: 10 * time.Second, Log: log.With("component", "abpick"),
		Chosen: func(id int64) {
			worker.Wake()
			hub.Publish(fmt.Sprintf("campaign:%d", id), events.Event{Name: "report"})
		}}
	applier := delivery.NewApplier(st, delivery.Options{
		Log: log.With("component", "applier"),
		// Open report pages listen on "campaign:<id>" for fresh numbers.
		OnApplied: func(ids []int64) {
			for _, id := range ids {
				hub.Publish(fmt.Sprintf("campaign:%d", id), events.Event{Name: "report"})
			}
			guard.Notify(ids)
			fallbacks.Kick()
		},
	})
	srv, err := web.New(web.Deps{Config: cfg, Store: st, Log: log, WebhookSecret: secret, Sandbox: sb, Dispatcher: worker, Hub: hub, Provider: clients,
		Doors: doors, Sessions: sessions, TestSends: testSends, Links: links, Leases: leases, Now: clock(cfg)})
	if err != nil {
		ln.Close()
		return err
	}
	if err := srv.ResumeImports(ctx); err != nil {
		ln.Close()
		return err
	}
	go func() {
		if err := srv.ServeSandbox(sbLn); err != nil {
			log.Error("built-in sandbox stopped", "err", err)
		}
	}()
	log.Info("built-in sandbox listening", "addr", sbLn.Addr().String())
	log.Info("listening", "addr", ln.Addr().String(), "url", cfg.PublicURL, "provider", cfg.Provider, "data", cfg.DataDir, "database", databaseKind(cfg))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// The doors keep the SMPP pool bound while SMPP is in force; they
	// close after the worker, so batches in flight finish on them.
	doorsCtx, stopDoors := context.WithCancel(context.Background())
	doorsDone := make(chan struct{})
	go func() {
		defer close(doorsDone)
		doors.Run(doorsCtx)
	}()
	defer func() {
		stopDoors()
		<-doorsDone
	}()
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	go func() {
		defer close(workerDone)
		worker.Run(workerCtx)
	}()
	// The applier turns stored webhook events into message statuses and
	// report counters; it stops last, after the web server, so events
	// received up to the end are applied (or applied at the next start).
	applierCtx, stopApplier := context.WithCancel(context.Background())
	applierDone := make(chan struct{})
	go func() {
		defer close(applierDone)
		leases.Run(applierCtx, "delivery-applier", func(ctx context.Context) {
			if err := applier.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("applier stopped", "err", err)
			}
		})
	}()
	defer func() {
		stopApplier()
		<-applierDone
	}()
	// Outgoing webhooks are delivered by a worker of their own, so a
	// receiver that is slow or down never holds up sending or ingestion;
	// it stops with the applier, after the web server.
	outhooks := outhook.NewWorker(st, outhook.Options{Log: log.With("component", "outhook")})
	outhookCtx, stopOuthooks := context.WithCancel(context.Background())
	outhookDone := make(chan struct{})
	go func() {
		defer close(outhookDone)
		leases.Run(outhookCtx, "outgoing-webhooks", outhooks.Run)
	}()
	defer func() {
		stopOuthooks()
		<-outhookDone
	}()
	guardCtx, stopGuard := context.WithCancel(context.Background())
	defer stopGuard()
	go guard.Run(guardCtx)
	go leases.Run(guardCtx, "fallback-sweeper", fallbacks.Run)
	// Choosing a winner is a conditional UPDATE (idempotent on any
	// instance); the lease only keeps the scheduler's reads to one.
	go leases.Run(guardCtx, "ab-picker", func(ctx context.Context) { picker.Run(ctx) })
	// Test sends left without a clear answer are settled like the
	// dispatcher's: looked up, and sent again only if Wavy lacks them.
	go leases.Run(guardCtx, "test-send-reconciler", func(ctx context.Context) { testSends.Run(ctx, cfg.ReconcileAfter) })
	pollCtx, stopPolling := context.WithCancel(context.Background())
	defer stopPolling()
	poller := &delivery.Poller{Store: st, Log: log.With("component", "poller"),
		Source: func(ctx context.Context) (delivery.Source, error) {
			c, err := clients.Client(ctx)
			if err != nil {
				return nil, err
			}
			return c, nil
		}}
	go leases.Run(pollCtx, "delivery-poller", poller.Run)
	// Sends and reports note their messages; the contact book's last
	// sent and delivered are folded from them every few seconds, by one
	// instance at a time.
	go leases.Run(guardCtx, "contact-activity", func(ctx context.Context) {
		contact.FoldActivity(ctx, st, 0, log.With("component", "contacts"))
	})
	// Retention prunes what is older than the Settings say, every hour.
	retentionCtx, stopRetention := context.WithCancel(context.Background())
	retentionDone := make(chan struct{})
	go func() {
		defer close(retentionDone)
		leases.Run(retentionCtx, "retention", func(ctx context.Context) { retention.Loop(ctx, st, log.With("component", "retention")) })
	}()
	defer func() {
		stopRetention()
		<-retentionDone
	}()

	select {
	case err := <-served:
		stopWorker()
		<-workerDone
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests and batches in flight")
	// The worker stops claiming and finishes the batches on the wire first:
	// in sandbox mode they travel through this very server. Then the web
	// server stops taking requests and finishes those in flight; the
	// in-process sandbox goes last.
	stopWorker()
	<-workerDone
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	<-served
	log.Info("stopped cleanly")
	return nil
}

// newDoors builds the doors to Wavy (HTTPS, SMPP, SFTP) the dispatcher
// sends through; SMPP receipts and replies are stored as events.
func newDoors(cfg config.Config, st *store.Store, https door.HTTPS, log *slog.Logger) *door.Doors {
	return door.New(door.Config{
		Config:   cfg,
		Settings: st,
		HTTPS:    https,
		Inbound:  delivery.Receiver{Store: st},
		Log:      log.With("component", "door"),
	})
}

// clock is the console's clock: the real one, unless the sandbox's clock
// is moved to try schedules and sending windows (nil: time.Now).
func clock(cfg config.Config) func() time.Time {
	if cfg.SandboxClockOffset == 0 {
		return nil
	}
	return cfg.Now
}

// newWorker builds the dispatcher over the store and the doors.
func newWorker(cfg config.Config, st *store.Store, sender dispatch.Sender, sessions dispatch.SessionStore, links dispatch.ShortLinks, firesStarts func() bool, log *slog.Logger) *dispatch.Worker {
	return dispatch.New(st, sender, dispatch.Config{
		FiresStarts:       firesStarts,
		ReconcileAfter:    cfg.ReconcileAfter,
		RequestsPerSecond: cfg.SendRequestsPerSecond,
		MessagesPerSecond: cfg.SendMessagesPerSecond,
		Concurrency:       cfg.SendConcurrency,
		FrequencyCap:      frequency.FromSettings(st.Settings),
		Sessions:          sessions,
		Now:               clock(cfg),
		// Each batch counts under the billing rule in force, as the
		// composer and the pre-flight did.
		Compile: dispatch.SMSCompiler(func(ctx context.Context) (sms.Rule, error) {
			saved, err := st.Settings(ctx)
			if err != nil {
				return "", err
			}
			return billing.Load(saved).Rule, nil
		}, links),
	}, log.With("component", "dispatch"))
}

// newWebhookSecret makes the unguessable path segment of the webhook URLs.
func newWebhookSecret() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// newSandbox builds the built-in Wavy simulator. Its webhooks point at the
// console itself over real HTTP, exactly as Wavy's would.
func newSandbox(cfg config.Config, secret string, log *slog.Logger) *sandbox.Sandbox {
	hooks := cfg.PublicURL + "/webhooks/wavy/" + secret + "/"
	return sandbox.New(sandbox.Options{
		Username:    config.SandboxUsername,
		Token:       cfg.SandboxToken,
		Seed:        cfg.SandboxSeed,
		StatusURL:   hooks + "sms-status",
		MOURL:       hooks + "sms-mo",
		WhatsAppURL: hooks + "whatsapp",
		DelayScale:  cfg.SandboxDelayScale,
		Logger:      log.With("component", "sandbox"),
		// SMPP allows 8-character passwords: the token is longer.
		SMPPPassword: cfg.SandboxDoors.SMPPPassword,
		// A way to try the pause on an exhausted account.
		NoCreditAfter: cfg.SandboxNoCreditAfter,
		// Answers to replies the sandbox never received itself.
		WhatsAppOpenSessions: cfg.SandboxWhatsAppOpenSessions,
	})
}

// bootstrapAdmin creates the first admin from ARAUTO_ADMIN_EMAIL and
// ARAUTO_ADMIN_PASSWORD when the console has no users, so it can be set up
// without a browser.
func bootstrapAdmin(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) error {
	if cfg.AdminEmail == "" {
		return nil
	}
	email, problem := user.NormalizeEmail(cfg.AdminEmail)
	if problem != "" {
		return fmt.Errorf("ARAUTO_ADMIN_EMAIL: %q is not an e-mail address", cfg.AdminEmail)
	}
	hash, err := user.HashPassword(cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("ARAUTO_ADMIN_PASSWORD: %w", err)
	}
	err = st.CreateFirstAdmin(ctx, &user.User{Email: email, PasswordHash: hash})
	switch {
	case errors.Is(err, store.ErrConflict):
		return nil // users exist: the variables only bootstrap
	case err != nil:
		return err
	}
	log.Info("first admin created from ARAUTO_ADMIN_EMAIL", "email", email)
	return nil
}

// openStore opens the database the configuration names: PostgreSQL when
// ARAUTO_DATABASE_URL is set, else SQLite in the data directory.
func openStore(cfg config.Config) (*store.Store, error) {
	if cfg.DatabaseURL != "" {
		return store.OpenPostgres(cfg.DatabaseURL)
	}
	return store.Open(filepath.Join(cfg.DataDir, store.FileName))
}

// databaseKind names the engine for the log, never the URL (it may hold
// a password).
func databaseKind(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "postgresql"
	}
	return "sqlite"
}

// newHub returns the hub of live updates. When the store can relay events
// between instances (PostgreSQL's LISTEN/NOTIFY; SQLite has one instance
// and cannot), events published here reach pages open on the other
// instances and theirs reach ours; the relay is listened to again after a
// second when its connection fails. The returned function stops it.
func newHub(relaySource any, log *slog.Logger) (*events.Hub, func()) {
	relay, ok := relaySource.(events.Relay)
	if !ok {
		return events.New(), func() {}
	}
	log = log.With("component", "relay")
	hub := events.NewRelayed(relay, func(topic string, err error) {
		log.Warn("live update not relayed to the other instances", "topic", topic, "err", err)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := hub.Listen(ctx); err != nil && ctx.Err() == nil {
				log.Warn("listening to the other instances failed; again in a second", "err", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return hub, func() { cancel(); <-done }
}
