package collab_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"wharf"
	"wharf/collab"
	"wharf/internal/testutil"
	"wharf/sqlite"
)

// mailbox is a wharf.Mailer that keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	msgs []wharf.Message
}

func (m *mailbox) Send(_ context.Context, msg wharf.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// take returns the mails sent since the last take.
func (m *mailbox) take() []wharf.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.msgs
	m.msgs = nil
	return out
}

// env is a collaboration service over a real SQLite store holding one
// project, Foo-Bar (foo-bar), owned by alice with bob as maintainer, and
// users with no role: carol, dave (email not verified), ci (a service
// account), root (an administrator) and nomail (no address).
type env struct {
	t       testing.TB
	clock   *testutil.Clock
	store   *sqlite.Store
	svc     *collab.Service
	mail    *mailbox
	changed []string
	users   map[string]*wharf.User
	project *wharf.Project
}

// start is the test clock's first reading.
var start = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, clock: testutil.NewClock(start), mail: &mailbox{}, users: map[string]*wharf.User{}}
	var err error
	e.store, err = sqlite.Open(t.Context(), sqlite.Options{Path: filepath.Join(t.TempDir(), "wharf.db"), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	e.svc = collab.New(e.store, collab.Options{Mailer: e.mail, Location: "https://pypi.example.org/", Now: e.clock.Now,
		OnChange: func(p string) { e.changed = append(e.changed, p) }})
	err = e.store.Update(t.Context(), func(tx wharf.Tx) error {
		for _, u := range []*wharf.User{
			{Name: "alice", EmailVerified: true}, {Name: "bob", EmailVerified: true}, {Name: "carol", EmailVerified: true},
			{Name: "dave"}, {Name: "ci", Service: true, EmailVerified: true}, {Name: "root", IsAdmin: true, EmailVerified: true},
			{Name: "nomail", EmailVerified: true},
		} {
			if u.Name != "nomail" {
				u.Email = u.Name + "@example.com"
			}
			if err := tx.CreateUser(t.Context(), u); err != nil {
				return err
			}
			e.users[u.Name] = u
		}
		e.project = &wharf.Project{Name: "foo-bar", DisplayName: "Foo-Bar", SimilarityKey: "f00bar", CreatedBy: e.users["alice"].ID}
		if err := tx.CreateProject(t.Context(), e.project); err != nil {
			return err
		}
		if err := tx.SetRole(t.Context(), e.project.ID, e.users["alice"].ID, wharf.RoleOwner); err != nil {
			return err
		}
		return tx.SetRole(t.Context(), e.project.ID, e.users["bob"].ID, wharf.RoleMaintainer)
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// actor is the named user acting from a browser.
func (e *env) actor(name string) wharf.Actor {
	u := e.users[name]
	return wharf.Actor{UserID: u.ID, UserName: u.Name, IP: "192.0.2.7", UserAgent: "Browser/" + name}
}

// id is the named user's ID as text, for expected rows.
func (e *env) id(name string) string { return fmt.Sprint(e.users[name].ID) }

// must fails the test on err.
func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// events returns the project's events after the ID after, one line each:
// tag, project, user, actor, IP, user agent, details and time.
func (e *env) events(after int64) []string {
	e.t.Helper()
	var out []string
	err := e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		evs, err := tx.Events(e.t.Context(), wharf.EventFilter{ProjectID: e.project.ID, AfterID: after, Limit: 100})
		for _, ev := range evs {
			out = append(out, fmt.Sprintf("%s p%d u%d a%d %s %s %s %s", ev.Tag, ev.ProjectID, ev.UserID, ev.ActorID,
				ev.IP, ev.UserAgent, ev.Details, ev.Time.UTC().Format(time.RFC3339)))
		}
		return err
	})
	e.must(err)
	return out
}

// lastEvent is the ID of the newest event, 0 for none.
func (e *env) lastEvent() int64 {
	e.t.Helper()
	var id int64
	err := e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		evs, err := tx.Events(e.t.Context(), wharf.EventFilter{Newest: true, Limit: 1})
		if len(evs) > 0 {
			id = evs[0].ID
		}
		return err
	})
	e.must(err)
	return id
}

// journal returns the journal's actions after serial, with their actor.
func (e *env) journal(after int64) []string {
	e.t.Helper()
	var out []string
	err := e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		entries, err := tx.JournalSince(e.t.Context(), after, 100)
		for _, j := range entries {
			out = append(out, fmt.Sprintf("%s: %s by %d", j.Project, j.Action, j.ActorID))
		}
		return err
	})
	e.must(err)
	return out
}

// serial is the journal's last serial.
func (e *env) serial() int64 {
	e.t.Helper()
	var s int64
	e.must(e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		var err error
		s, err = tx.LastSerial(e.t.Context())
		return err
	}))
	return s
}

// state is what any action may change, for checking that a refused one
// changed nothing: roles, invitations, events and the journal.
func (e *env) state() string {
	e.t.Helper()
	var out string
	lastEvent := e.lastEvent()
	e.must(e.store.View(e.t.Context(), func(tx wharf.Tx) error {
		ctx := e.t.Context()
		roles, err := tx.Roles(ctx, e.project.ID)
		if err != nil {
			return err
		}
		invs, err := tx.ProjectInvitations(ctx, e.project.ID)
		if err != nil {
			return err
		}
		last, err := tx.LastSerial(ctx)
		out = fmt.Sprint(roles, invs, last, lastEvent)
		return err
	}))
	return out
}

// wantRefused fails unless err has the code and the reason.
func wantRefused(t *testing.T, err error, code string, reason collab.Refusal) {
	t.Helper()
	if got := wharf.ErrorCode(err); got != code {
		t.Errorf("err = %v (code %q), want code %q", err, got, code)
	}
	if reason != "" && !errors.Is(err, reason) {
		t.Errorf("err = %v, want reason %q", err, reason)
	}
}

// mailLines returns "to: subject" for each mail.
func mailLines(msgs []wharf.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, fmt.Sprintf("%s: %s", m.To[0], m.Subject))
	}
	return out
}

func wantLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s =\n%q\nwant\n%q", what, got, want)
	}
}
