package web

import "net/http"

// projectManageRoutes adds the pages where owners manage a project's
// releases and files.
func (s *Server) projectManageRoutes(m *http.ServeMux) {}
