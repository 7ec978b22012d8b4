package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wharf"
	"wharf/accounts"
)

// The cookies of the login flow. The names of the session and of the
// pending login are PyPI's habits, not its exact names; nothing outside
// wharf reads them.
const (
	// sessionCookie holds the session id the accounts use case issued.
	sessionCookie = "session_id"
	// pendingCookie holds the signed token between the password step and
	// the second factor.
	pendingCookie = "login_pending"
	// rememberCookie holds a "remember this device" token; it is sent
	// only to the login form, the one place that reads it.
	rememberCookie = "remember_device"
	// webauthnCookie holds the sealed WebAuthn ceremony state between the
	// options request and the response that answers it.
	webauthnCookie = "webauthn_state"
)

// currentKey is the context key of the request's *accounts.Current.
type currentKey struct{}

// currentUser returns the logged-in session of r, or nil.
func currentUser(r *http.Request) *accounts.Current {
	cur, _ := r.Context().Value(currentKey{}).(*accounts.Current)
	return cur
}

// withSession loads the session named by the session cookie, if any, and
// puts it in the request's context for the handler. A cookie whose
// session is gone (expired, logged out, ended by a password change) is
// cleared.
func (s *Server) withSession(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			return h(w, r)
		}
		cur, err := s.accounts.Session(r.Context(), c.Value)
		switch {
		case wharf.IsCode(err, wharf.ENOTFOUND):
			s.clearCookie(w, r, sessionCookie, s.prefix+"/")
			return h(w, r)
		case err != nil:
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), currentKey{}, cur)))
	}
}

// actor is who a browser request acts as, for the audit records.
func actor(r *http.Request) wharf.Actor {
	a := wharf.Actor{IP: clientIP(r), UserAgent: r.UserAgent()}
	if cur := currentUser(r); cur != nil {
		a.UserID, a.UserName = cur.User.ID, cur.User.Name
	}
	return a
}

// secureCookies says whether cookies get the Secure attribute: when the
// index is reached over HTTPS.
func (s *Server) secureCookies(r *http.Request) bool {
	return strings.HasPrefix(s.requestOrigin(r), "https:")
}

// setSession gives the browser a new session id: after a login and after
// every change of privilege, so an id learnt before never gains rights.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: s.prefix + "/",
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

// setShortCookie sets one of the short-lived cookies of a login flow.
func (s *Server) setShortCookie(w http.ResponseWriter, r *http.Request, name, value, path string, age time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: path, MaxAge: int(age / time.Second),
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

// setRemember sets the "remember this device" cookie. It is Strict and
// scoped to the login form: no other page, and no other site, ever sends
// it.
func (s *Server) setRemember(w http.ResponseWriter, r *http.Request, value string) {
	http.SetCookie(w, &http.Cookie{
		Name: rememberCookie, Value: value, Path: s.prefix + "/account/login/",
		MaxAge:   int(accounts.RememberLifetime / time.Second),
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteStrictMode,
	})
}

// clearCookie removes a cookie set with path.
func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

// cookieValue returns the value of r's cookie name, or "".
func cookieValue(r *http.Request, name string) string {
	if c, err := r.Cookie(name); err == nil {
		return c.Value
	}
	return ""
}

// seeOther redirects a browser to a path of this index after a form, so
// that reloading the next page does not post the form again.
func seeOther(w http.ResponseWriter, r *http.Request, target string) error {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// nextPath returns the ?next= (or posted next) of r when it is a path of
// this index, else fallback. It never yields another site's address.
func (s *Server) nextPath(r *http.Request, fallback string) string {
	next := r.FormValue("next")
	if p, ok := s.localPath(next); ok {
		return p
	}
	return fallback
}

// withNext returns path with ?next=target.
func withNext(path, target string) string {
	return path + "?next=" + url.QueryEscape(target)
}

// requireLogin sends a visitor who is not logged in to the login page,
// asking it to return to back afterwards (this page when back is "").
// It runs after withSession.
func (s *Server) requireLogin(back string, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if currentUser(r) == nil {
			to := back
			if to == "" {
				to = r.URL.Path
			}
			return seeOther(w, r, withNext(s.prefix+"/account/login/", s.prefix+to))
		}
		return h(w, r)
	}
}
