package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wharf/auth/token"
)

// cli runs wharf commands against one data folder.
type cli struct {
	t    *testing.T
	data string
}

func newCLI(t *testing.T) *cli {
	clearEnv(t)
	return &cli{t: t, data: filepath.Join(t.TempDir(), "data")}
}

// run runs a command with --data and returns its exit code and output.
func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append(args, "--data", c.data), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// must runs a command and fails the test unless it exits 0.
func (c *cli) must(args ...string) string {
	c.t.Helper()
	code, stdout, stderr := c.run(args...)
	if code != 0 {
		c.t.Fatalf("wharf %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// testWheel is a minimal valid wheel of name (normalized, one word) and
// version.
func testWheel(t *testing.T, name, version string) (filename string, content, metadata []byte) {
	t.Helper()
	metadata = []byte("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\nSummary: A CLI test.\n")
	info := name + "-" + version + ".dist-info/"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		body []byte
	}{
		{name + "/__init__.py", []byte("x = 1\n")},
		{info + "METADATA", metadata},
		{info + "WHEEL", []byte("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")},
		{info + "RECORD", nil},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return name + "-" + version + "-py3-none-any.whl", buf.Bytes(), metadata
}

func sha256hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// blobPath is where the disk blob store keeps content with this sha256.
func (c *cli) blobPath(sha string) string {
	return filepath.Join(c.data, "blobs", "sha256", sha[:2], sha[2:4], sha)
}

// importWheels writes wheels of the versions to a folder and imports them
// as alice, returning the content and metadata of each by version.
func (c *cli) importWheels(name string, versions ...string) map[string][2][]byte {
	c.t.Helper()
	dir := c.t.TempDir()
	out := map[string][2][]byte{}
	for _, v := range versions {
		fn, content, md := testWheel(c.t, name, v)
		if err := os.WriteFile(filepath.Join(dir, fn), content, 0o644); err != nil {
			c.t.Fatal(err)
		}
		out[v] = [2][]byte{content, md}
	}
	stdout := c.must("import", dir, "--user", "alice", "--quiet")
	if !strings.Contains(stdout, "failed 0") {
		c.t.Fatalf("import: %s", stdout)
	}
	return out
}

func TestRunUsage(t *testing.T) {
	clearEnv(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, 2, "usage: wharf"},
		{"help", []string{"help"}, 0, "usage: wharf"},
		{"--help", []string{"--help"}, 0, "usage: wharf"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"fsck", "--frob"}, 2, "usage: wharf"},
		{"missing arguments", []string{"yank", "only-project", "--data", t.TempDir()}, 2, "usage: wharf"},
		{"bad role", []string{"project", "role", "p", "u", "king", "--data", t.TempDir()}, 2, "usage: wharf"},
		{"bad subcommand", []string{"token", "mint", "alice", "--data", t.TempDir()}, 2, "usage: wharf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errb.String(), tt.code, tt.stderr)
			}
		})
	}
}

func TestDataFolderModes(t *testing.T) {
	c := newCLI(t)
	if err := os.MkdirAll(c.data, 0o755); err != nil {
		t.Fatal(err)
	}
	c.must("user", "create", "alice", "--email", "alice@example.org")
	for _, tt := range []struct {
		path string
		mode os.FileMode
	}{
		{c.data, 0o700 | os.ModeDir},
		{filepath.Join(c.data, "secret"), 0o600},
		{filepath.Join(c.data, "wharf.db"), 0o600},
	} {
		fi, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != tt.mode {
			t.Errorf("%s has mode %v, want %v", tt.path, fi.Mode(), tt.mode)
		}
	}
	secret, err := os.ReadFile(filepath.Join(c.data, "secret"))
	if err != nil || len(secret) < token.MinSecretLength {
		t.Fatalf("secret of %d bytes: %v", len(secret), err)
	}
	c.must("fsck")
	if again, _ := os.ReadFile(filepath.Join(c.data, "secret")); !bytes.Equal(again, secret) {
		t.Error("the secret changed on a second run")
	}
}

func TestUsersAndTokens(t *testing.T) {
	c := newCLI(t)
	_, _, stderr := c.run("user", "create", "alice", "--email", "alice@example.org")
	if !strings.Contains(stderr, "created user alice") {
		t.Errorf("stderr %q", stderr)
	}
	if code, _, stderr := c.run("user", "create", "alice", "--email", "other@example.org"); code != 1 || !strings.HasPrefix(stderr, "wharf: ") {
		t.Errorf("duplicate user: exit %d, %q", code, stderr)
	}
	if code, _, stderr := c.run("user", "create", "bad name", "--email", "x@example.org"); code != 1 || !strings.Contains(stderr, "username is invalid") {
		t.Errorf("bad name: exit %d, %q", code, stderr)
	}

	stdout := c.must("token", "create", "alice", "--description", "ci", "--expires", "90d")
	raw := strings.TrimSuffix(stdout, "\n")
	if strings.Count(stdout, "\n") != 1 || !strings.HasPrefix(raw, token.Prefix) || strings.ContainsAny(raw, " \t\r") {
		t.Fatalf("token create printed %q, want one line with the token", stdout)
	}
	id, err := token.ParseID(raw)
	if err != nil {
		t.Fatal(err)
	}
	list := c.must("token", "list", "alice")
	if lines := strings.Split(strings.TrimSpace(list), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], id) ||
		!strings.Contains(lines[1], "active") || !strings.Contains(lines[1], "all projects ci") {
		t.Errorf("token list:\n%s", list)
	}
	if strings.Contains(list, raw) {
		t.Error("token list shows the token itself")
	}
	// Narrowing on the server: an earlier expiry is recorded; a later one,
	// or a project the token was never for, would widen it and is refused.
	c.must("token", "narrow", id, "--expires", "30d")
	if list := c.must("token", "list", "alice"); !strings.Contains(list, time.Now().Add(30*24*time.Hour).UTC().Format("2006-01-02")) {
		t.Errorf("token list after narrow --expires 30d:\n%s", list)
	}
	for _, args := range [][]string{{"--expires", "60d"}, {"--project", "nope"}} {
		if code, _, stderr := c.run(append([]string{"token", "narrow", id}, args...)...); code != 1 || !strings.HasPrefix(stderr, "wharf: ") {
			t.Errorf("token narrow %v: exit %d, %q; want a refusal", args, code, stderr)
		}
	}
	c.must("token", "revoke", id)
	if list := c.must("token", "list", "alice"); !strings.Contains(list, "revoked") {
		t.Errorf("token list after revoke:\n%s", list)
	}
	c.must("user", "create", "ci-bot", "--service")
	if list := c.must("token", "list", "ci-bot"); !strings.HasPrefix(list, "ci-bot is a service account") {
		t.Errorf("token list of a service account does not say so:\n%s", list)
	}

	errorCases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown user", []string{"token", "create", "nobody"}, "not found"},
		{"unknown project scope", []string{"token", "create", "alice", "--project", "nope"}, `Project "nope" not found`},
		{"bad expiry", []string{"token", "create", "alice", "--expires", "forever"}, "not a duration"},
		{"unknown token", []string{"token", "revoke", strings.Repeat("0", 32)}, "not found"},
		{"list of unknown user", []string{"token", "list", "nobody"}, "not found"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := c.run(tt.args...)
			if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "wharf: ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestProjectCommands(t *testing.T) {
	c := newCLI(t)
	c.must("user", "create", "alice", "--email", "alice@example.org")
	c.must("user", "create", "bob", "--email", "bob@example.org")
	wheels := c.importWheels("clipkg", "1.0", "1.1")
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"yank unknown project", []string{"yank", "nope", "1.0"}, 1, "wharf: Project not found."},
		{"unyank unknown project", []string{"unyank", "nope", "1.0"}, 1, "wharf: Project not found."},
		{"delete unknown project", []string{"delete", "nope", "1.0"}, 1, "wharf: Project not found."},
		{"role on unknown project", []string{"project", "role", "nope", "bob", "owner"}, 1, "wharf: Project not found."},
		{"yank unknown version", []string{"yank", "clipkg", "9.9"}, 1, "wharf: Release not found."},
		{"yank bad version", []string{"yank", "clipkg", "not.a.version!"}, 1, "Invalid version"},
		{"role for unknown user", []string{"project", "role", "clipkg", "nobody", "owner"}, 1, "wharf: User not found."},
		{"yank", []string{"yank", "CliPkg", "1.0", "--reason", "broken"}, 0, "yanked CliPkg 1.0"},
		{"unyank", []string{"unyank", "clipkg", "1.0.0"}, 0, "unyanked clipkg 1.0.0"},
		{"add maintainer", []string{"project", "role", "clipkg", "bob", "maintainer"}, 0, "bob is now maintainer"},
		{"remove last owner", []string{"project", "role", "clipkg", "alice", "remove"}, 1, "last owner"},
		{"add owner", []string{"project", "role", "clipkg", "bob", "Owner"}, 0, "bob is now owner"},
		{"remove an owner", []string{"project", "role", "clipkg", "alice", "remove"}, 0, "alice has no role any more"},
		{"delete unknown file", []string{"delete", "clipkg", "1.0", "other.whl"}, 1, "not found"},
		{"delete file", []string{"delete", "clipkg", "1.0", "clipkg-1.0-py3-none-any.whl"}, 0, "deleted clipkg 1.0"},
		{"delete release", []string{"delete", "clipkg", "1.1"}, 0, "deleted clipkg 1.1"},
		{"delete deleted release", []string{"delete", "clipkg", "1.1"}, 1, "wharf: Release not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := c.run(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	// Deleting removed the blobs no file uses any more, so the store is clean.
	for v, w := range wheels {
		for _, b := range w {
			if _, err := os.Stat(c.blobPath(sha256hex(b))); !os.IsNotExist(err) {
				t.Errorf("a blob of %s is still there: %v", v, err)
			}
		}
	}
	if stdout := c.must("fsck"); !strings.Contains(stdout, "checked 0 files: 0 problems, 0 unreferenced blobs") {
		t.Errorf("fsck: %s", stdout)
	}
}

func TestFsck(t *testing.T) {
	c := newCLI(t)
	want := "transparency log: 0 records, latest checkpoint -1, 0 files checked: 0 problems\nchecked 0 files: 0 problems, 0 unreferenced blobs\n"
	if stdout := c.must("fsck"); stdout != want {
		t.Errorf("fsck of a fresh store: %q", stdout)
	}
	c.must("user", "create", "alice", "--email", "alice@example.org")
	w := c.importWheels("fsckpkg", "1.0")["1.0"]
	content, metadata := w[0], w[1]
	contentPath, metaPath := c.blobPath(sha256hex(content)), c.blobPath(sha256hex(metadata))
	orphan := c.blobPath(strings.Repeat("ab", 32))

	tests := []struct {
		name   string
		damage func()
		code   int
		want   []string // in stdout
	}{
		{"healthy", func() {}, 0, []string{"checked 1 files: 0 problems, 0 unreferenced blobs"}},
		{"flipped byte", func() {
			b := bytes.Clone(content)
			b[len(b)/2] ^= 0x01
			writeBlob(t, contentPath, b)
		}, 1, []string{"PROBLEM: fsckpkg-1.0-py3-none-any.whl: blob does not match its record: sha256 ", "blake2b_256 ", "md5 ", "1 problems"}},
		{"truncated", func() { writeBlob(t, contentPath, content[:10]) }, 1, []string{"size 10, recorded"}},
		{"missing blob", func() { os.Remove(contentPath) }, 1, []string{"PROBLEM: fsckpkg-1.0-py3-none-any.whl: blob is missing"}},
		{"missing metadata", func() { os.Remove(metaPath) }, 1, []string{"PROBLEM: fsckpkg-1.0-py3-none-any.whl.metadata: blob is missing"}},
		{"unreferenced blob", func() { writeBlob(t, orphan, []byte("left by a crash")) }, 0,
			[]string{"note: unreferenced blob sha256/ab/ab/" + strings.Repeat("ab", 32) + " (15 bytes)", "0 problems, 1 unreferenced blobs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.damage()
			defer func() {
				writeBlob(t, contentPath, content)
				writeBlob(t, metaPath, metadata)
				os.Remove(orphan)
			}()
			code, stdout, stderr := c.run("fsck")
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
		})
	}
}

func writeBlob(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFsckRepair(t *testing.T) {
	c := newCLI(t)
	c.must("user", "create", "alice", "--email", "alice@example.org")
	w := c.importWheels("repairpkg", "1.0")["1.0"]
	longAgo := time.Now().Add(-2 * time.Hour)
	referenced := []string{c.blobPath(sha256hex(w[0])), c.blobPath(sha256hex(w[1]))}
	oldOrphan, newOrphan := c.blobPath(strings.Repeat("0a", 32)), c.blobPath(strings.Repeat("0b", 32))
	writeBlob(t, oldOrphan, []byte("old"))
	writeBlob(t, newOrphan, []byte("new"))
	for _, p := range append(referenced, oldOrphan) {
		if err := os.Chtimes(p, longAgo, longAgo); err != nil {
			t.Fatal(err)
		}
	}
	if stdout := c.must("fsck"); !strings.Contains(stdout, "2 unreferenced blobs\n") {
		t.Errorf("fsck without --repair: %s", stdout)
	}
	stdout := c.must("fsck", "--repair")
	if !strings.Contains(stdout, "0 problems, 2 unreferenced blobs (1 removed)") {
		t.Errorf("fsck --repair: %s", stdout)
	}
	for _, tt := range []struct {
		path string
		kept bool
	}{
		{oldOrphan, false}, {newOrphan, true}, {referenced[0], true}, {referenced[1], true},
	} {
		if _, err := os.Stat(tt.path); (err == nil) != tt.kept {
			t.Errorf("%s: kept %v, want %v", tt.path, err == nil, tt.kept)
		}
	}
	if stdout := c.must("fsck"); !strings.Contains(stdout, "0 problems, 1 unreferenced blobs") {
		t.Errorf("fsck after repair: %s", stdout)
	}
}

func TestImportAgainIsNoOp(t *testing.T) {
	c := newCLI(t)
	c.must("user", "create", "alice", "--email", "alice@example.org")
	dir := t.TempDir()
	fn, content, _ := testWheel(t, "imppkg", "1.0")
	writeBlob(t, filepath.Join(dir, "sub", fn), content)
	writeBlob(t, filepath.Join(dir, "broken-1.0.tar.gz"), []byte("not gzip"))
	writeBlob(t, filepath.Join(dir, "index.html"), []byte("ignored"))
	want := []string{"imported 1, already present 0, failed 1, of 2 files", "imported 0, already present 1, failed 1, of 2 files"}
	for i, w := range want {
		// A failed file makes the exit status 1, so scripts notice.
		code, stdout, _ := c.run("import", dir, "--user", "alice", "--quiet")
		if code != 1 || !strings.Contains(stdout, w) || !strings.Contains(stdout, "skipped "+filepath.Join(dir, "broken-1.0.tar.gz")) {
			t.Errorf("run %d: %s", i+1, stdout)
		}
	}
	if code, _, stderr := c.run("import", dir, "--user", "nobody"); code != 1 || !strings.Contains(stderr, "User not found") {
		t.Errorf("unknown user: exit %d, %q", code, stderr)
	}
}
