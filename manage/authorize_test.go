package manage_test

import (
	"context"
	"slices"
	"testing"

	"wharf"
	"wharf/manage"
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
