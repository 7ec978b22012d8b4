package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"

	"wharf"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file, served at /static/<hash>/<name>.
type asset struct {
	hash                              string // hex prefix of the content's sha256
	body                              []byte
	typeHeader, etagHeader, lenHeader []string
}

// assets are the embedded static files by name. Each URL carries a hash of
// its file's content, so a URL names one content forever and may be cached
// for ever; a new release changes the URL of whatever it changed.
type assets map[string]*asset

// loadAssets reads and hashes the embedded static files.
func loadAssets() (assets, error) {
	a := assets{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:8])
		ctype := assetType(p)
		a[path.Base(p)] = &asset{hash: hash, body: body, typeHeader: []string{ctype},
			etagHeader: []string{`"` + hash + `"`}, lenHeader: []string{strconv.Itoa(len(body))}}
		return nil
	})
	return a, err
}

// assetType is the content type of a static file. It is fixed here rather
// than taken from package mime, whose answer depends on the host's
// mime.types.
func assetType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	default:
		return "application/octet-stream"
	}
}

// url returns the path of the named asset under prefix; an unknown name
// is a programming error in a template, which the page tests catch.
func (a assets) url(prefix, name string) string {
	f, ok := a[name]
	if !ok {
		return prefix + "/static/missing/" + name
	}
	return prefix + "/static/" + f.hash + "/" + name
}

// staticHeaders are the fixed headers of static files.
var staticHeaders = map[string][]string{
	"Cache-Control":          {"max-age=31536000, immutable, public"},
	"X-Content-Type-Options": {"nosniff"},
}

// staticFile serves GET /static/<hash>/<name>. A hash that is not the
// file's current one is not found: serving today's content under an old
// hash would let caches keep it forever as that hash's.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.ui.assets[r.PathValue("name")]
	if !ok || r.PathValue("hash") != f.hash {
		return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	h := w.Header()
	for k, v := range staticHeaders {
		h[k] = v
	}
	h["Etag"] = f.etagHeader
	if etagMatch(r.Header.Get("If-None-Match"), f.etagHeader[0]) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h["Content-Type"] = f.typeHeader
	h["Content-Length"] = f.lenHeader
	w.Write(f.body)
	return nil
}
