package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"wharf"
	"wharf/i18n"
	"wharf/render"
)

// renderView renders page template name in locale l into a byte slice, for
// pages kept in the page cache; here is the path the language switcher
// returns to. Like renderPage, it renders completely before anything is
// written.
func (s *Server) renderView(l *i18n.Localizer, name, here string, data any) ([]byte, error) {
	t := s.ui.pages[l.ID()][name]
	if t == nil {
		return nil, wharf.Errorf(wharf.EINTERNAL, "no page template %q", name)
	}
	var buf bytes.Buffer
	v := view{L: l, Locales: s.ui.bundle.Locales(), Prefix: s.prefix, Here: here, Page: data}
	if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, fmt.Sprintf("rendering %s in %s", name, l.ID()), err)
	}
	return buf.Bytes(), nil
}

// descriptionHTML is the README to embed. A release uploaded before
// READMEs were rendered at upload has none stored; its description is
// rendered now, falling back to plain text as PyPI shows old descriptions,
// since refusing it is no longer possible. The result is the page cache's
// to keep.
func (s *Server) descriptionHTML(d *wharf.Description, info wharf.ReleaseInfo) (html template.HTML, none, failed bool) {
	if strings.TrimSpace(info.Description) == "" && (d == nil || strings.TrimSpace(d.HTML) == "") {
		return "", true, false
	}
	var fragment string
	if d != nil {
		fragment = d.HTML
	} else {
		res, err := render.Render(info.DescriptionContentType, info.Description, render.Options{Fallback: true})
		if err != nil {
			s.log.Warn("rendering a stored description", "project", info.Name, "version", info.Version, "err", err)
			return "", false, true
		}
		fragment = res.HTML
	}
	// Images go through wharf's image proxy, so that readers' browsers
	// never contact the hosts a README names.
	fragment = s.proxyImages(fragment)
	// The fragment comes from wharf/render's sanitiser, at upload or just
	// above, and the proxy changed only image URLs: it is the one kind of
	// HTML a page may embed as it is.
	return template.HTML(fragment), false, false
}

// dateView is a moment shown as a day: Day is written in ISO 8601, which
// reads the same in every locale, and Machine fills <time datetime>.
type dateView struct {
	Day, Machine string
}

func newDate(t time.Time) dateView {
	t = t.UTC()
	return dateView{Day: t.Format("2006-01-02"), Machine: t.Format(time.RFC3339)}
}

// sizeView is a file size in decimal units, as PyPI writes them: Unit is
// "B" (Whole bytes), "kB", "MB" or "GB" (Whole.Tenth units). The templates
// write it through messages, so each locale has its own separator and
// digits.
type sizeView struct {
	Unit         string
	Whole, Tenth int
}

func newSize(n int64) sizeView {
	if n < 1000 {
		return sizeView{Unit: "B", Whole: int(n)}
	}
	units := []struct {
		name string
		size int64
	}{{"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}}
	i := 0
	for i+1 < len(units) && n >= units[i+1].size {
		i++
	}
	tenths := (n*10 + units[i].size/2) / units[i].size
	// 999.96 kB rounds to 1000.0 kB, which reads better as 1.0 MB.
	if tenths >= 10000 && i+1 < len(units) {
		i++
		tenths = (n*10 + units[i].size/2) / units[i].size
	}
	return sizeView{Unit: units[i].name, Whole: int(tenths / 10), Tenth: int(tenths % 10)}
}

// projectLink is one of a release's links. Kind is "home" or "download"
// for the Home-page and Download-URL fields, whose labels the page
// translates, and "" for a Project-URL with the author's own label.
type projectLink struct {
	Label, URL, Kind string
}

// projectLinks returns the release's links that are safe to follow, in
// PyPI's order: Project-URL entries, then Home-page and Download-URL unless
// a Project-URL has the same label.
func projectLinks(info wharf.ReleaseInfo) []projectLink {
	var links []projectLink
	seen := map[string]bool{}
	for _, pu := range info.ProjectURLs {
		label, raw, ok := cutProjectURL(pu)
		u, safe := safeLink(raw)
		if !ok || !safe || label == "" {
			continue
		}
		seen[labelKey(label)] = true
		links = append(links, projectLink{Label: label, URL: u})
	}
	if u, ok := safeLink(info.HomePage); ok && !seen["homepage"] {
		links = append(links, projectLink{URL: u, Kind: "home"})
	}
	if u, ok := safeLink(info.DownloadURL); ok && !seen["download"] {
		links = append(links, projectLink{URL: u, Kind: "download"})
	}
	return links
}

// labelKey folds a link label as PyPI compares them: "Home page",
// "home-page" and "Homepage" are one.
func labelKey(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// safeLink returns raw as an absolute http or https URL with a host, or
// false. Everything else is dropped rather than shown inert: javascript:
// and data: URLs run code, relative ones point into the index itself, and
// credentials in a URL are a phishing trick. Whitespace and control
// characters are refused, as browsers strip some of them ("java\tscript:"),
// and so are invisible format characters such as the bidi overrides, which
// make a URL read other than it goes.
func safeLink(raw string) (string, bool) {
	if raw == "" || len(raw) > 2048 || !utf8.ValidString(raw) {
		return "", false
	}
	for _, r := range raw {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\\' {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	if scheme := strings.ToLower(u.Scheme); scheme != "http" && scheme != "https" {
		return "", false
	}
	return u.String(), true
}

// licenseSummary shortens a License field that holds a whole license text,
// as many do, to its first line.
func licenseSummary(license string) string {
	license = strings.TrimSpace(license)
	first, _, more := strings.Cut(license, "\n")
	first = strings.TrimSpace(first)
	if utf8.RuneCountInString(first) > 100 {
		first, more = string([]rune(first)[:100]), true
	}
	if more {
		first += "…"
	}
	return first
}

// classifierGroup is the classifiers under one top-level name
// ("Programming Language"), each without it ("Python :: 3").
type classifierGroup struct {
	Name   string
	Values []string
}

// groupClassifiers groups classifiers by their first part, groups sorted
// by name and values kept in their order.
func groupClassifiers(classifiers []string) []classifierGroup {
	byName := map[string]int{}
	var groups []classifierGroup
	for _, c := range classifiers {
		name, rest, ok := strings.Cut(c, " :: ")
		if !ok {
			rest = name
		}
		i, found := byName[name]
		if !found {
			i = len(groups)
			byName[name] = i
			groups = append(groups, classifierGroup{Name: name})
		}
		groups[i].Values = append(groups[i].Values, rest)
	}
	sort.SliceStable(groups, func(a, b int) bool { return groups[a].Name < groups[b].Name })
	return groups
}
