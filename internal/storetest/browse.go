package storetest

import (
	"testing"

	"wharf"
)

func testDescriptions(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.Description(ctx, f.release.ID)
		wantCode(t, "Description before any was stored", err, wharf.ENOTFOUND)
		_, err = tx.Description(ctx, 999999)
		wantCode(t, "Description of an unknown release", err, wharf.ENOTFOUND)
		return nil
	})
	for _, d := range []wharf.Description{
		{ContentType: "text/markdown", HTML: "<p>Hello <em>world</em></p>"},
		// An empty README is stored too: it is not the same as none.
		{ContentType: "text/x-rst", HTML: ""},
	} {
		update(t, s, func(tx wharf.Tx) error { return tx.SetDescription(ctx, f.release.ID, d) })
		view(t, s, func(tx wharf.Tx) error {
			got, err := tx.Description(ctx, f.release.ID)
			if err != nil {
				return err
			}
			if *got != d {
				t.Errorf("Description = %+v, want %+v", *got, d)
			}
			return nil
		})
	}
	err := tryUpdate(t, s, func(tx wharf.Tx) error {
		return tx.SetDescription(ctx, 999999, wharf.Description{ContentType: "text/plain"})
	})
	wantCode(t, "SetDescription of an unknown release", err, wharf.ENOTFOUND)
	// Other release columns are untouched.
	view(t, s, func(tx wharf.Tx) error {
		r, err := tx.ReleaseByCanonical(ctx, f.project.ID, f.release.Canonical)
		if err != nil {
			return err
		}
		if r.Summary != f.release.Summary || r.InfoJSON != f.release.InfoJSON {
			t.Errorf("release changed: %+v", r)
		}
		return nil
	})
}

func testCounts(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	count := func(want wharf.Counts) {
		t.Helper()
		view(t, s, func(tx wharf.Tx) error {
			got, err := tx.Counts(ctx)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("Counts = %+v, want %+v", got, want)
			}
			return nil
		})
	}
	count(wharf.Counts{})
	f := setup(t, s)
	newUser(t, s, "bob")
	newRelease(t, s, f.project.ID, "2.0")
	addFile(t, s, fileOf(f.release, "demo-1.0.tar.gz", "a"))
	count(wharf.Counts{Projects: 1, Releases: 2, Files: 1, Users: 2})
}

func testNewestReleases(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	other := newProject(t, s, "other", f.user.ID)
	r2 := newRelease(t, s, other.ID, "0.1")
	r3 := newRelease(t, s, f.project.ID, "2.0")
	r4 := newRelease(t, s, f.project.ID, "3.0")
	update(t, s, func(tx wharf.Tx) error { return tx.SetYanked(ctx, r4.ID, true, "bad") })
	view(t, s, func(tx wharf.Tx) error {
		for _, tt := range []struct {
			limit int
			want  []int64
		}{
			{10, []int64{r3.ID, r2.ID, f.release.ID}},
			{2, []int64{r3.ID, r2.ID}},
		} {
			got, err := tx.NewestReleases(ctx, tt.limit)
			if err != nil {
				return err
			}
			var ids []int64
			for _, pr := range got {
				ids = append(ids, pr.Release.ID)
			}
			if !equalIDs(ids, tt.want) {
				t.Errorf("NewestReleases(%d) = %v, want %v", tt.limit, ids, tt.want)
			}
			if len(got) > 1 && (got[1].Project != "other" || got[1].DisplayName != "other" || got[1].Release.Version != "0.1") {
				t.Errorf("NewestReleases: second is %+v", got[1])
			}
		}
		return nil
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testUserProjects(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	bob := newUser(t, s, "bob")
	zeta := newProject(t, s, "zeta", bob.ID)
	newProject(t, s, "alone", bob.ID)
	update(t, s, func(tx wharf.Tx) error {
		if err := tx.SetRole(ctx, f.project.ID, f.user.ID, wharf.RoleOwner); err != nil {
			return err
		}
		if err := tx.SetRole(ctx, zeta.ID, f.user.ID, wharf.RoleMaintainer); err != nil {
			return err
		}
		return tx.SetRole(ctx, zeta.ID, bob.ID, wharf.RoleOwner)
	})
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.UserProjects(ctx, f.user.ID)
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].Project.Name != "demo" || got[0].Role != wharf.RoleOwner ||
			got[1].Project.Name != "zeta" || got[1].Role != wharf.RoleMaintainer || got[1].Project.ID != zeta.ID {
			t.Errorf("UserProjects(alice) = %+v", got)
		}
		none, err := tx.UserProjects(ctx, 999999)
		if err != nil || len(none) != 0 {
			t.Errorf("UserProjects(unknown) = %+v, %v", none, err)
		}
		return nil
	})
}
