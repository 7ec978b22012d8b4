package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"wharf"
	"wharf/collab"
)

// collabIndex is a test index with the project demo-pkg (Demo.Pkg),
// uploaded by alice and owned by owen too, with bob as maintainer; carol
// and dave have no role. Everyone but alice can log in.
func collabIndex(t *testing.T) *testIndex {
	t.Helper()
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.upload(t, distSpec{Name: "Demo.Pkg", Version: "1.0"}.build(t))
	for _, name := range []string{"owen", "bob", "carol", "dave"} {
		ix.addUser(t, name)
	}
	cli := wharf.Actor{UserName: "test"}
	if err := ix.manage.SetRole(t.Context(), cli, "demo-pkg", "owen", wharf.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := ix.manage.SetRole(t.Context(), cli, "demo-pkg", "bob", wharf.RoleMaintainer); err != nil {
		t.Fatal(err)
	}
	return ix
}

// as returns a visitor logged in as name.
func (ix *testIndex) as(t *testing.T, name string) *visitor {
	t.Helper()
	v := ix.visitor(t)
	wantRedirect(t, v.login(name, testPassword, ""), "/manage/account/")
	return v
}

// roles lists demo-pkg's collaborators as "name Role".
func (ix *testIndex) roles(t *testing.T) string {
	t.Helper()
	var out []string
	err := ix.store.View(t.Context(), func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(t.Context(), "demo-pkg")
		if err != nil {
			return err
		}
		roles, err := tx.Roles(t.Context(), p.ID)
		for _, r := range roles {
			out = append(out, r.UserName+" "+r.Role)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, ", ")
}

const collabURL = "/manage/project/demo-pkg/collaboration/"

func TestCollaborationPageAccess(t *testing.T) {
	ix := collabIndex(t)
	tests := []struct {
		name, user, path string
		status           int
		want             []string
	}{
		{"owner", "owen", collabURL, 200, []string{
			`<h1>Collaborators of Demo.Pkg</h1>`, `<a href="/user/alice/">alice</a>`, `<a href="/user/bob/">bob</a>`,
			`<label for="role-bob" class="visually-hidden">Role of bob</label>`, `action="/manage/project/demo-pkg/collaboration/role/"`,
			`href="/manage/project/demo-pkg/collaboration/remove/?username=bob"`, `action="/manage/project/demo-pkg/collaboration/invite/"`,
			`<label for="f-username">Username</label>`, `<label for="f-role">Role</label>`, `No invitation is waiting for an answer.`}},
		{"other spelling", "owen", "/manage/project/Demo.Pkg/collaboration/", 200, []string{`<h1>Collaborators of Demo.Pkg</h1>`}},
		{"maintainer", "bob", collabURL, 403, []string{"Only owners of this project can manage its collaborators.", `href="/manage/projects/"`}},
		{"non-member", "carol", collabURL, 404, nil},
		{"unknown project", "owen", "/manage/project/nope/collaboration/", 404, nil},
		{"remove page, maintainer removes another", "bob", collabURL + "remove/?username=owen", 403, []string{"Only owners"}},
		{"remove page, not a collaborator", "owen", collabURL + "remove/?username=carol", 404, nil},
		{"remove page", "owen", collabURL + "remove/?username=bob", 200, []string{
			"<h1>Remove bob from Demo.Pkg</h1>", `<label for="f-confirm">Type bob to confirm</label>`, `name="username" value="bob"`}},
		{"leave page", "bob", collabURL + "remove/?username=bob", 200, []string{"<h1>Leave Demo.Pkg</h1>", "Leave project"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ix.as(t, tt.user).get(tt.path)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", r.StatusCode, tt.status, r.body)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if tt.status != 200 && strings.Contains(r.body, "<form method=\"post\" action=\"/manage/project/") {
				t.Error("a refused page shows forms")
			}
		})
	}
	t.Run("logged out", func(t *testing.T) {
		wantRedirect(t, ix.visitor(t).get(collabURL), "/account/login/?next="+url.QueryEscape(collabURL))
		wantRedirect(t, ix.visitor(t).post(collabURL+"invite/", url.Values{"username": {"carol"}}), "/account/login/?next="+url.QueryEscape(collabURL))
	})
}

// TestMaintainerCannotManage: a maintainer's posts are refused with 403
// and change nothing.
func TestMaintainerCannotManage(t *testing.T) {
	ix := collabIndex(t)
	if err := ix.collab.Invite(t.Context(), wharf.Actor{UserID: userID(t, ix, "owen")}, "demo-pkg", "carol", wharf.RoleMaintainer); err != nil {
		t.Fatal(err)
	}
	bob := ix.as(t, "bob")
	before := ix.roles(t)
	for _, tt := range []struct {
		path string
		form url.Values
	}{
		{"invite/", url.Values{"username": {"dave"}, "role": {"Owner"}}},
		{"role/", url.Values{"username": {"bob"}, "role": {"Owner"}}},
		{"role/", url.Values{"username": {"owen"}, "role": {"Maintainer"}}},
		{"revoke/", url.Values{"username": {"carol"}}},
		{"remove/", url.Values{"username": {"owen"}, "confirm": {"owen"}}},
	} {
		t.Run(tt.path+tt.form.Get("username"), func(t *testing.T) {
			r := bob.post(collabURL+tt.path, tt.form)
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "Only owners of this project can manage its collaborators.") {
				t.Errorf("status %d\n%s", r.StatusCode, r.body)
			}
		})
	}
	invs, err := ix.collab.Invitations(t.Context(), userID(t, ix, "carol"))
	if err != nil {
		t.Fatal(err)
	}
	if after := ix.roles(t); after != before || len(invs) != 1 {
		t.Errorf("roles %q, was %q; carol's invitations %v", after, before, invs)
	}
	// A non-member's posts are 404, as for a project that does not exist.
	if r := ix.as(t, "carol").post(collabURL+"invite/", url.Values{"username": {"dave"}, "role": {"Owner"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("non-member invites: %d", r.StatusCode)
	}
}

// userID returns the ID of the user named name.
func userID(t *testing.T, ix *testIndex, name string) int64 {
	t.Helper()
	var id int64
	err := ix.store.View(t.Context(), func(tx wharf.Tx) error {
		u, err := tx.UserByName(t.Context(), name)
		if err == nil {
			id = u.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestInviteForm(t *testing.T) {
	ix := collabIndex(t)
	err := ix.store.Update(t.Context(), func(tx wharf.Tx) error {
		return tx.CreateUser(t.Context(), &wharf.User{Name: "erin", Email: "erin@example.org"})
	})
	if err != nil {
		t.Fatal(err)
	}
	owen := ix.as(t, "owen")
	tests := []struct {
		name, user, role string
		status           int
		want             string
	}{
		{"no username", "", "Maintainer", 400, `<a href="#f-username">`},
		{"unknown user", "zed", "Maintainer", 400, `aria-invalid="true" aria-describedby="f-username-error"`},
		{"unknown user message", "zed", "Maintainer", 400, "No user has this username."},
		{"yourself", "owen", "Owner", 400, "You cannot invite yourself."},
		{"collaborator", "bob", "Owner", 409, "This user is already a collaborator on this project."},
		{"unverified", "erin", "Owner", 400, "This user has not verified their email address yet"},
		{"bad role", "carol", "Admin", 400, `aria-describedby="f-role-error"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := owen.post(collabURL+"invite/", url.Values{"username": {tt.user}, "role": {tt.role}})
			if r.StatusCode != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("status %d, want %d with %q\n%s", r.StatusCode, tt.status, tt.want, r.body)
			}
			if tt.user != "" && !strings.Contains(r.body, `value="`+tt.user+`"`) {
				t.Error("the username typed is not kept")
			}
		})
	}
	ix.mail.take()
	wantRedirect(t, owen.post(collabURL+"invite/", url.Values{"username": {"carol"}, "role": {"Owner"}}), collabURL+"?done=invited")
	msgs := ix.mail.take()
	if len(msgs) != 1 || msgs[0].To[0] != "carol@example.org" || !strings.Contains(msgs[0].Text, "/manage/projects/") {
		t.Fatalf("mails %+v", msgs)
	}
	r := owen.get(collabURL + "?done=invited")
	for _, want := range []string{`<p class="notice" role="status">The invitation was sent.</p>`, `<a href="/user/carol/">carol</a>`,
		`<time datetime="2024-05-13T07:08:09Z">2024-05-13 07:08 UTC</time>`, `aria-describedby="invited-carol"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q\n%s", want, r.body)
		}
	}
	if r := owen.post(collabURL+"invite/", url.Values{"username": {"carol"}, "role": {"Owner"}}); r.StatusCode != 409 ||
		!strings.Contains(r.body, "This user already has an invitation waiting for an answer.") {
		t.Errorf("second invitation: %d", r.StatusCode)
	}
	wantRedirect(t, owen.post(collabURL+"revoke/", url.Values{"username": {"carol"}}), collabURL+"?done=revoked")
	if r := owen.post(collabURL+"revoke/", url.Values{"username": {"carol"}}); r.StatusCode != 400 ||
		!strings.Contains(r.body, "This user has no invitation to this project.") {
		t.Errorf("revoking again: %d", r.StatusCode)
	}
}

// mailbox.take returns the mails sent since the last take.
func (m *mailbox) take() []wharf.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.msgs
	m.msgs = nil
	return out
}

func TestChangeRoleAndRemoveForms(t *testing.T) {
	ix := collabIndex(t)
	owen := ix.as(t, "owen")
	// alice has no password; with her gone owen is the last owner.
	wantRedirect(t, owen.post(collabURL+"remove/", url.Values{"username": {"alice"}, "confirm": {"alice"}}), collabURL+"?done=removed")
	tests := []struct {
		name, path string
		form       url.Values
		status     int
		want       string
	}{
		{"demote the last owner", "role/", url.Values{"username": {"owen"}, "role": {"Maintainer"}}, 409,
			"This user is the last owner of the project. Add another owner first."},
		{"same role", "role/", url.Values{"username": {"bob"}, "role": {"Maintainer"}}, 409, "This user already has this role."},
		{"no role", "role/", url.Values{"username": {"carol"}, "role": {"Owner"}}, 400, "This user is not a collaborator on this project."},
		{"remove the last owner", "remove/", url.Values{"username": {"owen"}, "confirm": {"owen"}}, 409,
			"This user is the last owner of the project. Add another owner first."},
		{"confirmation differs", "remove/", url.Values{"username": {"bob"}, "confirm": {"bo"}}, 400,
			`aria-describedby="f-confirm-error"`},
		{"no confirmation", "remove/", url.Values{"username": {"bob"}}, 400, `<a href="#f-confirm">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := owen.post(collabURL+tt.path, tt.form)
			if r.StatusCode != tt.status || !strings.Contains(r.body, tt.want) || !strings.Contains(r.body, `role="alert"`) {
				t.Errorf("status %d, want %d with %q\n%s", r.StatusCode, tt.status, tt.want, r.body)
			}
		})
	}
	if got := ix.roles(t); got != "owen Owner, bob Maintainer" {
		t.Fatalf("roles %q", got)
	}
	ix.mail.take()
	wantRedirect(t, owen.post(collabURL+"role/", url.Values{"username": {"bob"}, "role": {"Owner"}}), collabURL+"?done=role")
	if msgs := ix.mail.take(); len(msgs) != 2 || msgs[0].To[0] != "bob@example.org" {
		t.Errorf("mails %+v", msgs)
	}
	wantRedirect(t, owen.post(collabURL+"remove/", url.Values{"username": {"bob"}, "confirm": {"bob"}}), collabURL+"?done=removed")
	if got := ix.roles(t); got != "owen Owner" {
		t.Errorf("roles %q", got)
	}
	if r := owen.get(collabURL + "?done=removed"); !strings.Contains(r.body, `role="status">The collaborator was removed.`) {
		t.Error("no notice")
	}
}

func TestMaintainerLeaves(t *testing.T) {
	ix := collabIndex(t)
	bob := ix.as(t, "bob")
	if r := bob.get("/manage/projects/"); !strings.Contains(r.body, `href="/manage/project/demo-pkg/collaboration/remove/?username=bob"`) ||
		strings.Contains(r.body, `href="/manage/project/demo-pkg/collaboration/"`) {
		t.Errorf("a maintainer's projects page:\n%s", r.body)
	}
	wantRedirect(t, bob.post(collabURL+"remove/", url.Values{"username": {"bob"}, "confirm": {"bob"}}), "/manage/projects/?done=left")
	r := bob.get("/manage/projects/?done=left")
	if !strings.Contains(r.body, `role="status">You left the project.`) || !strings.Contains(r.body, "You have no role on any project yet.") {
		t.Errorf("projects page after leaving:\n%s", r.body)
	}
}

var acceptForm = regexp.MustCompile(`<form method="post" action="(/manage/projects/invitation/[^/]+/accept/)">`)

func TestAnswerInvitation(t *testing.T) {
	ix := collabIndex(t)
	owen := ix.as(t, "owen")
	for _, name := range []string{"carol", "dave"} {
		wantRedirect(t, owen.post(collabURL+"invite/", url.Values{"username": {name}, "role": {"Maintainer"}}), collabURL+"?done=invited")
	}
	carol := ix.as(t, "carol")
	r := carol.get("/manage/projects/")
	m := acceptForm.FindStringSubmatch(r.body)
	for _, want := range []string{"<h2 id=\"invitations-title\">Invitations</h2>", `">Demo.Pkg</th>`,
		`class="secondary" aria-describedby="invitation-`, `<a href="/user/owen/">owen</a>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("projects page lacks %q", want)
		}
	}
	if m == nil {
		t.Fatalf("no accept form:\n%s", r.body)
	}
	// Someone else's invitation cannot be answered: 404.
	bob := ix.as(t, "bob")
	for _, path := range []string{m[1], strings.Replace(m[1], "/accept/", "/decline/", 1), "/manage/projects/invitation/nope/accept/"} {
		if r := bob.post(path, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("bob posts %s: %d", path, r.StatusCode)
		}
	}
	ix.mail.take()
	wantRedirect(t, carol.post(m[1], nil), "/manage/projects/?done=accepted")
	r = carol.get("/manage/projects/?done=accepted")
	for _, want := range []string{`role="status">You accepted the invitation.`, `<a href="/project/demo-pkg/">Demo.Pkg</a>`, `<td>Maintainer</td>`,
		`href="/manage/project/demo-pkg/history/"`, `href="/manage/project/demo-pkg/"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("projects page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "invitations-title") {
		t.Error("the accepted invitation is still offered")
	}
	if msgs := ix.mail.take(); len(msgs) != 2 {
		t.Errorf("owners mailed %d times", len(msgs))
	}
	if r := carol.post(m[1], nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("accepting twice: %d", r.StatusCode)
	}
	dave := ix.as(t, "dave")
	wantRedirect(t, dave.post("/manage/projects/invitation/demo-pkg/decline/", nil), "/manage/projects/?done=declined")
	if got := ix.roles(t); got != "alice Owner, owen Owner, bob Maintainer, carol Maintainer" {
		t.Errorf("roles %q", got)
	}
}

func TestExpiredInvitation(t *testing.T) {
	ix := collabIndex(t)
	if err := ix.collab.Invite(context.Background(), wharf.Actor{UserID: userID(t, ix, "owen")}, "demo-pkg", "carol", wharf.RoleOwner); err != nil {
		t.Fatal(err)
	}
	ix.clock.Advance(collab.InvitationLifetime)
	carol := ix.as(t, "carol")
	if r := carol.get("/manage/projects/"); strings.Contains(r.body, "invitations-title") {
		t.Error("an expired invitation is offered")
	}
	if r := ix.as(t, "owen").get(collabURL); !strings.Contains(r.body, `<span class="badge">Expired</span>`) {
		t.Error("owners do not see the invitation expired")
	}
	r := carol.post("/manage/projects/invitation/demo-pkg/accept/", nil)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "This invitation has expired.") {
		t.Errorf("accepting an expired invitation: %d\n%s", r.StatusCode, r.body)
	}
	if r := carol.post("/manage/projects/invitation/demo-pkg/accept/", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("the expired invitation was kept: %d", r.StatusCode)
	}
	if got := ix.roles(t); strings.Contains(got, "carol") {
		t.Errorf("roles %q", got)
	}
}

// TestCollaborationPagesInEveryLocale renders the pages in every locale:
// no message id or placeholder shows, and nothing inline.
func TestCollaborationPagesInEveryLocale(t *testing.T) {
	ix := collabIndex(t)
	if err := ix.collab.Invite(t.Context(), wharf.Actor{UserID: userID(t, ix, "owen")}, "demo-pkg", "carol", wharf.RoleOwner); err != nil {
		t.Fatal(err)
	}
	owen, bob, carol := ix.as(t, "owen"), ix.as(t, "bob"), ix.as(t, "carol")
	pages := []struct {
		path   string
		v      *visitor
		status int
	}{
		{"/manage/projects/?done=accepted", owen, 200},
		{"/manage/projects/", carol, 200},
		{collabURL + "?done=invited", owen, 200},
		{collabURL, bob, 403},
		{collabURL + "remove/?username=bob", owen, 200},
		{collabURL + "remove/?username=bob", bob, 200},
	}
	leftover := regexp.MustCompile(`\b(collab|account|manage|nav)\.[a-z_]+\b|\{[a-z0-9_]+\}`)
	for _, l := range ix.srv.ui.bundle.Locales() {
		for _, p := range pages {
			t.Run(l.ID()+p.path, func(t *testing.T) {
				req, _ := http.NewRequest("GET", ix.ts.URL+p.path, nil)
				req.Header.Set("Accept-Language", l.ID())
				r := p.v.do(req)
				if r.StatusCode != p.status {
					t.Fatalf("status %d", r.StatusCode)
				}
				checkLocalized(t, l, r, leftover)
			})
		}
	}
}
