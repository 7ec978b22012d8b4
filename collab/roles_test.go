package collab_test

import (
	"strings"
	"testing"

	"wharf"
	"wharf/collab"
)

func TestChangeRole(t *testing.T) {
	tests := []struct {
		name, actor, user, role string
		code                    string
		reason                  collab.Refusal
		event, journal          string
		mails                   []string
	}{
		{name: "promote", actor: "alice", user: "bob", role: wharf.RoleOwner,
			event:   `{"old_role_name":"Maintainer","role_name":"Owner","target_user":"bob"}`,
			journal: "change Maintainer bob to Owner",
			mails:   []string{"bob@example.com: Your role on Foo-Bar is now Owner", "alice@example.com: bob is now an owner of Foo-Bar"}},
		{name: "maintainer", actor: "bob", user: "bob", role: wharf.RoleOwner, code: wharf.EFORBIDDEN, reason: collab.RefusedNotOwner},
		{name: "non-member", actor: "carol", user: "bob", role: wharf.RoleOwner, code: wharf.ENOTFOUND},
		{name: "last owner", actor: "alice", user: "alice", role: wharf.RoleMaintainer, code: wharf.ECONFLICT, reason: collab.RefusedLastOwner},
		{name: "same role", actor: "alice", user: "bob", role: wharf.RoleMaintainer, code: wharf.ECONFLICT, reason: collab.RefusedSameRole},
		{name: "unknown role", actor: "alice", user: "bob", role: "Admin", code: wharf.EINVALID, reason: collab.RefusedRole},
		{name: "no role", actor: "alice", user: "carol", role: wharf.RoleOwner, code: wharf.ENOTFOUND, reason: collab.RefusedNoRole},
		{name: "unknown user", actor: "alice", user: "zed", role: wharf.RoleOwner, code: wharf.ENOTFOUND, reason: collab.RefusedUnknownUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before, serial, state := e.lastEvent(), e.serial(), e.state()
			err := e.svc.ChangeRole(t.Context(), e.actor(tt.actor), "foo-bar", tt.user, tt.role)
			wantLines(t, "mails", mailLines(e.mail.take()), tt.mails)
			if tt.code != "" {
				wantRefused(t, err, tt.code, tt.reason)
				if e.state() != state || len(e.changed) > 0 {
					t.Error("a refused change changed the store")
				}
				return
			}
			e.must(err)
			wantLines(t, "events", e.events(before), []string{
				"project:role:change p1 u" + e.id(tt.user) + " a" + e.id(tt.actor) + " 192.0.2.7 Browser/" + tt.actor + " " + tt.event + " 2024-05-06T07:08:09Z",
			})
			wantLines(t, "journal", e.journal(serial), []string{"foo-bar: " + tt.journal + " by " + e.id(tt.actor)})
			wantLines(t, "changed", e.changed, []string{"foo-bar"})
		})
	}
}

// TestDemoteOwnerWithAnother: with two owners, one may step down.
func TestDemoteOwnerWithAnother(t *testing.T) {
	e := newEnv(t)
	e.must(e.svc.ChangeRole(t.Context(), e.actor("alice"), "foo-bar", "bob", wharf.RoleOwner))
	e.must(e.svc.ChangeRole(t.Context(), e.actor("alice"), "foo-bar", "alice", wharf.RoleMaintainer))
	wantRefused(t, e.svc.ChangeRole(t.Context(), e.actor("bob"), "foo-bar", "bob", wharf.RoleMaintainer), wharf.ECONFLICT, collab.RefusedLastOwner)
	wantRefused(t, e.svc.Remove(t.Context(), e.actor("bob"), "foo-bar", "bob"), wharf.ECONFLICT, collab.RefusedLastOwner)
	if msg := wharf.ErrorMessage(e.svc.Remove(t.Context(), e.actor("bob"), "foo-bar", "bob")); msg != "bob is the last owner of Foo-Bar; add another owner first." {
		t.Errorf("message %q", msg)
	}
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name, actor, user string
		code              string
		reason            collab.Refusal
		event             string
		mails             []string
		text              string // in the first mail
	}{
		{name: "owner removes a maintainer", actor: "alice", user: "bob", event: `{"role_name":"Maintainer","target_user":"bob"}`,
			mails: []string{"bob@example.com: You are no longer a maintainer of Foo-Bar", "alice@example.com: bob is no longer a maintainer of Foo-Bar"},
			text:  "alice removed you from the project Foo-Bar, where you were a maintainer."},
		{name: "maintainer leaves", actor: "bob", user: "bob", event: `{"role_name":"Maintainer","target_user":"bob"}`,
			mails: []string{"bob@example.com: You are no longer a maintainer of Foo-Bar", "alice@example.com: bob is no longer a maintainer of Foo-Bar"},
			text:  "You left the project Foo-Bar, where you were a maintainer."},
		{name: "maintainer removes the owner", actor: "bob", user: "alice", code: wharf.EFORBIDDEN, reason: collab.RefusedNotOwner},
		{name: "last owner", actor: "alice", user: "alice", code: wharf.ECONFLICT, reason: collab.RefusedLastOwner},
		{name: "non-member", actor: "carol", user: "carol", code: wharf.ENOTFOUND},
		{name: "administrator without a role", actor: "root", user: "bob", code: wharf.EFORBIDDEN, reason: collab.RefusedNotOwner},
		{name: "no role", actor: "alice", user: "carol", code: wharf.ENOTFOUND, reason: collab.RefusedNoRole},
		{name: "unknown user", actor: "alice", user: "zed", code: wharf.ENOTFOUND, reason: collab.RefusedUnknownUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before, serial, state := e.lastEvent(), e.serial(), e.state()
			err := e.svc.Remove(t.Context(), e.actor(tt.actor), "foo-bar", tt.user)
			msgs := e.mail.take()
			wantLines(t, "mails", mailLines(msgs), tt.mails)
			if tt.code != "" {
				wantRefused(t, err, tt.code, tt.reason)
				if e.state() != state || len(e.changed) > 0 {
					t.Error("a refused removal changed the store")
				}
				return
			}
			e.must(err)
			if !strings.Contains(msgs[0].Text, tt.text) {
				t.Errorf("mail:\n%s", msgs[0].Text)
			}
			wantLines(t, "events", e.events(before), []string{
				"project:role:remove p1 u" + e.id(tt.user) + " a" + e.id(tt.actor) + " 192.0.2.7 Browser/" + tt.actor + " " + tt.event + " 2024-05-06T07:08:09Z",
			})
			wantLines(t, "journal", e.journal(serial), []string{"foo-bar: remove role Maintainer " + tt.user + " by " + e.id(tt.actor)})
			projects, err := e.svc.Projects(t.Context(), e.users[tt.user].ID)
			e.must(err)
			if len(projects) != 0 {
				t.Errorf("still has %+v", projects)
			}
		})
	}
}

func TestCollaborators(t *testing.T) {
	e := newEnv(t)
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleOwner))
	tests := []struct {
		viewer, role string
		owner        bool
		code         string
	}{
		{"alice", wharf.RoleOwner, true, ""},
		{"bob", wharf.RoleMaintainer, false, ""},
		{"root", "", false, ""},
		{"carol", "", false, wharf.ENOTFOUND},
		{"dave", "", false, wharf.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.viewer, func(t *testing.T) {
			team, err := e.svc.Collaborators(t.Context(), e.actor(tt.viewer), "Foo.Bar")
			if tt.code != "" {
				wantRefused(t, err, tt.code, "")
				return
			}
			e.must(err)
			if team.ViewerRole != tt.role || team.Owner() != tt.owner || team.Project.Name != "foo-bar" {
				t.Errorf("viewer role %q owner %v", team.ViewerRole, team.Owner())
			}
			var roles []string
			for _, r := range team.Roles {
				roles = append(roles, r.UserName+" "+r.Role)
			}
			wantLines(t, "roles", roles, []string{"alice Owner", "bob Maintainer"})
			if len(team.Invitations) != 1 || team.Invitations[0].UserName != "carol" || team.Invitations[0].Expired {
				t.Errorf("invitations %+v", team.Invitations)
			}
		})
	}
	projects, err := e.svc.Projects(t.Context(), e.users["bob"].ID)
	e.must(err)
	if len(projects) != 1 || projects[0].Project.Name != "foo-bar" || projects[0].Role != wharf.RoleMaintainer {
		t.Errorf("bob's projects %+v", projects)
	}
}

// TestNoAddress: users without an address get no mail, and the action
// still happens.
func TestNoAddress(t *testing.T) {
	e := newEnv(t)
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "nomail", wharf.RoleMaintainer))
	e.must(e.svc.Accept(t.Context(), e.actor("nomail"), "foo-bar"))
	wantLines(t, "mails", mailLines(e.mail.take()), []string{"alice@example.com: nomail is now a maintainer of Foo-Bar"})
}
