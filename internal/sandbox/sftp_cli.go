package sandbox

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
)

// startSFTP serves the SFTP door of `arauto sandbox --sftp-addr` with the
// API's username and token as credentials and a host key generated for
// this run, whose fingerprint it prints for the client to pin.
func startSFTP(ctx context.Context, sb *Sandbox, addr string, stdout io.Writer, logger *slog.Logger) (*SFTPServer, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: sftp listen: %w", err)
	}
	srv, err := sb.ServeSFTP(ln, SFTPOptions{})
	if err != nil {
		ln.Close()
		return nil, err
	}
	fmt.Fprintf(stdout, "arauto sandbox SFTP listening on %s (host key %s)\n", ln.Addr(), srv.Fingerprint())
	logger.Info("sandbox: sftp listening", "addr", ln.Addr().String(), "host_key", srv.Fingerprint())
	return srv, nil
}
