package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"

	"golang.org/x/crypto/ssh"

	"arauto/internal/config"
	"arauto/internal/sandbox"
)

// builtinDoors are the built-in sandbox's SMPP and SFTP servers, each on
// a loopback listener of its own, so the SMPP and SFTP doors work offline
// as the HTTPS one does.
type builtinDoors struct {
	smpp, sftp net.Listener
	hostKey    ssh.Signer
	server     *sandbox.SFTPServer
}

// listenSandboxDoors opens the listeners and records their addresses and
// credentials in cfg.SandboxDoors. The credentials derive from the
// sandbox token (generated once into the data directory): the SMPP
// password (SMPP allows 8 characters) and the SFTP host key stay the same
// across restarts, so the key stays pinned.
func listenSandboxDoors(cfg *config.Config) (*builtinDoors, error) {
	b := &builtinDoors{}
	var err error
	if b.smpp, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("listen for the built-in sandbox's SMPP: %w", err)
	}
	if b.sftp, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		b.smpp.Close()
		return nil, fmt.Errorf("listen for the built-in sandbox's SFTP: %w", err)
	}
	seed := sha256.Sum256([]byte("arauto sandbox sftp host key\x00" + cfg.SandboxToken))
	if b.hostKey, err = ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:])); err != nil {
		b.close()
		return nil, fmt.Errorf("built-in sandbox's SFTP host key: %w", err)
	}
	pass := sha256.Sum256([]byte("arauto sandbox smpp password\x00" + cfg.SandboxToken))
	cfg.SandboxDoors = config.SandboxDoors{
		SMPPAddr:     b.smpp.Addr().String(),
		SMPPPassword: hex.EncodeToString(pass[:4]),
		SFTPAddr:     b.sftp.Addr().String(),
		SFTPHostKey:  ssh.FingerprintSHA256(b.hostKey.PublicKey()),
	}
	return b, nil
}

// serve starts both servers on sb.
func (b *builtinDoors) serve(sb *sandbox.Sandbox, log *slog.Logger) error {
	go func() {
		if err := sb.ServeSMPP(b.smpp); err != nil {
			log.Error("built-in sandbox SMPP stopped", "err", err)
		}
	}()
	srv, err := sb.ServeSFTP(b.sftp, sandbox.SFTPOptions{HostKey: b.hostKey})
	if err != nil {
		return err
	}
	b.server = srv
	log.Info("built-in sandbox SMPP listening", "addr", b.smpp.Addr().String())
	log.Info("built-in sandbox SFTP listening", "addr", b.sftp.Addr().String())
	return nil
}

func (b *builtinDoors) close() {
	if b.server != nil {
		b.server.Close()
	}
	b.smpp.Close()
	b.sftp.Close()
}
