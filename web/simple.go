package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"wharf"
	"wharf/dist"
)

// simpleAPIVersion is the PEP 629/700 version this server speaks.
const simpleAPIVersion = "1.1"

var simpleTemplates = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="{{.Version}}">
    <title>Simple index</title>
  </head>
  <body>
{{- range .Projects}}
    <a href="{{.Href}}">{{.Name}}</a><br />
{{- end}}
  </body>
</html>
`))

var simpleProjectTemplate = template.Must(template.New("project").Parse(`<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="{{.Version}}">
    <title>Links for {{.Name}}</title>
  </head>
  <body>
    <h1>Links for {{.Name}}</h1>
{{- range .Files}}
    <a href="{{.URL}}#sha256={{.SHA256}}"
      {{- with .RequiresPython}} data-requires-python="{{.}}"{{end}}
      {{- if .Metadata}} data-dist-info-metadata="sha256={{.Metadata}}" data-core-metadata="sha256={{.Metadata}}"{{end}}
      {{- if .Yanked}} data-yanked="{{.YankedReason}}"{{end}}>{{.Filename}}</a><br />
{{- end}}
  </body>
</html>
{{.Serial}}
`))

type simpleLink struct {
	Href, Name string
}

type simpleFile struct {
	URL, SHA256, RequiresPython, Metadata, Filename, YankedReason string
	Yanked                                                        bool
}

// jsonFile is a file entry of the PEP 691 JSON form.
type jsonFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	Hashes         map[string]string `json:"hashes"`
	RequiresPython *string           `json:"requires-python,omitempty"`
	Size           int64             `json:"size"`
	UploadTime     string            `json:"upload-time"`
	Yanked         any               `json:"yanked"`
	CoreMetadata   any               `json:"core-metadata,omitempty"`
	// PyPI sends this misnamed key too; pip 23.0 ignores it, whereas a
	// "dist-info-metadata" object makes it crash.
	DataDistInfoMetadata any `json:"data-dist-info-metadata,omitempty"`
}

type jsonMeta struct {
	APIVersion string `json:"api-version"`
	LastSerial int64  `json:"_last-serial"`
}

// renderSimpleProject renders one project's Simple page in either form.
func (s *Server) renderSimpleProject(d *projectData, contentType string) (*page, error) {
	if contentType == typeJSONv1 {
		return s.renderSimpleProjectJSON(d)
	}
	files := make([]simpleFile, 0, len(d.Files))
	for _, f := range d.Files {
		sf := simpleFile{URL: s.fileURL(f), SHA256: f.SHA256, RequiresPython: f.RequiresPython,
			Filename: f.Filename, Yanked: f.Yanked, YankedReason: f.YankedReason}
		if servesMetadata(f) {
			sf.Metadata = f.MetadataSHA256
		}
		files = append(files, sf)
	}
	var buf bytes.Buffer
	err := simpleProjectTemplate.Execute(&buf, map[string]any{
		"Version": simpleAPIVersion, "Name": d.Project.Name, "Files": files,
		// html/template drops comments, so PyPI's serial comment goes in whole.
		"Serial": template.HTML("<!--SERIAL " + strconv.FormatInt(d.Project.LastSerial, 10) + "-->")})
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "rendering simple page", err)
	}
	return newPage(buf.Bytes(), htmlContentType(contentType), d.Project.LastSerial), nil
}

func htmlContentType(t string) string {
	if t == typeHTML {
		return "text/html; charset=utf-8"
	}
	return t
}

func (s *Server) renderSimpleProjectJSON(d *projectData) (*page, error) {
	versions := make([]string, 0, len(d.Releases))
	for _, r := range d.Releases {
		versions = append(versions, r.Version)
	}
	files := make([]jsonFile, 0, len(d.Files))
	for _, f := range d.Files {
		jf := jsonFile{Filename: f.Filename, URL: s.fileURL(f), Hashes: map[string]string{"sha256": f.SHA256},
			Size: f.Size, UploadTime: isoTime(f.UploadTime), Yanked: yankedValue(f.Yanked, f.YankedReason)}
		if f.RequiresPython != "" {
			rp := f.RequiresPython
			jf.RequiresPython = &rp
		}
		if servesMetadata(f) {
			h := map[string]string{"sha256": f.MetadataSHA256}
			jf.CoreMetadata, jf.DataDistInfoMetadata = h, h
		}
		files = append(files, jf)
	}
	body, err := json.Marshal(map[string]any{
		"meta": jsonMeta{APIVersion: simpleAPIVersion, LastSerial: d.Project.LastSerial},
		"name": d.Project.Name, "versions": versions, "files": files,
	})
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "rendering simple JSON", err)
	}
	return newPage(body, typeJSONv1, d.Project.LastSerial), nil
}

// yankedValue is PEP 691's "yanked": false, or the reason, or true.
func yankedValue(yanked bool, reason string) any {
	switch {
	case !yanked:
		return false
	case reason != "":
		return reason
	default:
		return true
	}
}

// renderSimpleIndex renders /simple/ in either form.
func (s *Server) renderSimpleIndex(ctx context.Context, contentType string) (*page, error) {
	var projects []wharf.Project
	var serial int64
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		if serial, err = tx.LastSerial(ctx); err != nil {
			return err
		}
		projects, err = tx.Projects(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if contentType == typeJSONv1 {
		type entry struct {
			Name       string `json:"name"`
			LastSerial int64  `json:"_last-serial"`
		}
		list := make([]entry, 0, len(projects))
		for _, p := range projects {
			list = append(list, entry{Name: p.DisplayName, LastSerial: p.LastSerial})
		}
		body, err := json.Marshal(map[string]any{"meta": jsonMeta{APIVersion: simpleAPIVersion, LastSerial: serial}, "projects": list})
		if err != nil {
			return nil, wharf.WrapError(wharf.EINTERNAL, "rendering simple index", err)
		}
		return newPage(body, typeJSONv1, serial), nil
	}
	links := make([]simpleLink, 0, len(projects))
	for _, p := range projects {
		links = append(links, simpleLink{Href: s.prefix + "/simple/" + p.Name + "/", Name: p.DisplayName})
	}
	var buf bytes.Buffer
	if err := simpleTemplates.Execute(&buf, map[string]any{"Version": simpleAPIVersion, "Projects": links}); err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "rendering simple index", err)
	}
	return newPage(buf.Bytes(), htmlContentType(contentType), serial), nil
}

// indexKey is the cache key under which the index pages live; project
// names are never empty, so it cannot clash.
const indexKey = ""

func (s *Server) simpleIndex(w http.ResponseWriter, r *http.Request) error {
	ct := s.accepts.negotiate(r)
	p, err := s.cache.cached(indexKey, "simple:"+ct, func() (*page, error) { return s.renderSimpleIndex(r.Context(), ct) })
	if err != nil {
		return err
	}
	s.servePage(w, r, p, simpleHeaders)
	return nil
}

func (s *Server) simpleProject(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("project")
	name := dist.NormalizeName(raw)
	if name != raw {
		redirect(w, r, s.simpleURL(name))
		return nil
	}
	ct := s.accepts.negotiate(r)
	p, err := s.cache.cached(name, "simple:"+ct, func() (*page, error) {
		d, err := s.loadProject(r.Context(), name)
		if err != nil {
			return nil, err
		}
		return s.renderSimpleProject(d, ct)
	})
	if err != nil {
		return err
	}
	s.servePage(w, r, p, simpleHeaders)
	return nil
}

// simpleURL is the path of a project's Simple page. The name is escaped:
// it comes from the request, where "%3F" or "%23" would otherwise turn into
// a query or fragment of the Location.
func (s *Server) simpleURL(name string) string {
	return s.prefix + "/simple/" + url.PathEscape(name) + "/"
}

// redirect sends a permanent redirect that keeps the query string.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, path, http.StatusMovedPermanently)
}

// simpleHeaders are the fixed headers of Simple and JSON API replies: CORS
// as PyPI sends it on GET replies (the preflight-only headers would be
// dead weight on every reply of the hottest path), and caching fit for a
// CDN that revalidates with ETags.
var simpleHeaders = map[string][]string{
	"Vary":                          {"Accept, Accept-Encoding"},
	"Cache-Control":                 {"max-age=60, public"},
	"Access-Control-Allow-Origin":   {"*"},
	"Access-Control-Expose-Headers": {"X-PyPI-Last-Serial"},
	"X-Content-Type-Options":        {"nosniff"},
}

// servePage writes a cached page, or 304 when the client has it already.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, p *page, fixed map[string][]string) {
	h := w.Header()
	for k, v := range fixed {
		h[k] = v
	}
	h["Etag"] = p.etagHeader
	h["X-Pypi-Last-Serial"] = p.serialHeader
	if etagMatch(r.Header.Get("If-None-Match"), p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = p.typeHeader
	h["Content-Length"] = p.lengthHeader
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		w.Write(p.body)
	}
}

// etagMatch implements If-None-Match's weak comparison over a list.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, part := range bytes.Split([]byte(header), []byte(",")) {
		t := string(bytes.TrimSpace(part))
		if t == "*" || t == etag || t == "W/"+etag {
			return true
		}
	}
	return false
}
