package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"

	"wharf"
	"wharf/i18n"
)

//go:embed templates
var templateFS embed.FS

// ui is what every HTML page shares: the message catalogs, the page
// templates and the static assets. It is built once, in New, and read-only
// afterwards.
//
// Each page is parsed once and then cloned for every locale with that
// locale's t and tn functions bound, so templates write {{t "id"}} and
// nothing is parsed or cloned per request.
type ui struct {
	bundle *i18n.Bundle
	assets assets
	pages  map[string]map[string]*template.Template // by locale id, then page file name
}

// newUI loads the catalogs, assets and templates; prefix is the base URL's
// path, which asset URLs start with.
func newUI(prefix string) (*ui, error) {
	bundle, err := i18n.Load()
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "loading message catalogs", err)
	}
	a, err := loadAssets()
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "loading static assets", err)
	}
	u := &ui{bundle: bundle, assets: a, pages: map[string]map[string]*template.Template{}}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "listing templates", err)
	}
	for _, file := range files {
		// Every page is parsed with the layout and its partials. Parsing
		// needs the functions to exist; each locale's clone replaces them
		// before any execution.
		base, err := template.New(path.Base(file)).Funcs(u.funcs(bundle.Source(), prefix)).
			ParseFS(templateFS, "templates/base.html", "templates/partials/*.html", file)
		if err != nil {
			return nil, wharf.WrapError(wharf.EINTERNAL, "parsing "+file, err)
		}
		for _, l := range bundle.Locales() {
			t, err := base.Clone()
			if err != nil {
				return nil, wharf.WrapError(wharf.EINTERNAL, "cloning "+file, err)
			}
			if u.pages[l.ID()] == nil {
				u.pages[l.ID()] = map[string]*template.Template{}
			}
			u.pages[l.ID()][path.Base(file)] = t.Funcs(u.funcs(l, prefix))
		}
	}
	return u, nil
}

// funcs are the template functions of locale l:
//
//	{{t "id" "name" .Value}}  the message, placeholders filled (Localizer.T)
//	{{tn "id" .Count}}        the plural message for a count (Localizer.N)
//	{{static "wharf.css"}}    the URL of a static asset
func (u *ui) funcs(l *i18n.Localizer, prefix string) template.FuncMap {
	return template.FuncMap{
		"t":      l.T,
		"tn":     l.N,
		"static": func(name string) string { return u.assets.url(prefix, name) },
	}
}

// view is the data of every page: the layout reads the fields, the page
// its own data in Page.
type view struct {
	L       *i18n.Localizer   // the request's locale
	Locales []*i18n.Localizer // the language switcher's choices
	Prefix  string            // the base URL's path, for links
	Here    string            // this page's path and query, where the switcher returns
	Path    string            // this page's path without the query, for aria-current
	User    *wharf.User       // the logged-in user, or nil
	Page    any
}

// localeCookie is the cookie that keeps a visitor's choice of language;
// the name is PyPI's.
const localeCookie = "_LOCALE_"

// localizer returns the locale for r: the cookie's, else Accept-Language's.
func (s *Server) localizer(r *http.Request) *i18n.Localizer {
	chosen := ""
	if c, err := r.Cookie(localeCookie); err == nil {
		chosen = c.Value
	}
	return s.ui.bundle.Negotiate(chosen, r.Header.Get("Accept-Language"))
}

// renderPage writes the page template name with the given status and page
// data, in r's locale. The page is rendered into a buffer first, so a
// template error becomes an error reply rather than half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	l := s.localizer(r)
	t := s.ui.pages[l.ID()][name]
	if t == nil {
		return wharf.Errorf(wharf.EINTERNAL, "no page template %q", name)
	}
	here := s.prefix + r.URL.Path
	if r.URL.RawQuery != "" {
		here += "?" + r.URL.RawQuery
	}
	var buf bytes.Buffer
	v := view{L: l, Locales: s.ui.bundle.Locales(), Prefix: s.prefix, Here: here, Path: s.prefix + r.URL.Path, Page: data}
	if cur := currentUser(r); cur != nil {
		v.User = cur.User
	}
	if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
		return wharf.WrapError(wharf.EINTERNAL, fmt.Sprintf("rendering %s in %s", name, l.ID()), err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", l.ID())
	// The page depends on the locale cookie and Accept-Language, so shared
	// caches must key on them and browsers must ask again after a switch.
	h.Set("Vary", "Accept-Language, Cookie")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// requestOrigin is the scheme and host of the index as the client sees it: the
// base URL's when configured, else the request's own. The request's Host
// is the client's to choose, but it only ever comes back to that client.
func (s *Server) requestOrigin(r *http.Request) string {
	if s.origin != "" {
		return s.origin
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
