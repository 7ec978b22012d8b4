package publish_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"wharf/internal/testutil"

	"wharf"
	"wharf/auth/token"
	"wharf/diskblob"
	"wharf/publish"
	"wharf/sqlite"
)

// env is an upload service over a real SQLite store, a real disk blob
// store and a real token service, all in a temporary folder.
type env struct {
	t       *testing.T
	cfg     publish.Config
	dbPath  string
	store   *sqlite.Store
	blobs   *diskblob.Store
	tokens  *token.Service
	svc     *publish.Service
	clock   *testutil.Clock
	raw     *sql.DB
	changed []string
	mu      sync.Mutex
}

func newEnv(t *testing.T, configure func(*publish.Config)) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dbPath: filepath.Join(dir, "wharf.db"), clock: testutil.NewClock(time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC))}
	var err error
	e.store, err = sqlite.Open(t.Context(), sqlite.Options{Path: e.dbPath, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	if e.blobs, err = diskblob.Open(diskblob.Options{Dir: filepath.Join(dir, "blobs")}); err != nil {
		t.Fatal(err)
	}
	if e.tokens, err = token.NewService(bytes.Repeat([]byte("s"), 32)); err != nil {
		t.Fatal(err)
	}
	e.cfg = publish.DefaultConfig()
	e.cfg.SpoolDir = t.TempDir()
	if configure != nil {
		configure(&e.cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.svc = publish.New(e.store, e.blobs, e.tokens, e.cfg, log, func(p string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.changed = append(e.changed, p)
	})
	e.raw, err = sql.Open("sqlite", "file:"+e.dbPath+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	return e
}

// account is a user with an unscoped API token.
type account struct {
	user  *wharf.User
	token string
	pr    *publish.Principal
	actor wharf.Actor
}

// account creates a user and an unscoped token for them.
func (e *env) account(name string) *account {
	e.t.Helper()
	u := &wharf.User{Name: name, Email: name + "@example.com"}
	err := e.store.Update(e.t.Context(), func(tx wharf.Tx) error { return tx.CreateUser(e.t.Context(), u) })
	if err != nil {
		e.t.Fatal(err)
	}
	a := &account{user: u}
	a.token = e.mint(u, nil, time.Time{})
	a.pr = e.auth(a.token)
	a.actor = wharf.Actor{UserID: u.ID, UserName: u.Name, TokenID: a.pr.Token.ID, IP: "192.0.2.1", UserAgent: "twine/6.1.0"}
	return a
}

// mint issues and records a token for u, scoped to projects when given.
func (e *env) mint(u *wharf.User, projects []string, expires time.Time) string {
	e.t.Helper()
	id, err := token.NewID()
	if err != nil {
		e.t.Fatal(err)
	}
	raw, err := e.tokens.Mint(id, "http://localhost", token.Caveats{UserID: u.ID, Projects: projects, NotAfter: expires})
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.store.Update(e.t.Context(), func(tx wharf.Tx) error {
		return tx.CreateToken(e.t.Context(), &wharf.Token{ID: id, UserID: u.ID, Projects: projects, Expires: expires})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return raw
}

// auth authenticates a token at the clock's time, failing the test on error.
func (e *env) auth(raw string) *publish.Principal {
	e.t.Helper()
	pr, err := e.svc.Authenticate(e.t.Context(), raw, e.clock.Now())
	if err != nil {
		e.t.Fatalf("Authenticate: %v", err)
	}
	return pr
}

// dist is one distribution file to upload and its form.
type dist struct {
	filename string
	data     []byte
	fields   map[string][]string
}

// clone returns a copy whose fields can be changed independently.
func (d dist) clone() dist {
	d.fields = maps.Clone(d.fields)
	d.data = bytes.Clone(d.data)
	return d
}

// set replaces a form field.
func (d dist) set(key string, values ...string) dist {
	d = d.clone()
	d.fields[key] = values
	return d
}

// metadata returns core metadata 2.1 for name and version plus extra
// header lines.
func metadata(name, version string, extra ...string) string {
	var b strings.Builder
	b.WriteString("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n")
	for _, x := range extra {
		b.WriteString(x + "\n")
	}
	b.WriteString("\nA description.\n")
	return b.String()
}

// escape spells a project name the way wheel and sdist filenames do.
func escape(name string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(name)
}

// form returns the upload form twine would send for the file.
func form(name, version, filetype, pyversion string) map[string][]string {
	return map[string][]string{
		":action":          {"file_upload"},
		"protocol_version": {"1"},
		"metadata_version": {"2.1"},
		"name":             {name},
		"version":          {version},
		"summary":          {"A test package"},
		"filetype":         {filetype},
		"pyversion":        {pyversion},
	}
}

// wheel returns a py3-none-any wheel of name and version; salt changes the
// bytes without changing the metadata.
func wheel(t *testing.T, name, version, salt string) dist {
	return wheelTagged(t, name, version, "py3-none-any", salt)
}

// wheelTagged returns a wheel with the given "python-abi-platform" tags.
func wheelTagged(t *testing.T, name, version, tags, salt string) dist {
	t.Helper()
	stem := escape(name) + "-" + version
	data := buildWheel(t, stem, metadata(name, version), salt)
	return dist{filename: stem + "-" + tags + ".whl", data: data, fields: form(name, version, "bdist_wheel", "py3")}
}

// buildWheel writes a wheel whose .dist-info folder is stem.dist-info and
// whose METADATA is md.
func buildWheel(t *testing.T, stem, md, salt string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"pkg/__init__.py", "salt = " + salt + "\n"},
		{stem + ".dist-info/METADATA", md},
		{stem + ".dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		{stem + ".dist-info/RECORD", ""},
	}
	for _, f := range files {
		fw, err := w.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sdist returns a .tar.gz source distribution of name and version.
func sdist(t *testing.T, name, version, salt string) dist {
	t.Helper()
	stem := escape(name) + "-" + version
	return dist{filename: stem + ".tar.gz", data: buildSdist(t, stem, metadata(name, version), salt),
		fields: form(name, version, "sdist", "source")}
}

// buildSdist writes a .tar.gz with top/PKG-INFO holding md.
func buildSdist(t *testing.T, top, md, salt string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct{ name, body string }{
		{top + "/PKG-INFO", md},
		{top + "/setup.py", "# " + salt + "\n"},
	} {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 0)}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, f.body); err != nil {
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

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// spool spools d's bytes as an upload would.
func (e *env) spool(d dist) *publish.Spooled {
	e.t.Helper()
	sp, err := publish.Spool(e.cfg.SpoolDir, d.filename, bytes.NewReader(d.data), e.cfg.MaxFileSize)
	if err != nil {
		e.t.Fatalf("Spool: %v", err)
	}
	e.t.Cleanup(sp.Remove)
	return sp
}

// publish uploads d as a, adding the sha256 digest field unless d sets one.
func (e *env) publish(a *account, d dist) (*publish.Result, error) {
	e.t.Helper()
	return e.publishAs(a.pr, a.actor, d)
}

func (e *env) publishAs(pr *publish.Principal, actor wharf.Actor, d dist) (*publish.Result, error) {
	e.t.Helper()
	fields := maps.Clone(d.fields)
	if _, ok := fields["sha256_digest"]; !ok {
		fields["sha256_digest"] = []string{sha256Hex(d.data)}
	}
	sp := e.spool(d)
	defer sp.Remove()
	return e.svc.Publish(e.t.Context(), pr, actor, publish.Upload{Fields: fields, File: sp})
}

// mustPublish uploads d and fails the test unless a new file was stored.
func (e *env) mustPublish(a *account, d dist) *publish.Result {
	e.t.Helper()
	res, err := e.publish(a, d)
	if err != nil {
		e.t.Fatalf("Publish(%s): %v", d.filename, err)
	}
	if res.Duplicate {
		e.t.Fatalf("Publish(%s) was a duplicate", d.filename)
	}
	return res
}

// tables lists what a refused upload must leave unchanged.
var tables = []string{"projects", "releases", "files", "filenames", "roles", "journal", "events"}

// snapshot counts the rows of every table and the blobs.
func (e *env) snapshot() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		var n int
		if err := e.raw.QueryRowContext(e.t.Context(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			e.t.Fatalf("counting %s: %v", table, err)
		}
		out[table] = n
	}
	err := e.blobs.Walk(e.t.Context(), func(wharf.BlobInfo) error {
		out["blobs"]++
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// column returns one column of a query's rows as strings.
func (e *env) column(query string, args ...any) []string {
	e.t.Helper()
	return testutil.Column(e.t, e.raw, query, args...)
}

// wantErr checks err's code and its user-facing message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s %q", code, msg)
	}
	if got := wharf.ErrorCode(err); got != code {
		t.Errorf("code = %q, want %q (err: %v)", got, code, err)
	}
	if got := wharf.ErrorMessage(err); msg != "" && got != msg {
		t.Errorf("message =\n%q\nwant\n%q", got, msg)
	}
}
