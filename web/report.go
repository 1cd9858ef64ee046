package web

// reportRoutes lists the campaign report pages and exports.
func (s *Server) reportRoutes() []route { return nil }
