package web

import "arauto/internal/user"

// templateRoutes lists the message-template pages and the composer's actions.
func (s *Server) templateRoutes() []route {
	return []route{
		{"GET", "/templates", user.Viewer, s.section("nav.templates", "✎", "templates.empty.title", "templates.empty.body")},
	}
}
