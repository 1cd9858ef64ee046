package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIP is the address of the person behind a request. A request from
// a trusted proxy (ARAUTO_TRUSTED_PROXIES) is judged by its
// X-Forwarded-For header, read from the right: each proxy appends the
// address it received the request from, so the first address from the
// right that is not a trusted proxy is the client. Anything left of it was
// written by the client and is ignored. Without trusted proxies the
// header is never believed.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	client := peer
	hops := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(string(hops[i]), ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				// A malformed hop ends what can be believed.
				return client.String()
			}
			client = a.Unmap()
			if !s.trustedProxy(client) {
				return client.String()
			}
		}
	}
	return client.String()
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
