package web

import "arauto/internal/user"

// campaignRoutes lists the campaign pages and actions.
func (s *Server) campaignRoutes() []route {
	return []route{
		{"GET", "/campaigns", user.Viewer, s.section("nav.campaigns", "✉", "campaigns.empty.title", "campaigns.empty.body")},
	}
}
