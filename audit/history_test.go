package audit_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"wharf"
	"wharf/audit"
)

// seedHistory records events of every kind the pages tell apart and
// returns them by a short name.
func seedHistory(e *env) map[string]*wharf.Event {
	alice, bob, carol := e.actor("alice", "192.0.2.1"), e.actor("bob", "192.0.2.2"), e.actor("carol", "192.0.2.3")
	anon := e.actor("", "198.51.100.9")
	cli := wharf.Actor{UserName: "wharf-cli", UserAgent: "wharf-cli", IP: "local"}
	evs := map[string]*wharf.Event{
		"alice login":       alice.Event("account:login:success", 0, 0, nil),
		"failed on alice":   anon.Event("account:login:failure", 0, e.users["alice"].ID, map[string]any{"reason": "password"}),
		"alice upload":      alice.Event("project:release:add", e.demo.ID, 0, map[string]any{"version": "1.0"}),
		"bob upload":        bob.Event("project:release:add", e.demo.ID, 0, map[string]any{"version": "2.0"}),
		"alice adds bob":    alice.Event("project:role:add", e.demo.ID, e.users["bob"].ID, map[string]any{"role_name": "Maintainer"}),
		"bob login":         bob.Event("account:login:success", 0, 0, nil),
		"carol upload":      carol.Event("project:release:add", e.other.ID, 0, nil),
		"cli yank on demo":  cli.Event("project:release:yank", e.demo.ID, 0, nil),
		"carol login":       carol.Event("account:login:success", 0, 0, nil),
		"admin about alice": e.actor("dave", "203.0.113.4").Event("account:password:reset", 0, e.users["alice"].ID, nil),
	}
	// Recorded in name order, so that ids are the same on every run.
	for _, name := range slices.Sorted(maps.Keys(evs)) {
		e.add(evs[name])
	}
	return evs
}

// ids returns the ids of a history's records.
func ids(h *audit.History) []int64 {
	var out []int64
	for _, r := range h.Records {
		out = append(out, r.ID)
	}
	return out
}

// newestFirst returns the ids of the named events, newest first.
func newestFirst(evs map[string]*wharf.Event, names ...string) []int64 {
	var out []int64
	for _, n := range names {
		out = append(out, evs[n].ID)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	evs := seedHistory(e)
	u := e.users
	tests := []struct {
		name     string
		viewer   *wharf.User
		project  string // "" for the account history, "*" for all
		wantCode string
		want     []int64
	}{
		{"alice's own account", u["alice"], "", "",
			newestFirst(evs, "alice login", "failed on alice", "alice upload", "admin about alice")},
		{"bob's own account", u["bob"], "", "", newestFirst(evs, "bob login", "bob upload", "alice adds bob")},
		{"nobody logged in", nil, "", wharf.EUNAUTHORIZED, nil},
		{"owner on project", u["alice"], "demo", "",
			newestFirst(evs, "alice upload", "bob upload", "alice adds bob", "cli yank on demo")},
		{"maintainer on project", u["bob"], "Demo", "",
			newestFirst(evs, "alice upload", "bob upload", "alice adds bob", "cli yank on demo")},
		{"non-member on project", u["carol"], "demo", wharf.ENOTFOUND, nil},
		{"member of another project", u["alice"], "other", wharf.ENOTFOUND, nil},
		{"unknown project", u["alice"], "nope", wharf.ENOTFOUND, nil},
		{"nobody on project", nil, "demo", wharf.ENOTFOUND, nil},
		{"admin on any project", u["dave"], "other", "", newestFirst(evs, "carol upload")},
		{"admin sees all", u["dave"], "*", "", newestFirst(evs, slices.Collect(maps.Keys(evs))...)},
		{"user on all", u["alice"], "*", wharf.ENOTFOUND, nil},
		{"nobody on all", nil, "*", wharf.ENOTFOUND, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h *audit.History
			var err error
			switch tt.project {
			case "":
				h, err = e.svc.AccountHistory(t.Context(), tt.viewer, audit.Query{})
			case "*":
				h, err = e.svc.AllHistory(t.Context(), tt.viewer, audit.Query{})
			default:
				h, err = e.svc.ProjectHistory(t.Context(), tt.viewer, tt.project, audit.Query{})
			}
			if code := wharf.ErrorCode(err); code != tt.wantCode {
				t.Fatalf("error %v (%q), want code %q", err, code, tt.wantCode)
			}
			if err != nil {
				return
			}
			if got := ids(h); !slices.Equal(got, tt.want) {
				t.Errorf("events %v, want %v", got, tt.want)
			}
		})
	}
}

// TestUnknownAndForbiddenLookAlike checks that a non-member cannot tell
// an existing project from an unknown one.
func TestUnknownAndForbiddenLookAlike(t *testing.T) {
	e := newEnv(t)
	_, forbidden := e.svc.ProjectHistory(t.Context(), e.users["carol"], "demo", audit.Query{})
	_, unknown := e.svc.ProjectHistory(t.Context(), e.users["carol"], "nope", audit.Query{})
	if wharf.ErrorCode(forbidden) != wharf.ENOTFOUND || wharf.ErrorMessage(forbidden) != fmt.Sprintf("Project %q not found.", "demo") ||
		wharf.ErrorMessage(unknown) != fmt.Sprintf("Project %q not found.", "nope") {
		t.Errorf("forbidden %v, unknown %v: want the same not-found answer", forbidden, unknown)
	}
}

// TestAdminFlagIsRead checks that a viewer record claiming admin is not
// trusted: the store's flag decides.
func TestAdminFlagIsRead(t *testing.T) {
	e := newEnv(t)
	forged := *e.users["carol"]
	forged.IsAdmin = true
	if _, err := e.svc.AllHistory(t.Context(), &forged, audit.Query{}); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("AllHistory by a stale admin record: %v, want ENOTFOUND", err)
	}
}

func TestAddresses(t *testing.T) {
	e := newEnv(t)
	evs := seedHistory(e)
	type shown struct {
		IP               string
		Hidden, Withheld bool
		Actor            string
		ByAdmin          bool
	}
	tests := []struct {
		name    string
		viewer  string
		project string
		event   string
		want    shown
	}{
		{"own login", "alice", "", "alice login", shown{IP: "192.0.2.1", Actor: "alice"}},
		{"anonymous attempt on own account", "alice", "", "failed on alice", shown{IP: "198.51.100.9"}},
		{"another person acting on the account", "alice", "", "admin about alice", shown{Withheld: true, Actor: "dave"}},
		{"added by an owner", "bob", "", "alice adds bob", shown{Withheld: true, Actor: "alice"}},
		{"own action on project", "alice", "demo", "alice upload", shown{IP: "192.0.2.1", Actor: "alice"}},
		{"collaborator's action on project", "alice", "demo", "bob upload", shown{Withheld: true, Actor: "bob"}},
		{"command line on project", "bob", "demo", "cli yank on demo", shown{IP: "local", ByAdmin: true}},
		{"admin on project", "dave", "demo", "bob upload", shown{IP: "192.0.2.2", Actor: "bob"}},
		{"admin on all", "dave", "*", "carol login", shown{IP: "192.0.2.3", Actor: "carol"}},
	}
	check := func(t *testing.T, viewer, project, event string, want shown) {
		t.Helper()
		var h *audit.History
		var err error
		q := audit.Query{}
		switch project {
		case "":
			h, err = e.svc.AccountHistory(t.Context(), e.users[viewer], q)
		case "*":
			h, err = e.svc.AllHistory(t.Context(), e.users[viewer], q)
		default:
			h, err = e.svc.ProjectHistory(t.Context(), e.users[viewer], project, q)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range h.Records {
			if r.ID != evs[event].ID {
				continue
			}
			got := shown{IP: r.IP, Hidden: r.IPHidden, Withheld: r.IPWithheld, Actor: r.Actor, ByAdmin: r.ByAdmin}
			if got != want {
				t.Errorf("%s sees %+v, want %+v", viewer, got, want)
			}
			return
		}
		t.Errorf("%s does not see event %q", viewer, event)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.viewer, tt.project, tt.event, tt.want) })
	}

	// After retention the addresses are hidden, never shown as hashes;
	// the command line's marker stays.
	e.clock.Advance(retention + time.Hour)
	if _, err := e.svc.Retain(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run("retained/"+tt.name, func(t *testing.T) {
			want := tt.want
			if want.IP != "" && want.IP != "local" {
				want.IP, want.Hidden = "", true
			}
			check(t, tt.viewer, tt.project, tt.event, want)
		})
	}
}

func TestNames(t *testing.T) {
	e := newEnv(t)
	evs := seedHistory(e)
	h, err := e.svc.ProjectHistory(t.Context(), e.users["bob"], "demo", audit.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range h.Records {
		if r.ID == evs["alice adds bob"].ID {
			if r.Actor != "alice" || r.User != "bob" || r.Project != "Demo" || r.ProjectName != "demo" {
				t.Errorf("names %q %q %q %q, want alice bob Demo demo", r.Actor, r.User, r.Project, r.ProjectName)
			}
			if len(r.Details) != 1 || r.Details[0] != (audit.Detail{Key: "role_name", Value: "Maintainer"}) {
				t.Errorf("details %v", r.Details)
			}
		}
	}
	if h.Project == nil || h.Project.DisplayName != "Demo" {
		t.Errorf("project %+v, want Demo", h.Project)
	}
}

func TestPagingAndTags(t *testing.T) {
	e := newEnv(t)
	alice := e.actor("alice", "192.0.2.1")
	for i := range 2*audit.PageSize + 7 {
		tag := "account:login:success"
		if i%10 == 0 {
			tag = "account:login:failure"
		}
		e.add(alice.Event(tag, 0, 0, map[string]any{"n": i}))
		e.clock.Advance(time.Minute)
	}
	e.add(e.actor("bob", "192.0.2.2").Event("account:logout", 0, 0, nil))
	var seen []int64
	q := audit.Query{}
	for page := 0; ; page++ {
		h, err := e.svc.AccountHistory(t.Context(), e.users["alice"], q)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"account:login:failure", "account:login:success"}; !slices.Equal(h.Tags, want) {
			t.Fatalf("tags %q, want %q (bob's never)", h.Tags, want)
		}
		seen = append(seen, ids(h)...)
		if h.Older == 0 {
			if len(h.Records) != 7 || page != 2 {
				t.Errorf("last page %d holds %d events, want page 2 with 7", page, len(h.Records))
			}
			break
		}
		if len(h.Records) != audit.PageSize {
			t.Fatalf("page %d holds %d events", page, len(h.Records))
		}
		q.Before = h.Older
	}
	if len(seen) != 2*audit.PageSize+7 || !slices.IsSortedFunc(seen, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("pages gave %d events, want %d, newest first", len(seen), 2*audit.PageSize+7)
	}

	h, err := e.svc.AccountHistory(t.Context(), e.users["alice"], audit.Query{Tag: "account:login:failure"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Records) != 11 || h.Older != 0 {
		t.Errorf("failure filter gave %d events (older %d), want 11", len(h.Records), h.Older)
	}
	h, err = e.svc.AccountHistory(t.Context(), e.users["alice"], audit.Query{Tag: "account:login"})
	if err != nil || len(h.Records) != audit.PageSize {
		t.Errorf("prefix filter gave %d events, %v", len(h.Records), err)
	}
}

func TestAllHistoryFilters(t *testing.T) {
	e := newEnv(t)
	evs := seedHistory(e)
	dave := e.users["dave"]
	tests := []struct {
		name    string
		q       audit.Query
		want    []int64
		wantErr error
	}{
		{"by user", audit.Query{User: "bob"}, newestFirst(evs, "bob login", "bob upload", "alice adds bob"), nil},
		{"by project", audit.Query{Project: "OTHER"}, newestFirst(evs, "carol upload"), nil},
		{"by both and tag", audit.Query{User: "alice", Project: "demo", Tag: "project:release"}, newestFirst(evs, "alice upload"), nil},
		{"unknown user", audit.Query{User: "zed"}, nil, audit.ErrUnknownUser},
		{"unknown project", audit.Query{Project: "zed"}, nil, audit.ErrUnknownProject},
		{"negative page", audit.Query{Before: -1}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := e.svc.AllHistory(t.Context(), dave, tt.q)
			if tt.q.Before < 0 {
				if !wharf.IsCode(err, wharf.EINVALID) {
					t.Errorf("error %v, want EINVALID", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err == nil && !slices.Equal(ids(h), tt.want) {
				t.Errorf("events %v, want %v", ids(h), tt.want)
			}
		})
	}
}
