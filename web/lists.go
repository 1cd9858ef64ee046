package web

import "arauto/internal/user"

// listRoutes lists the recipient-list pages and actions.
func (s *Server) listRoutes() []route {
	return []route{
		{"GET", "/lists", user.Viewer, s.section("nav.lists", "☰", "lists.empty.title", "lists.empty.body")},
	}
}
