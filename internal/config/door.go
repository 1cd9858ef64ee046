package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// The doors messages go to Wavy through (seed 000): HTTPS requests (the
// default), a kept-open SMPP 3.4 connection, or SFTP batch files.
const (
	DoorHTTPS = "https"
	DoorSMPP  = "smpp"
	DoorSFTP  = "sftp"
)

// Keys of the door settings an admin saves on the Settings page. The two
// passwords are sealed at rest like the Wavy token (SecretSettings).
const (
	// SettingDoor is the SMS door; SettingDoorWhatsApp the WhatsApp one
	// (DoorHTTPS or DoorSFTP: SMPP carries SMS only).
	SettingDoor         = "door"
	SettingDoorWhatsApp = "door.whatsapp"

	SettingSMPPHost     = "smpp.host"
	SettingSMPPPort     = "smpp.port"
	SettingSMPPTLS      = "smpp.tls" // "1" TLS (port 2444), "0" plain TCP (VPN, local TLS proxy)
	SettingSMPPSystemID = "smpp.system_id"
	SettingSMPPPassword = "smpp.password"
	SettingSMPPBinds    = "smpp.binds"
	SettingSMPPBindMode = "smpp.bind_mode" // BindTransceiver or BindSplit

	SettingSFTPHost       = "sftp.host"
	SettingSFTPPort       = "sftp.port"
	SettingSFTPUsername   = "sftp.username"
	SettingSFTPPassword   = "sftp.password"
	SettingSFTPSubAccount = "sftp.sub_account"
	// SettingSFTPHostKey is the server key pinned on first use (SHA256:...).
	SettingSFTPHostKey = "sftp.host_key"
)

// SMPP bind modes as saved.
const (
	BindTransceiver = "transceiver"
	BindSplit       = "transmitter_receiver"
)

// The seeds' connection details, used when nothing is saved.
const (
	DefaultSMPPHost   = "smpp-messaging.wavy.global"
	DefaultSMPPTLS    = 2444
	DefaultSMPPPlain  = 2443
	DefaultSMPPBinds  = 4
	MaxSMPPBinds      = 32
	DefaultSFTPHost   = "ftp-messaging.wavy.global"
	DefaultSFTPPort   = 2222
	SandboxSubAccount = "ARAUTO"
)

// SecretSettings names the settings stored encrypted and never shown back.
func SecretSettings() []string {
	return []string{SettingWavyToken, SettingSMPPPassword, SettingSFTPPassword}
}

// SandboxDoors reach the built-in sandbox's SMPP and SFTP servers: main
// serves them on loopback listeners of their own with generated
// credentials, so both doors work offline.
type SandboxDoors struct {
	SMPPAddr     string // host:port, plain TCP
	SMPPPassword string // at most 8 characters, as SMPP allows
	SFTPAddr     string // host:port
	SFTPHostKey  string // the server's fingerprint, pinned from the start
}

// SMPPDoor is the SMPP connection in force.
type SMPPDoor struct {
	Host     string
	Port     int
	TLS      bool
	SystemID string
	Password string
	Binds    int
	// Split binds transmitters plus as many receivers instead of
	// transceivers.
	Split bool
}

// Complete reports whether the connection has what binding needs.
func (d SMPPDoor) Complete() bool { return d.Host != "" && d.SystemID != "" && d.Password != "" }

// SFTPDoor is the SFTP connection in force.
type SFTPDoor struct {
	Host       string
	Port       int
	Username   string
	Password   string
	SubAccount string
	// HostKey is the pinned server key; empty trusts the first one seen.
	HostKey string
}

// Addr is host:port.
func (d SFTPDoor) Addr() string { return net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) }

// Complete reports whether the connection has what uploading needs.
func (d SFTPDoor) Complete() bool {
	return d.Host != "" && d.Username != "" && d.Password != "" && d.SubAccount != ""
}

// Doors is the door in force and the settings of each door.
type Doors struct {
	Door     string // of SMS: DoorHTTPS, DoorSMPP or DoorSFTP
	WhatsApp string // of WhatsApp: DoorHTTPS or DoorSFTP
	SMPP     SMPPDoor
	SFTP     SFTPDoor
	// Sandbox is set when the doors lead to the built-in sandbox.
	Sandbox bool
}

// UsesFiles reports whether SFTP files are a door in force.
func (d Doors) UsesFiles() bool { return d.Door == DoorSFTP || d.WhatsApp == DoorSFTP }

// EffectiveDoors resolves the doors from the saved settings. In sandbox
// mode the SMPP and SFTP doors lead to the built-in sandbox (its addresses
// and generated credentials); what an admin saved for Wavy is kept for
// when Wavy is chosen again. Binds, bind mode and sub-account apply to
// both.
func (c Config) EffectiveDoors(saved map[string]string) Doors {
	get := func(k string) string { return strings.TrimSpace(saved[k]) }
	d := Doors{Door: get(SettingDoor), WhatsApp: get(SettingDoorWhatsApp)}
	switch d.Door {
	case DoorSMPP, DoorSFTP:
	default:
		d.Door = DoorHTTPS
	}
	if d.WhatsApp != DoorSFTP {
		d.WhatsApp = DoorHTTPS
	}
	s := SMPPDoor{Host: get(SettingSMPPHost), SystemID: get(SettingSMPPSystemID), Password: saved[SettingSMPPPassword],
		TLS: get(SettingSMPPTLS) != "0", Binds: DefaultSMPPBinds, Split: get(SettingSMPPBindMode) == BindSplit}
	if s.Host == "" {
		s.Host = DefaultSMPPHost
	}
	s.Port, _ = strconv.Atoi(get(SettingSMPPPort))
	if s.Port <= 0 {
		s.Port = DefaultSMPPPlain
		if s.TLS {
			s.Port = DefaultSMPPTLS
		}
	}
	if n, err := strconv.Atoi(get(SettingSMPPBinds)); err == nil && n >= 1 && n <= MaxSMPPBinds {
		s.Binds = n
	}
	f := SFTPDoor{Host: get(SettingSFTPHost), Username: get(SettingSFTPUsername), Password: saved[SettingSFTPPassword],
		SubAccount: get(SettingSFTPSubAccount), HostKey: get(SettingSFTPHostKey)}
	if f.Host == "" {
		f.Host = DefaultSFTPHost
	}
	f.Port, _ = strconv.Atoi(get(SettingSFTPPort))
	if f.Port <= 0 {
		f.Port = DefaultSFTPPort
	}
	if c.EffectiveProvider(saved).Mode == ProviderSandbox {
		d.Sandbox = true
		sb := c.SandboxDoors
		host, port := splitAddr(sb.SMPPAddr)
		s.Host, s.Port, s.TLS, s.SystemID, s.Password = host, port, false, SandboxUsername, sb.SMPPPassword
		host, port = splitAddr(sb.SFTPAddr)
		f.Host, f.Port, f.Username, f.Password, f.HostKey = host, port, SandboxUsername, c.SandboxToken, sb.SFTPHostKey
		if f.SubAccount == "" {
			f.SubAccount = SandboxSubAccount
		}
	}
	d.SMPP, d.SFTP = s, f
	return d
}

func splitAddr(addr string) (string, int) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// CheckHost validates a host name or address typed on the Settings page.
func CheckHost(h string) error {
	if h == "" || len(h) > 253 || strings.ContainsAny(h, " /:@?#\\") {
		return fmt.Errorf("%q is not a host name", h)
	}
	return nil
}

// CheckPort validates a TCP port typed on the Settings page.
func CheckPort(raw string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%q is not a TCP port", raw)
	}
	return p, nil
}
