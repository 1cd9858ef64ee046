package door

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/sftpsender"
	"arauto/internal/dispatch/smppsender"
	"arauto/internal/message"
	"arauto/internal/smpp"
	"arauto/internal/smpp/esme"
	"arauto/internal/wavysftp"
)

// FileRows is the most rows one SFTP batch file carries. Wavy processes
// a file as a whole; 20,000 rows keep a file near a megabyte, a few
// seconds of Wavy's processing, and the reconciler's look-ups (which read
// whole files) cheap.
const FileRows = 20000

// smppBatchPerBind sizes an SMPP batch: a quarter second of one bind's
// 80 submit_sm a second, so the dispatcher's four batches in flight are
// about a second of the pool's work.
const smppBatchPerBind = esme.DefaultRate / 4

// settingsTTL is how long a read of the settings is reused.
const settingsTTL = time.Second

// Settings is where the saved settings live; the SFTP host key pinned on
// first use is saved back.
type Settings interface {
	Settings(ctx context.Context) (map[string]string, error)
	SaveSettings(ctx context.Context, kv map[string]string) error
}

// HTTPS is the HTTPS door as the doors use it: the dispatcher's sender
// over the Wavy API, whose Find is the status search by correlationId
// (*wavysender.Sender).
type HTTPS interface {
	dispatch.Sender
	dispatch.ChannelReconciler
}

// Config wires the doors.
type Config struct {
	// Config is the console's configuration (the built-in sandbox's
	// doors in sandbox mode).
	Config config.Config
	// Settings are the saved settings.
	Settings Settings
	// HTTPS sends what goes through HTTPS and searches statuses.
	HTTPS HTTPS
	// Inbound receives the SMPP pool's receipts and replies.
	Inbound esme.Inbound
	// Log receives operational logs; nil discards.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Doors is the dispatcher's Sender over the door in force. Create it with
// New and start Run; it is safe for concurrent use.
type Doors struct {
	cfg  Config
	log  *slog.Logger
	kick chan struct{}

	mu       sync.Mutex
	snap     config.Doors
	snapAt   time.Time
	smppKey  config.SMPPDoor
	pool     *esme.Client
	sftpKey  config.SFTPDoor
	files    *wavysftp.Client
	filesKey string // sub-account of sender
	sender   *sftpsender.Sender
}

// New returns the doors; Run keeps the SMPP pool up while it is in force.
func New(cfg Config) *Doors {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Doors{cfg: cfg, log: cfg.Log, kick: make(chan struct{}, 1)}
}

// Refresh makes the next call read the settings again (they were saved),
// and Run bind or unbind the SMPP pool at once.
func (d *Doors) Refresh() {
	d.mu.Lock()
	d.snapAt = time.Time{}
	d.mu.Unlock()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Effective returns the doors in force.
func (d *Doors) Effective(ctx context.Context) (config.Doors, error) {
	d.mu.Lock()
	if !d.snapAt.IsZero() && d.cfg.Now().Sub(d.snapAt) < settingsTTL {
		s := d.snap
		d.mu.Unlock()
		return s, nil
	}
	d.mu.Unlock()
	saved, err := d.cfg.Settings.Settings(ctx)
	if err != nil {
		return config.Doors{}, fmt.Errorf("door: read settings: %w", err)
	}
	s := d.cfg.Config.EffectiveDoors(saved)
	d.mu.Lock()
	d.snap, d.snapAt = s, d.cfg.Now()
	d.mu.Unlock()
	return s, nil
}

// Run keeps the SMPP pool bound while SMPP is the SMS door, and closes it
// when another door is chosen, until ctx ends (then every connection is
// closed).
func (d *Doors) Run(ctx context.Context) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	defer d.Close()
	for {
		eff, err := d.Effective(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				d.log.Error("door: settings unreadable", "err", err)
			}
		case eff.Door == config.DoorSMPP && eff.SMPP.Complete():
			if _, err := d.smppPool(eff.SMPP); err != nil {
				d.log.Error("door: smpp settings refused", "err", err)
			}
		default:
			d.closePool()
		}
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		case <-tick.C:
		}
	}
}

// Close closes the SMPP pool and the SFTP connection.
func (d *Doors) Close() {
	d.closePool()
	d.mu.Lock()
	files := d.files
	d.files, d.sender = nil, nil
	d.mu.Unlock()
	if files != nil {
		_ = files.Close()
	}
}

func (d *Doors) closePool() {
	d.mu.Lock()
	pool := d.pool
	d.pool = nil
	d.mu.Unlock()
	if pool != nil {
		pool.Close()
		d.log.Info("door: smpp pool closed")
	}
}

// smppPool returns the pool for s, replacing one built from other settings.
func (d *Doors) smppPool(s config.SMPPDoor) (*esme.Client, error) {
	d.mu.Lock()
	if d.pool != nil && d.smppKey == s {
		p := d.pool
		d.mu.Unlock()
		return p, nil
	}
	old := d.pool
	d.pool = nil
	d.mu.Unlock()
	if old != nil {
		old.Close()
	}
	p, err := esme.New(d.smppConfig(s, d.cfg.Inbound))
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.pool != nil { // built meanwhile by another caller
		other := d.pool
		d.mu.Unlock()
		p.Close()
		return other, nil
	}
	d.pool, d.smppKey = p, s
	d.mu.Unlock()
	d.log.Info("door: smpp pool started", "host", s.Host, "port", s.Port, "tls", s.TLS, "system_id", s.SystemID, "binds", s.Binds, "split", s.Split)
	return p, nil
}

func (d *Doors) smppConfig(s config.SMPPDoor, in esme.Inbound) esme.Config {
	c := esme.Config{Host: s.Host, Port: s.Port, TLS: s.TLS, SystemID: s.SystemID, Password: s.Password,
		Binds: s.Binds, Inbound: in, Logger: d.log.With("component", "smpp")}
	if s.Split {
		c.Mode = esme.TransmitterReceiver
	}
	return c
}

// filesClient returns the SFTP client and sender for s.
func (d *Doors) filesSender(eff config.Doors) (*sftpsender.Sender, error) {
	s := eff.SFTP
	d.mu.Lock()
	defer d.mu.Unlock()
	same := d.files != nil && d.sftpKey == s
	if !same && d.files != nil && s.HostKey != "" && d.sftpKey.HostKey == "" {
		// The key this client pinned on first use was just saved: the
		// connection stays.
		k := d.sftpKey
		k.HostKey = s.HostKey
		same = k == s && d.files.Fingerprint() == s.HostKey
	}
	if !same {
		if d.files != nil {
			go d.files.Close()
		}
		poll := time.Second
		if eff.Sandbox {
			poll = 100 * time.Millisecond
		}
		c, err := wavysftp.New(wavysftp.Config{Addr: s.Addr(), Username: s.Username, Password: s.Password, HostKey: s.HostKey,
			OnFirstUse: d.pinner(eff.Sandbox), PollInterval: poll})
		if err != nil {
			return nil, err
		}
		d.files, d.sender, d.filesKey = c, nil, ""
	}
	d.sftpKey = s
	if d.sender == nil || d.filesKey != s.SubAccount {
		files := d.files
		snd, err := sftpsender.New(sftpsender.Config{
			Files:      func(context.Context) (sftpsender.Files, error) { return files, nil },
			SubAccount: s.SubAccount,
			Search:     d.cfg.HTTPS.Find,
			Now:        d.cfg.Now,
		})
		if err != nil {
			return nil, err
		}
		d.sender, d.filesKey = snd, s.SubAccount
	}
	return d.sender, nil
}

// pinner saves the host key seen on first use.
func (d *Doors) pinner(sandbox bool) func(string) error {
	return func(fp string) error {
		if sandbox {
			return nil // the built-in server's key is pinned from the start
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := d.cfg.Settings.SaveSettings(ctx, map[string]string{config.SettingSFTPHostKey: fp}); err != nil {
			return err
		}
		d.log.Info("door: sftp host key pinned on first use", "fingerprint", fp)
		d.Refresh()
		return nil
	}
}

// ForgetHostKey unpins the SFTP server's key: the next connection trusts
// and pins the key it is then shown (after Wavy changed it).
func (d *Doors) ForgetHostKey(ctx context.Context) error {
	if err := d.cfg.Settings.SaveSettings(ctx, map[string]string{config.SettingSFTPHostKey: ""}); err != nil {
		return fmt.Errorf("door: forget sftp host key: %w", err)
	}
	d.mu.Lock()
	if d.files != nil {
		go d.files.Close()
	}
	d.files, d.sender = nil, nil
	d.mu.Unlock()
	d.Refresh()
	return nil
}

// Route names the door a campaign's batches take under eff.
func Route(eff config.Doors, c dispatch.Campaign) string {
	if c.Channel == message.ChannelWhatsApp {
		if eff.WhatsApp == config.DoorSFTP && filesCarry(c) {
			return config.DoorSFTP
		}
		return config.DoorHTTPS
	}
	switch {
	case eff.Door == config.DoorSMPP:
		return config.DoorSMPP
	case eff.Door == config.DoorSFTP && filesCarry(c):
		return config.DoorSFTP
	}
	return config.DoorHTTPS
}

// filesCarry reports whether an SFTP file layout can carry c's message.
func filesCarry(c dispatch.Campaign) bool {
	_, err := sftpsender.NewBuilder(io.Discard, c)
	return err == nil
}

// sender returns the Sender of the door c takes.
func (d *Doors) senderFor(ctx context.Context, c dispatch.Campaign) (dispatch.Sender, config.Doors, error) {
	eff, err := d.Effective(ctx)
	if err != nil {
		return nil, eff, err
	}
	switch Route(eff, c) {
	case config.DoorSMPP:
		if !eff.SMPP.Complete() {
			return nil, eff, errors.New("door: the SMPP door has no system_id or password; complete it in Settings")
		}
		return smppsender.Sender{
			Client: func(context.Context) (*esme.Client, error) { return d.smppPool(eff.SMPP) },
			Lookup: d.cfg.HTTPS.Find,
		}, eff, nil
	case config.DoorSFTP:
		if !eff.SFTP.Complete() {
			return nil, eff, errors.New("door: the SFTP door has no username, password or sub-account; complete it in Settings")
		}
		s, err := d.filesSender(eff)
		return s, eff, err
	}
	return d.cfg.HTTPS, eff, nil
}

// Send sends the batch through the door its campaign takes.
func (d *Doors) Send(ctx context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	s, _, err := d.senderFor(ctx, b.Campaign)
	if err != nil {
		// A door that cannot be used now pauses the campaign with the
		// reason, as refused credentials do; nothing was sent.
		return nil, fmt.Errorf("%w: %w", dispatch.ErrUnauthorized, err)
	}
	return s.Send(ctx, b)
}

// Find settles messages whose outcome is unknown: from the SFTP files
// while files are a door in force, then with the HTTPS status search.
func (d *Doors) Find(ctx context.Context, correlationIDs []string) (map[string]string, error) {
	eff, err := d.Effective(ctx)
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	rest := correlationIDs
	if eff.UsesFiles() && eff.SFTP.Complete() {
		s, err := d.filesSender(eff)
		if err != nil {
			return nil, err
		}
		if found, err = s.Find(ctx, correlationIDs); err != nil {
			return nil, err
		}
		rest = rest[:0:0]
		for _, id := range correlationIDs {
			if _, ok := found[id]; !ok {
				rest = append(rest, id)
			}
		}
	}
	if len(rest) == 0 {
		return found, nil
	}
	more, err := d.cfg.HTTPS.Find(ctx, rest)
	if err != nil {
		return nil, err
	}
	for k, v := range more {
		found[k] = v
	}
	return found, nil
}

// CanReconcile reports whether messages of a channel can be looked up:
// SMS always (the status search, and the files); WhatsApp as over HTTPS,
// never (files carry only templates: the others go over HTTPS, and a
// WhatsApp message cannot tell which).
func (d *Doors) CanReconcile(channel string) bool { return d.cfg.HTTPS.CanReconcile(channel) }

// MaxBatch sizes the batches of c by its door (dispatch.BatchSizer).
func (d *Doors) MaxBatch(c dispatch.Campaign) int {
	eff, err := d.Effective(context.Background())
	if err != nil {
		return 0
	}
	switch Route(eff, c) {
	case config.DoorSFTP:
		return FileRows
	case config.DoorSMPP:
		return eff.SMPP.Binds * smppBatchPerBind
	}
	return 0
}

// LinksProviderIDs reports whether SMPP is the SMS door: its receipts
// name messages by provider id (dispatch.Linker).
func (d *Doors) LinksProviderIDs() bool {
	eff, err := d.Effective(context.Background())
	return err == nil && eff.Door == config.DoorSMPP
}

// Capacity is how fast a campaign's door can carry it.
type Capacity struct {
	// Door is the door the campaign takes.
	Door string
	// Binds and PerBind describe an SMPP pool (submit_sm per second per bind).
	Binds   int
	PerBind float64
	// PartsPerMessage is what one message costs on the wire (SMPP parts).
	PartsPerMessage int
	// MessagesPerSecond is the ceiling in messages; 0 when the door sets
	// none the console knows (HTTPS and files are bounded by the account).
	MessagesPerSecond float64
}

// Capacity returns the door c takes and, over SMPP, its ceiling: binds x
// 80 submit_sm a second, each message costing the parts of its text as
// written (personalisation may add a part here and there).
func (d *Doors) Capacity(ctx context.Context, c dispatch.Campaign) (Capacity, error) {
	eff, err := d.Effective(ctx)
	if err != nil {
		return Capacity{}, err
	}
	cp := Capacity{Door: Route(eff, c)}
	if cp.Door != config.DoorSMPP {
		return cp, nil
	}
	cp.Binds, cp.PerBind = eff.SMPP.Binds, esme.DefaultRate
	_, parts := smpp.CountParts(c.Message, smpp.TextOptions{Flash: c.Flash})
	cp.PartsPerMessage = max(parts, 1)
	cp.MessagesPerSecond = float64(cp.Binds) * cp.PerBind / float64(cp.PartsPerMessage)
	return cp, nil
}

// ETA is the time remaining messages take at the door's ceiling; ok is
// false when the door sets none.
func (c Capacity) ETA(remaining int64) (time.Duration, bool) {
	if c.MessagesPerSecond <= 0 || math.IsInf(c.MessagesPerSecond, 0) {
		return 0, false
	}
	return time.Duration(float64(remaining) / c.MessagesPerSecond * float64(time.Second)), true
}

// PoolState is the SMPP pool as the Settings page shows it.
type PoolState struct {
	Running          bool
	Sending, Binds   int
	LastError        string
	Submitted, Drops int64
}

// Pool describes the SMPP pool in force.
func (d *Doors) Pool() PoolState {
	d.mu.Lock()
	p, key := d.pool, d.smppKey
	d.mu.Unlock()
	if p == nil {
		return PoolState{}
	}
	sending, _ := p.Bound()
	st := PoolState{Running: true, Sending: sending, Binds: key.Binds}
	if err := p.LastError(); err != nil {
		st.LastError = err.Error()
	}
	s := p.Stats()
	st.Submitted, st.Drops = s.Submitted, s.Drops
	return st
}
