package sandbox

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// DefaultAddr is where `arauto sandbox` listens unless --addr says otherwise.
const DefaultAddr = "127.0.0.1:9090"

// Main runs `arauto sandbox` until SIGINT or SIGTERM and returns the exit
// code: 0 on a clean stop, 2 for bad flags, 1 for other failures.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := Run(ctx, args, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "arauto sandbox: %v\n", err)
	return 1
}

// errUsage marks flag errors (already reported by the flag set).
var errUsage = errors.New("usage")

// Run parses the `arauto sandbox` flags and serves the simulator until ctx
// is cancelled, then shuts the server down gracefully.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("arauto sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", DefaultAddr, "listen address")
	username := fs.String("username", DefaultUsername, "accepted UserName header")
	token := fs.String("token", DefaultToken, "accepted AuthenticationToken header")
	statusURL := fs.String("status-url", "", "webhook for SMS callbacks and delivery reports (empty: none)")
	moURL := fs.String("mo-url", "", "webhook for SMS MOs (empty: none)")
	waURL := fs.String("whatsapp-url", "", "webhook for WhatsApp statuses and MOs (empty: none)")
	seed := fs.Int64("seed", 0, "seed of the simulated outcomes")
	delayScale := fs.Float64("delay-scale", 1, "multiplier of the realistic delays (0: immediate)")
	replyRate := fs.Float64("reply-rate", DefaultReplyRate, "share of reached recipients who reply (negative: none)")
	waUnreachable := fs.Float64("whatsapp-unreachable", 0, "share of numbers without WhatsApp: WhatsApp messages to them fail with 202, SMS reach them")
	clickRate := fs.Float64("click-rate", DefaultClickRate, "share of delivered SMS with short links whose recipient clicks (negative: none)")
	previewRate := fs.Float64("preview-rate", DefaultPreviewRate, "share of delivered SMS with short links a preview bot unfurls (negative: none)")
	rateLimit := fs.Float64("rate-limit", DefaultRateLimit, "API requests per second per IP before 429 (negative: unlimited)")
	openSessions := fs.Bool("whatsapp-open-sessions", false, "treat every WhatsApp recipient as having an open session")
	latency := fs.Duration("latency", 0, "fault injection: delay before every API answer")
	acceptThen500 := fs.Float64("accept-then-500", 0, "fault injection: share of sends accepted but answered 500")
	status503 := fs.Float64("503-rate", 0, "fault injection: share of requests answered 503 without doing anything")
	webhookWorkers := fs.Int("webhook-workers", 0, "concurrent webhook POSTs (0: the default)")
	noCreditAfter := fs.Int64("no-credit-after", 0, "SMS sent before the credit runs out and every later one gets status 201 NO_CREDIT (0: never; change it at "+CreditPath+")")
	smppAddr := fs.String("smpp-addr", "", "also serve SMPP 3.4 (plain TCP) on this address; system_id --username, password --token (empty: no SMPP)")
	smppRate := fs.Float64("smpp-rate", DefaultSMPPRate, "submit_sm per second one SMPP bind may send before ESME_RTHROTTLED (negative: unlimited)")
	smppDrop := fs.Float64("smpp-drop-rate", 0, "fault injection: share of submit_sm after which the SMPP connection drops mid-window")
	smppDelay := fs.Duration("smpp-resp-delay", 0, "fault injection: delay before every submit_sm_resp")
	smppThrottle := fs.Float64("smpp-throttle-rate", 0, "fault injection: share of submit_sm answered ESME_RTHROTTLED")
	verbose := fs.Bool("verbose", false, "log every request")
	sftpAddr := fs.String("sftp-addr", "", "listen address of the SFTP door (empty: none); same username and token")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The ledger lives outside the Go heap (OffHeapLedger); what is
		// left there (the correlationId table, about 45 MB for a million
		// messages, the webhook queue and what requests allocate: 72 MB
		// live at the peak of a million-message run) stays under a soft
		// limit instead of doubling while a campaign pours in. Little of
		// it holds pointers, so collecting often costs little.
		debug.SetMemoryLimit(96 << 20)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "arauto sandbox: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	for name, v := range map[string]string{"--status-url": *statusURL, "--mo-url": *moURL, "--whatsapp-url": *waURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fmt.Fprintf(stderr, "arauto sandbox: %s %q is not an http(s) URL\n", name, v)
			return errUsage
		}
	}
	if *noCreditAfter < 0 {
		fmt.Fprintf(stderr, "arauto sandbox: --no-credit-after must not be negative\n")
		return errUsage
	}
	for name, v := range map[string]float64{"--accept-then-500": *acceptThen500, "--503-rate": *status503} {
		if v < 0 || v > 1 {
			fmt.Fprintf(stderr, "arauto sandbox: %s must be a share from 0 to 1\n", name)
			return errUsage
		}
	}
	if *delayScale < 0 {
		fmt.Fprintf(stderr, "arauto sandbox: --delay-scale must not be negative\n")
		return errUsage
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	sb := New(Options{
		Username: *username, Token: *token, Seed: *seed,
		StatusURL: *statusURL, MOURL: *moURL, WhatsAppURL: *waURL,
		DelayScale: *delayScale, ReplyRate: *replyRate, ClickRate: *clickRate, PreviewRate: *previewRate, RateLimit: *rateLimit,
		WhatsAppOpenSessions: *openSessions, WhatsAppUnreachable: *waUnreachable, Logger: logger,
		Faults: Faults{Latency: *latency, AcceptThen500Rate: *acceptThen500, Status503Rate: *status503,
			SMPPDropRate: *smppDrop, SMPPRespDelay: *smppDelay, SMPPThrottleRate: *smppThrottle},
		SMPPRate:       *smppRate,
		WebhookWorkers: *webhookWorkers, NoCreditAfter: *noCreditAfter,
		OffHeapLedger: true,
	})
	defer sb.Close()
	if *sftpAddr != "" {
		sftpSrv, err := startSFTP(ctx, sb, *sftpAddr, stdout, logger)
		if err != nil {
			return err
		}
		defer sftpSrv.Close()
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen: %w", err)
	}
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	fmt.Fprintf(stdout, "arauto sandbox listening on http://%s\n", ln.Addr())
	logger.Info("sandbox: listening", "addr", ln.Addr().String(), "username", *username, "seed", *seed,
		"delay_scale", *delayScale, "status_url", *statusURL, "mo_url", *moURL, "whatsapp_url", *waURL)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if *smppAddr != "" {
		sln, err := lc.Listen(ctx, "tcp", *smppAddr)
		if err != nil {
			return fmt.Errorf("sandbox: listen smpp: %w", err)
		}
		fmt.Fprintf(stdout, "arauto sandbox SMPP listening on %s\n", sln.Addr())
		go func() { errc <- sb.ServeSMPP(sln) }()
	}
	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("sandbox: shutdown: %w", err)
		}
		<-errc
		logger.Info("sandbox: stopped")
		return nil
	case err := <-errc:
		return fmt.Errorf("sandbox: serve: %w", err)
	}
}
