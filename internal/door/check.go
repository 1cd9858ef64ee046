package door

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"arauto/internal/smpp/esme"
	"arauto/internal/wavysftp"
)

// CheckTimeout bounds one "Test connection".
const CheckTimeout = 15 * time.Second

// Check is what a "Test connection" found, in words for people: Key is a
// translation key (transport.check.*) and Args its arguments. Passwords
// are never among them.
type Check struct {
	OK   bool
	Key  string
	Args []any
	// Fingerprint is the SFTP server's host key; Pinned is set when this
	// test pinned it (trust on first use).
	Fingerprint string
	Pinned      bool
}

// CheckSMPP binds once with the saved SMPP settings (one bind of the
// configured kind) and unbinds.
func (d *Doors) CheckSMPP(ctx context.Context) Check {
	eff, err := d.Effective(ctx)
	if err != nil {
		return Check{Key: "transport.check.settings_unreadable"}
	}
	s := eff.SMPP
	if !s.Complete() {
		return Check{Key: "transport.check.smpp_incomplete"}
	}
	// One transceiver proves what a transmitter and a receiver would. It
	// may be handed receipts while it is up: they go where the pool's go.
	cfg := d.smppConfig(s, d.cfg.Inbound)
	cfg.Binds, cfg.ReceiverBinds = 1, 1
	cfg.Mode = esme.Transceiver
	cfg.DialTimeout = CheckTimeout - time.Second
	c, err := esme.New(cfg)
	if err != nil {
		return Check{Key: "transport.check.smpp_settings", Args: []any{strings.TrimPrefix(err.Error(), "esme: config: ")}}
	}
	defer c.Close()
	err = waitFirstAttempt(ctx, c)
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	d.log.Info("door: smpp connection tested", "addr", addr, "system_id", s.SystemID, "ok", err == nil, "err", err)
	if err == nil {
		if eff.Sandbox {
			return Check{OK: true, Key: "transport.check.smpp_ok_sandbox", Args: []any{s.Binds}}
		}
		return Check{OK: true, Key: "transport.check.smpp_ok", Args: []any{s.SystemID, addr, s.Binds}}
	}
	return describe(err, addr, s.TLS)
}

// waitFirstAttempt waits for the test bind's first verdict: bound, or
// the error of its first failed attempt (the pool would only retry it).
func waitFirstAttempt(ctx context.Context, c *esme.Client) error {
	wctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if sending, _ := c.Bound(); sending > 0 {
			return nil
		}
		if err := c.LastError(); err != nil {
			return err
		}
		select {
		case <-wctx.Done():
			return wctx.Err()
		case <-tick.C:
		}
	}
}

// describe turns a connection error into a check result.
func describe(err error, addr string, withTLS bool) Check {
	var dnsErr *net.DNSError
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var mismatch *wavysftp.HostKeyMismatchError
	host, _, _ := net.SplitHostPort(addr)
	switch {
	case errors.Is(err, esme.ErrUnauthorized):
		return Check{Key: "transport.check.smpp_refused"}
	case errors.Is(err, wavysftp.ErrUnauthorized):
		return Check{Key: "transport.check.sftp_refused"}
	case errors.As(err, &mismatch):
		return Check{Key: "transport.check.sftp_key_changed", Args: []any{mismatch.Presented, mismatch.Pinned}, Fingerprint: mismatch.Pinned}
	case errors.As(err, &dnsErr):
		return Check{Key: "transport.check.no_such_host", Args: []any{host}}
	case errors.As(err, &recErr):
		return Check{Key: "transport.check.not_tls", Args: []any{addr}}
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr):
		return Check{Key: "transport.check.bad_certificate", Args: []any{host}}
	case strings.Contains(err.Error(), "connection refused"):
		return Check{Key: "transport.check.refused_port", Args: []any{addr}}
	case withTLS && strings.Contains(err.Error(), "tls handshake"):
		return Check{Key: "transport.check.tls_failed", Args: []any{addr}}
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return Check{Key: "transport.check.timeout", Args: []any{addr}}
	}
	return Check{Key: "transport.check.unreachable", Args: []any{addr}}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// CheckSFTP connects with the saved SFTP settings, verifies the upload,
// success and error directories and shows the server's key, pinning it
// when none is pinned yet.
func (d *Doors) CheckSFTP(ctx context.Context) Check {
	eff, err := d.Effective(ctx)
	if err != nil {
		return Check{Key: "transport.check.settings_unreadable"}
	}
	s := eff.SFTP
	if s.Host == "" || s.Username == "" || s.Password == "" {
		return Check{Key: "transport.check.sftp_incomplete"}
	}
	pinned := false
	pin := d.pinner(eff.Sandbox)
	c, err := wavysftp.New(wavysftp.Config{Addr: s.Addr(), Username: s.Username, Password: s.Password, HostKey: s.HostKey,
		OnFirstUse: func(fp string) error {
			pinned = true
			return pin(fp)
		}, DialTimeout: CheckTimeout})
	if err != nil {
		return Check{Key: "transport.check.sftp_settings", Args: []any{strings.TrimPrefix(err.Error(), "wavysftp: ")}}
	}
	defer c.Close()
	cctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	fp, err := c.Check(cctx)
	d.log.Info("door: sftp connection tested", "addr", s.Addr(), "username", s.Username, "ok", err == nil, "fingerprint", fp, "err", err)
	if err == nil {
		key := "transport.check.sftp_ok"
		if eff.Sandbox {
			key = "transport.check.sftp_ok_sandbox"
		}
		return Check{OK: true, Key: key, Args: []any{s.Addr()}, Fingerprint: fp, Pinned: pinned && !eff.Sandbox}
	}
	if strings.Contains(err.Error(), "directory ") || strings.Contains(err.Error(), "is not a directory") {
		return Check{Key: "transport.check.sftp_no_dirs", Args: []any{s.Addr()}, Fingerprint: fp}
	}
	ch := describe(err, s.Addr(), false)
	if ch.Fingerprint == "" {
		ch.Fingerprint = fp
	}
	return ch
}
