package storetest

import (
	"slices"
	"testing"

	"wharf"
)

// testLookups checks the batch lookups by id: found ids come back keyed,
// unknown and repeated ids are no error, and a list longer than one query
// takes is answered whole.
func testLookups(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	bob := newUser(t, s, "bob")
	other := newProject(t, s, "other", bob.ID)
	many := []int64{f.user.ID, f.project.ID}
	for i := range 450 {
		many = append(many, int64(i)+100000)
	}
	tests := []struct {
		name              string
		userIDs, projIDs  []int64
		wantUsers, wantPs []string
	}{
		{"none", nil, nil, nil, nil},
		{"one each", []int64{f.user.ID}, []int64{f.project.ID}, []string{"alice"}, []string{"demo"}},
		{"repeated and unknown", []int64{bob.ID, 99999, bob.ID, f.user.ID}, []int64{other.ID, 99999, f.project.ID, other.ID},
			[]string{"alice", "bob"}, []string{"demo", "other"}},
		{"more than one query takes", many[:451], many[1:], []string{"alice"}, []string{"demo"}},
	}
	view(t, s, func(tx wharf.Tx) error {
		for _, tt := range tests {
			users, err := tx.UsersByID(ctx, tt.userIDs)
			if err != nil {
				return err
			}
			var names []string
			for id, u := range users {
				if u.ID != id {
					t.Errorf("%s: user %d keyed as %d", tt.name, u.ID, id)
				}
				names = append(names, u.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, tt.wantUsers) {
				t.Errorf("%s: UsersByID gave %q, want %q", tt.name, names, tt.wantUsers)
			}
			projects, err := tx.ProjectsByID(ctx, tt.projIDs)
			if err != nil {
				return err
			}
			names = nil
			for id, p := range projects {
				if p.ID != id || p.DisplayName == "" {
					t.Errorf("%s: project %d (%q) keyed as %d", tt.name, p.ID, p.DisplayName, id)
				}
				names = append(names, p.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, tt.wantPs) {
				t.Errorf("%s: ProjectsByID gave %q, want %q", tt.name, names, tt.wantPs)
			}
		}
		return nil
	})
}
