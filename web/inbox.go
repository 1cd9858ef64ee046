package web

import "arauto/internal/user"

// inboxRoutes lists the inbox, conversation and suppression pages.
func (s *Server) inboxRoutes() []route {
	return []route{
		{"GET", "/inbox", user.Viewer, s.section("nav.inbox", "⇄", "inbox.empty.title", "inbox.empty.body")},
	}
}
