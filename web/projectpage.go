package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"

	"wharf"
	"wharf/dist"
	"wharf/pep440"
)

// projectPageTemplate is a plain, accessible project page: enough for the
// JSON API's package_url and release_url to lead somewhere. The full web
// UI (rendered READMEs, translations) is another issue's work.
var projectPageTemplate = template.Must(template.New("project").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} {{.Version}}</title>
</head>
<body>
<main>
<h1>{{.Name}} {{.Version}}</h1>
{{- with .Summary}}
<p>{{.}}</p>
{{- end}}
{{- if .Yanked}}
<p><strong>This release is yanked</strong>{{with .YankedReason}}: {{.}}{{end}}</p>
{{- end}}
<p><code>pip install {{.Name}}{{if .Pinned}}=={{.Version}}{{end}}</code></p>
{{- with .RequiresPython}}
<p>Requires Python {{.}}</p>
{{- end}}
<h2>Files</h2>
<ul>
{{- range .Files}}
<li><a href="{{.URL}}">{{.Filename}}</a> ({{.Size}} bytes; sha256 <code>{{.SHA256}}</code>)</li>
{{- end}}
</ul>
<h2>Release history</h2>
<ul>
{{- range .Releases}}
<li><a href="{{.Href}}">{{.Version}}</a>{{if .Yanked}} (yanked){{end}}</li>
{{- end}}
</ul>
<p><a href="{{.SimpleHref}}">Simple index page</a> · <a href="{{.JSONHref}}">JSON</a></p>
</main>
</body>
</html>
`))

type pageRelease struct {
	Version, Href string
	Yanked        bool
}

type pageFile struct {
	Filename, URL, SHA256 string
	Size                  int64
}

// renderProjectPage renders /project/<name>/ (release nil: the latest) or
// /project/<name>/<version>/.
func (s *Server) renderProjectPage(d *projectData, rel *wharf.Release, pinned bool) (*page, error) {
	base := s.prefix + "/project/" + url.PathEscape(d.Project.Name) + "/"
	releases := make([]pageRelease, 0, len(d.Releases))
	for i := len(d.Releases) - 1; i >= 0; i-- {
		r := d.Releases[i]
		releases = append(releases, pageRelease{Version: r.Version, Href: base + url.PathEscape(r.Version) + "/", Yanked: r.Yanked})
	}
	var files []pageFile
	for _, f := range d.Files {
		if f.ReleaseID == rel.ID {
			files = append(files, pageFile{Filename: f.Filename, URL: s.fileURL(f), SHA256: f.SHA256, Size: f.Size})
		}
	}
	var buf bytes.Buffer
	err := projectPageTemplate.Execute(&buf, map[string]any{
		"Name": d.Project.DisplayName, "Version": rel.Version, "Summary": rel.Summary, "Yanked": rel.Yanked,
		"YankedReason": rel.YankedReason, "Pinned": pinned, "RequiresPython": rel.RequiresPython,
		"Files": files, "Releases": releases,
		"SimpleHref": s.prefix + "/simple/" + url.PathEscape(d.Project.Name) + "/",
		"JSONHref":   s.prefix + "/pypi/" + url.PathEscape(d.Project.Name) + "/json",
	})
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "rendering project page", err)
	}
	return newPage(buf.Bytes(), "text/html; charset=utf-8", d.Project.LastSerial), nil
}

// pageHeaders are the fixed headers of project pages: no script, style or
// frame may run in them.
var pageHeaders = map[string][]string{
	"Cache-Control":           {"max-age=60, public"},
	"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"same-origin"},
}

// projectPage serves /project/<name>/ and /project/<name>/<version>/.
func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	raw, version := r.PathValue("project"), r.PathValue("version")
	name := dist.NormalizeName(raw)
	if name != raw {
		path := s.prefix + "/project/" + url.PathEscape(name) + "/"
		if version != "" {
			path += url.PathEscape(version) + "/"
		}
		redirect(w, r, path)
		return nil
	}
	canonical := ""
	if version != "" {
		v, err := pep440.Parse(version)
		if err != nil {
			return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
		}
		canonical = v.Canonical()
	}
	p, err := s.cache.cached(name, "page:"+canonical, func() (*page, error) {
		d, err := s.loadProject(r.Context(), name)
		if err != nil {
			return nil, err
		}
		rel := latestRelease(d.Releases)
		if canonical != "" {
			rel = nil
			for i := range d.Releases {
				if d.Releases[i].Canonical == canonical {
					rel = &d.Releases[i]
				}
			}
		}
		if rel == nil {
			return nil, wharf.Errorf(wharf.ENOTFOUND, "Not Found")
		}
		return s.renderProjectPage(d, rel, canonical != "")
	})
	if err != nil {
		return err
	}
	s.servePage(w, r, p, pageHeaders)
	return nil
}
