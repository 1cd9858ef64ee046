package wavysftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// DefaultPort is Wavy's SFTP port (seeds 000).
const DefaultPort = "2222"

// Place is where a batch file is on the server.
type Place string

// The places of a batch file.
const (
	Absent    Place = ""
	Pending   Place = "upload"
	Succeeded Place = "success"
	Failed    Place = "error"
)

// ErrorNoteSuffix names the note a server may leave beside a refused
// file: error/<name> + ErrorNoteSuffix.
const ErrorNoteSuffix = ".log"

// maxNoteBytes bounds the error note read into Fate.Detail.
const maxNoteBytes = 64 << 10

// MaxReadBytes bounds a file Read accepts: batch files of a dispatch batch
// are a few hundred kilobytes, so a bigger one is refused, not loaded.
const MaxReadBytes = 64 << 20

// Errors of Upload.
var (
	// ErrNotUploaded: nothing reached upload; trying again is safe.
	ErrNotUploaded = errors.New("wavysftp: file not uploaded")
	// ErrExists: a file of that name is already in upload.
	ErrExists = errors.New("wavysftp: a file of that name is already in upload")
	// ErrUnauthorized: the server refused the username or password.
	ErrUnauthorized = errors.New("wavysftp: username or password refused")
)

// Permanent reports whether err will not go away by trying again: a
// refused login or a host key other than the pinned one.
func Permanent(err error) bool {
	var m *HostKeyMismatchError
	return errors.Is(err, ErrUnauthorized) || errors.As(err, &m)
}

// HostKeyMismatchError is a server key other than the pinned one: a
// different server, a reinstalled one, or someone in between.
type HostKeyMismatchError struct {
	Pinned, Presented string
}

func (e *HostKeyMismatchError) Error() string {
	return fmt.Sprintf("wavysftp: the server's host key %s is not the pinned %s; if Wavy changed its key, confirm the new fingerprint with support before accepting it", e.Presented, e.Pinned)
}

// Config says where and how to connect.
type Config struct {
	// Addr is host:port; the port defaults to 2222.
	Addr               string
	Username, Password string
	// HostKey is the pinned key fingerprint (SHA256:...); empty trusts the
	// first key seen.
	HostKey string
	// OnFirstUse is told the fingerprint pinned on first use, to store it;
	// an error refuses the connection.
	OnFirstUse func(fingerprint string) error
	// StagingDir is where uploads are written before the rename into
	// upload; default "." (the home directory).
	StagingDir string
	// DialTimeout bounds the TCP connection and SSH handshake; default 15s.
	DialTimeout time.Duration
	// PollInterval is how often Wait looks; default 1s.
	PollInterval time.Duration
}

// Fate is what became of an uploaded file.
type Fate struct {
	Place  Place  // Succeeded or Failed
	Detail string // the error note of a failed file, if any
}

// Client talks to one SFTP server. Create it with New.
type Client struct {
	cfg Config

	keyMu  sync.Mutex
	pinned string
	seen   string

	mu   sync.Mutex
	conn *ssh.Client
	sc   *sftp.Client
	gen  int
}

// New checks the configuration and returns a client; it connects on first use.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Addr) == "" {
		return nil, errors.New("wavysftp: address is required")
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		cfg.Addr = net.JoinHostPort(cfg.Addr, DefaultPort)
	}
	if cfg.Username == "" {
		return nil, errors.New("wavysftp: username is required")
	}
	if cfg.HostKey != "" && !strings.HasPrefix(cfg.HostKey, "SHA256:") {
		return nil, fmt.Errorf("wavysftp: host key %q is not a SHA256 fingerprint (SHA256:...)", cfg.HostKey)
	}
	if cfg.StagingDir == "" {
		cfg.StagingDir = "."
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 15 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	return &Client{cfg: cfg, pinned: cfg.HostKey}, nil
}

// Fingerprint is the pinned host key, or the last one seen when none is
// pinned yet (after a refused connection); empty before any connection.
func (c *Client) Fingerprint() string {
	c.keyMu.Lock()
	defer c.keyMu.Unlock()
	if c.pinned != "" {
		return c.pinned
	}
	return c.seen
}

func (c *Client) checkHostKey(_ string, _ net.Addr, key ssh.PublicKey) error {
	fp := ssh.FingerprintSHA256(key)
	c.keyMu.Lock()
	defer c.keyMu.Unlock()
	c.seen = fp
	if c.pinned == "" {
		if c.cfg.OnFirstUse != nil {
			if err := c.cfg.OnFirstUse(fp); err != nil {
				return fmt.Errorf("wavysftp: pin host key %s: %w", fp, err)
			}
		}
		c.pinned = fp
		return nil
	}
	if fp != c.pinned {
		return &HostKeyMismatchError{Pinned: c.pinned, Presented: fp}
	}
	return nil
}

// session returns the open connection, dialling one if needed.
func (c *Client) session(ctx context.Context) (*sftp.Client, int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sc != nil {
		return c.sc, c.gen, nil
	}
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Addr)
	if err != nil {
		return nil, 0, fmt.Errorf("wavysftp: connect to %s: %w", c.cfg.Addr, err)
	}
	deadline := time.Now().Add(c.cfg.DialTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = nc.SetDeadline(deadline)
	sshConn, chans, reqs, err := ssh.NewClientConn(nc, c.cfg.Addr, &ssh.ClientConfig{
		User:            c.cfg.Username,
		Auth:            []ssh.AuthMethod{ssh.Password(c.cfg.Password)},
		HostKeyCallback: c.checkHostKey,
	})
	if err != nil {
		nc.Close()
		var mismatch *HostKeyMismatchError
		if errors.As(err, &mismatch) {
			return nil, 0, mismatch
		}
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, 0, fmt.Errorf("%w at %s: %w", ErrUnauthorized, c.cfg.Addr, err)
		}
		return nil, 0, fmt.Errorf("wavysftp: ssh handshake with %s: %w", c.cfg.Addr, err)
	}
	_ = nc.SetDeadline(time.Time{})
	conn := ssh.NewClient(sshConn, chans, reqs)
	sc, err := sftp.NewClient(conn, sftp.UseConcurrentWrites(true))
	if err != nil {
		conn.Close()
		return nil, 0, fmt.Errorf("wavysftp: start sftp on %s: %w", c.cfg.Addr, err)
	}
	c.conn, c.sc = conn, sc
	c.gen++
	return sc, c.gen, nil
}

// drop closes connection generation gen, if it is still the current one.
func (c *Client) drop(gen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sc == nil || c.gen != gen {
		return
	}
	c.sc.Close()
	c.conn.Close()
	c.sc, c.conn = nil, nil
}

// Close closes the connection; the client dials again if used.
func (c *Client) Close() error {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	c.drop(gen)
	return nil
}

// lost reports whether err means the connection is gone, rather than an
// answer of the server.
func lost(err error) bool {
	if err == nil {
		return false
	}
	var se *sftp.StatusError
	if errors.As(err, &se) {
		return se.FxCode() == sftp.ErrSSHFxConnectionLost || se.FxCode() == sftp.ErrSSHFxNoConnection
	}
	return !errors.Is(err, os.ErrNotExist) && !errors.Is(err, os.ErrPermission)
}

// run calls fn on the current connection, closing it if ctx ends first.
func (c *Client) run(ctx context.Context, fn func(*sftp.Client) error) (gen int, err error) {
	sc, gen, err := c.session(ctx)
	if err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- fn(sc) }()
	select {
	case err = <-done:
		if lost(err) {
			c.drop(gen)
		}
		return gen, err
	case <-ctx.Done():
		c.drop(gen)
		<-done
		return gen, ctx.Err()
	}
}

// retry runs an idempotent fn, once more on a fresh connection if the
// connection was lost.
func (c *Client) retry(ctx context.Context, fn func(*sftp.Client) error) error {
	gen, err := c.run(ctx, fn)
	if gen != 0 && lost(err) && ctx.Err() == nil {
		_, err = c.run(ctx, fn)
	}
	return err
}

func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
		return fmt.Errorf("wavysftp: %q is not a plain file name", name)
	}
	return nil
}

// Upload puts data in upload/name atomically (see the package doc).
func (c *Client) Upload(ctx context.Context, name string, data []byte) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("%w: %w", ErrNotUploaded, err)
	}
	stage := path.Join(c.cfg.StagingDir, "."+name+".part")
	target := path.Join(string(Pending), name)
	err := c.retry(ctx, func(sc *sftp.Client) error {
		f, err := sc.OpenFile(stage, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		if err != nil {
			return err
		}
		if _, err := f.ReadFrom(bytes.NewReader(data)); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	if err != nil {
		return fmt.Errorf("%w: write %s: %w", ErrNotUploaded, stage, err)
	}
	gen, err := c.run(ctx, func(sc *sftp.Client) error { return sc.Rename(stage, target) })
	if err == nil {
		return nil
	}
	if gen != 0 && lost(err) {
		// The rename may or may not have happened: the staging file
		// tells, once connected again.
		var staged bool
		serr := c.retry(ctx, func(sc *sftp.Client) error {
			_, err := sc.Stat(stage)
			staged = err == nil
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		})
		switch {
		case serr != nil:
			return fmt.Errorf("wavysftp: rename %s into upload: outcome unknown: %w", name, err)
		case !staged:
			return nil
		}
		return fmt.Errorf("%w: rename %s into upload: %w", ErrNotUploaded, name, err)
	}
	// The server refused the rename: most often the name is taken.
	if p, lerr := c.Locate(ctx, name); lerr == nil && p == Pending {
		_ = c.retry(ctx, func(sc *sftp.Client) error { return sc.Remove(stage) })
		return fmt.Errorf("%w: %s", ErrExists, name)
	}
	return fmt.Errorf("%w: rename %s into upload: %w", ErrNotUploaded, name, err)
}

// Locate tells where name is: upload, success, error or nowhere.
func (c *Client) Locate(ctx context.Context, name string) (Place, error) {
	if err := checkName(name); err != nil {
		return Absent, err
	}
	var at Place
	err := c.retry(ctx, func(sc *sftp.Client) error {
		for _, p := range []Place{Pending, Succeeded, Failed} {
			_, err := sc.Stat(path.Join(string(p), name))
			if err == nil {
				at = p
				return nil
			}
			if !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		at = Absent
		return nil
	})
	if err != nil {
		return Absent, fmt.Errorf("wavysftp: locate %s: %w", name, err)
	}
	return at, nil
}

// Wait polls until name leaves upload and returns its fate, or ctx's error.
func (c *Client) Wait(ctx context.Context, name string) (Fate, error) {
	t := time.NewTicker(c.cfg.PollInterval)
	defer t.Stop()
	last := Pending
	for {
		p, err := c.Locate(ctx, name)
		if err != nil && Permanent(err) {
			return Fate{}, err
		}
		if err == nil {
			last = p
		}
		switch p {
		case Succeeded:
			return Fate{Place: Succeeded}, nil
		case Failed:
			f := Fate{Place: Failed}
			note, err := c.Read(ctx, Failed, name+ErrorNoteSuffix)
			if err == nil {
				f.Detail = strings.TrimSpace(string(note[:min(len(note), maxNoteBytes)]))
			}
			return f, nil
		}
		select {
		case <-ctx.Done():
			return Fate{}, fmt.Errorf("wavysftp: wait for %s (still %s): %w", name, placeName(last), ctx.Err())
		case <-t.C:
		}
	}
}

func placeName(p Place) string {
	if p == Absent {
		return "nowhere"
	}
	return "in " + string(p)
}

// Read returns a file of a directory (upload, success or error).
func (c *Client) Read(ctx context.Context, place Place, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	var data []byte
	err := c.retry(ctx, func(sc *sftp.Client) error {
		f, err := sc.Open(path.Join(string(place), name))
		if err != nil {
			return err
		}
		defer f.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(io.LimitReader(f, MaxReadBytes+1)); err != nil {
			return err
		}
		if buf.Len() > MaxReadBytes {
			return fmt.Errorf("file larger than %d bytes: %w", MaxReadBytes, os.ErrPermission)
		}
		data = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wavysftp: read %s/%s: %w", place, name, err)
	}
	return data, nil
}

// List returns the names of the files in a directory.
func (c *Client) List(ctx context.Context, place Place) ([]string, error) {
	var names []string
	err := c.retry(ctx, func(sc *sftp.Client) error {
		infos, err := sc.ReadDir(string(place))
		if err != nil {
			return err
		}
		names = names[:0]
		for _, fi := range infos {
			if fi.Mode().IsRegular() {
				names = append(names, fi.Name())
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wavysftp: list %s: %w", place, err)
	}
	return names, nil
}

// Check connects and verifies the three directories exist: what a
// "test connection" button runs. It returns the host key fingerprint.
func (c *Client) Check(ctx context.Context) (string, error) {
	err := c.retry(ctx, func(sc *sftp.Client) error {
		for _, p := range []Place{Pending, Succeeded, Failed} {
			fi, err := sc.Stat(string(p))
			if err != nil {
				return fmt.Errorf("directory %s: %w", p, err)
			}
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", p)
			}
		}
		return nil
	})
	if err != nil {
		return c.Fingerprint(), fmt.Errorf("wavysftp: check %s: %w", c.cfg.Addr, err)
	}
	return c.Fingerprint(), nil
}
