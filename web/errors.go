package web

import (
	"net/http"

	"wharf"
)

// statusOf maps a domain error code to an HTTP status.
func statusOf(err error) int {
	switch wharf.ErrorCode(err) {
	case wharf.EINVALID, wharf.ETOOLARGE:
		return http.StatusBadRequest
	case wharf.ENOTFOUND:
		return http.StatusNotFound
	case wharf.ECONFLICT:
		return http.StatusConflict
	case wharf.EFORBIDDEN:
		return http.StatusForbidden
	case wharf.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case wharf.ETOOMANY:
		return http.StatusTooManyRequests
	case wharf.EGONE:
		return http.StatusGone
	default:
		return http.StatusInternalServerError
	}
}

// handlerFunc is a handler that returns an error; errorHandler turns it into
// an http.Handler that writes the error's status and safe message.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError logs internal errors once and writes a plain-text reply whose
// body never includes internal details.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := wharf.ErrorMessage(err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write([]byte(http.StatusText(status) + "\n\n" + msg + "\n"))
}
