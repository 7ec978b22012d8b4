package web

import "net/http"

// historyRoutes adds the security history pages.
func (s *Server) historyRoutes(m *http.ServeMux) {}
