package web

import "net/http"

// tokenRoutes adds the API token pages (/manage/account/token/).
func (s *Server) tokenRoutes(m *http.ServeMux) {}
