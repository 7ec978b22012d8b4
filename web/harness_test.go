package web

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"wharf/internal/testutil"

	"wharf"
	"wharf/accounts"
	"wharf/auth/token"
	"wharf/collab"
	"wharf/diskblob"
	"wharf/dist"
	"wharf/manage"
	"wharf/publish"
	"wharf/sqlite"
	"wharf/tlog"
	"wharf/translog"
)

// indexConfig tunes a testIndex; the zero value is fine.
type indexConfig struct {
	MaxFileSize int64 // publish.Config.MaxFileSize; 256 KiB when 0
	BaseURL     string
	// Accounts turns on the account pages (web login) with mail caught
	// in testIndex.mail; Require2FA is their policy ("" for the default).
	Accounts   bool
	Require2FA string
}

// testIndex is a whole wharf behind a real HTTP server, wired as
// cmd/wharf/app.go wires it: SQLite and blobs in a temp folder, publish
// and manage notifying the server's cache, and a user "alice" with an
// unscoped upload token.
type testIndex struct {
	dir      string
	clock    *testutil.Clock
	store    *sqlite.Store
	blobs    *diskblob.Store
	tokens   *token.Service
	pub      *publish.Service
	manage   *manage.Service
	accounts *accounts.Service
	collab   *collab.Service
	tlog     *translog.Log
	srv      *Server
	ts       *httptest.Server
	token    string
	prefix   string   // the base URL's path, without trailing slash
	mail     *mailbox // mail the accounts use case sent, with Accounts
}

func newTestIndex(t *testing.T, cfg indexConfig) *testIndex {
	t.Helper()
	ctx := context.Background()
	ix := &testIndex{dir: t.TempDir(), clock: testutil.NewClock(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC))}
	var err error
	ix.store, err = sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(ix.dir, "wharf.db"), Now: ix.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.store.Close() })
	if ix.blobs, err = diskblob.Open(diskblob.Options{Dir: filepath.Join(ix.dir, "blobs")}); err != nil {
		t.Fatal(err)
	}
	if ix.tokens, err = token.NewService(bytes.Repeat([]byte("s"), token.MinSecretLength)); err != nil {
		t.Fatal(err)
	}
	pcfg := publish.DefaultConfig()
	pcfg.MaxFileSize = 256 << 10
	if cfg.MaxFileSize > 0 {
		pcfg.MaxFileSize = cfg.MaxFileSize
	}
	pcfg.SpoolDir = t.TempDir()
	if cfg.Accounts {
		// Publish mails collaborators about new releases, into the
		// same mailbox as the accounts use case.
		ix.mail = &mailbox{}
		pcfg.Mailer, pcfg.Location = ix.mail, cfg.BaseURL
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// notify reaches the server once it exists, as app.onChange does.
	notify := func(project string) {
		if ix.srv != nil {
			ix.srv.Invalidate(project)
		}
	}
	ix.pub = publish.New(ix.store, ix.blobs, ix.tokens, pcfg, log, notify)
	ix.manage = manage.New(ix.store, ix.blobs, notify)
	ix.accounts = accounts.New(ix.store, ix.tokens, cfg.BaseURL)
	if u, err := url.Parse(cfg.BaseURL); err == nil {
		ix.prefix = strings.TrimSuffix(u.Path, "/")
	}
	skey, _, err := tlog.GenerateKey("test.example/wharf")
	if err != nil {
		t.Fatal(err)
	}
	if ix.tlog, err = translog.New(ix.store, translog.Options{SignerKey: skey}); err != nil {
		t.Fatal(err)
	}
	opts := Options{BaseURL: cfg.BaseURL, Now: ix.clock.Now, PollInterval: 5 * time.Millisecond, TransparencyLog: ix.tlog}
	if cfg.Accounts {
		err := ix.accounts.EnableWeb(accounts.Options{Location: cfg.BaseURL, Secret: bytes.Repeat([]byte("w"), 32),
			Mailer: ix.mail, Require2FA: cfg.Require2FA, Now: ix.clock.Now, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		opts.Accounts, opts.Manage = ix.accounts, ix.manage
		ix.collab = collab.New(ix.store, collab.Options{Mailer: ix.mail, Location: cfg.BaseURL, Log: log, OnChange: notify, Now: ix.clock.Now})
		opts.Collaboration = ix.collab
	}
	ix.srv, err = New(ix.store, ix.blobs, ix.pub, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	ix.ts = httptest.NewServer(Logged(ix.srv, log))
	t.Cleanup(ix.ts.Close)

	actor := wharf.Actor{UserName: "test"}
	if _, err := ix.accounts.CreateUser(ctx, actor, "alice", "alice@example.org", false, ""); err != nil {
		t.Fatal(err)
	}
	ix.token, _, err = ix.accounts.CreateToken(ctx, actor, accounts.TokenRequest{User: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// client returns an HTTP client that does not follow redirects.
func (ix *testIndex) client() *http.Client {
	c := *ix.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// get requests path with the given header pairs ("Accept", "...") and
// returns the response with its body read.
func (ix *testIndex) get(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", ix.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ix.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// distSpec describes a distribution to build.
type distSpec struct {
	Name, Version  string // as in the metadata, e.g. "Demo.Pkg", "1.0"
	Sdist          bool
	RequiresPython string
	Summary        string
	RequiresDist   []string
	ProjectURLs    []string
	Padding        int // bytes of incompressible data added to the archive
}

// testDist is a built distribution and the form twine would send with it.
type testDist struct {
	Filename string
	Content  []byte
	Metadata []byte // the core metadata file inside the archive
	Fields   map[string][]string
}

func (d testDist) sha256() string {
	sum := sha256.Sum256(d.Content)
	return hex.EncodeToString(sum[:])
}

// build writes the wheel or sdist. Archives are stored uncompressed with
// zero times, so their bytes (and hashes in golden files) never change.
func (s distSpec) build(t testing.TB) testDist {
	t.Helper()
	esc := strings.ReplaceAll(dist.NormalizeName(s.Name), "-", "_")
	var md strings.Builder
	md.WriteString("Metadata-Version: 2.1\nName: " + s.Name + "\nVersion: " + s.Version + "\n")
	if s.Summary != "" {
		md.WriteString("Summary: " + s.Summary + "\n")
	}
	if s.RequiresPython != "" {
		md.WriteString("Requires-Python: " + s.RequiresPython + "\n")
	}
	for _, r := range s.RequiresDist {
		md.WriteString("Requires-Dist: " + r + "\n")
	}
	for _, u := range s.ProjectURLs {
		md.WriteString("Project-URL: " + u + "\n")
	}
	md.WriteString("\nA test package.\n")
	d := testDist{Metadata: []byte(md.String())}
	pad := bytes.Repeat([]byte{0}, s.Padding)
	for i := range pad {
		pad[i] = byte(i*7919 + i/251)
	}
	if s.Sdist {
		d.Filename = esc + "-" + s.Version + ".tar.gz"
		d.Content = buildTarGz(t, map[string][]byte{
			esc + "-" + s.Version + "/PKG-INFO": d.Metadata,
			esc + "-" + s.Version + "/pad.bin":  pad,
		})
	} else {
		d.Filename = esc + "-" + s.Version + "-py3-none-any.whl"
		info := esc + "-" + s.Version + ".dist-info/"
		d.Content = buildZip(t, map[string][]byte{
			esc + "/__init__.py": []byte("VERSION = '" + s.Version + "'\n"),
			esc + "/pad.bin":     pad,
			info + "METADATA":    d.Metadata,
			info + "WHEEL":       []byte("Wheel-Version: 1.0\nGenerator: wharf-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
			info + "RECORD":      nil,
		})
	}
	d.Fields = map[string][]string{
		":action": {"file_upload"}, "protocol_version": {"1"},
		"metadata_version": {"2.1"}, "name": {s.Name}, "version": {s.Version},
		"sha256_digest": {d.sha256()},
	}
	if s.Sdist {
		d.Fields["filetype"], d.Fields["pyversion"] = []string{"sdist"}, []string{"source"}
	} else {
		d.Fields["filetype"], d.Fields["pyversion"] = []string{"bdist_wheel"}, []string{"py3"}
	}
	if s.Summary != "" {
		d.Fields["summary"] = []string{s.Summary}
	}
	if s.RequiresPython != "" {
		d.Fields["requires_python"] = []string{s.RequiresPython}
	}
	if len(s.RequiresDist) > 0 {
		d.Fields["requires_dist"] = s.RequiresDist
	}
	if len(s.ProjectURLs) > 0 {
		d.Fields["project_urls"] = s.ProjectURLs
	}
	return d
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func buildZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedNames(files) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func buildTarGz(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.NoCompression)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(gz)
	for _, name := range sortedNames(files) {
		h := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multipartBody encodes the fields (sorted, for stable bytes) and, when
// filename is not empty, the "content" file part, as twine does.
func multipartBody(t testing.TB, fields map[string][]string, filename string, content []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range fields[k] {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if filename != "" {
		w, err := mw.CreateFormFile("content", filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// uploadRequest builds the POST /legacy/ request for d, authenticated with
// HTTP Basic as __token__ when tok is not empty.
func (ix *testIndex) uploadRequest(t testing.TB, d testDist, tok string) *http.Request {
	t.Helper()
	body, ctype := multipartBody(t, d.Fields, d.Filename, d.Content)
	req, err := http.NewRequest("POST", ix.ts.URL+ix.prefix+"/legacy/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if tok != "" {
		req.SetBasicAuth("__token__", tok)
	}
	return req
}

// upload posts d with alice's token and fails the test unless it is stored.
func (ix *testIndex) upload(t testing.TB, d testDist) {
	t.Helper()
	resp, err := ix.client().Do(ix.uploadRequest(t, d, ix.token))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("uploading %s: %s", d.Filename, resp.Status)
	}
}

// demoDists are the files seedDemo uploads, in order.
var demoDists = []distSpec{
	{Name: "Demo.Pkg", Version: "0.9", RequiresPython: ">=3.8", Summary: "An old demo."},
	{Name: "Demo.Pkg", Version: "1.0", RequiresPython: ">=3.8", Summary: "The demo.",
		RequiresDist: []string{"requests>=2", `tomli; python_version < "3.11"`},
		ProjectURLs:  []string{"Homepage, https://example.org/demo", "Source, https://example.org/demo.git"}},
	{Name: "Demo.Pkg", Version: "1.0", Sdist: true, RequiresPython: ">=3.8", Summary: "The demo."},
	{Name: "Demo.Pkg", Version: "1.1b1", RequiresPython: ">=3.9,<4", Summary: "The next demo."},
}

// demoYankReason is 0.9's yank reason, with characters HTML must escape.
const demoYankReason = `broken "build" <see #12> & more`

// seedDemo uploads demoDists an hour apart and yanks 0.9. It returns the
// built files by filename.
func seedDemo(t *testing.T, ix *testIndex) map[string]testDist {
	t.Helper()
	out := map[string]testDist{}
	for _, spec := range demoDists {
		d := spec.build(t)
		ix.upload(t, d)
		out[d.Filename] = d
		ix.clock.Advance(time.Hour)
	}
	if err := ix.manage.Yank(context.Background(), wharf.Actor{UserName: "test"}, "demo.pkg", "0.9", demoYankReason); err != nil {
		t.Fatal(err)
	}
	return out
}
