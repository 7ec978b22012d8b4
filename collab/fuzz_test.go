package collab_test

import (
	"testing"

	"wharf"
)

// FuzzInvite sends invitations with any project, username and role: each
// is either sent or refused with a domain code and a message safe to
// show, never an internal error, and an invitation is only ever made for
// a real user with a real role.
func FuzzInvite(f *testing.F) {
	for _, seed := range [][3]string{
		{"foo-bar", "carol", "Maintainer"}, {"Foo.Bar", "bob", "Owner"}, {"foo-bar", "zed", "owner"},
		{"", "", ""}, {"foo-bar", "carol\x00", "Owner"}, {"../foo-bar", "ALICE", "Maintainer"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, project, username, role string) {
		err := e.svc.Invite(t.Context(), e.actor("alice"), project, username, role)
		if code := wharf.ErrorCode(err); code == wharf.EINTERNAL {
			t.Fatalf("Invite(%q, %q, %q): %v", project, username, role, err)
		}
		if err != nil {
			return
		}
		if role != wharf.RoleOwner && role != wharf.RoleMaintainer {
			t.Fatalf("invitation with role %q", role)
		}
		if _, ok := e.users[username]; !ok {
			t.Fatalf("invitation for %q", username)
		}
		// Revoke it, so the next run may invite the same user again.
		if err := e.svc.RevokeInvitation(t.Context(), e.actor("alice"), project, username); err != nil {
			t.Fatal(err)
		}
	})
}
