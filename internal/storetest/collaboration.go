package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"wharf"
)

// testEventHistory checks what the history pages rely on: newest-first
// paging, the tag filter (exact and at a colon boundary, with LIKE's
// wildcards taken literally), the tag list, and the hashing of old
// addresses, which changes nothing else.
func testEventHistory(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	alice := wharf.Actor{UserID: f.user.ID, IP: "192.0.2.1", UserAgent: "Firefox"}
	var evs []*wharf.Event
	for _, tag := range []string{"account:login:success", "account:login:failure", "account:login_x", "project:release:add", "account:login"} {
		evs = append(evs, alice.Event(tag, f.project.ID, 0, map[string]any{"n": len(evs)}))
	}
	evs = append(evs, &wharf.Event{Tag: "account:create", UserID: f.user.ID + 99})
	var recorded time.Time
	update(t, s, func(tx wharf.Tx) error {
		recorded = tx.Now()
		for _, e := range evs {
			if err := tx.AddEvent(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	idsOf := func(list []wharf.Event) []int64 {
		var out []int64
		for _, e := range list {
			out = append(out, e.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		filter wharf.EventFilter
		want   []int64
	}{
		{"newest first", wharf.EventFilter{UserID: f.user.ID, Newest: true, Limit: 2}, []int64{evs[4].ID, evs[3].ID}},
		{"next page", wharf.EventFilter{UserID: f.user.ID, Newest: true, BeforeID: evs[3].ID, Limit: 2}, []int64{evs[2].ID, evs[1].ID}},
		{"tag prefix", wharf.EventFilter{Tag: "account:login", Limit: 10}, []int64{evs[0].ID, evs[1].ID, evs[4].ID}},
		{"exact tag", wharf.EventFilter{Tag: "account:login:failure", Limit: 10}, []int64{evs[1].ID}},
		{"underscore is literal", wharf.EventFilter{Tag: "account:login_x", Limit: 10}, []int64{evs[2].ID}},
		{"percent is literal", wharf.EventFilter{Tag: "account:%", Limit: 10}, nil},
		{"no partial word", wharf.EventFilter{Tag: "account:log", Limit: 10}, nil},
	}
	view(t, s, func(tx wharf.Tx) error {
		for _, tt := range tests {
			got, err := tx.Events(ctx, tt.filter)
			if err != nil {
				return err
			}
			if !slices.Equal(idsOf(got), tt.want) {
				t.Errorf("%s: Events gave %v, want %v", tt.name, idsOf(got), tt.want)
			}
		}
		tags, err := tx.EventTags(ctx, wharf.EventFilter{UserID: f.user.ID})
		if err != nil {
			return err
		}
		want := []string{"account:login", "account:login:failure", "account:login:success", "account:login_x", "project:release:add"}
		if !slices.Equal(tags, want) {
			t.Errorf("EventTags = %q, want %q", tags, want)
		}
		return nil
	})

	var before []wharf.Event
	view(t, s, func(tx wharf.Tx) (err error) {
		before, err = tx.Events(ctx, wharf.EventFilter{Limit: 100})
		return err
	})
	hash := func(ip string) string { return "h:" + strings.ToUpper(ip) }
	for i, cut := range []time.Time{recorded, recorded.Add(time.Second), recorded.Add(time.Hour)} {
		var n int
		update(t, s, func(tx wharf.Tx) (err error) {
			n, err = tx.HashEventIPs(ctx, cut, hash)
			return err
		})
		// Nothing is older than recorded; then the five events with an
		// address are hashed once, and never again.
		if want := []int{0, 5, 0}[i]; n != want {
			t.Errorf("HashEventIPs pass %d changed %d events, want %d", i, n, want)
		}
	}
	view(t, s, func(tx wharf.Tx) error {
		after, err := tx.Events(ctx, wharf.EventFilter{Limit: 100})
		if err != nil {
			return err
		}
		for i, e := range after {
			want := before[i]
			if want.IP != "" {
				want.IP, want.IPHashed = hash(want.IP), true
			}
			if e != want {
				t.Errorf("after hashing: %+v, want %+v", e, want)
			}
		}
		return nil
	})
}

// testInvitations checks the invitation records: one per user and
// project, the names filled in on reading, both listings, and deletion.
func testInvitations(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	bob, carol := newUser(t, s, "bob"), newUser(t, s, "carol")
	other := newProject(t, s, "other", f.user.ID)
	expires := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Microsecond)
	invs := []*wharf.Invitation{
		{ProjectID: f.project.ID, UserID: bob.ID, Role: wharf.RoleMaintainer, InvitedBy: f.user.ID, Expires: expires},
		{ProjectID: other.ID, UserID: bob.ID, Role: wharf.RoleOwner, InvitedBy: f.user.ID, Expires: expires},
		{ProjectID: f.project.ID, UserID: carol.ID, Role: wharf.RoleOwner, InvitedBy: f.user.ID, Expires: expires},
	}
	update(t, s, func(tx wharf.Tx) error {
		for _, inv := range invs {
			if err := tx.AddInvitation(ctx, inv); err != nil {
				return err
			}
		}
		return nil
	})
	wantCode(t, "AddInvitation twice", tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.AddInvitation(ctx, &wharf.Invitation{ProjectID: f.project.ID, UserID: bob.ID, Role: wharf.RoleOwner, InvitedBy: f.user.ID, Expires: expires})
	}), wharf.ECONFLICT)
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.InvitationFor(ctx, f.project.ID, bob.ID)
		if err != nil {
			return err
		}
		want := *invs[0]
		want.Project, want.UserName, want.InviterName = "demo", "bob", "alice"
		same := got.Expires.Equal(want.Expires) && !got.Created.IsZero()
		got.Expires, got.Created, want.Created = want.Expires, time.Time{}, time.Time{}
		if *got != want || !same {
			t.Errorf("InvitationFor = %+v, want %+v", *got, want)
		}
		byUser, err := tx.UserInvitations(ctx, bob.ID)
		if err != nil {
			return err
		}
		if len(byUser) != 2 || byUser[0].Project != "demo" || byUser[1].Project != "other" || byUser[1].Role != wharf.RoleOwner {
			t.Errorf("UserInvitations(bob) = %+v", byUser)
		}
		byProject, err := tx.ProjectInvitations(ctx, f.project.ID)
		if err != nil {
			return err
		}
		if len(byProject) != 2 || byProject[0].UserName != "bob" || byProject[1].UserName != "carol" {
			t.Errorf("ProjectInvitations(demo) = %+v", byProject)
		}
		return nil
	})
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteInvitation(ctx, f.project.ID, bob.ID) })
	wantCode(t, "DeleteInvitation twice", tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.DeleteInvitation(ctx, f.project.ID, bob.ID)
	}), wharf.ENOTFOUND)
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.InvitationFor(ctx, f.project.ID, bob.ID)
		wantCode(t, "InvitationFor after delete", err, wharf.ENOTFOUND)
		return nil
	})
}

// testRestrictToken checks that a token's record can be narrowed, each
// limit alone, and that MadeWith2FA reads back.
func testRestrictToken(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	tok := &wharf.Token{ID: "tok-r", UserID: f.user.ID, Description: "CI", MadeWith2FA: true}
	update(t, s, func(tx wharf.Tx) error { return tx.CreateToken(ctx, tok) })
	expires := time.Now().Add(time.Hour).Truncate(time.Second)
	steps := []struct {
		projects []string
		expires  time.Time
		want     wharf.Token
	}{
		{[]string{"demo"}, time.Time{}, wharf.Token{Projects: []string{"demo"}}},
		{nil, expires, wharf.Token{Projects: []string{"demo"}, Expires: expires}},
	}
	for _, st := range steps {
		update(t, s, func(tx wharf.Tx) error { return tx.RestrictToken(ctx, "tok-r", st.projects, st.expires) })
		view(t, s, func(tx wharf.Tx) error {
			got, err := tx.TokenByID(ctx, "tok-r")
			if err != nil {
				return err
			}
			if !slices.Equal(got.Projects, st.want.Projects) || !got.Expires.Equal(st.want.Expires) || !got.MadeWith2FA || got.Description != "CI" {
				t.Errorf("after RestrictToken(%v, %v): %+v", st.projects, st.expires, *got)
			}
			return nil
		})
	}
	wantCode(t, "RestrictToken(missing)", tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.RestrictToken(ctx, "tok-missing", []string{"demo"}, time.Time{})
	}), wharf.ENOTFOUND)
}
