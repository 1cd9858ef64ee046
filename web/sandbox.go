package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"arauto/internal/config"
)

// newSandboxServer wraps the built-in Wavy simulator for ServeSandbox. It
// answers only while the effective provider is the sandbox: with real
// credentials in use, the simulator must not be able to feed invented
// events into our own webhooks.
func (s *Server) newSandboxServer(h http.Handler) *http.Server {
	gate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.provider(r.Context())
		if err != nil {
			s.log.Error("sandbox: read provider settings", "err", err)
			http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
			return
		}
		if p.Mode != config.ProviderSandbox {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"the sandbox is off: the console uses Wavy"}`)
			return
		}
		h.ServeHTTP(w, r)
	})
	return &http.Server{Handler: gate, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
}

// ServeSandbox answers the built-in sandbox on ln until Shutdown. main gives
// it a loopback listener of its own: the simulator is never reachable on
// the console's address, and its token is generated, so only this process
// (and whoever can read the data directory) can call it.
func (s *Server) ServeSandbox(ln net.Listener) error {
	if s.sandboxServer == nil {
		ln.Close()
		return errors.New("web: no sandbox to serve")
	}
	if err := s.sandboxServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serve sandbox: %w", err)
	}
	return nil
}
