package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// wheel is a distribution made in memory.
type wheel struct {
	name, version string
	filename      string
	data          []byte
}

func (w wheel) sha256() string {
	sum := sha256.Sum256(w.data)
	return hex.EncodeToString(sum[:])
}

// makeWheel builds a small valid pure-Python wheel: a module whose VALUE
// is note, and METADATA, WHEEL and RECORD (with true hashes) in its
// .dist-info folder. padding adds that many bytes of incompressible data,
// stored, to make uploads take a while on the wire.
func makeWheel(t testing.TB, name, version, note string, padding int) wheel {
	t.Helper()
	mod := strings.ReplaceAll(name, "-", "_")
	info := mod + "-" + version + ".dist-info/"
	type member struct {
		name, body string
		stored     bool
	}
	files := []member{
		{name: mod + "/__init__.py", body: fmt.Sprintf("VALUE = %q\n", note)},
		{name: info + "METADATA", body: fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: made by wharf's end-to-end tests\nRequires-Python: >=3.8\n", name, version)},
		{name: info + "WHEEL", body: "Wheel-Version: 1.0\nGenerator: wharf-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	if padding > 0 {
		pad := make([]byte, padding)
		seed := sha256.Sum256([]byte(name + version + note))
		for i := 0; i < padding; i += len(seed) {
			seed = sha256.Sum256(seed[:])
			copy(pad[i:], seed[:])
		}
		files = append(files, member{name: mod + "/padding.bin", body: string(pad), stored: true})
	}
	var record strings.Builder
	for _, f := range files {
		sum := sha256.Sum256([]byte(f.body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.body))
	}
	record.WriteString(info + "RECORD,,\n")
	files = append(files, member{name: info + "RECORD", body: record.String()})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
		if f.stored {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return wheel{name: name, version: version, filename: mod + "-" + version + "-py3-none-any.whl", data: buf.Bytes()}
}

// uploadForm is an upload API request with the fields twine sends.
type uploadForm struct {
	action string // ":action"; "" means file_upload
	sha256 string // "sha256_digest"; "" means the file's true digest
	whl    wheel
}

// encode returns the form's content type and body.
func (f uploadForm) encode(t testing.TB) (string, []byte) {
	t.Helper()
	action, digest := f.action, f.sha256
	if action == "" {
		action = "file_upload"
	}
	if digest == "" {
		digest = f.whl.sha256()
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields := [][2]string{
		{":action", action}, {"protocol_version", "1"}, {"metadata_version", "2.1"},
		{"name", f.whl.name}, {"version", f.whl.version}, {"filetype", "bdist_wheel"},
		{"pyversion", "py3"}, {"summary", "made by wharf's end-to-end tests"},
		{"requires_python", ">=3.8"}, {"sha256_digest", digest},
	}
	for _, kv := range fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	w, err := mw.CreateFormFile("content", f.whl.filename)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(f.whl.data)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

// postUpload sends an upload form body to url (the server's /legacy/, or
// another path) with the token as twine sends it ("" for no credentials),
// without following redirects. The body is read from r, so a slow reader
// makes a slow upload.
func postUpload(ctx context.Context, url, token, contentType string, r io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "wharf-e2e")
	if token != "" {
		req.SetBasicAuth("__token__", token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// slowReader hands out its bytes chunk by chunk with a pause before each.
type slowReader struct {
	ctx   context.Context
	b     []byte
	chunk int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	select {
	case <-r.ctx.Done():
		return 0, r.ctx.Err()
	case <-time.After(r.pause):
	}
	n := min(len(p), r.chunk, len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}
