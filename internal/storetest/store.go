package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"wharf"
	"wharf/pep440"
)

// Store runs the conformance suite for wharf.Store against stores made by
// open, which is called once per subtest and must return an empty, migrated
// store that lives until the subtest ends. The suite never uses a Tx after
// one of its methods failed, since some engines abort the transaction then.
func Store(t *testing.T, open func(t *testing.T) wharf.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s wharf.Store)
	}{
		{"Users", testUsers},
		{"AccountFields", testAccountFields},
		{"Sessions", testSessions},
		{"SecurityKeys", testSecurityKeys},
		{"RecoveryCodes", testRecoveryCodes},
		{"EmailTokens", testEmailTokens},
		{"Tokens", testTokens},
		{"Projects", testProjects},
		{"ProjectConflicts", testProjectConflicts},
		{"ProjectCounts", testProjectCounts},
		{"Roles", testRoles},
		{"Releases", testReleases},
		{"ReleaseOrder", testReleaseOrder},
		{"Yank", testYank},
		{"DeleteRelease", testDeleteRelease},
		{"Files", testFiles},
		{"FileConflicts", testFileConflicts},
		{"FileLists", testFileLists},
		{"BlobReferenced", testBlobReferenced},
		{"EachFile", testEachFile},
		{"Journal", testJournal},
		{"Events", testEvents},
		{"EventQueries", testEventQueries},
		{"EventHistory", testEventHistory},
		{"Lookups", testLookups},
		{"Invitations", testInvitations},
		{"RestrictToken", testRestrictToken},
		{"Log", testLog},
		{"FileLogIndex", testFileLogIndex},
		{"Descriptions", testDescriptions}, {"Counts", testCounts}, {"NewestReleases", testNewestReleases}, {"UserProjects", testUserProjects},
		{"Rollback", testRollback},
		{"ViewIsReadOnly", testViewReadOnly},
		{"NowIsFixed", testNowFixed},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"SerialisedWriters", testSerialisedWriters},
		{"Search", func(t *testing.T, _ wharf.Store) { testSearch(t, open) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, open(t))
		})
	}
}

// update runs fn in an Update and fails the test if it returns an error.
func update(t *testing.T, s wharf.Store, fn func(tx wharf.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a View and fails the test if it returns an error.
func view(t *testing.T, s wharf.Store, fn func(tx wharf.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// tryUpdate runs one write in its own Update and returns its error, so that
// a failing write never leaves a transaction in use.
func tryUpdate(t *testing.T, s wharf.Store, fn func(tx wharf.Tx) error) error {
	t.Helper()
	return s.Update(t.Context(), fn)
}

// fixture is a user, a project owned by them and one release "1.0".
type fixture struct {
	user    *wharf.User
	project *wharf.Project
	release *wharf.Release
}

func newUser(t *testing.T, s wharf.Store, name string) *wharf.User {
	t.Helper()
	u := &wharf.User{Name: name, Email: name + "@example.com"}
	update(t, s, func(tx wharf.Tx) error { return tx.CreateUser(t.Context(), u) })
	return u
}

func newProject(t *testing.T, s wharf.Store, name string, by int64) *wharf.Project {
	t.Helper()
	p := &wharf.Project{Name: name, DisplayName: name, SimilarityKey: "key-" + name, CreatedBy: by}
	update(t, s, func(tx wharf.Tx) error { return tx.CreateProject(t.Context(), p) })
	return p
}

func releaseOf(projectID int64, version string) *wharf.Release {
	v := pep440.MustParse(version)
	return &wharf.Release{ProjectID: projectID, Version: v.String(), Canonical: v.Canonical(), SortKey: v.SortKey(),
		Summary: "summary of " + version, RequiresPython: ">=3.9", InfoJSON: `{"version":"` + v.String() + `"}`}
}

func newRelease(t *testing.T, s wharf.Store, projectID int64, version string) *wharf.Release {
	t.Helper()
	r := releaseOf(projectID, version)
	update(t, s, func(tx wharf.Tx) error { return tx.CreateRelease(t.Context(), r) })
	return r
}

func setup(t *testing.T, s wharf.Store) fixture {
	t.Helper()
	u := newUser(t, s, "alice")
	p := newProject(t, s, "demo", u.ID)
	return fixture{user: u, project: p, release: newRelease(t, s, p.ID, "1.0")}
}

// fileOf returns a file record for filename in release r with digests
// derived from seed, so that different seeds give different digests.
func fileOf(r *wharf.Release, filename, seed string) *wharf.File {
	return &wharf.File{ReleaseID: r.ID, ProjectID: r.ProjectID, Filename: filename, PackageType: wharf.PackageSdist,
		PythonVersion: "source", Size: int64(100 + len(seed)),
		SHA256: digest("sha256", seed), Blake2b256: digest("blake2", seed), MD5: digest("md5", seed)[:32],
		MetadataSHA256: digest("meta", seed), MetadataSize: 42, UploaderID: 1, TokenID: "tok-" + seed}
}

// digest returns a 64-hex-digit string unique to kind and seed.
func digest(kind, seed string) string {
	s := fmt.Sprintf("%x", kind+":"+seed)
	for len(s) < 64 {
		s += "0"
	}
	return s[:64]
}

func addFile(t *testing.T, s wharf.Store, f *wharf.File) {
	t.Helper()
	update(t, s, func(tx wharf.Tx) error { return tx.AddFile(t.Context(), f) })
}

func testUsers(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := &wharf.User{Name: "alice", Email: "alice@example.com", PasswordHash: "$argon2id$x", IsAdmin: true}
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		return tx.CreateUser(ctx, u)
	})
	if u.ID <= 0 || !u.Created.Equal(now) {
		t.Fatalf("CreateUser set ID %d and Created %v, want a positive ID and %v", u.ID, u.Created, now)
	}
	other := newUser(t, s, "bob")
	if other.ID == u.ID {
		t.Fatalf("two users share ID %d", u.ID)
	}
	view(t, s, func(tx wharf.Tx) error {
		byName, err := tx.UserByName(ctx, "alice")
		if err != nil {
			return err
		}
		byID, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, got := range []*wharf.User{byName, byID} {
			if !reflect.DeepEqual(*got, *u) {
				t.Errorf("read back %+v, want %+v", *got, *u)
			}
		}
		_, err = tx.UserByName(ctx, "nobody")
		wantCode(t, "UserByName(nobody)", err, wharf.ENOTFOUND)
		_, err = tx.UserByID(ctx, 999999)
		wantCode(t, "UserByID(999999)", err, wharf.ENOTFOUND)
		return nil
	})
	err := tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.CreateUser(ctx, &wharf.User{Name: "alice", Email: "other@example.com"})
	})
	wantCode(t, "CreateUser of a taken name", err, wharf.ECONFLICT)
	// As on PyPI, user names are case-insensitive: "Alice" is alice.
	err = tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.CreateUser(ctx, &wharf.User{Name: "ALICE", Email: "other@example.com"})
	})
	wantCode(t, "CreateUser of a taken name in other case", err, wharf.ECONFLICT)
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.UserByName(ctx, "Alice")
		if err != nil || got.ID != u.ID {
			t.Errorf("UserByName(Alice) = %v, %v; want alice", got, err)
		}
		return nil
	})
}

func testTokens(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	expires := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	scoped := &wharf.Token{ID: "tok-a", UserID: alice.ID, Description: "CI", Projects: []string{"demo", "other"}, Expires: expires}
	plain := &wharf.Token{ID: "tok-b", UserID: alice.ID}
	bobs := &wharf.Token{ID: "tok-c", UserID: bob.ID}
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		for _, tok := range []*wharf.Token{scoped, plain, bobs} {
			if err := tx.CreateToken(ctx, tok); err != nil {
				return err
			}
		}
		return nil
	})
	if !scoped.Created.Equal(now) {
		t.Errorf("CreateToken set Created %v, want %v", scoped.Created, now)
	}
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.TokenByID(ctx, "tok-a")
		if err != nil {
			return err
		}
		if got.UserID != alice.ID || got.Description != "CI" || !slices.Equal(got.Projects, scoped.Projects) ||
			!got.Expires.Equal(expires) || !got.Created.Equal(now) || !got.LastUsed.IsZero() || got.Revoked {
			t.Errorf("TokenByID = %+v, want %+v", *got, *scoped)
		}
		got, err = tx.TokenByID(ctx, "tok-b")
		if err != nil {
			return err
		}
		if len(got.Projects) != 0 || !got.Expires.IsZero() {
			t.Errorf("unscoped token read back with projects %q and expiry %v", got.Projects, got.Expires)
		}
		_, err = tx.TokenByID(ctx, "tok-missing")
		wantCode(t, "TokenByID(missing)", err, wharf.ENOTFOUND)
		list, err := tx.Tokens(ctx, alice.ID)
		if err != nil {
			return err
		}
		var ids []string
		for _, tok := range list {
			ids = append(ids, tok.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []string{"tok-a", "tok-b"}) {
			t.Errorf("Tokens(alice) = %q, want tok-a and tok-b", ids)
		}
		return nil
	})
	used := now.Add(time.Hour)
	update(t, s, func(tx wharf.Tx) error {
		if err := tx.TouchToken(ctx, "tok-a", used); err != nil {
			return err
		}
		return tx.RevokeToken(ctx, "tok-b")
	})
	view(t, s, func(tx wharf.Tx) error {
		a, err := tx.TokenByID(ctx, "tok-a")
		if err != nil {
			return err
		}
		b, err := tx.TokenByID(ctx, "tok-b")
		if err != nil {
			return err
		}
		if !a.LastUsed.Equal(used) || a.Revoked {
			t.Errorf("after TouchToken: LastUsed %v, Revoked %v; want %v, false", a.LastUsed, a.Revoked, used)
		}
		if !b.Revoked {
			t.Error("RevokeToken did not revoke")
		}
		return nil
	})
	wantCode(t, "RevokeToken(missing)", tryUpdate(t, s, func(tx wharf.Tx) error { return tx.RevokeToken(ctx, "tok-missing") }), wharf.ENOTFOUND)
	wantCode(t, "CreateToken of a taken id", tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.CreateToken(ctx, &wharf.Token{ID: "tok-a", UserID: bob.ID})
	}), wharf.ECONFLICT)
}

func testProjects(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	p := &wharf.Project{Name: "foo-bar", DisplayName: "Foo.Bar", SimilarityKey: "f00bar", CreatedBy: u.ID}
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		return tx.CreateProject(ctx, p)
	})
	if p.ID <= 0 || !p.Created.Equal(now) {
		t.Fatalf("CreateProject set ID %d and Created %v, want a positive ID and %v", p.ID, p.Created, now)
	}
	for _, name := range []string{"zeta", "alpha", "mid"} {
		newProject(t, s, name, u.ID)
	}
	update(t, s, func(tx wharf.Tx) error {
		if err := tx.AddProjectSize(ctx, p.ID, 100); err != nil {
			return err
		}
		return tx.AddProjectSize(ctx, p.ID, -30)
	})
	p.TotalSize = 70
	view(t, s, func(tx wharf.Tx) error {
		byName, err := tx.ProjectByName(ctx, "foo-bar")
		if err != nil {
			return err
		}
		byKey, err := tx.ProjectBySimilarityKey(ctx, "f00bar")
		if err != nil {
			return err
		}
		for _, got := range []*wharf.Project{byName, byKey} {
			if *got != *p {
				t.Errorf("read back %+v, want %+v", *got, *p)
			}
		}
		_, err = tx.ProjectByName(ctx, "missing")
		wantCode(t, "ProjectByName(missing)", err, wharf.ENOTFOUND)
		_, err = tx.ProjectBySimilarityKey(ctx, "missing")
		wantCode(t, "ProjectBySimilarityKey(missing)", err, wharf.ENOTFOUND)
		all, err := tx.Projects(ctx)
		if err != nil {
			return err
		}
		var names []string
		for _, q := range all {
			names = append(names, q.Name)
		}
		if want := []string{"alpha", "foo-bar", "mid", "zeta"}; !slices.Equal(names, want) {
			t.Errorf("Projects = %q, want %q", names, want)
		}
		return nil
	})
}

func testProjectConflicts(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	update(t, s, func(tx wharf.Tx) error {
		return tx.CreateProject(ctx, &wharf.Project{Name: "foo-bar", DisplayName: "foo-bar", SimilarityKey: "f00bar", CreatedBy: u.ID})
	})
	tests := []struct {
		name string
		p    wharf.Project
	}{
		{"same name", wharf.Project{Name: "foo-bar", DisplayName: "Foo_Bar", SimilarityKey: "other"}},
		{"same similarity key", wharf.Project{Name: "foobar", DisplayName: "FooBar", SimilarityKey: "f00bar"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			p.CreatedBy = u.ID
			err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.CreateProject(ctx, &p) })
			wantCode(t, "CreateProject", err, wharf.ECONFLICT)
		})
	}
	view(t, s, func(tx wharf.Tx) error {
		all, err := tx.Projects(ctx)
		if len(all) != 1 {
			t.Errorf("after refused creations there are %d projects, want 1", len(all))
		}
		return err
	})
}

func testProjectCounts(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	first := newProject(t, s, "one", alice.ID)
	newProject(t, s, "two", alice.ID)
	newProject(t, s, "three", bob.ID)
	view(t, s, func(tx wharf.Tx) error {
		tests := []struct {
			user  int64
			since time.Time
			want  int
		}{
			{alice.ID, first.Created.Add(-time.Hour), 2},
			{alice.ID, first.Created, 2}, // since is inclusive
			{alice.ID, tx.Now().Add(time.Hour), 0},
			{bob.ID, first.Created.Add(-time.Hour), 1},
			{999999, time.Time{}, 0},
		}
		for _, tt := range tests {
			n, err := tx.CountProjectsCreatedBy(ctx, tt.user, tt.since)
			if err != nil {
				return err
			}
			if n != tt.want {
				t.Errorf("CountProjectsCreatedBy(%d, %v) = %d, want %d", tt.user, tt.since, n, tt.want)
			}
		}
		return nil
	})
}

func testRoles(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	bob, carol := newUser(t, s, "bob"), newUser(t, s, "carol")
	other := newProject(t, s, "other", bob.ID)
	update(t, s, func(tx wharf.Tx) error {
		for _, r := range []struct {
			p, u int64
			role string
		}{
			{f.project.ID, f.user.ID, wharf.RoleOwner},
			{f.project.ID, carol.ID, wharf.RoleMaintainer},
			{f.project.ID, bob.ID, wharf.RoleMaintainer},
			{other.ID, bob.ID, wharf.RoleOwner},
		} {
			if err := tx.SetRole(ctx, r.p, r.u, r.role); err != nil {
				return err
			}
		}
		// Setting a role again replaces the old one.
		return tx.SetRole(ctx, f.project.ID, bob.ID, wharf.RoleOwner)
	})
	roleOf := func(tx wharf.Tx, p, u int64, want string) {
		t.Helper()
		got, err := tx.RoleOf(ctx, p, u)
		if err != nil || got != want {
			t.Errorf("RoleOf(%d, %d) = %q, %v; want %q", p, u, got, err, want)
		}
	}
	view(t, s, func(tx wharf.Tx) error {
		roleOf(tx, f.project.ID, bob.ID, wharf.RoleOwner)
		roleOf(tx, f.project.ID, carol.ID, wharf.RoleMaintainer)
		roleOf(tx, other.ID, carol.ID, "")
		roles, err := tx.Roles(ctx, f.project.ID)
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, r := range roles {
			if r.ProjectID != f.project.ID {
				t.Errorf("Roles returned a role of project %d", r.ProjectID)
			}
			got[r.UserName] = r.Role
		}
		want := map[string]string{"alice": wharf.RoleOwner, "bob": wharf.RoleOwner, "carol": wharf.RoleMaintainer}
		if fmt.Sprint(got) != fmt.Sprint(want) || len(roles) != 3 {
			t.Errorf("Roles = %+v, want %v", roles, want)
		}
		return nil
	})
	update(t, s, func(tx wharf.Tx) error { return tx.RemoveRole(ctx, f.project.ID, carol.ID) })
	view(t, s, func(tx wharf.Tx) error {
		roleOf(tx, f.project.ID, carol.ID, "")
		roleOf(tx, f.project.ID, f.user.ID, wharf.RoleOwner)
		return nil
	})
	err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.RemoveRole(ctx, f.project.ID, carol.ID) })
	wantCode(t, "RemoveRole of a role not held", err, wharf.ENOTFOUND)
}

func testReleases(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	p := newProject(t, s, "demo", u.ID)
	r := releaseOf(p.ID, "1.0")
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		return tx.CreateRelease(ctx, r)
	})
	if r.ID <= 0 || !r.Created.Equal(now) {
		t.Fatalf("CreateRelease set ID %d and Created %v, want a positive ID and %v", r.ID, r.Created, now)
	}
	// 1.0.0 is the same release as 1.0.
	err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.CreateRelease(ctx, releaseOf(p.ID, "1.0.0")) })
	wantCode(t, "CreateRelease(1.0.0) after 1.0", err, wharf.ECONFLICT)
	// Another project may have the same version.
	other := newProject(t, s, "other", u.ID)
	newRelease(t, s, other.ID, "1.0")
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.ReleaseByCanonical(ctx, p.ID, pep440.MustParse("1.0.0").Canonical())
		if err != nil {
			return err
		}
		if *got != *r {
			t.Errorf("ReleaseByCanonical = %+v, want %+v", *got, *r)
		}
		_, err = tx.ReleaseByCanonical(ctx, p.ID, "2")
		wantCode(t, "ReleaseByCanonical(2)", err, wharf.ENOTFOUND)
		return nil
	})
}

func testReleaseOrder(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	p := newProject(t, s, "demo", u.ID)
	other := newProject(t, s, "other", u.ID)
	newRelease(t, s, other.ID, "0.1")
	// Inserted out of order, with versions whose text order is not their
	// PEP 440 order.
	for _, v := range []string{"1.0", "1.0a1", "0.9", "1.0.post1", "10.0", "2.0.dev1", "1!0.1", "1.0rc1", "2.0"} {
		newRelease(t, s, p.ID, v)
	}
	want := []string{"0.9", "1.0a1", "1.0rc1", "1.0", "1.0.post1", "2.0.dev1", "2.0", "10.0", "1!0.1"}
	view(t, s, func(tx wharf.Tx) error {
		rs, err := tx.Releases(ctx, p.ID)
		if err != nil {
			return err
		}
		var got []string
		for _, r := range rs {
			got = append(got, r.Version)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Releases = %q, want %q", got, want)
		}
		return nil
	})
}

func testYank(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	addFile(t, s, fileOf(f.release, "demo-1.0.tar.gz", "a"))
	check := func(yanked bool, reason string) {
		t.Helper()
		view(t, s, func(tx wharf.Tx) error {
			r, err := tx.ReleaseByCanonical(ctx, f.project.ID, f.release.Canonical)
			if err != nil {
				return err
			}
			files, err := tx.Files(ctx, f.project.ID)
			if err != nil {
				return err
			}
			if r.Yanked != yanked || r.YankedReason != reason {
				t.Errorf("release yanked %v (%q), want %v (%q)", r.Yanked, r.YankedReason, yanked, reason)
			}
			if len(files) != 1 || files[0].Yanked != yanked || files[0].YankedReason != reason {
				t.Errorf("Files = %+v, want one file with yanked %v (%q)", files, yanked, reason)
			}
			return nil
		})
	}
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, f.release.ID, true, "broken build") })
	check(true, "broken build")
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, f.release.ID, false, "") })
	check(false, "")
	err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, 999999, true, "") })
	wantCode(t, "SetYanked of a missing release", err, wharf.ENOTFOUND)
}

func testDeleteRelease(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	keep := newRelease(t, s, f.project.ID, "2.0")
	addFile(t, s, fileOf(f.release, "demo-1.0.tar.gz", "a"))
	addFile(t, s, fileOf(f.release, "demo-1.0-py3-none-any.whl", "b"))
	addFile(t, s, fileOf(keep, "demo-2.0.tar.gz", "c"))
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteRelease(ctx, f.release.ID) })
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.ReleaseByCanonical(ctx, f.project.ID, f.release.Canonical)
		wantCode(t, "ReleaseByCanonical after DeleteRelease", err, wharf.ENOTFOUND)
		files, err := tx.Files(ctx, f.project.ID)
		if err != nil {
			return err
		}
		if len(files) != 1 || files[0].Filename != "demo-2.0.tar.gz" {
			t.Errorf("Files after DeleteRelease = %+v, want only demo-2.0.tar.gz", files)
		}
		for _, name := range []string{"demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl"} {
			_, err := tx.FileByFilename(ctx, name)
			wantCode(t, "FileByFilename of a deleted file", err, wharf.ENOTFOUND)
			used, err := tx.FilenameUsed(ctx, name)
			if err != nil || !used {
				t.Errorf("FilenameUsed(%s) after DeleteRelease = %v, %v; want true", name, used, err)
			}
		}
		return nil
	})
	// The release's version may be created again, but not its filenames.
	again := newRelease(t, s, f.project.ID, "1.0")
	err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.AddFile(ctx, fileOf(again, "demo-1.0.tar.gz", "new")) })
	wantCode(t, "AddFile of a deleted release's filename", err, wharf.ECONFLICT)
	err = tryUpdate(t, s, func(tx wharf.Tx) error { return tx.DeleteRelease(ctx, 999999) })
	wantCode(t, "DeleteRelease of a missing release", err, wharf.ENOTFOUND)
}

func testFiles(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	file := fileOf(f.release, "demo-1.0.tar.gz", "a")
	view(t, s, func(tx wharf.Tx) error {
		used, err := tx.FilenameUsed(ctx, file.Filename)
		if err != nil || used {
			t.Errorf("FilenameUsed before AddFile = %v, %v; want false", used, err)
		}
		return nil
	})
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		return tx.AddFile(ctx, file)
	})
	if file.ID <= 0 || !file.UploadTime.Equal(now) {
		t.Fatalf("AddFile set ID %d and UploadTime %v, want a positive ID and %v", file.ID, file.UploadTime, now)
	}
	want := *file
	want.Version = "1.0"
	view(t, s, func(tx wharf.Tx) error {
		byName, err := tx.FileByFilename(ctx, file.Filename)
		if err != nil {
			return err
		}
		byHash, err := tx.FileByBlake2(ctx, file.Blake2b256)
		if err != nil {
			return err
		}
		for _, got := range []*wharf.File{byName, byHash} {
			if *got != want {
				t.Errorf("read back %+v, want %+v", *got, want)
			}
		}
		_, err = tx.FileByFilename(ctx, "missing-1.0.tar.gz")
		wantCode(t, "FileByFilename(missing)", err, wharf.ENOTFOUND)
		_, err = tx.FileByBlake2(ctx, digest("blake2", "missing"))
		wantCode(t, "FileByBlake2(missing)", err, wharf.ENOTFOUND)
		used, err := tx.FilenameUsed(ctx, file.Filename)
		if err != nil || !used {
			t.Errorf("FilenameUsed after AddFile = %v, %v; want true", used, err)
		}
		return nil
	})
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteFile(ctx, file.ID) })
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.FileByFilename(ctx, file.Filename)
		wantCode(t, "FileByFilename after DeleteFile", err, wharf.ENOTFOUND)
		_, err = tx.FileByBlake2(ctx, file.Blake2b256)
		wantCode(t, "FileByBlake2 after DeleteFile", err, wharf.ENOTFOUND)
		used, err := tx.FilenameUsed(ctx, file.Filename)
		if err != nil || !used {
			t.Errorf("FilenameUsed after DeleteFile = %v, %v; want true", used, err)
		}
		return nil
	})
	err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.DeleteFile(ctx, file.ID) })
	wantCode(t, "DeleteFile of a deleted file", err, wharf.ENOTFOUND)
	// The same bytes may come back under a new name once the old file is gone.
	addFile(t, s, fileOf(f.release, "demo-1.0.zip", "a"))
}

func testFileConflicts(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	addFile(t, s, fileOf(f.release, "demo-1.0.tar.gz", "a"))
	tests := []struct {
		name string
		file *wharf.File
	}{
		{"same filename, other bytes", fileOf(f.release, "demo-1.0.tar.gz", "b")},
		{"same filename and bytes", fileOf(f.release, "demo-1.0.tar.gz", "a")},
		{"same bytes, other filename", fileOf(f.release, "demo-1.0.zip", "a")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tryUpdate(t, s, func(tx wharf.Tx) error { return tx.AddFile(ctx, tt.file) })
			wantCode(t, "AddFile", err, wharf.ECONFLICT)
		})
	}
	view(t, s, func(tx wharf.Tx) error {
		files, err := tx.Files(ctx, f.project.ID)
		if len(files) != 1 {
			t.Errorf("after refused AddFiles there are %d files, want 1", len(files))
		}
		// A refused AddFile must not reserve its filename.
		used, _ := tx.FilenameUsed(ctx, "demo-1.0.zip")
		if used {
			t.Error("a refused AddFile reserved its filename")
		}
		return err
	})
}

func testFileLists(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	r2 := newRelease(t, s, f.project.ID, "2.0")
	r09 := newRelease(t, s, f.project.ID, "0.9")
	other := newProject(t, s, "other", f.user.ID)
	addFile(t, s, fileOf(newRelease(t, s, other.ID, "1.0"), "other-1.0.tar.gz", "o"))
	// Added out of order.
	for _, x := range []struct {
		r    *wharf.Release
		name string
	}{
		{r2, "demo-2.0.tar.gz"},
		{f.release, "demo-1.0.tar.gz"},
		{f.release, "demo-1.0-py3-none-any.whl"},
		{r09, "demo-0.9.zip"},
		{r2, "demo-2.0-py3-none-any.whl"},
	} {
		addFile(t, s, fileOf(x.r, x.name, x.name))
	}
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, r2.ID, true, "bad") })
	view(t, s, func(tx wharf.Tx) error {
		files, err := tx.Files(ctx, f.project.ID)
		if err != nil {
			return err
		}
		var got []string
		for _, file := range files {
			got = append(got, fmt.Sprintf("%s %s %v %s", file.Filename, file.Version, file.Yanked, file.YankedReason))
		}
		want := []string{
			"demo-0.9.zip 0.9 false ",
			"demo-1.0-py3-none-any.whl 1.0 false ",
			"demo-1.0.tar.gz 1.0 false ",
			"demo-2.0-py3-none-any.whl 2.0 true bad",
			"demo-2.0.tar.gz 2.0 true bad",
		}
		if !slices.Equal(got, want) {
			t.Errorf("Files =\n%q\nwant\n%q", got, want)
		}
		rf, err := tx.ReleaseFiles(ctx, r2.ID)
		if err != nil {
			return err
		}
		if len(rf) != 2 || rf[0].Filename != "demo-2.0-py3-none-any.whl" || rf[1].Filename != "demo-2.0.tar.gz" ||
			rf[0].Version != "2.0" || !rf[0].Yanked {
			t.Errorf("ReleaseFiles(2.0) = %+v, want its two files by filename, yanked", rf)
		}
		none, err := tx.ReleaseFiles(ctx, 999999)
		if err != nil || len(none) != 0 {
			t.Errorf("ReleaseFiles(missing) = %v, %v; want none", none, err)
		}
		return nil
	})
}

func testBlobReferenced(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	a := fileOf(f.release, "demo-1.0.tar.gz", "a")
	b := fileOf(f.release, "demo-1.0-py3-none-any.whl", "b")
	b.MetadataSHA256 = a.MetadataSHA256 // two files may share their metadata
	addFile(t, s, a)
	addFile(t, s, b)
	check := func(sum string, want bool) {
		t.Helper()
		view(t, s, func(tx wharf.Tx) error {
			got, err := tx.BlobReferenced(ctx, sum)
			if err != nil || got != want {
				t.Errorf("BlobReferenced(%s) = %v, %v; want %v", sum[:8], got, err, want)
			}
			return nil
		})
	}
	check(a.SHA256, true)
	check(a.MetadataSHA256, true)
	check(digest("sha256", "nothing"), false)
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteFile(ctx, a.ID) })
	check(a.SHA256, false)
	check(a.MetadataSHA256, true) // b still uses it
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteFile(ctx, b.ID) })
	check(a.MetadataSHA256, false)
}

func testEachFile(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	want := []string{"demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl", "demo-1.0.zip"}
	for _, name := range want {
		addFile(t, s, fileOf(f.release, name, name))
	}
	var got []string
	view(t, s, func(tx wharf.Tx) error {
		return tx.EachFile(ctx, func(file wharf.File) error {
			if file.Version != "1.0" {
				t.Errorf("EachFile gave %s with version %q, want 1.0", file.Filename, file.Version)
			}
			got = append(got, file.Filename)
			return nil
		})
	})
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("EachFile visited %q, want %q", got, want)
	}
	stop := errors.New("stop")
	calls := 0
	err := s.View(ctx, func(tx wharf.Tx) error {
		return tx.EachFile(ctx, func(wharf.File) error {
			calls++
			return fmt.Errorf("wrapped: %w", stop)
		})
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachFile = %v after %d calls, want %v after 1", err, calls, stop)
	}
}

func testJournal(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	view(t, s, func(tx wharf.Tx) error {
		n, err := tx.LastSerial(ctx)
		if err != nil || n != 0 {
			t.Errorf("LastSerial of an empty journal = %d, %v; want 0", n, err)
		}
		return nil
	})
	f := setup(t, s)
	entries := []*wharf.JournalEntry{
		{Project: "demo", Action: wharf.ActionCreate, ActorID: f.user.ID},
		{Project: "demo", Version: "1.0", Action: "new release", ActorID: f.user.ID},
		{Project: "demo", Version: "1.0", Filename: "demo-1.0.tar.gz", Action: "add source file demo-1.0.tar.gz", ActorID: f.user.ID},
		{Project: "gone", Action: wharf.ActionRemove}, // a project that does not exist
		{Project: "demo", Version: "1.0", Action: wharf.ActionYank, ActorID: f.user.ID},
	}
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		for _, e := range entries[:3] {
			if err := tx.Journal(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	for _, e := range entries[3:] {
		update(t, s, func(tx wharf.Tx) error { return tx.Journal(ctx, e) })
	}
	for i, e := range entries {
		if i > 0 && e.Serial <= entries[i-1].Serial {
			t.Errorf("serial %d follows %d", e.Serial, entries[i-1].Serial)
		}
		if i < 3 && !e.Time.Equal(now) {
			t.Errorf("entry %d has time %v, want %v", i, e.Time, now)
		}
	}
	view(t, s, func(tx wharf.Tx) error {
		last, err := tx.LastSerial(ctx)
		if err != nil || last != entries[4].Serial {
			t.Errorf("LastSerial = %d, %v; want %d", last, err, entries[4].Serial)
		}
		p, err := tx.ProjectByName(ctx, "demo")
		if err != nil {
			return err
		}
		if p.LastSerial != entries[4].Serial {
			t.Errorf("project last serial = %d, want %d", p.LastSerial, entries[4].Serial)
		}
		got, err := tx.JournalSince(ctx, 0, 2)
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0] != *entries[0] || got[1] != *entries[1] {
			t.Errorf("JournalSince(0, 2) = %+v, want the first two entries", got)
		}
		got, err = tx.JournalSince(ctx, entries[1].Serial, 100)
		if err != nil {
			return err
		}
		if len(got) != 3 || got[0] != *entries[2] || got[2] != *entries[4] {
			t.Errorf("JournalSince(second, 100) = %+v, want the last three entries", got)
		}
		got, err = tx.JournalSince(ctx, entries[4].Serial, 100)
		if err != nil || len(got) != 0 {
			t.Errorf("JournalSince(last) = %+v, %v; want none", got, err)
		}
		return nil
	})
}

func testEvents(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	actor := wharf.Actor{UserID: f.user.ID, UserName: "alice", IP: "192.0.2.1", UserAgent: "twine/6"}
	e1 := actor.Event("project:create", f.project.ID, 0, map[string]any{"created_by": "alice"})
	e2 := &wharf.Event{Tag: "account:login"}
	var now time.Time
	update(t, s, func(tx wharf.Tx) error {
		now = tx.Now()
		if err := tx.AddEvent(ctx, e1); err != nil {
			return err
		}
		return tx.AddEvent(ctx, e2)
	})
	if e1.ID <= 0 || e2.ID <= 0 || e1.ID == e2.ID {
		t.Errorf("AddEvent gave IDs %d and %d, want two distinct positive IDs", e1.ID, e2.ID)
	}
	if !e1.Time.Equal(now) || !e2.Time.Equal(now) {
		t.Errorf("AddEvent set times %v and %v, want %v", e1.Time, e2.Time, now)
	}
	if e2.Details != "{}" {
		t.Errorf("AddEvent without details stored %q, want {}", e2.Details)
	}
}

func testRollback(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	fail := errors.New("refused")
	err := s.Update(ctx, func(tx wharf.Tx) error {
		u := &wharf.User{Name: "ghost", Email: "ghost@example.com"}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		p := &wharf.Project{Name: "ghost", DisplayName: "ghost", SimilarityKey: "gh0st", CreatedBy: u.ID}
		if err := tx.CreateProject(ctx, p); err != nil {
			return err
		}
		r := releaseOf(p.ID, "1.0")
		if err := tx.CreateRelease(ctx, r); err != nil {
			return err
		}
		if err := tx.AddFile(ctx, fileOf(r, "ghost-1.0.tar.gz", "g")); err != nil {
			return err
		}
		if err := tx.Journal(ctx, &wharf.JournalEntry{Project: "ghost", Action: wharf.ActionCreate}); err != nil {
			return err
		}
		return fmt.Errorf("wrapped: %w", fail)
	})
	if !errors.Is(err, fail) {
		t.Fatalf("Update = %v, want the closure's error", err)
	}
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.UserByName(ctx, "ghost")
		wantCode(t, "UserByName after rollback", err, wharf.ENOTFOUND)
		_, err = tx.ProjectByName(ctx, "ghost")
		wantCode(t, "ProjectByName after rollback", err, wharf.ENOTFOUND)
		used, err := tx.FilenameUsed(ctx, "ghost-1.0.tar.gz")
		if err != nil || used {
			t.Errorf("FilenameUsed after rollback = %v, %v; want false", used, err)
		}
		n, err := tx.LastSerial(ctx)
		if err != nil || n != 0 {
			t.Errorf("LastSerial after rollback = %d, %v; want 0", n, err)
		}
		return nil
	})
	// The store still works after a rollback.
	newUser(t, s, "ghost")
}

func testViewReadOnly(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	err := s.View(ctx, func(tx wharf.Tx) error {
		return tx.CreateUser(ctx, &wharf.User{Name: "sneaky", Email: "sneaky@example.com"})
	})
	if err == nil {
		t.Error("CreateUser in a View succeeded")
	}
	newUser(t, s, "visible")
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.UserByName(ctx, "sneaky")
		wantCode(t, "UserByName(sneaky)", err, wharf.ENOTFOUND)
		// A View sees what an Update committed before it began.
		_, err = tx.UserByName(ctx, "visible")
		return err
	})
}

func testNowFixed(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	var first time.Time
	var u wharf.User
	update(t, s, func(tx wharf.Tx) error {
		first = tx.Now()
		time.Sleep(5 * time.Millisecond)
		if !tx.Now().Equal(first) {
			t.Errorf("Tx.Now moved from %v to %v within one transaction", first, tx.Now())
		}
		u = wharf.User{Name: "alice", Email: "alice@example.com"}
		return tx.CreateUser(ctx, &u)
	})
	if first.IsZero() || first.Location() != time.UTC {
		t.Errorf("Tx.Now = %v, want a UTC time", first)
	}
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.UserByName(ctx, "alice")
		if err == nil && !got.Created.Equal(first) {
			t.Errorf("Created read back as %v, want the transaction's time %v", got.Created, first)
		}
		return err
	})
	var second time.Time
	update(t, s, func(tx wharf.Tx) error { second = tx.Now(); return nil })
	if !second.After(first) {
		t.Errorf("a later transaction's Now %v is not after %v", second, first)
	}
}

func testConcurrentUpdates(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*2)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				errs <- s.Update(ctx, func(tx wharf.Tx) error {
					u := &wharf.User{Name: fmt.Sprintf("u%d-%d", w, i), Email: "u@example.com"}
					if err := tx.CreateUser(ctx, u); err != nil {
						return err
					}
					return tx.Journal(ctx, &wharf.JournalEntry{Project: f.project.Name, Action: "add role Owner " + u.Name})
				})
				// Readers run beside the writers.
				errs <- s.View(ctx, func(tx wharf.Tx) error {
					_, err := tx.LastSerial(ctx)
					return err
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent transaction: %v", err)
		}
	}
	view(t, s, func(tx wharf.Tx) error {
		entries, err := tx.JournalSince(ctx, 0, 10*workers*rounds)
		if err != nil {
			return err
		}
		if len(entries) != workers*rounds {
			t.Errorf("journal has %d entries, want %d", len(entries), workers*rounds)
		}
		seen := map[int64]bool{}
		for _, e := range entries {
			if seen[e.Serial] {
				t.Errorf("serial %d used twice", e.Serial)
			}
			seen[e.Serial] = true
		}
		return nil
	})
}

// testSerialisedWriters checks that writers do not interleave: each reads
// the project's size, writes a row keyed by it and raises it. Two writers
// that saw the same size would clash on the user name.
func testSerialisedWriters(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			errs[w] = s.Update(ctx, func(tx wharf.Tx) error {
				p, err := tx.ProjectByName(ctx, f.project.Name)
				if err != nil {
					return err
				}
				time.Sleep(time.Millisecond)
				if err := tx.CreateUser(ctx, &wharf.User{Name: fmt.Sprint("size", p.TotalSize), Email: "s@example.com"}); err != nil {
					return err
				}
				return tx.AddProjectSize(ctx, p.ID, 1)
			})
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	view(t, s, func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(ctx, f.project.Name)
		if err == nil && p.TotalSize != workers {
			t.Errorf("project size = %d, want %d", p.TotalSize, workers)
		}
		return err
	})
}
