package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// localeCookieMaxAge keeps a choice of language for a year.
const localeCookieMaxAge = 365 * 24 * 60 * 60

// switchLocale serves GET /locale/?locale_id=fa&next=/help/, as PyPI does:
// it keeps the chosen locale in the _LOCALE_ cookie and sends the browser
// back to next, or else to the page it came from (Referer), when either is
// a page of this index; anything else goes home, so the switcher can never
// send anyone to another site. An unknown locale changes nothing.
func (s *Server) switchLocale(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if l, ok := s.ui.bundle.Lookup(q.Get("locale_id")); ok {
		http.SetCookie(w, &http.Cookie{
			Name: localeCookie, Value: l.ID(), Path: s.prefix + "/", MaxAge: localeCookieMaxAge,
			HttpOnly: true, SameSite: http.SameSiteLaxMode,
			Secure: strings.HasPrefix(s.requestOrigin(r), "https:"),
		})
	}
	target, ok := s.localPath(q.Get("next"))
	if !ok {
		target, ok = s.refererPath(r)
	}
	if !ok {
		target = s.prefix + "/"
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// localPath returns p if it is a path of this index, safe to redirect to:
// rooted, not protocol-relative ("//evil.example"), without backslashes
// (browsers read "/\evil.example" as "//evil.example") or control
// characters (they drop tabs and newlines, so "/\t/evil.example" would
// become protocol-relative), and under the base URL's path.
func (s *Server) localPath(p string) (string, bool) {
	if len(p) == 0 || len(p) > 2048 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "", false
	}
	// Dot segments ("/py/../admin") are resolved before the prefix is
	// checked, as the browser and http.Redirect will resolve them.
	if clean := path.Clean(u.Path); s.prefix != "" && clean != s.prefix && !strings.HasPrefix(clean, s.prefix+"/") {
		return "", false
	}
	return p, true
}

// refererPath returns the path and query of the Referer header when it
// is a page of this index (same origin, under the base URL's path).
func (s *Server) refererPath(r *http.Request) (string, bool) {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Scheme == "" || u.Host == "" || u.Scheme+"://"+u.Host != s.requestOrigin(r) {
		return "", false
	}
	return s.localPath(u.RequestURI())
}
