package web

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/audit"
	"arauto/internal/batchfile"
	"arauto/internal/config"
	"arauto/internal/door"
	"arauto/views"
)

// The Settings section on the doors to Wavy: which door SMS and WhatsApp
// take (HTTPS, SMPP, SFTP), each door's connection, a test per door and
// the SFTP host key pinned on first use. Passwords are sealed at rest
// (config.SecretSettings) and never shown back.

// transportData is the section as the page shows it. The connection
// fields show what is saved for Wavy even in sandbox mode, so choosing
// Wavy starts from it; the built-in sandbox's doors are described apart.
func (s *Server) transportData(ctx context.Context, saved map[string]string) (views.TransportData, error) {
	eff := s.cfg.EffectiveDoors(saved)
	wavyDoors := s.cfg.EffectiveDoors(withMode(saved, config.ProviderWavy))
	sending, inFlight, err := s.store.SendingCampaigns(ctx)
	if err != nil {
		return views.TransportData{}, err
	}
	w, f := wavyDoors.SMPP, wavyDoors.SFTP
	d := views.TransportData{
		Door: eff.Door, WhatsAppDoor: eff.WhatsApp, Sandbox: eff.Sandbox,
		SandboxSMPPAddr: s.cfg.SandboxDoors.SMPPAddr, SandboxSFTPAddr: s.cfg.SandboxDoors.SFTPAddr,
		SMPPHost: w.Host, SMPPPort: w.Port, SMPPTLS: w.TLS, SMPPSystemID: w.SystemID, SMPPPassword: w.Password != "",
		SMPPBinds: w.Binds, SMPPSplit: w.Split,
		SFTPHost: f.Host, SFTPPort: f.Port, SFTPUsername: f.Username, SFTPPassword: f.Password != "", SFTPSub: f.SubAccount,
		SFTPHostKey: f.HostKey, SandboxHostKey: s.cfg.SandboxDoors.SFTPHostKey,
		Sending: sending,
	}
	if sending == 0 && inFlight > 0 {
		d.Sending = 1 // a paused campaign still has messages on their way
	}
	if p := s.doors.Pool(); p.Running {
		d.PoolRunning, d.PoolUp, d.PoolBinds, d.PoolError = true, p.Sending, p.Binds, p.LastError
	}
	return d, nil
}

// renderSettingsWith shows the Settings page with the transport section
// changed by edit (a refused form, a test's outcome).
func (s *Server) renderSettingsWith(c *fiber.Ctx, status int, edit func(*views.TransportData)) error {
	d, err := s.settingsData(c, views.Form{}, nil)
	if err != nil {
		return err
	}
	edit(&d.Transport)
	return s.render(c, status, views.SettingsPage(d))
}

// saveDoors chooses the door of SMS and of WhatsApp. Doors do not change
// while a campaign sends: a message is settled through the door that took
// it (an SFTP file still waiting must not be looked for elsewhere).
func (s *Server) saveDoors(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := formOf(c, "door", "whatsapp_door")
	sms, wa := f.Value("door"), f.Value("whatsapp_door")
	saved, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	eff := s.cfg.EffectiveDoors(saved)
	switch {
	case sms != config.DoorHTTPS && sms != config.DoorSMPP && sms != config.DoorSFTP,
		wa != config.DoorHTTPS && wa != config.DoorSFTP:
		f.Message = tr(c, "transport.problem.door")
	case sms == config.DoorSMPP && !eff.SMPP.Complete():
		f.Message = tr(c, "transport.problem.smpp_incomplete")
	case (sms == config.DoorSFTP || wa == config.DoorSFTP) && !eff.SFTP.Complete():
		f.Message = tr(c, "transport.problem.sftp_incomplete")
	case sms != eff.Door || wa != eff.WhatsApp:
		sending, inFlight, err := s.store.SendingCampaigns(ctx)
		if err != nil {
			return err
		}
		if sending > 0 || inFlight > 0 {
			f.Message = tr(c, "transport.problem.sending")
		}
	}
	if f.Message != "" {
		return s.renderSettingsWith(c, fiber.StatusUnprocessableEntity, func(d *views.TransportData) { d.DoorForm = f })
	}
	if err := s.store.SaveSettings(ctx, map[string]string{config.SettingDoor: sms, config.SettingDoorWhatsApp: wa}); err != nil {
		return err
	}
	s.doors.Refresh()
	s.log.Info("doors saved", "sms", sms, "whatsapp", wa, "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "doors")
	flash(c, "success", "transport.saved_doors")
	return seeOther(c, "/settings#transport")
}

// saveSMPP stores the SMPP connection to Wavy. A blank password keeps the
// saved one, but only for the host it was entered for.
func (s *Server) saveSMPP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := formOf(c, "smpp_host", "smpp_port", "smpp_tls", "smpp_system_id", "smpp_binds", "smpp_bind_mode")
	password := c.FormValue("smpp_password")
	saved, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	cur := s.cfg.EffectiveDoors(withMode(saved, config.ProviderWavy)).SMPP
	host := strings.ToLower(f.Value("smpp_host"))
	if host == "" {
		host = config.DefaultSMPPHost
	}
	if config.CheckHost(host) != nil {
		f.Errors["smpp_host"] = tr(c, "transport.problem.host")
	}
	tls := f.Value("smpp_tls") == "1"
	port := ""
	if raw := f.Value("smpp_port"); raw != "" {
		if p, err := config.CheckPort(raw); err != nil {
			f.Errors["smpp_port"] = tr(c, "transport.problem.port")
		} else {
			port = strconv.Itoa(p)
		}
	}
	binds := strconv.Itoa(config.DefaultSMPPBinds)
	if raw := f.Value("smpp_binds"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > config.MaxSMPPBinds {
			f.Errors["smpp_binds"] = tr(c, "transport.problem.binds", config.MaxSMPPBinds)
		}
		binds = strconv.Itoa(n)
	}
	sysID := f.Value("smpp_system_id")
	if sysID == "" || len(sysID) > 15 || !printable(sysID) {
		f.Errors["smpp_system_id"] = tr(c, "transport.problem.system_id")
	}
	switch {
	case len(password) > 8 || (password != "" && !printable(password)):
		f.Errors["smpp_password"] = tr(c, "transport.problem.smpp_password")
	case password == "" && cur.Password == "":
		f.Errors["smpp_password"] = tr(c, "transport.problem.password_missing")
	case password == "" && (host != cur.Host || !samePort(port, cur.Port, tls, cur.TLS)):
		// The saved password only ever goes where it was entered for.
		f.Errors["smpp_password"] = tr(c, "transport.problem.password_new_host")
	}
	mode := f.Value("smpp_bind_mode")
	if mode != config.BindTransceiver && mode != config.BindSplit {
		mode = config.BindTransceiver
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "transport.problem.fix")
		return s.renderSettingsWith(c, fiber.StatusUnprocessableEntity, func(d *views.TransportData) { d.SMPPForm = f })
	}
	tlsVal := "0"
	if tls {
		tlsVal = "1"
	}
	kv := map[string]string{config.SettingSMPPHost: host, config.SettingSMPPPort: port, config.SettingSMPPTLS: tlsVal,
		config.SettingSMPPSystemID: sysID, config.SettingSMPPBinds: binds, config.SettingSMPPBindMode: mode}
	if password != "" {
		kv[config.SettingSMPPPassword] = password
	}
	if err := s.store.SaveSettings(ctx, kv); err != nil {
		return err
	}
	s.doors.Refresh()
	s.log.Info("smpp settings saved", "host", host, "tls", tls, "system_id", sysID, "binds", binds, "mode", mode,
		"password_changed", password != "", "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "smpp")
	flash(c, "success", "transport.saved_smpp")
	return seeOther(c, "/settings#smpp")
}

// samePort reports whether a typed port ("" for the default of the TLS
// choice) is the port in force.
func samePort(typed string, cur int, tls, curTLS bool) bool {
	if typed == "" {
		def := config.DefaultSMPPPlain
		if tls {
			def = config.DefaultSMPPTLS
		}
		return def == cur && tls == curTLS
	}
	return typed == strconv.Itoa(cur) && tls == curTLS
}

// printable reports whether s is plain visible ASCII, as SMPP's C-octet
// strings need.
func printable(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return false
		}
	}
	return true
}

// saveSFTP stores the SFTP connection to Wavy. A new host or port forgets
// the pinned key (another server) and needs the password typed again.
func (s *Server) saveSFTP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := formOf(c, "sftp_host", "sftp_port", "sftp_username", "sftp_sub_account")
	password := c.FormValue("sftp_password")
	saved, err := s.store.Settings(ctx)
	if err != nil {
		return err
	}
	cur := s.cfg.EffectiveDoors(withMode(saved, config.ProviderWavy)).SFTP
	host := strings.ToLower(f.Value("sftp_host"))
	if host == "" {
		host = config.DefaultSFTPHost
	}
	if config.CheckHost(host) != nil {
		f.Errors["sftp_host"] = tr(c, "transport.problem.host")
	}
	port := config.DefaultSFTPPort
	if raw := f.Value("sftp_port"); raw != "" {
		if port, err = config.CheckPort(raw); err != nil {
			f.Errors["sftp_port"] = tr(c, "transport.problem.port")
		}
	}
	username := f.Value("sftp_username")
	if username == "" || len(username) > 128 || !printable(username) {
		f.Errors["sftp_username"] = tr(c, "transport.problem.sftp_username")
	}
	sub := f.Value("sftp_sub_account")
	if err := batchfile.CheckSubAccount(sub); err != nil {
		f.Errors["sftp_sub_account"] = tr(c, "transport.problem.sub_account")
	}
	moved := host != cur.Host || port != cur.Port
	switch {
	case len(password) > 256:
		f.Errors["sftp_password"] = tr(c, "transport.problem.sftp_password")
	case password == "" && cur.Password == "":
		f.Errors["sftp_password"] = tr(c, "transport.problem.password_missing")
	case password == "" && moved:
		f.Errors["sftp_password"] = tr(c, "transport.problem.password_new_host")
	}
	if len(f.Errors) > 0 {
		f.Message = tr(c, "transport.problem.fix")
		return s.renderSettingsWith(c, fiber.StatusUnprocessableEntity, func(d *views.TransportData) { d.SFTPForm = f })
	}
	kv := map[string]string{config.SettingSFTPHost: host, config.SettingSFTPPort: strconv.Itoa(port),
		config.SettingSFTPUsername: username, config.SettingSFTPSubAccount: sub}
	if password != "" {
		kv[config.SettingSFTPPassword] = password
	}
	if moved {
		kv[config.SettingSFTPHostKey] = "" // another server: trust on first use again
	}
	if err := s.store.SaveSettings(ctx, kv); err != nil {
		return err
	}
	s.doors.Refresh()
	s.log.Info("sftp settings saved", "host", host, "port", port, "username", username, "sub_account", sub,
		"password_changed", password != "", "host_key_reset", moved, "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "sftp")
	flash(c, "success", "transport.saved_sftp")
	return seeOther(c, "/settings#sftp")
}

// testSMPP binds once with the saved SMPP settings and says what happened.
func (s *Server) testSMPP(c *fiber.Ctx) error {
	return s.renderCheck(c, "smpp-check", s.doors.CheckSMPP(c.UserContext()))
}

// testSFTP connects with the saved SFTP settings, shows the server's key
// and pins it when none is pinned yet.
func (s *Server) testSFTP(c *fiber.Ctx) error {
	return s.renderCheck(c, "sftp-check", s.doors.CheckSFTP(c.UserContext()))
}

func (s *Server) renderCheck(c *fiber.Ctx, id string, ch door.Check) error {
	msg := tr(c, ch.Key, ch.Args...)
	if ch.Pinned {
		msg += " " + tr(c, "transport.check.pinned_now")
	}
	res := &views.TransportCheck{OK: ch.OK, Message: msg, Fingerprint: ch.Fingerprint}
	if c.Get("HX-Request") != "" {
		return s.render(c, fiber.StatusOK, views.TransportCheckResult(id, res))
	}
	return s.renderSettingsWith(c, fiber.StatusOK, func(d *views.TransportData) {
		if id == "smpp-check" {
			d.SMPPCheck = res
		} else {
			d.SFTPCheck = res
		}
	})
}

// forgetHostKey unpins the SFTP server's key: the next connection trusts
// the key it is shown and pins it.
func (s *Server) forgetHostKey(c *fiber.Ctx) error {
	if err := s.doors.ForgetHostKey(c.UserContext()); err != nil {
		return err
	}
	s.log.Warn("sftp host key forgotten; the next connection pins the key it is shown", "by", currentUser(c).ID)
	s.record(c, audit.SettingsChanged, "settings", nil, "", "section", "sftp host key forgotten")
	flash(c, "success", "transport.sftp.forgotten")
	return seeOther(c, "/settings#sftp")
}
