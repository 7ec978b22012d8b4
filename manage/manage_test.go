package manage_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"wharf/internal/testutil"

	"wharf"
	"wharf/diskblob"
	"wharf/manage"
	"wharf/pep440"
	"wharf/sqlite"
)

// env is a management service over a real SQLite store and disk blob
// store holding one project, foo-bar, owned by alice:
//
//	1.0: Foo_Bar-1.0.tar.gz  (metadata m1)
//	     foo_bar-1.0-py3-none-any.whl (metadata m1, shared)
//	2.0: foo_bar-2.0-py3-none-any.whl (metadata m2)
type env struct {
	t       *testing.T
	store   *sqlite.Store
	blobs   *diskblob.Store
	raw     *sql.DB
	svc     *manage.Service
	changed []string
	alice   *wharf.User
	bob     *wharf.User
	carol   *wharf.User
	project *wharf.Project
	files   map[string]wharf.File
	actor   wharf.Actor
}

const (
	sdist10 = "Foo_Bar-1.0.tar.gz"
	wheel10 = "foo_bar-1.0-py3-none-any.whl"
	wheel20 = "foo_bar-2.0-py3-none-any.whl"
)

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "wharf.db")
	e := &env{t: t, files: map[string]wharf.File{}}
	var err error
	if e.store, err = sqlite.Open(t.Context(), sqlite.Options{Path: path}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	if e.blobs, err = diskblob.Open(diskblob.Options{Dir: filepath.Join(dir, "blobs")}); err != nil {
		t.Fatal(err)
	}
	if e.raw, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.raw.Close() })
	e.svc = manage.New(e.store, e.blobs, func(p string) { e.changed = append(e.changed, p) })
	e.seed()
	return e
}

// put stores content as a blob and returns its sha256.
func (e *env) put(content string) string {
	e.t.Helper()
	sum := sha256.Sum256([]byte(content))
	hexSum := hex.EncodeToString(sum[:])
	if err := e.blobs.Put(e.t.Context(), wharf.BlobKey(hexSum), bytes.NewReader([]byte(content)), int64(len(content))); err != nil {
		e.t.Fatal(err)
	}
	return hexSum
}

func (e *env) seed() {
	ctx := e.t.Context()
	m1, m2 := e.put("Metadata-Version: 2.1\nName: Foo-Bar\nVersion: 1.0\n"), e.put("Metadata-Version: 2.1\nName: Foo-Bar\nVersion: 2.0\n")
	err := e.store.Update(ctx, func(tx wharf.Tx) error {
		e.alice, e.bob, e.carol = &wharf.User{Name: "alice"}, &wharf.User{Name: "bob"}, &wharf.User{Name: "carol"}
		for _, u := range []*wharf.User{e.alice, e.bob, e.carol} {
			u.Email = u.Name + "@example.com"
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		e.project = &wharf.Project{Name: "foo-bar", DisplayName: "Foo-Bar", SimilarityKey: "f00bar", CreatedBy: e.alice.ID}
		if err := tx.CreateProject(ctx, e.project); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, e.project.ID, e.alice.ID, wharf.RoleOwner); err != nil {
			return err
		}
		releases := map[string]*wharf.Release{}
		for _, v := range []string{"1.0", "2.0"} {
			pv := pep440.MustParse(v)
			r := &wharf.Release{ProjectID: e.project.ID, Version: pv.String(), Canonical: pv.Canonical(), SortKey: pv.SortKey()}
			if err := tx.CreateRelease(ctx, r); err != nil {
				return err
			}
			releases[v] = r
		}
		for _, f := range []struct{ version, name, meta string }{
			{"1.0", sdist10, m1}, {"1.0", wheel10, m1}, {"2.0", wheel20, m2},
		} {
			content := "content of " + f.name
			sum := e.put(content)
			file := wharf.File{ReleaseID: releases[f.version].ID, ProjectID: e.project.ID, Filename: f.name,
				PackageType: wharf.PackageWheel, PythonVersion: "py3", Size: int64(len(content)), SHA256: sum,
				Blake2b256: "b2" + sum[2:], MD5: sum[:32], MetadataSHA256: f.meta, UploaderID: e.alice.ID}
			if err := tx.AddFile(ctx, &file); err != nil {
				return err
			}
			if err := tx.AddProjectSize(ctx, e.project.ID, file.Size); err != nil {
				return err
			}
			e.files[f.name] = file
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.actor = wharf.Actor{UserID: e.alice.ID, UserName: "alice", IP: "192.0.2.1"}
}

// hasBlob reports whether the blob with the sha256 exists.
func (e *env) hasBlob(sum string) bool {
	_, err := e.blobs.Stat(e.t.Context(), wharf.BlobKey(sum))
	if err != nil && !wharf.IsCode(err, wharf.ENOTFOUND) {
		e.t.Fatal(err)
	}
	return err == nil
}

// rows returns one column of a query as strings.
func (e *env) rows(query string) []string {
	e.t.Helper()
	return testutil.Column(e.t, e.raw, query)
}

func (e *env) wantRows(query string, want ...string) {
	e.t.Helper()
	if got := e.rows(query); !slices.Equal(got, want) {
		e.t.Errorf("%s =\n%q\nwant\n%q", query, got, want)
	}
}

// counts returns the number of rows of the tables an action may change.
func (e *env) counts() map[string]string {
	out := map[string]string{}
	for _, q := range []string{
		"SELECT COUNT(*) FROM journal", "SELECT COUNT(*) FROM events", "SELECT COUNT(*) FROM files",
		"SELECT COUNT(*) FROM releases", "SELECT group_concat(user_id || role) FROM roles",
		"SELECT total_size FROM projects", "SELECT group_concat(yanked || yanked_reason) FROM releases",
	} {
		out[q] = e.rows(q)[0]
	}
	return out
}

// wantUnchanged fails the test if the tables differ from before.
func (e *env) wantUnchanged(before map[string]string) {
	e.t.Helper()
	if after := e.counts(); !maps.Equal(before, after) {
		e.t.Errorf("a refused action changed the store:\nbefore %v\nafter  %v", before, after)
	}
}

func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	if got := wharf.ErrorCode(err); got != code {
		t.Errorf("err = %v (code %q), want code %q", err, got, code)
	}
	if got := wharf.ErrorMessage(err); msg != "" && got != msg {
		t.Errorf("message = %q, want %q", got, msg)
	}
}

func (e *env) release(version string) *wharf.Release {
	e.t.Helper()
	var r *wharf.Release
	err := e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		var err error
		r, err = tx.ReleaseByCanonical(e.t.Context(), e.project.ID, pep440.MustParse(version).Canonical())
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func TestYank(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	// Any spelling of the name and the version finds the release.
	if err := e.svc.Yank(ctx, e.actor, "Foo_Bar", "1.0.0", "broken build"); err != nil {
		t.Fatal(err)
	}
	if r := e.release("1.0"); !r.Yanked || r.YankedReason != "broken build" {
		t.Errorf("after Yank: %+v", *r)
	}
	if r := e.release("2.0"); r.Yanked {
		t.Error("Yank yanked another release")
	}
	if err := e.svc.Yank(ctx, e.actor, "foo-bar", "1.0", "really broken"); err != nil {
		t.Fatal(err)
	}
	if r := e.release("1.0"); !r.Yanked || r.YankedReason != "really broken" {
		t.Errorf("after a second Yank: %+v", *r)
	}
	if err := e.svc.Unyank(ctx, e.actor, "foo-bar", "1.0"); err != nil {
		t.Fatal(err)
	}
	if r := e.release("1.0"); r.Yanked || r.YankedReason != "" {
		t.Errorf("after Unyank: %+v", *r)
	}
	e.wantRows("SELECT project || ' ' || version || ' ' || action FROM journal ORDER BY serial",
		"foo-bar 1.0 yank release", "foo-bar 1.0 yank release", "foo-bar 1.0 unyank release")
	e.wantRows("SELECT tag || ' ' || json_extract(details, '$.yanked_reason') FROM events ORDER BY id",
		"project:release:yank broken build", "project:release:yank really broken", "project:release:unyank ")
	if !slices.Equal(e.changed, []string{"foo-bar", "foo-bar", "foo-bar"}) {
		t.Errorf("changes announced: %q", e.changed)
	}
	// The project's last serial follows the journal.
	e.wantRows("SELECT last_serial = (SELECT MAX(serial) FROM journal) FROM projects", "1")
}

func TestYankRefusals(t *testing.T) {
	tests := []struct {
		name, project, version string
		code, msg              string
	}{
		{"unknown project", "nope", "1.0", wharf.ENOTFOUND, "Project not found."},
		{"unknown version", "foo-bar", "3.0", wharf.ENOTFOUND, "Release not found."},
		{"invalid version", "foo-bar", "one point oh", wharf.EINVALID, `Invalid version "one point oh".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.counts()
			wantErr(t, e.svc.Yank(t.Context(), e.actor, tt.project, tt.version, "x"), tt.code, tt.msg)
			wantErr(t, e.svc.Unyank(t.Context(), e.actor, tt.project, tt.version), tt.code, tt.msg)
			wantErr(t, e.svc.Delete(t.Context(), e.actor, tt.project, tt.version, ""), tt.code, tt.msg)
			e.wantUnchanged(before)
			if len(e.changed) != 0 {
				t.Errorf("a refused action announced a change: %q", e.changed)
			}
		})
	}
}

func TestDeleteFile(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	sd, wh, w2 := e.files[sdist10], e.files[wheel10], e.files[wheel20]
	total := sd.Size + wh.Size + w2.Size
	if err := e.svc.Delete(ctx, e.actor, "Foo.Bar", "1.0", sdist10); err != nil {
		t.Fatal(err)
	}
	if e.hasBlob(sd.SHA256) {
		t.Error("the deleted file's blob is still there")
	}
	if !e.hasBlob(sd.MetadataSHA256) {
		t.Error("metadata still used by the 1.0 wheel was deleted")
	}
	e.wantRows("SELECT filename FROM files ORDER BY filename", wheel10, wheel20)
	e.wantRows("SELECT total_size FROM projects", itoa(total-sd.Size))
	e.wantRows("SELECT COUNT(*) FROM filenames WHERE filename = '"+sdist10+"'", "1")
	e.wantRows("SELECT version || ' ' || filename || ' ' || action FROM journal", "1.0 "+sdist10+" remove file")
	e.wantRows("SELECT tag || ' ' || json_extract(details, '$.filename') FROM events", "file:remove "+sdist10)

	if err := e.svc.Delete(ctx, e.actor, "foo-bar", "1.0", wheel10); err != nil {
		t.Fatal(err)
	}
	if e.hasBlob(wh.SHA256) || e.hasBlob(wh.MetadataSHA256) {
		t.Error("blobs of the last file using them were kept")
	}
	if !e.hasBlob(w2.SHA256) || !e.hasBlob(w2.MetadataSHA256) {
		t.Error("blobs of another release were deleted")
	}
	e.wantRows("SELECT total_size FROM projects", itoa(w2.Size))
	// The release stays, with no files.
	e.release("1.0")

	before := e.counts()
	for _, tt := range []struct{ version, filename string }{
		{"1.0", sdist10},         // already deleted
		{"1.0", wheel20},         // in another release
		{"1.0", "unknown.whl"},   // never there
		{"2.0", "Foo_Bar-2.0.x"}, // never there
	} {
		err := e.svc.Delete(ctx, e.actor, "foo-bar", tt.version, tt.filename)
		wantErr(t, err, wharf.ENOTFOUND, `File "`+tt.filename+`" not found in release `+tt.version+`.`)
	}
	e.wantUnchanged(before)
}

func TestDeleteRelease(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	sd, wh, w2 := e.files[sdist10], e.files[wheel10], e.files[wheel20]
	if err := e.svc.Delete(ctx, e.actor, "foo-bar", "1", ""); err != nil {
		t.Fatal(err)
	}
	for _, sum := range []string{sd.SHA256, wh.SHA256, sd.MetadataSHA256} {
		if e.hasBlob(sum) {
			t.Errorf("blob %s of the deleted release is still there", sum[:8])
		}
	}
	for _, sum := range []string{w2.SHA256, w2.MetadataSHA256} {
		if !e.hasBlob(sum) {
			t.Errorf("blob %s of release 2.0 was deleted", sum[:8])
		}
	}
	e.wantRows("SELECT version FROM releases", "2.0")
	e.wantRows("SELECT filename FROM files", wheel20)
	e.wantRows("SELECT filename FROM filenames ORDER BY filename", sdist10, wheel10, wheel20)
	e.wantRows("SELECT total_size FROM projects", itoa(w2.Size))
	e.wantRows("SELECT version || ' ' || action FROM journal", "1.0 remove release")
	e.wantRows("SELECT tag || ' ' || json_extract(details, '$.version') FROM events", "project:release:remove 1.0")
	if !slices.Equal(e.changed, []string{"foo-bar"}) {
		t.Errorf("changes announced: %q", e.changed)
	}
	// Deleting the last release leaves the project, empty.
	if err := e.svc.Delete(ctx, e.actor, "foo-bar", "2.0", ""); err != nil {
		t.Fatal(err)
	}
	e.wantRows("SELECT name || ' ' || total_size FROM projects", "foo-bar 0")
	e.wantRows("SELECT COUNT(*) FROM files", "0")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRoles(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	steps := []struct {
		user, role string
		code, msg  string
	}{
		{"bob", wharf.RoleMaintainer, "", ""},
		{"bob", wharf.RoleOwner, "", ""}, // replaces Maintainer
		{"carol", wharf.RoleMaintainer, "", ""},
		{"alice", "", "", ""}, // bob is still an owner
		{"bob", "", wharf.ECONFLICT, "bob is the last owner of Foo-Bar; add another owner first."},
		{"bob", wharf.RoleMaintainer, wharf.ECONFLICT, "bob is the last owner of Foo-Bar; add another owner first."},
		{"alice", "", wharf.ENOTFOUND, "alice has no role on Foo-Bar."},
		{"carol", "Admin", wharf.EINVALID, `Unknown role "Admin": use Owner or Maintainer.`},
		{"carol", "owner", wharf.EINVALID, `Unknown role "owner": use Owner or Maintainer.`},
		{"dave", wharf.RoleMaintainer, wharf.ENOTFOUND, "User not found."},
		{"carol", "", "", ""},
	}
	for _, st := range steps {
		before := e.counts()
		err := e.svc.SetRole(ctx, e.actor, "Foo_Bar", st.user, st.role)
		if st.code == "" {
			if err != nil {
				t.Fatalf("SetRole(%s, %q): %v", st.user, st.role, err)
			}
			continue
		}
		wantErr(t, err, st.code, st.msg)
		e.wantUnchanged(before)
	}
	err := e.svc.SetRole(ctx, e.actor, "nope", "bob", wharf.RoleOwner)
	wantErr(t, err, wharf.ENOTFOUND, "Project not found.")
	e.wantRows("SELECT u.name || ' ' || r.role FROM roles r JOIN users u ON u.id = r.user_id", "bob Owner")
	e.wantRows("SELECT action FROM journal ORDER BY serial",
		"add role Maintainer bob", "add role Owner bob", "add role Maintainer carol",
		"remove role Owner alice", "remove role Maintainer carol")
	e.wantRows("SELECT e.tag || ' ' || u.name || ' ' || json_extract(e.details, '$.role_name') FROM events e JOIN users u ON u.id = e.user_id ORDER BY e.id",
		"project:role:add bob Maintainer", "project:role:add bob Owner", "project:role:add carol Maintainer",
		"project:role:remove alice Owner", "project:role:remove carol Maintainer")
	if len(e.changed) != 5 {
		t.Errorf("changes announced: %q, want 5", e.changed)
	}
}
