package manage_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"wharf"
	"wharf/diskblob"
	"wharf/dist"
	"wharf/manage"
	"wharf/pep440"
	"wharf/sqlite"
)

// makeMaintainer gives bob the Maintainer role on foo-bar, straight in the
// store, so that the test starts from a known set of roles.
func (e *env) makeMaintainer() {
	e.t.Helper()
	err := e.store.Update(e.t.Context(), func(tx wharf.Tx) error {
		return tx.SetRole(e.t.Context(), e.project.ID, e.bob.ID, wharf.RoleMaintainer)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// actions are the changes Access guards, each on a release that exists.
var actions = []struct {
	name string
	do   func(ctx context.Context, s *manage.Service, a wharf.Actor, project, version string) error
}{
	{"yank", func(ctx context.Context, s *manage.Service, a wharf.Actor, p, v string) error {
		return s.Yank(ctx, a, p, v, "why")
	}},
	{"unyank", func(ctx context.Context, s *manage.Service, a wharf.Actor, p, v string) error {
		return s.Unyank(ctx, a, p, v)
	}},
	{"delete file", func(ctx context.Context, s *manage.Service, a wharf.Actor, p, v string) error {
		return s.Delete(ctx, a, p, v, wheel10)
	}},
	{"delete release", func(ctx context.Context, s *manage.Service, a wharf.Actor, p, v string) error {
		return s.Delete(ctx, a, p, v, "")
	}},
}

func TestAccessRefusals(t *testing.T) {
	const notFound, forbidden = "Project not found.", "Only an owner of Foo-Bar can yank or delete its releases and files."
	tests := []struct {
		name, who, project, version string
		code, msg                   string
	}{
		{"maintainer", "bob", "foo-bar", "1.0", wharf.EFORBIDDEN, forbidden},
		{"maintainer, other spelling", "bob", "Foo_Bar", "1.0.0", wharf.EFORBIDDEN, forbidden},
		// The maintainer's refusal comes before the version is read.
		{"maintainer, unknown version", "bob", "foo-bar", "9.0", wharf.EFORBIDDEN, forbidden},
		{"non-member", "carol", "foo-bar", "1.0", wharf.ENOTFOUND, notFound},
		// Someone with no part in the project learns nothing, not even
		// whether a version exists or is valid.
		{"non-member, unknown version", "carol", "foo-bar", "9.0", wharf.ENOTFOUND, notFound},
		{"non-member, invalid version", "carol", "foo-bar", "one", wharf.ENOTFOUND, notFound},
		{"unknown project", "alice", "nope", "1.0", wharf.ENOTFOUND, notFound},
	}
	for _, tt := range tests {
		for _, act := range actions {
			t.Run(tt.name+"/"+act.name, func(t *testing.T) {
				e := newEnv(t)
				e.makeMaintainer()
				users := map[string]*wharf.User{"alice": e.alice, "bob": e.bob, "carol": e.carol}
				a := wharf.Actor{UserID: users[tt.who].ID, UserName: tt.who, IP: "192.0.2.9"}
				before := e.counts()
				wantErr(t, act.do(t.Context(), e.svc, a, tt.project, tt.version), tt.code, tt.msg)
				e.wantUnchanged(before)
				if len(e.changed) != 0 {
					t.Errorf("a refused action announced a change: %q", e.changed)
				}
			})
		}
	}
}

func TestAccessAllowed(t *testing.T) {
	tests := []struct {
		name  string
		actor func(e *env) wharf.Actor
		// actorID is the actor the audit event must name.
		actorID func(e *env) int64
	}{
		{"owner", func(e *env) wharf.Actor { return e.actor }, func(e *env) int64 { return e.alice.ID }},
		// The command line's actor names no user: it is the operator and
		// needs no role on any project.
		{"operator", func(*env) wharf.Actor { return wharf.Actor{UserName: "wharf-cli", IP: "local"} },
			func(*env) int64 { return 0 }},
	}
	for _, tt := range tests {
		for _, act := range actions {
			t.Run(tt.name+"/"+act.name, func(t *testing.T) {
				e := newEnv(t)
				e.makeMaintainer()
				if err := act.do(t.Context(), e.svc, tt.actor(e), "Foo_Bar", "1.0"); err != nil {
					t.Fatal(err)
				}
				e.wantRows("SELECT actor_id FROM events", itoa(tt.actorID(e)))
				if !slices.Equal(e.changed, []string{"foo-bar"}) {
					t.Errorf("changes announced: %q", e.changed)
				}
			})
		}
	}
}

func TestIsOperator(t *testing.T) {
	for _, tt := range []struct {
		actor wharf.Actor
		want  bool
	}{
		{wharf.Actor{UserName: "wharf-cli", IP: "local"}, true},
		{wharf.Actor{}, true},
		{wharf.Actor{UserID: 1, UserName: "alice"}, false},
	} {
		if got := manage.IsOperator(tt.actor); got != tt.want {
			t.Errorf("IsOperator(%+v) = %v, want %v", tt.actor, got, tt.want)
		}
	}
}

func TestAccessCanManage(t *testing.T) {
	for _, tt := range []struct {
		acc  manage.Access
		want bool
	}{
		{manage.Access{Operator: true}, true},
		{manage.Access{Role: wharf.RoleOwner}, true},
		{manage.Access{Role: wharf.RoleMaintainer}, false},
		{manage.Access{}, false},
	} {
		if got := tt.acc.CanManage(); got != tt.want {
			t.Errorf("%+v.CanManage() = %v, want %v", tt.acc, got, tt.want)
		}
	}
}

func TestProjectView(t *testing.T) {
	e := newEnv(t)
	e.makeMaintainer()
	ctx := t.Context()
	if err := e.svc.Yank(ctx, e.actor, "foo-bar", "1.0", "old"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		actor wharf.Actor
		want  manage.Access
	}{
		{"owner", e.actor, manage.Access{Role: wharf.RoleOwner}},
		{"maintainer", wharf.Actor{UserID: e.bob.ID, UserName: "bob"}, manage.Access{Role: wharf.RoleMaintainer}},
		{"operator", wharf.Actor{UserName: "wharf-cli"}, manage.Access{Operator: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := e.svc.Project(ctx, tt.actor, "FOO.bar")
			if err != nil {
				t.Fatal(err)
			}
			if v.Project.Name != "foo-bar" || v.Access != tt.want {
				t.Errorf("project %q, access %+v, want %+v", v.Project.Name, v.Access, tt.want)
			}
			var got []string
			for _, r := range v.Releases {
				got = append(got, r.Version+" "+itoa(int64(r.Files))+" "+map[bool]string{true: "yanked", false: "-"}[r.Yanked])
			}
			if want := []string{"2.0 1 -", "1.0 2 yanked"}; !slices.Equal(got, want) {
				t.Errorf("releases %q, want %q", got, want)
			}
			rv, err := e.svc.Release(ctx, tt.actor, "foo-bar", "1")
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, f := range rv.Files {
				got = append(got, f.Filename+" "+f.Uploader)
			}
			if want := []string{sdist10 + " alice", wheel10 + " alice"}; rv.Release.Version != "1.0" || !slices.Equal(got, want) {
				t.Errorf("release %s files %q, want %q", rv.Release.Version, got, want)
			}
		})
	}
	carol := wharf.Actor{UserID: e.carol.ID, UserName: "carol"}
	for _, tt := range []struct {
		name string
		err  func() error
		code string
	}{
		{"non-member project", func() error { _, err := e.svc.Project(ctx, carol, "foo-bar"); return err }, wharf.ENOTFOUND},
		{"non-member release", func() error { _, err := e.svc.Release(ctx, carol, "foo-bar", "1.0"); return err }, wharf.ENOTFOUND},
		{"non-member invalid version", func() error { _, err := e.svc.Release(ctx, carol, "foo-bar", "x y"); return err }, wharf.ENOTFOUND},
		{"unknown project", func() error { _, err := e.svc.Project(ctx, e.actor, "nope"); return err }, wharf.ENOTFOUND},
		{"unknown release", func() error { _, err := e.svc.Release(ctx, e.actor, "foo-bar", "3.0"); return err }, wharf.ENOTFOUND},
		{"invalid version", func() error { _, err := e.svc.Release(ctx, e.actor, "foo-bar", "x y"); return err }, wharf.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.err(), tt.code, "") })
	}
}

// FuzzAccessNoOracle checks, for any name, version and filename, that a
// user with no role on foo-bar learns nothing from the answers (the same
// ENOTFOUND as for a project that does not exist), that a maintainer is
// never let through, and that neither changes anything.
func FuzzAccessNoOracle(f *testing.F) {
	ctx := f.Context()
	dir := f.TempDir()
	store, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "wharf.db")})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	blobs, err := diskblob.Open(diskblob.Options{Dir: filepath.Join(dir, "blobs")})
	if err != nil {
		f.Fatal(err)
	}
	var maintainer, stranger wharf.Actor
	err = store.Update(ctx, func(tx wharf.Tx) error {
		users := []*wharf.User{{Name: "alice"}, {Name: "bob"}, {Name: "carol"}}
		for _, u := range users {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		maintainer = wharf.Actor{UserID: users[1].ID, UserName: "bob"}
		stranger = wharf.Actor{UserID: users[2].ID, UserName: "carol"}
		p := &wharf.Project{Name: "foo-bar", DisplayName: "Foo-Bar", SimilarityKey: "f00bar", CreatedBy: users[0].ID}
		if err := tx.CreateProject(ctx, p); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, p.ID, users[0].ID, wharf.RoleOwner); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, p.ID, users[1].ID, wharf.RoleMaintainer); err != nil {
			return err
		}
		v := pep440.MustParse("1.0")
		return tx.CreateRelease(ctx, &wharf.Release{ProjectID: p.ID, Version: v.String(), Canonical: v.Canonical(), SortKey: v.SortKey()})
	})
	if err != nil {
		f.Fatal(err)
	}
	var changes atomic.Int64
	svc := manage.New(store, blobs, func(string) { changes.Add(1) })
	for _, seed := range [][3]string{
		{"foo-bar", "1.0", ""}, {"Foo_Bar", "1.0.0", "foo_bar-1.0.tar.gz"}, {"foo-bar", "9", ""},
		{"foo-bar", "not a version", "x"}, {"nope", "1.0", ""}, {"", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, name, version, filename string) {
		calls := map[string]func(wharf.Actor) error{
			"yank":   func(a wharf.Actor) error { return svc.Yank(ctx, a, name, version, "r") },
			"unyank": func(a wharf.Actor) error { return svc.Unyank(ctx, a, name, version) },
			"delete": func(a wharf.Actor) error { return svc.Delete(ctx, a, name, version, filename) },
			"project": func(a wharf.Actor) error {
				_, err := svc.Project(ctx, a, name)
				return err
			},
			"release": func(a wharf.Actor) error {
				_, err := svc.Release(ctx, a, name, version)
				return err
			},
		}
		ours := dist.NormalizeName(name) == "foo-bar"
		for what, call := range calls {
			if err := call(stranger); wharf.ErrorCode(err) != wharf.ENOTFOUND || wharf.ErrorMessage(err) != "Project not found." {
				t.Errorf("%s(%q, %q) by a stranger: %v", what, name, version, err)
			}
			err := call(maintainer)
			switch {
			case what == "project" || what == "release":
				// A maintainer may read; nothing to check but no panic.
			case ours && wharf.ErrorCode(err) != wharf.EFORBIDDEN:
				t.Errorf("%s(%q, %q) by a maintainer: %v, want forbidden", what, name, version, err)
			case !ours && wharf.ErrorCode(err) != wharf.ENOTFOUND:
				t.Errorf("%s(%q, %q) by a maintainer on another project: %v", what, name, version, err)
			}
		}
		if n := changes.Load(); n != 0 {
			t.Fatalf("refused actions announced %d changes", n)
		}
	})
}
