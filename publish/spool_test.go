package publish_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"wharf"
	"wharf/publish"
)

func TestSpool(t *testing.T) {
	data := []byte(strings.Repeat("wharf ", 100))
	tests := []struct {
		name string
		size int
		max  int64
		code string
		msg  string
	}{
		{"under the limit", 599, 600, "", ""},
		{"at the limit", 600, 600, "", ""},
		{"over the limit", 600, 599, wharf.ETOOLARGE, "File too large. Limit for this index is 599 bytes."},
		{"zero limit", 600, 0, wharf.ETOOLARGE, "File too large. Limit for this index is 0 bytes."},
		{"empty", 0, 100, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := publish.Spool(dir, "x-1.0.tar.gz", bytes.NewReader(data[:tt.size]), tt.max)
			if tt.code != "" {
				wantErr(t, err, tt.code, tt.msg)
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Errorf("a refused spool left %d files", len(left))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer sp.Remove()
			sum := md5.Sum(data[:tt.size])
			if sp.Size != int64(tt.size) || sp.SHA256 != sha256Hex(data[:tt.size]) || sp.Blake2b256 != blake2Hex(data[:tt.size]) ||
				sp.MD5 != hex.EncodeToString(sum[:]) || sp.Filename != "x-1.0.tar.gz" {
				t.Errorf("Spooled = %+v", sp)
			}
			var got bytes.Buffer
			if _, err := got.ReadFrom(sp.Open()); err != nil || !bytes.Equal(got.Bytes(), data[:tt.size]) {
				t.Errorf("Open read %d bytes, %v; want the %d spooled", got.Len(), err, tt.size)
			}
			sp.Remove()
			sp.Remove() // twice is harmless
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("Remove left %d files", len(left))
			}
		})
	}
}

func TestSpoolHumanLimit(t *testing.T) {
	_, err := publish.Spool(t.TempDir(), "x.whl", bytes.NewReader(make([]byte, 2<<20+1)), 2<<20)
	wantErr(t, err, wharf.ETOOLARGE, "File too large. Limit for this index is 2 MiB.")
}

func TestSpoolInterrupted(t *testing.T) {
	dir := t.TempDir()
	cause := errors.New("connection reset")
	_, err := publish.Spool(dir, "x.whl", iotest.ErrReader(cause), 100)
	wantErr(t, err, wharf.EINVALID, "The upload was interrupted.")
	if !errors.Is(err, cause) {
		t.Errorf("error %v does not wrap the cause", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("an interrupted spool left %d files", len(left))
	}
}

func TestCleanSpool(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	for name, age := range map[string]time.Duration{"upload-old": 2 * time.Hour, "upload-new": time.Minute, "other-old": 2 * time.Hour} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	publish.CleanSpool(dir, now)
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if strings.Join(left, " ") != "other-old upload-new" {
		t.Errorf("after CleanSpool: %q, want other-old and upload-new", left)
	}
}

// TestPublishTooLargeFile checks the size limit through the service's own
// configuration, as the web handler spools with it.
func TestPublishTooLargeFile(t *testing.T) {
	e := newEnv(t, func(c *publish.Config) { c.MaxFileSize = 100 })
	d := sdist(t, "foo-bar", "1.0", "a")
	_, err := publish.Spool(e.cfg.SpoolDir, d.filename, bytes.NewReader(d.data), e.svc.Config().MaxFileSize)
	wantErr(t, err, wharf.ETOOLARGE, "File too large. Limit for this index is 100 bytes.")
}

func TestLocalUpload(t *testing.T) {
	e := newEnv(t, func(c *publish.Config) { c.NewProjectsPerHour = 1 })
	alice := e.account("alice")
	pr := &publish.Principal{User: alice.user}
	actor := wharf.Actor{UserID: alice.user.ID, UserName: "alice"}
	dir := t.TempDir()
	// Two new projects in a row: wharf import is not rate limited.
	for _, d := range []dist{
		wheelTagged(t, "foo-bar", "1.0", "py2.py3-none-any", "a").set("pyversion", "py2.py3"),
		sdist(t, "baz", "2.0", "a"),
	} {
		path := filepath.Join(dir, d.filename)
		if err := os.WriteFile(path, d.data, 0o600); err != nil {
			t.Fatal(err)
		}
		up, err := e.svc.LocalUpload(path)
		if err != nil {
			t.Fatalf("LocalUpload(%s): %v", d.filename, err)
		}
		res, err := e.svc.Publish(t.Context(), pr, actor, up)
		up.File.Remove()
		if err != nil {
			t.Fatalf("Publish(%s): %v", d.filename, err)
		}
		if res.File.TokenID != "" || res.File.SHA256 != sha256Hex(d.data) || res.File.PythonVersion != d.fields["pyversion"][0] {
			t.Errorf("Result = %+v", res)
		}
	}
	wantRows(t, e, "SELECT name FROM projects ORDER BY name", "baz", "foo-bar")
	bad := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(bad, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.LocalUpload(bad)
	wantErr(t, err, wharf.EINVALID, "")
	if left, _ := os.ReadDir(e.cfg.SpoolDir); len(left) != 0 {
		t.Errorf("LocalUpload left %d spool files", len(left))
	}
}

// TestConcurrentSameFilename uploads one filename with different bytes from
// several goroutines: one wins, the others learn the file exists.
func TestConcurrentSameFilename(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	const n = 8
	ups := make([]publish.Upload, n)
	for i := range n {
		d := wheel(t, "foo-bar", "1.0", string(rune('a'+i)))
		d.fields["sha256_digest"] = []string{sha256Hex(d.data)}
		ups[i] = publish.Upload{Fields: d.fields, File: e.spool(d)}
	}
	results, errs := publishAll(e, alice, ups)
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil && !results[i].Duplicate:
			wins++
		case err == nil:
			t.Errorf("upload %d was a duplicate of different bytes", i)
		case wharf.IsCode(err, wharf.EINVALID) && strings.HasPrefix(wharf.ErrorMessage(err), "File already exists ('foo_bar-1.0-py3-none-any.whl'"):
		default:
			t.Errorf("upload %d: %v", i, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d uploads won, want 1", wins)
	}
	wantRows(t, e, "SELECT COUNT(*) FROM files", "1")
	wantRows(t, e, "SELECT COUNT(*) FROM projects", "1")
	wantRows(t, e, "SELECT action FROM journal ORDER BY serial", "create", "new release", "add py3 file foo_bar-1.0-py3-none-any.whl")
}

// TestConcurrentSameFile uploads the same file from several goroutines:
// all succeed, one stores it and the others see a duplicate.
func TestConcurrentSameFile(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	const n = 8
	d := sdist(t, "foo-bar", "1.0", "a")
	d.fields["sha256_digest"] = []string{sha256Hex(d.data)}
	ups := make([]publish.Upload, n)
	for i := range n {
		ups[i] = publish.Upload{Fields: d.fields, File: e.spool(d)}
	}
	results, errs := publishAll(e, alice, ups)
	stored := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("upload %d: %v", i, err)
			continue
		}
		if !results[i].Duplicate {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("%d uploads stored the file, want 1", stored)
	}
	wantRows(t, e, "SELECT COUNT(*) FROM files", "1")
	wantRows(t, e, "SELECT COUNT(*) FROM journal", "3")
}

func publishAll(e *env, a *account, ups []publish.Upload) ([]*publish.Result, []error) {
	results := make([]*publish.Result, len(ups))
	errs := make([]error, len(ups))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, up := range ups {
		wg.Go(func() {
			<-start
			results[i], errs[i] = e.svc.Publish(e.t.Context(), a.pr, a.actor, up)
		})
	}
	close(start)
	wg.Wait()
	return results, errs
}
