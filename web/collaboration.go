package web

import "net/http"

// collaborationRoutes adds the pages where owners manage a project's
// collaborators and users answer invitations.
func (s *Server) collaborationRoutes(m *http.ServeMux) {}
