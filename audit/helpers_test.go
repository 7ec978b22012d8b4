package audit_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"wharf"
	"wharf/audit"
	"wharf/internal/testutil"
	"wharf/sqlite"
)

// env is an audit service over a real SQLite store holding users alice
// (owner of demo), bob (maintainer of demo), carol (no role) and dave (an
// admin), and a project other that only carol owns.
type env struct {
	t     *testing.T
	clock *testutil.Clock
	store *sqlite.Store
	svc   *audit.Service
	key   []byte
	users map[string]*wharf.User
	demo  *wharf.Project
	other *wharf.Project
}

// retention is the period the tests configure: 30 days.
const retention = 30 * 24 * time.Hour

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clock: testutil.NewClock(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)),
		key: bytes.Repeat([]byte("k"), audit.MinKeyLength), users: map[string]*wharf.User{}}
	var err error
	e.store, err = sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "wharf.db"), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	e.svc = audit.New(e.store, audit.Options{IPKey: e.key, Retention: retention})
	e.update(func(tx wharf.Tx) error {
		for _, name := range []string{"alice", "bob", "carol", "dave"} {
			u := &wharf.User{Name: name, Email: name + "@example.org", IsAdmin: name == "dave"}
			if err := tx.CreateUser(t.Context(), u); err != nil {
				return err
			}
			e.users[name] = u
		}
		e.demo = &wharf.Project{Name: "demo", DisplayName: "Demo", SimilarityKey: "demo", CreatedBy: e.users["alice"].ID}
		e.other = &wharf.Project{Name: "other", DisplayName: "Other", SimilarityKey: "other", CreatedBy: e.users["carol"].ID}
		for _, p := range []*wharf.Project{e.demo, e.other} {
			if err := tx.CreateProject(t.Context(), p); err != nil {
				return err
			}
		}
		for _, r := range []struct {
			p    *wharf.Project
			user string
			role string
		}{{e.demo, "alice", wharf.RoleOwner}, {e.demo, "bob", wharf.RoleMaintainer}, {e.other, "carol", wharf.RoleOwner}} {
			if err := tx.SetRole(t.Context(), r.p.ID, e.users[r.user].ID, r.role); err != nil {
				return err
			}
		}
		return nil
	})
	return e
}

func (e *env) update(fn func(tx wharf.Tx) error) {
	e.t.Helper()
	if err := e.store.Update(e.t.Context(), fn); err != nil {
		e.t.Fatal(err)
	}
}

// actor is the web actor of a user ("" for nobody logged in) from ip.
func (e *env) actor(name, ip string) wharf.Actor {
	a := wharf.Actor{IP: ip, UserAgent: "Mozilla/5.0 (" + name + ")"}
	if u := e.users[name]; u != nil {
		a.UserID, a.UserName = u.ID, u.Name
	}
	return a
}

// add records events now and returns them with their ids.
func (e *env) add(events ...*wharf.Event) []*wharf.Event {
	e.t.Helper()
	e.update(func(tx wharf.Tx) error {
		for _, ev := range events {
			if err := tx.AddEvent(e.t.Context(), ev); err != nil {
				return err
			}
		}
		return nil
	})
	return events
}

// all returns every stored event, oldest first.
func (e *env) all() []wharf.Event {
	e.t.Helper()
	var out []wharf.Event
	err := e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		var err error
		out, err = tx.Events(e.t.Context(), wharf.EventFilter{Limit: wharf.MaxEventPage})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}
