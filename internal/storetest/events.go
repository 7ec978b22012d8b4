package storetest

import (
	"slices"
	"testing"
	"time"

	"wharf"
)

// testEventQueries checks EventTx.Events: each filter field alone and
// combined, ID order, paging by AfterID, and the limit's bounds.
func testEventQueries(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	f := setup(t, s)
	bob := newUser(t, s, "bob")
	other := newProject(t, s, "other", bob.ID)
	add := func(evs ...*wharf.Event) time.Time {
		var now time.Time
		update(t, s, func(tx wharf.Tx) error {
			now = tx.Now()
			for _, e := range evs {
				if err := tx.AddEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		return now
	}
	alice := wharf.Actor{UserID: f.user.ID, IP: "192.0.2.1", UserAgent: "twine/6"}
	early := []*wharf.Event{
		alice.Event("account:login:success", 0, 0, nil),
		alice.Event("project:create", f.project.ID, 0, map[string]any{"by": "alice"}),
		{Tag: "account:create", UserID: bob.ID},
	}
	add(early...)
	// The clock must move on, so that Since can tell the two batches apart.
	time.Sleep(5 * time.Millisecond)
	late := []*wharf.Event{
		{Tag: "project:create", ProjectID: other.ID, UserID: bob.ID, ActorID: bob.ID},
		alice.Event("project:release:add", f.project.ID, 0, nil),
	}
	lateTime := add(late...)
	all := append(slices.Clone(early), late...)
	ids := func(evs []*wharf.Event) []int64 {
		var out []int64
		for _, e := range evs {
			out = append(out, e.ID)
		}
		return out
	}

	tests := []struct {
		name   string
		filter wharf.EventFilter
		want   []int64
	}{
		{"all", wharf.EventFilter{Limit: 100}, ids(all)},
		{"user", wharf.EventFilter{UserID: f.user.ID, Limit: 100}, ids([]*wharf.Event{all[0], all[1], all[4]})},
		{"project", wharf.EventFilter{ProjectID: f.project.ID, Limit: 100}, ids([]*wharf.Event{all[1], all[4]})},
		{"user and project", wharf.EventFilter{UserID: bob.ID, ProjectID: other.ID, Limit: 100}, ids([]*wharf.Event{all[3]})},
		{"since is inclusive", wharf.EventFilter{Since: lateTime, Limit: 100}, ids(late)},
		{"since later", wharf.EventFilter{Since: lateTime.Add(time.Microsecond), Limit: 100}, nil},
		{"since and user", wharf.EventFilter{Since: lateTime, UserID: f.user.ID, Limit: 100}, ids(late[1:])},
		{"limit", wharf.EventFilter{Limit: 2}, ids(all[:2])},
		{"after", wharf.EventFilter{AfterID: all[1].ID, Limit: 2}, ids(all[2:4])},
		{"after the last", wharf.EventFilter{AfterID: all[4].ID, Limit: 100}, nil},
		{"unknown user", wharf.EventFilter{UserID: bob.ID + 1000, Limit: 100}, nil},
	}
	view(t, s, func(tx wharf.Tx) error {
		for _, tt := range tests {
			got, err := tx.Events(ctx, tt.filter)
			if err != nil {
				t.Errorf("%s: Events: %v", tt.name, err)
				continue
			}
			var gotIDs []int64
			for _, e := range got {
				gotIDs = append(gotIDs, e.ID)
			}
			if !slices.Equal(gotIDs, tt.want) {
				t.Errorf("%s: Events gave IDs %v, want %v", tt.name, gotIDs, tt.want)
			}
		}
		return nil
	})

	// Every field reads back as it was written.
	view(t, s, func(tx wharf.Tx) error {
		got, err := tx.Events(ctx, wharf.EventFilter{AfterID: all[0].ID, Limit: 1})
		if err != nil {
			return err
		}
		want := *all[1]
		if len(got) != 1 || got[0] != want {
			t.Errorf("Events read %+v, want %+v", got, want)
		}
		return nil
	})

	for _, limit := range []int{0, -1, wharf.MaxEventPage + 1} {
		err := s.View(ctx, func(tx wharf.Tx) error {
			_, err := tx.Events(ctx, wharf.EventFilter{Limit: limit})
			return err
		})
		if !wharf.IsCode(err, wharf.EINVALID) {
			t.Errorf("Events with limit %d: %v, want EINVALID", limit, err)
		}
	}
}
