package web

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/audit"
)

// historyIndex is an index with accounts where ann owns project demo, ben
// maintains it, cat has no role, and root is an admin; the visitors are
// logged in as each.
type historyIndex struct {
	*testIndex
	users    map[string]*wharf.User
	visitors map[string]*visitor
	demo     *wharf.Project
}

func newHistoryIndex(t *testing.T) *historyIndex {
	t.Helper()
	hx := &historyIndex{testIndex: newTestIndex(t, indexConfig{Accounts: true}), users: map[string]*wharf.User{},
		visitors: map[string]*visitor{}}
	for _, name := range []string{"ann", "ben", "cat", "root"} {
		u, err := hx.accounts.CreateUser(t.Context(), wharf.Actor{UserName: "test"}, name, name+"@example.org", name == "root", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		hx.users[name] = u
	}
	hx.demo = &wharf.Project{Name: "demo", DisplayName: "Demo", SimilarityKey: "demo", CreatedBy: hx.users["ann"].ID}
	hx.update(t, func(tx wharf.Tx) error {
		if err := tx.CreateProject(t.Context(), hx.demo); err != nil {
			return err
		}
		if err := tx.SetRole(t.Context(), hx.demo.ID, hx.users["ann"].ID, wharf.RoleOwner); err != nil {
			return err
		}
		return tx.SetRole(t.Context(), hx.demo.ID, hx.users["ben"].ID, wharf.RoleMaintainer)
	})
	hx.login(t)
	return hx
}

// login logs every user in afresh, as after the clock moved past their
// sessions' lifetime.
func (hx *historyIndex) login(t *testing.T) {
	t.Helper()
	for name := range hx.users {
		v := hx.visitor(t)
		wantRedirect(t, v.login(name, testPassword, ""), "/manage/account/")
		hx.visitors[name] = v
	}
}

func (hx *historyIndex) update(t *testing.T, fn func(tx wharf.Tx) error) {
	t.Helper()
	if err := hx.store.Update(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// record adds events, as if name (or nobody, "") had acted from ip.
func (hx *historyIndex) record(t *testing.T, name, ip, agent string, events ...func(a wharf.Actor) *wharf.Event) {
	t.Helper()
	a := wharf.Actor{IP: ip, UserAgent: agent}
	if u := hx.users[name]; u != nil {
		a.UserID, a.UserName = u.ID, u.Name
	}
	hx.update(t, func(tx wharf.Tx) error {
		for _, ev := range events {
			if err := tx.AddEvent(t.Context(), ev(a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ev is an event of tag about a project (0 for none) and a user (0 for
// the actor), with details.
func ev(tag string, projectID, userID int64, details map[string]any) func(a wharf.Actor) *wharf.Event {
	return func(a wharf.Actor) *wharf.Event { return a.Event(tag, projectID, userID, details) }
}

// wantPage fails unless r has the status, contains every want and none of
// the unwanted.
func wantPage(t *testing.T, r reply, status int, want, unwanted []string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d\n%s", r.StatusCode, status, r.body)
	}
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(r.body, u) {
			t.Errorf("page shows %q", u)
		}
	}
}

func TestAccountHistoryPage(t *testing.T) {
	hx := newHistoryIndex(t)
	hx.record(t, "ann", "192.0.2.10", "ann-browser", ev("account:password:change", 0, 0, map[string]any{"marker": "ann-secret-marker"}))
	hx.record(t, "ben", "192.0.2.20", "ben-browser", ev("account:password:change", 0, 0, map[string]any{"marker": "ben-secret-marker"}))
	hx.record(t, "", "198.51.100.7", "guesser", ev("account:login:failure", 0, hx.users["ann"].ID, map[string]any{"reason": "password"}))
	hx.record(t, "root", "203.0.113.5", "admin-browser", ev("account:password:reset", 0, hx.users["ann"].ID, nil))

	r := hx.visitors["ann"].get("/manage/account/history/")
	wantPage(t, r, http.StatusOK, []string{
		"<h1>Security history</h1>", `aria-current="page">Security history</a>`,
		"Logged in", `<code dir="ltr">account:login:success</code>`, "Password changed", "ann-secret-marker",
		`<dt dir="ltr">marker</dt>`, `<span dir="ltr">192.0.2.10</span>`, "ann-browser",
		// A failed login against the account shows where it came from.
		"Login failed", "Someone not logged in", "198.51.100.7",
		// Another person's action on the account does not show their address.
		"<bdi>root</bdi>", "Not shown", "IP addresses are kept for 90 days",
		`<th scope="col">Time</th>`, `<time datetime="2024-05-06T07:08:09Z" dir="ltr">2024-05-06 07:08 UTC</time>`,
		`<option value="account:password:change">Password changed</option>`,
	}, []string{"ben-secret-marker", "192.0.2.20", "ben-browser", "203.0.113.5", "Older events", "Newest events"})

	// Ben sees his own events and never Ann's.
	r = hx.visitors["ben"].get("/manage/account/history/")
	wantPage(t, r, http.StatusOK, []string{"ben-secret-marker", "192.0.2.20"},
		[]string{"ann-secret-marker", "192.0.2.10", "198.51.100.7", "Login failed"})

	// Someone not logged in is asked to log in first.
	wantRedirect(t, hx.visitor(t).get("/manage/account/history/"), "/account/login/?next=%2Fmanage%2Faccount%2Fhistory%2F")
}

func TestProjectHistoryPage(t *testing.T) {
	hx := newHistoryIndex(t)
	hx.record(t, "ann", "192.0.2.10", "ann-browser", ev("project:release:add", hx.demo.ID, 0, map[string]any{"version": "1.0"}))
	hx.record(t, "ben", "192.0.2.20", "ben-browser", ev("file:add", hx.demo.ID, 0, map[string]any{"filename": "demo-2.0.tar.gz"}))
	hx.record(t, "ann", "192.0.2.10", "ann-browser", ev("account:password:change", 0, 0, map[string]any{"marker": "not-about-demo"}))

	t.Run("owner", func(t *testing.T) {
		r := hx.visitors["ann"].get("/manage/project/demo/history/")
		wantPage(t, r, http.StatusOK, []string{"<h1>Security history of Demo</h1>", "Release added", "File uploaded",
			"demo-2.0.tar.gz", `<span dir="ltr">192.0.2.10</span>`, "<bdi>ben</bdi>", "Not shown",
			`<th scope="col">Account</th>`, "You see the IP addresses of your own actions only."},
			[]string{"192.0.2.20", "not-about-demo", `<th scope="col">Project</th>`})
	})
	t.Run("maintainer, any spelling of the name", func(t *testing.T) {
		r := hx.visitors["ben"].get("/manage/project/DEMO/history/")
		wantPage(t, r, http.StatusOK, []string{"File uploaded", "192.0.2.20"}, []string{"192.0.2.10"})
	})
	t.Run("admin", func(t *testing.T) {
		r := hx.visitors["root"].get("/manage/project/demo/history/")
		wantPage(t, r, http.StatusOK, []string{"192.0.2.10", "192.0.2.20"}, nil)
	})
	// A non-member gets the answer an unknown project gets.
	for _, path := range []string{"/manage/project/demo/history/", "/manage/project/nope/history/"} {
		t.Run("non-member "+path, func(t *testing.T) {
			r := hx.visitors["cat"].get(path)
			wantPage(t, r, http.StatusNotFound, nil, []string{"Release added", "192.0.2", "Demo"})
		})
	}
}

func TestAdminHistoryPage(t *testing.T) {
	hx := newHistoryIndex(t)
	hx.record(t, "ann", "192.0.2.10", "ann-browser", ev("project:release:add", hx.demo.ID, 0, map[string]any{"version": "1.0"}))
	hx.record(t, "ben", "192.0.2.20", "ben-browser", ev("account:password:change", 0, 0, nil))
	for _, name := range []string{"ann", "cat"} {
		wantPage(t, hx.visitors[name].get("/admin/history/"), http.StatusNotFound, nil, []string{"192.0.2"})
	}
	root := hx.visitors["root"]
	wantPage(t, root.get("/admin/history/"), http.StatusOK, []string{"<h1>All security history</h1>",
		`aria-current="page">All security history</a>`, "192.0.2.10", "192.0.2.20", `<a href="/project/demo/"><bdi>Demo</bdi></a>`,
		`<label for="f-user">Account name</label>`, `<label for="f-project">Project name</label>`}, nil)
	wantPage(t, root.get("/admin/history/?user=ben"), http.StatusOK, []string{"192.0.2.20", `value="ben"`, "Clear filters"},
		[]string{"192.0.2.10"})
	wantPage(t, root.get("/admin/history/?project=Demo&tag=project:release"), http.StatusOK, []string{"192.0.2.10"},
		[]string{"192.0.2.20"})
	wantPage(t, root.get("/admin/history/?user=nobody"), http.StatusBadRequest, []string{"No account has this name.",
		`aria-invalid="true" aria-describedby="f-user-error"`, `role="alert"`}, []string{"192.0.2"})
	wantPage(t, root.get("/admin/history/?project=nope"), http.StatusBadRequest, []string{"No project has this name."}, nil)
	wantPage(t, root.get("/admin/history/?before=x"), http.StatusBadRequest, nil, nil)
}

func TestHistoryTagFilterAndPaging(t *testing.T) {
	hx := newHistoryIndex(t)
	var many []func(wharf.Actor) *wharf.Event
	for i := range 2*audit.PageSize + 5 {
		many = append(many, ev("account:password:change", 0, 0, map[string]any{"n": fmt.Sprintf("event-%03d", i)}))
	}
	hx.record(t, "ann", "192.0.2.10", "ann-browser", many...)
	hx.record(t, "", "198.51.100.7", "guesser", ev("account:login:failure", 0, hx.users["ann"].ID, nil))
	ann := hx.visitors["ann"]

	r := ann.get("/manage/account/history/?tag=account:login:failure")
	wantPage(t, r, http.StatusOK, []string{"198.51.100.7", `<option value="account:login:failure" selected>`, "Clear filters"},
		[]string{"event-", "Older events"})
	wantPage(t, ann.get("/manage/account/history/?tag=account:nothing"), http.StatusOK, []string{"No events match these filters."}, nil)

	older := regexp.MustCompile(`<a href="([^"]*)" rel="next">Older events</a>`)
	rows := regexp.MustCompile(`<tr>\n<td><time`)
	path := "/manage/account/history/?tag=account:password:change"
	var counts []int
	for page := 0; page < 5; page++ {
		r := ann.get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("page %d: status %d", page, r.StatusCode)
		}
		counts = append(counts, len(rows.FindAllString(r.body, -1)))
		if page > 0 && !strings.Contains(r.body, `<a href="/manage/account/history/?tag=account%3Apassword%3Achange">Newest events</a>`) {
			t.Errorf("page %d has no link to the newest events", page)
		}
		m := older.FindStringSubmatch(r.body)
		if m == nil {
			if !strings.Contains(r.body, "event-000") {
				t.Error("the last page lacks the oldest event")
			}
			break
		}
		if page == 0 && (!strings.Contains(r.body, fmt.Sprintf("event-%03d", 2*audit.PageSize+4)) || strings.Contains(r.body, "event-000")) {
			t.Error("the first page does not start with the newest event")
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	if fmt.Sprint(counts) != fmt.Sprint([]int{audit.PageSize, audit.PageSize, 5}) {
		t.Errorf("pages hold %v events", counts)
	}
}

func TestHistoryRetainedAddresses(t *testing.T) {
	hx := newHistoryIndex(t)
	hx.record(t, "ann", "192.0.2.10", "ann-browser", ev("account:password:change", 0, 0, nil))
	wantPage(t, hx.visitors["ann"].get("/manage/account/history/"), http.StatusOK, []string{"192.0.2.10"}, []string{"Hidden after"})

	hx.clock.Advance(audit.DefaultRetention + time.Hour)
	svc := audit.New(hx.store, audit.Options{IPKey: bytes.Repeat([]byte("k"), audit.MinKeyLength)})
	if n, err := svc.Retain(t.Context()); err != nil || n == 0 {
		t.Fatalf("Retain = %d, %v", n, err)
	}
	hx.login(t)
	r := hx.visitors["ann"].get("/manage/account/history/")
	wantPage(t, r, http.StatusOK, []string{"Hidden after 90 days", "ann-browser"},
		[]string{"192.0.2.10", audit.HashPrefix})
	wantPage(t, hx.visitors["root"].get("/admin/history/"), http.StatusOK, []string{"Hidden after 90 days"},
		[]string{"192.0.2.10", audit.HashPrefix})
}

func TestHistoryEscapesRecords(t *testing.T) {
	hx := newHistoryIndex(t)
	agent := "<img src=x onerror=alert(1)>" + strings.Repeat("A", 200)
	hx.record(t, "ann", `"><script>alert(2)</script>`, agent,
		ev("project:release:yank", hx.demo.ID, 0, map[string]any{"yanked_reason": "</td><script>alert(3)</script>", "<b>key</b>": "v"}),
		ev(`evil:<i>tag</i>`, hx.demo.ID, 0, nil))
	for _, path := range []string{"/manage/account/history/", "/manage/project/demo/history/", "/admin/history/"} {
		name := "ann"
		if path == "/admin/history/" {
			name = "root"
		}
		r := hx.visitors[name].get(path)
		wantPage(t, r, http.StatusOK, []string{"&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;", "&lt;b&gt;key&lt;/b&gt;",
			"&lt;img src=x onerror=alert(1)&gt;" + strings.Repeat("A", 80-len("<img src=x onerror=alert(1)>")) + "…",
			`<code dir="ltr">evil:&lt;i&gt;tag&lt;/i&gt;</code>`},
			[]string{"<script>", "<img src=x", "<b>key", "<i>tag", strings.Repeat("A", 200)})
		if name == "root" && !strings.Contains(r.body, "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;") {
			t.Errorf("%s: the hostile address is not shown escaped", path)
		}
	}
}

func TestHistoryPagesInEveryLocale(t *testing.T) {
	hx := newHistoryIndex(t)
	hx.record(t, "ann", "192.0.2.10", "ann-browser", ev("project:release:add", hx.demo.ID, 0, map[string]any{"version": "1.0"}))
	hx.clock.Advance(audit.DefaultRetention + time.Hour)
	if _, err := audit.New(hx.store, audit.Options{IPKey: bytes.Repeat([]byte("k"), 32)}).Retain(t.Context()); err != nil {
		t.Fatal(err)
	}
	hx.login(t)
	hx.record(t, "ben", "192.0.2.20", "ben-browser", ev("file:add", hx.demo.ID, 0, nil))
	leftover := regexp.MustCompile(`\b(history|nav|layout|manage)\.[a-z_]+\b|\{[a-z0-9_]+\}`)
	pages := []struct{ user, path string }{
		{"ann", "/manage/account/history/"},
		{"ann", "/manage/project/demo/history/"},
		{"root", "/admin/history/"},
		{"root", "/admin/history/?user=nobody"},
		{"cat", "/manage/account/history/?tag=none"},
	}
	for _, l := range hx.srv.ui.bundle.Locales() {
		for _, p := range pages {
			t.Run(l.ID()+p.path, func(t *testing.T) {
				req, _ := http.NewRequest("GET", hx.ts.URL+p.path, nil)
				req.Header.Set("Accept-Language", l.ID())
				r := hx.visitors[p.user].do(req)
				if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusBadRequest {
					t.Fatalf("status %d", r.StatusCode)
				}
				checkLocalized(t, l, r, leftover)
			})
		}
	}
}
