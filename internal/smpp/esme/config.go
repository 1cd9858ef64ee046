package esme

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"arauto/internal/smpp"
)

// BindMode is how the client binds.
type BindMode uint8

// The two ways the seeds allow.
const (
	// Transceiver binds send and receive on one connection (recommended).
	Transceiver BindMode = iota
	// TransmitterReceiver opens Binds transmitters plus ReceiverBinds
	// receivers.
	TransmitterReceiver
)

// The seeds' values ("Detalhes de conexão"), used as defaults.
const (
	// TLSPort is SMPP over TLS with an IP allow-list (the recommended option).
	TLSPort = 2444
	// VPNPort is SMPP over Wavy's VPN, plain TCP inside the tunnel.
	VPNPort = 2443
	// DefaultHost is Wavy's SMPP hostname (DNS round robin over 4 proxies).
	DefaultHost = "smpp-messaging.wavy.global"
	// DefaultSystemType is the system_type Wavy expects.
	DefaultSystemType = "MovileSMSC"
	// DefaultBinds is the minimum number of binds the seeds require.
	DefaultBinds = 4
	// DefaultWindow is the window size: PDUs awaiting a response per bind.
	DefaultWindow = 10
	// DefaultRate is the MT ceiling per bind, in submit_sm per second.
	DefaultRate = 80
	// DefaultEnquireLink is the keep-alive interval (the seeds allow 30 to 59 s).
	DefaultEnquireLink = 30 * time.Second
	// DefaultValidity is the validity_period sent when a message has no
	// expiry of its own (the server's default too).
	DefaultValidity = 24 * time.Hour
	// DefaultResponseTimeout bounds the wait for any response; past it a
	// submit_sm's outcome is unknown.
	DefaultResponseTimeout = 10 * time.Second
	// DefaultDialTimeout bounds connecting, the TLS handshake and the bind.
	DefaultDialTimeout = 10 * time.Second
	// DefaultReconnectMin and DefaultReconnectMax bound the back-off
	// between failed connection attempts.
	DefaultReconnectMin = time.Second
	DefaultReconnectMax = time.Minute
)

// Config is everything the client needs. Zero fields take the defaults
// above; Host, SystemID and Password are required.
type Config struct {
	// Host is smpp-messaging.wavy.global for TLS, or the host of a TLS
	// proxy or of the VPN route. Use a name, not IPs: binds are spread
	// over every address it resolves to.
	Host string
	// Port defaults to 2444 with TLS and 2443 without.
	Port int
	// TLS dials with TLS (Wavy's option 1); without it the connection is
	// plain TCP (VPN, or a local TLS proxy).
	TLS bool
	// TLSConfig customises TLS (root CAs for a private proxy); its
	// ServerName defaults to Host. Certificates are always verified.
	TLSConfig *tls.Config
	// SystemID and Password are the SMPP account (at most 15 and 8 characters).
	SystemID, Password string
	// SystemType defaults to MovileSMSC.
	SystemType string
	// Binds is the number of binds that send (default and seeds' minimum 4).
	Binds int
	// Mode is Transceiver (default) or TransmitterReceiver.
	Mode BindMode
	// ReceiverBinds is the number of receivers in TransmitterReceiver
	// mode (default Binds).
	ReceiverBinds int
	// Window is the number of PDUs in flight per bind (default 10).
	Window int
	// Rate is submit_sm per second per bind (default 80); negative means
	// no limit (tests of the SMSC's own throttling).
	Rate float64
	// EnquireLink is the keep-alive interval (default 30 s).
	EnquireLink time.Duration
	// ResponseTimeout bounds the wait for a response (default 10 s).
	ResponseTimeout time.Duration
	// DialTimeout bounds connect, handshake and bind (default 10 s).
	DialTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the back-off between failed
	// attempts (defaults 1 s and 1 min). A dropped bind is retried at
	// once; the back-off starts when attempts fail.
	ReconnectMin, ReconnectMax time.Duration
	// SourceAddr is the sender; it defaults to SystemID, which the seeds
	// require for replies (MOs) to come back.
	SourceAddr string
	// Validity is sent for messages without an expiry (default 24 h).
	Validity time.Duration
	// Latin1 sends texts that fit ISO-8859-1 but not GSM-7 as
	// data_coding 1 instead of UCS-2.
	Latin1 bool
	// Ref16 concatenates with 16-bit references.
	Ref16 bool
	// CorrelationTag is the TLV that carries the correlationId (default
	// smpp.TagCorrelationID, 0x1400; see doc.go).
	CorrelationTag smpp.Tag
	// Inbound receives receipts and MOs. Without it they are refused with
	// a temporary error, so the SMSC keeps them.
	Inbound Inbound
	// Resolve looks the host up (default net.DefaultResolver.LookupHost).
	Resolve func(ctx context.Context, host string) ([]string, error)
	// Logger receives operational logs (never the password); nil discards.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// withDefaults validates c and fills its zero fields.
func (c Config) withDefaults() (Config, error) {
	var problems []string
	if strings.TrimSpace(c.Host) == "" {
		problems = append(problems, "host is required")
	}
	if c.SystemID == "" || len(c.SystemID) > 15 {
		problems = append(problems, "system_id must have 1 to 15 characters")
	}
	if len(c.Password) > 8 {
		problems = append(problems, "password must have at most 8 characters")
	}
	if c.Port == 0 {
		c.Port = VPNPort
		if c.TLS {
			c.Port = TLSPort
		}
	}
	if c.Port < 1 || c.Port > 65535 {
		problems = append(problems, fmt.Sprintf("port %d is not a TCP port", c.Port))
	}
	if c.SystemType == "" {
		c.SystemType = DefaultSystemType
	}
	if len(c.SystemType) > 12 {
		problems = append(problems, "system_type must have at most 12 characters")
	}
	if c.Binds <= 0 {
		c.Binds = DefaultBinds
	}
	if c.ReceiverBinds <= 0 {
		c.ReceiverBinds = c.Binds
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.EnquireLink <= 0 {
		c.EnquireLink = DefaultEnquireLink
	}
	if c.ResponseTimeout <= 0 {
		c.ResponseTimeout = DefaultResponseTimeout
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.ReconnectMin <= 0 {
		c.ReconnectMin = DefaultReconnectMin
	}
	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = max(DefaultReconnectMax, c.ReconnectMin)
	}
	if c.SourceAddr == "" {
		c.SourceAddr = c.SystemID
	}
	if len(c.SourceAddr) > 20 {
		problems = append(problems, "source address must have at most 20 characters")
	}
	if c.Validity <= 0 {
		c.Validity = DefaultValidity
	}
	if _, err := smpp.FormatRelative(c.Validity); err != nil {
		problems = append(problems, fmt.Sprintf("validity %s is out of range", c.Validity))
	}
	if c.CorrelationTag == 0 {
		c.CorrelationTag = smpp.TagCorrelationID
	}
	if c.Resolve == nil {
		c.Resolve = net.DefaultResolver.LookupHost
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("esme: config: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// ErrUnauthorized is returned when the SMSC refuses the account
// (ESME_RINVSYSID, ESME_RINVPASWD, ESME_RINVSYSTYP): nothing can be sent
// until the settings change.
var ErrUnauthorized = errors.New("esme: the SMSC refused the account")

// ErrNotBound is returned when no bind could be established in time.
var ErrNotBound = errors.New("esme: no bind is up")
