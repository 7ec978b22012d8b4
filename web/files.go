package web

import (
	"net/http"
	"net/url"
	"strings"

	"wharf"
)

// packageFile serves /packages/<ab>/<cd>/<rest>/<filename> and the PEP 658
// metadata at the same URL plus ".metadata". The path's hash must be the
// file's sha256, so a URL names exactly one content forever.
func (s *Server) packageFile(w http.ResponseWriter, r *http.Request) error {
	h1, h2 := r.PathValue("h1"), r.PathValue("h2")
	hash := h1 + h2 + r.PathValue("rest")
	filename := r.PathValue("filename")
	// The split must be 2/2/60 as fileURL writes it; otherwise "/a/bcd/..."
	// and every other split of the same hash would serve the file too.
	if len(h1) != 2 || len(h2) != 2 || !wharf.ValidSHA256(hash) {
		return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	wantMetadata := false
	name := filename
	if base, ok := strings.CutSuffix(filename, ".metadata"); ok {
		name, wantMetadata = base, true
	}
	var f *wharf.File
	err := s.store.View(r.Context(), func(tx wharf.Tx) error {
		var err error
		f, err = tx.FileByFilename(r.Context(), name)
		return err
	})
	if err != nil {
		return err
	}
	if f.SHA256 != hash || (wantMetadata && !servesMetadata(*f)) {
		return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	key, etag := wharf.BlobKey(f.SHA256), `"`+f.SHA256+`"`
	if wantMetadata {
		key, etag = wharf.BlobKey(f.MetadataSHA256), `"`+f.MetadataSHA256+`"`
	}
	blob, err := s.blobs.Open(r.Context(), key)
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		// A row without its blob is damage that fsck reports; say so in the
		// log rather than serving a 404 that looks normal.
		return wharf.WrapError(wharf.EINTERNAL, "blob missing", err)
	}
	if err != nil {
		return err
	}
	defer blob.Close()
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "max-age=365000000, immutable, public")
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(filename))
	http.ServeContent(w, r, "", f.UploadTime, blob)
	return nil
}
