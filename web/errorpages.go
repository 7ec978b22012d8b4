package web

import (
	"net/http"
	"strings"

	"wharf"
)

// errorPage is the data of the error page. It holds no error text: a
// domain message is English and may name internals, and a 500 page must
// never show what went wrong inside.
type errorPage struct {
	Status      int
	NotFound    bool
	ServerError bool
}

// page adapts a handler of an HTML page: an error it returns becomes the
// localized error page. API routes keep s.handle, whose plain replies
// clients depend on.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeErrorPage(w, r, err)
		}
	})
}

// writeErrorPage logs an internal error once and writes the error page
// for its status. Should the page itself fail, a plain reply goes out.
func (s *Server) writeErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	data := errorPage{Status: status, NotFound: status == http.StatusNotFound || status == http.StatusGone,
		ServerError: status >= 500}
	if perr := s.renderPage(w, r, status, "error.html", data); perr != nil {
		s.log.Error("rendering error page", "status", status, "err", perr)
		http.Error(w, http.StatusText(status), status)
	}
}

// notFound serves every GET that no route matched. A path that other
// methods serve gets the mux's own 405 reply, as before this catch-all
// existed (GET /legacy/). Browsers get the friendly page; paths under the
// APIs, and clients that do not take HTML, get the plain 404 they always
// had.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if allow := s.otherMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return nil
	}
	if apiPath(r.URL.Path) || !acceptsHTML(r.Header.Get("Accept")) {
		http.NotFound(w, r)
		return nil
	}
	return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
}

// otherMethods returns, sorted, the methods other than GET and HEAD that
// a route serves r's path with.
func (s *Server) otherMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodDelete, http.MethodPatch, http.MethodPost, http.MethodPut} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

// apiPath reports whether p lies under a route tree that machines read:
// the Simple and JSON APIs, files, uploads, health, assets and the
// transparency log.
func apiPath(p string) bool {
	for _, root := range []string{"/simple/", "/pypi/", "/packages/", "/legacy/", "/static/", "/log/", "/_"} {
		if strings.HasPrefix(p, root) {
			return true
		}
	}
	return false
}

// acceptsHTML reports whether an Accept header admits HTML: browsers name
// text/html, curl and others send */*, and no header at all means anything.
func acceptsHTML(accept string) bool {
	accept = strings.ToLower(accept)
	return accept == "" || strings.Contains(accept, "text/html") || strings.Contains(accept, "*/*")
}
