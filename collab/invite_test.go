package collab_test

import (
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/collab"
)

func TestInvite(t *testing.T) {
	e := newEnv(t)
	before, serial := e.lastEvent(), e.serial()
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "FOO_bar", "carol", wharf.RoleMaintainer))
	wantLines(t, "events", e.events(before), []string{
		"project:role:invite p1 u" + e.id("carol") + " a" + e.id("alice") + ` 192.0.2.7 Browser/alice {"role_name":"Maintainer","target_user":"carol"} 2024-05-06T07:08:09Z`,
	})
	wantLines(t, "journal", e.journal(serial), []string{"foo-bar: invite Maintainer carol by " + e.id("alice")})
	wantLines(t, "changed", e.changed, []string{"foo-bar"})
	msgs := e.mail.take()
	wantLines(t, "mails", mailLines(msgs), []string{"carol@example.com: Invitation to be a maintainer of Foo-Bar"})
	for _, want := range []string{"Hello carol,", "alice invited you to be a maintainer of the project Foo-Bar.",
		"https://pypi.example.org/manage/projects/\n", "expires on 2024-05-13 07:08 UTC"} {
		if !strings.Contains(msgs[0].Text, want) {
			t.Errorf("mail lacks %q:\n%s", want, msgs[0].Text)
		}
	}
	invs, err := e.svc.Invitations(t.Context(), e.users["carol"].ID)
	e.must(err)
	if len(invs) != 1 || invs[0].Role != wharf.RoleMaintainer || invs[0].InviterName != "alice" || !invs[0].Expires.Equal(start.Add(collab.InvitationLifetime)) {
		t.Errorf("invitations %+v", invs)
	}
}

func TestInviteRefused(t *testing.T) {
	tests := []struct {
		name, actor, project, user, role string
		code                             string
		reason                           collab.Refusal
	}{
		{"maintainer", "bob", "foo-bar", "carol", wharf.RoleMaintainer, wharf.EFORBIDDEN, collab.RefusedNotOwner},
		{"non-member", "carol", "foo-bar", "dave", wharf.RoleMaintainer, wharf.ENOTFOUND, ""},
		{"administrator without a role", "root", "foo-bar", "carol", wharf.RoleMaintainer, wharf.EFORBIDDEN, collab.RefusedNotOwner},
		{"unknown project", "alice", "nope", "carol", wharf.RoleMaintainer, wharf.ENOTFOUND, ""},
		{"unknown role", "alice", "foo-bar", "carol", "owner", wharf.EINVALID, collab.RefusedRole},
		{"empty role", "alice", "foo-bar", "carol", "", wharf.EINVALID, collab.RefusedRole},
		{"unknown user", "alice", "foo-bar", "zed", wharf.RoleOwner, wharf.ENOTFOUND, collab.RefusedUnknownUser},
		{"yourself", "alice", "foo-bar", "alice", wharf.RoleOwner, wharf.EINVALID, collab.RefusedSelf},
		{"has a role", "alice", "foo-bar", "bob", wharf.RoleOwner, wharf.ECONFLICT, collab.RefusedHasRole},
		{"service account", "alice", "foo-bar", "ci", wharf.RoleMaintainer, wharf.EINVALID, collab.RefusedService},
		{"email not verified", "alice", "foo-bar", "dave", wharf.RoleMaintainer, wharf.EINVALID, collab.RefusedUnverified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.state()
			err := e.svc.Invite(t.Context(), e.actor(tt.actor), tt.project, tt.user, tt.role)
			wantRefused(t, err, tt.code, tt.reason)
			if tt.code == wharf.ENOTFOUND && tt.reason == "" && wharf.ErrorMessage(err) != "Project not found." {
				t.Errorf("message %q gives the project away", wharf.ErrorMessage(err))
			}
			if after := e.state(); after != before {
				t.Errorf("refused invitation changed the store:\n%s\n%s", before, after)
			}
			if msgs := e.mail.take(); len(msgs) > 0 || len(e.changed) > 0 {
				t.Errorf("mails %v, changed %v", mailLines(msgs), e.changed)
			}
		})
	}
}

func TestInvitePendingAndExpired(t *testing.T) {
	e := newEnv(t)
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleMaintainer))
	e.clock.Advance(collab.InvitationLifetime - time.Second)
	wantRefused(t, e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleOwner), wharf.ECONFLICT, collab.RefusedPending)

	// Once expired, the invitation is no longer offered, the owners see
	// it marked, and a new one replaces it.
	e.clock.Advance(time.Second)
	invs, err := e.svc.Invitations(t.Context(), e.users["carol"].ID)
	e.must(err)
	team, err := e.svc.Collaborators(t.Context(), e.actor("alice"), "foo-bar")
	e.must(err)
	if len(invs) != 0 || len(team.Invitations) != 1 || !team.Invitations[0].Expired {
		t.Fatalf("expired invitation: offered %v, listed %+v", invs, team.Invitations)
	}
	e.mail.take()
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleOwner))
	team, err = e.svc.Collaborators(t.Context(), e.actor("alice"), "foo-bar")
	e.must(err)
	if len(team.Invitations) != 1 || team.Invitations[0].Expired || team.Invitations[0].Role != wharf.RoleOwner {
		t.Errorf("replaced invitation %+v", team.Invitations)
	}
	wantLines(t, "mails", mailLines(e.mail.take()), []string{"carol@example.com: Invitation to be an owner of Foo-Bar"})
}

func TestAccept(t *testing.T) {
	e := newEnv(t)
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleOwner))
	e.mail.take()
	before, serial := e.lastEvent(), e.serial()
	e.clock.Advance(time.Hour)
	e.must(e.svc.Accept(t.Context(), e.actor("carol"), "Foo-Bar"))
	carol := e.id("carol")
	wantLines(t, "events", e.events(before), []string{
		"project:role:accepted p1 u" + carol + " a" + carol + ` 192.0.2.7 Browser/carol {"invited_by":"alice","role_name":"Owner","target_user":"carol"} 2024-05-06T08:08:09Z`,
		"project:role:add p1 u" + carol + " a" + carol + ` 192.0.2.7 Browser/carol {"role_name":"Owner","target_user":"carol"} 2024-05-06T08:08:09Z`,
	})
	wantLines(t, "journal", e.journal(serial), []string{"foo-bar: add role Owner carol by " + carol})
	msgs := e.mail.take()
	wantLines(t, "mails", mailLines(msgs), []string{
		"alice@example.com: carol is now an owner of Foo-Bar",
		"carol@example.com: carol is now an owner of Foo-Bar",
	})
	if !strings.Contains(msgs[0].Text, "carol accepted the invitation of alice") || !strings.Contains(msgs[0].Text, "https://pypi.example.org/manage/project/foo-bar/collaboration/") {
		t.Errorf("mail:\n%s", msgs[0].Text)
	}
	team, err := e.svc.Collaborators(t.Context(), e.actor("carol"), "foo-bar")
	e.must(err)
	if !team.Owner() || len(team.Invitations) != 0 || len(team.Roles) != 3 {
		t.Errorf("team after accepting: %+v", team)
	}
	wantRefused(t, e.svc.Accept(t.Context(), e.actor("carol"), "foo-bar"), wharf.ENOTFOUND, collab.RefusedNoInvitation)
}

func TestAnswerRefused(t *testing.T) {
	tests := []struct {
		name, actor, project string
		advance              time.Duration
		code                 string
		reason               collab.Refusal
		gone                 bool // the invitation is deleted
	}{
		{"someone else", "bob", "foo-bar", 0, wharf.ENOTFOUND, collab.RefusedNoInvitation, false},
		{"the inviter", "alice", "foo-bar", 0, wharf.ENOTFOUND, collab.RefusedNoInvitation, false},
		{"unknown project", "carol", "nope", 0, wharf.ENOTFOUND, collab.RefusedNoInvitation, false},
		{"expired", "carol", "foo-bar", collab.InvitationLifetime, wharf.EINVALID, collab.RefusedExpired, true},
	}
	answers := map[string]func(e *env, a wharf.Actor, project string) error{
		"accept":  func(e *env, a wharf.Actor, project string) error { return e.svc.Accept(e.t.Context(), a, project) },
		"decline": func(e *env, a wharf.Actor, project string) error { return e.svc.Decline(e.t.Context(), a, project) },
	}
	for answer, fn := range answers {
		for _, tt := range tests {
			t.Run(answer+" "+tt.name, func(t *testing.T) {
				e := newEnv(t)
				e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleMaintainer))
				e.mail.take()
				e.changed = nil
				e.clock.Advance(tt.advance)
				events, serial := e.lastEvent(), e.serial()
				err := fn(e, e.actor(tt.actor), tt.project)
				wantRefused(t, err, tt.code, tt.reason)
				if tt.reason == collab.RefusedExpired && wharf.ErrorMessage(err) != "This invitation has expired." {
					t.Errorf("message %q", wharf.ErrorMessage(err))
				}
				team, err := e.svc.Collaborators(t.Context(), e.actor("alice"), "foo-bar")
				e.must(err)
				if gone := len(team.Invitations) == 0; gone != tt.gone || len(team.Roles) != 2 {
					t.Errorf("invitations %+v, roles %+v", team.Invitations, team.Roles)
				}
				if e.lastEvent() != events || e.serial() != serial || len(e.mail.take()) > 0 || len(e.changed) > 0 {
					t.Error("a refused answer was recorded, announced or mailed")
				}
			})
		}
	}
}

func TestDecline(t *testing.T) {
	e := newEnv(t)
	e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleMaintainer))
	e.mail.take()
	before, serial := e.lastEvent(), e.serial()
	e.must(e.svc.Decline(t.Context(), e.actor("carol"), "foo-bar"))
	carol := e.id("carol")
	wantLines(t, "events", e.events(before), []string{
		"project:role:declined p1 u" + carol + " a" + carol + ` 192.0.2.7 Browser/carol {"invited_by":"alice","role_name":"Maintainer","target_user":"carol"} 2024-05-06T07:08:09Z`,
	})
	wantLines(t, "journal", e.journal(serial), []string{"foo-bar: decline_invite Maintainer carol by " + carol})
	msgs := e.mail.take()
	wantLines(t, "mails", mailLines(msgs), []string{"alice@example.com: carol declined the invitation to Foo-Bar"})
	if !strings.Contains(msgs[0].Text, "carol declined your invitation to be a maintainer of the project Foo-Bar.") {
		t.Errorf("mail:\n%s", msgs[0].Text)
	}
	team, err := e.svc.Collaborators(t.Context(), e.actor("alice"), "foo-bar")
	e.must(err)
	if len(team.Invitations) != 0 || len(team.Roles) != 2 {
		t.Errorf("team after declining: %+v", team)
	}
}

func TestRevokeInvitation(t *testing.T) {
	tests := []struct {
		name, actor, user string
		advance           time.Duration
		code              string
		reason            collab.Refusal
		mails             []string
	}{
		{name: "pending", actor: "alice", user: "carol", mails: []string{"carol@example.com: Invitation to Foo-Bar withdrawn"}},
		{name: "expired, no mail", actor: "alice", user: "carol", advance: collab.InvitationLifetime},
		{name: "maintainer", actor: "bob", user: "carol", code: wharf.EFORBIDDEN, reason: collab.RefusedNotOwner},
		{name: "non-member", actor: "dave", user: "carol", code: wharf.ENOTFOUND},
		{name: "no invitation", actor: "alice", user: "bob", code: wharf.ENOTFOUND, reason: collab.RefusedNoInvitation},
		{name: "unknown user", actor: "alice", user: "zed", code: wharf.ENOTFOUND, reason: collab.RefusedUnknownUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.must(e.svc.Invite(t.Context(), e.actor("alice"), "foo-bar", "carol", wharf.RoleMaintainer))
			e.mail.take()
			e.clock.Advance(tt.advance)
			before, serial, state := e.lastEvent(), e.serial(), e.state()
			err := e.svc.RevokeInvitation(t.Context(), e.actor(tt.actor), "foo-bar", tt.user)
			wantLines(t, "mails", mailLines(e.mail.take()), tt.mails)
			if tt.code != "" {
				wantRefused(t, err, tt.code, tt.reason)
				if e.state() != state {
					t.Error("a refused revocation changed the store")
				}
				return
			}
			e.must(err)
			alice, carol := e.id("alice"), e.id("carol")
			wantLines(t, "events", e.events(before), []string{
				"project:role:revoke_invite p1 u" + carol + " a" + alice + ` 192.0.2.7 Browser/alice {"role_name":"Maintainer","target_user":"carol"} ` +
					start.Add(tt.advance).Format(time.RFC3339),
			})
			wantLines(t, "journal", e.journal(serial), []string{"foo-bar: revoke_invite Maintainer carol by " + alice})
			wantRefused(t, e.svc.Accept(t.Context(), e.actor("carol"), "foo-bar"), wharf.ENOTFOUND, collab.RefusedNoInvitation)
		})
	}
}
