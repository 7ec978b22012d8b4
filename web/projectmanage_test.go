package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wharf"
	"wharf/accounts"
	"wharf/auth/token"
	"wharf/internal/browser"
)

// pmUserAgent is the user agent the management tests' browsers send, so
// the audit records can be checked for it.
const pmUserAgent = "pm-test-browser/1.0"

// pmIndex is the demo project with four people: alice uploaded it (owner,
// no password), bob is an owner, carol a maintainer and dave has no role.
// Each of bob, carol and dave has a logged-in browser.
type pmIndex struct {
	*testIndex
	dists             map[string]testDist
	bob, carol, dave  *visitor
	bobID, carolID    int64
	projectID         int64
	wheel10, sdist10  string
	ownerActions      []pmAction
	releasePage, proj string
}

// pmAction is one owner action of the release page and its form.
type pmAction struct {
	name, path string
	form       url.Values
	// wrong is the form with a confirmation that does not match, and
	// field the field its error names.
	wrong url.Values
	field string
	// tag is the audit event the action records, with these details.
	tag     string
	details map[string]string
	// next is where a done action sends the browser.
	next string
}

func newPMIndex(t *testing.T) *pmIndex {
	t.Helper()
	ix := &pmIndex{testIndex: newTestIndex(t, indexConfig{Accounts: true})}
	ix.dists = seedDemo(t, ix.testIndex)
	ix.bobID, ix.carolID = ix.addUser(t, "bob").ID, ix.addUser(t, "carol").ID
	ix.addUser(t, "dave")
	operator := wharf.Actor{UserName: "test"}
	if err := ix.manage.SetRole(t.Context(), operator, "demo.pkg", "bob", wharf.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := ix.manage.SetRole(t.Context(), operator, "demo.pkg", "carol", wharf.RoleMaintainer); err != nil {
		t.Fatal(err)
	}
	err := ix.store.View(t.Context(), func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(t.Context(), "demo-pkg")
		ix.projectID = p.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ix.bob, ix.carol, ix.dave = ix.browser(t, "bob"), ix.browser(t, "carol"), ix.browser(t, "dave")
	ix.proj, ix.releasePage = "/manage/project/demo-pkg/", "/manage/project/demo-pkg/release/1.0/"
	ix.wheel10, ix.sdist10 = "demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz"
	ix.ownerActions = []pmAction{
		{name: "yank", path: "yank/", form: url.Values{"yanked_reason": {"  broken <wheel>  "}, "confirm_yank_version": {"1.0"}},
			wrong: url.Values{"yanked_reason": {"kept reason"}, "confirm_yank_version": {"1.0.0"}}, field: "confirm_yank_version",
			tag: "project:release:yank", details: map[string]string{"version": "1.0", "yanked_reason": "broken <wheel>"},
			next: ix.releasePage + "?done=yanked"},
		{name: "delete file", path: "file/delete/", form: url.Values{"filename": {ix.wheel10}, "confirm_filename": {ix.wheel10}},
			wrong: url.Values{"filename": {ix.wheel10}, "confirm_filename": {ix.sdist10}}, field: "confirm_file_0",
			tag: "file:remove", details: map[string]string{"version": "1.0", "filename": ix.wheel10},
			next: ix.releasePage + "?done=file_deleted"},
		{name: "delete release", path: "delete/", form: url.Values{"confirm_delete_version": {"1.0"}},
			wrong: url.Values{"confirm_delete_version": {""}}, field: "confirm_delete_version",
			tag: "project:release:remove", details: map[string]string{"version": "1.0"},
			next: ix.proj + "?done=deleted"},
	}
	return ix
}

// browser logs name in with a browser that sends pmUserAgent.
func (ix *pmIndex) browser(t *testing.T, name string) *visitor {
	t.Helper()
	v := ix.visitor(t)
	tr := v.c.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	v.c.Transport = uaTransport{tr}
	wantRedirect(t, v.login(name, testPassword, ""), "/manage/account/")
	return v
}

// uaTransport sets the test browsers' user agent on every request.
type uaTransport struct{ next http.RoundTripper }

func (u uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", pmUserAgent)
	return u.next.RoundTrip(r)
}

// state is what a refused action must leave as it was: the audit events
// and the journal of the project, and its Simple page.
func (ix *pmIndex) state(t *testing.T) string {
	t.Helper()
	var n int
	var serial int64
	err := ix.store.View(t.Context(), func(tx wharf.Tx) error {
		ev, err := tx.Events(t.Context(), wharf.EventFilter{ProjectID: ix.projectID, Limit: wharf.MaxEventPage})
		n = len(ev)
		if err != nil {
			return err
		}
		serial, err = tx.LastSerial(t.Context())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, body := ix.get(t, "/simple/demo-pkg/")
	return strings.Join([]string{strconv.Itoa(n), strconv.FormatInt(serial, 10), string(body)}, "\n")
}

// takeMail returns the mail sent since the last call.
func takeMail(m *mailbox) []wharf.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.msgs
	m.msgs = nil
	return out
}

// wantParts fails the test for each part the page lacks.
func wantParts(t *testing.T, what, page string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(page, p) {
			t.Errorf("%s lacks %q", what, p)
		}
	}
}

// lastEvent returns the project's newest audit event.
func (ix *pmIndex) lastEvent(t *testing.T) wharf.Event {
	t.Helper()
	var ev []wharf.Event
	err := ix.store.View(t.Context(), func(tx wharf.Tx) error {
		var err error
		ev, err = tx.Events(t.Context(), wharf.EventFilter{ProjectID: ix.projectID, Newest: true, Limit: 1})
		return err
	})
	if err != nil || len(ev) != 1 {
		t.Fatalf("newest event: %v, %d events", err, len(ev))
	}
	return ev[0]
}

// wantEvent checks an audit event: its tag, that bob did it from the test
// browser, and its details.
func wantEvent(t *testing.T, e wharf.Event, actorID int64, tag string, details map[string]string) {
	t.Helper()
	if e.Tag != tag || e.ActorID != actorID || e.UserID != actorID || e.IP != "127.0.0.1" || e.UserAgent != pmUserAgent {
		t.Errorf("event %s by %d for %d from %s (%s), want %s by %d from 127.0.0.1 (%s)",
			e.Tag, e.ActorID, e.UserID, e.IP, e.UserAgent, tag, actorID, pmUserAgent)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(e.Details), &got); err != nil {
		t.Fatal(err)
	}
	for k, want := range details {
		if got[k] != want {
			t.Errorf("event %s: %s = %v, want %q (details %s)", tag, k, got[k], want, e.Details)
		}
	}
}

func TestManageProjectPage(t *testing.T) {
	ix := newPMIndex(t)
	r := ix.bob.get(ix.proj)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("owner: %d\n%s", r.StatusCode, r.body)
	}
	wantParts(t, "owner's project page", r.body,
		`<h1>Manage Demo.Pkg</h1>`,
		`<th scope="row"><a href="/manage/project/demo-pkg/release/1.1b1/">1.1b1</a></th>`,
		`<th scope="row"><a href="/manage/project/demo-pkg/release/0.9/">0.9</a></th>`,
		`<span class="badge warn">Yanked</span>`,
		`href="/manage/project/demo-pkg/collaboration/"`,
		`href="/manage/project/demo-pkg/history/"`,
		`href="/project/demo-pkg/"`,
		`<nav class="manage-nav"`,
		"You are an owner",
	)
	// Newest first: 1.1b1, 1.0 (two files), 0.9.
	rows := regexp.MustCompile(`release/([^/]+)/">[^<]+</a></th>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>([^<]*|<span[^>]*>[^<]*</span>)</td>\s*<td>(\d+)</td>`).
		FindAllStringSubmatch(r.body, -1)
	var got []string
	for _, m := range rows {
		got = append(got, m[1]+" "+strings.TrimSuffix(strings.TrimPrefix(m[2], `<span class="badge warn">`), "</span>")+" "+m[3])
	}
	if want := []string{"1.1b1 Available 1", "1.0 Available 2", "0.9 Yanked 1"}; !slices.Equal(got, want) {
		t.Errorf("release rows %q, want %q", got, want)
	}

	r = ix.carol.get(ix.proj)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "You are a maintainer") ||
		strings.Contains(r.body, "/collaboration/") || !strings.Contains(r.body, `href="/manage/project/demo-pkg/release/1.0/"`) {
		t.Errorf("maintainer: %d\n%s", r.StatusCode, r.body)
	}
	for _, tt := range []struct {
		name string
		v    *visitor
		path string
	}{
		{"non-member", ix.dave, ix.proj},
		{"unknown project", ix.bob, "/manage/project/nope/"},
		{"non-member, release", ix.dave, ix.releasePage},
		{"non-member, unknown release", ix.dave, "/manage/project/demo-pkg/release/7.0/"},
		{"unknown release", ix.bob, "/manage/project/demo-pkg/release/7.0/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := tt.v.get(tt.path); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", tt.path, r.StatusCode)
			}
		})
	}
	// Other spellings of the name and version find the same pages.
	if r := ix.bob.get("/manage/project/Demo.Pkg/release/1.0.0/"); r.StatusCode != http.StatusOK {
		t.Errorf("other spelling: %d", r.StatusCode)
	}
	wantRedirect(t, ix.visitor(t).get(ix.proj), "/account/login/?next=%2Fmanage%2Fproject%2Fdemo-pkg%2F")
}

func TestManageReleasePage(t *testing.T) {
	ix := newPMIndex(t)
	r := ix.bob.get(ix.releasePage)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("owner: %d\n%s", r.StatusCode, r.body)
	}
	wantParts(t, "owner's release page", r.body,
		`<h1>Manage Demo.Pkg 1.0</h1>`,
		`<th scope="row"><code>`+ix.sdist10+`</code></th>`,
		`<th scope="row"><code>`+ix.wheel10+`</code></th>`,
		`<td>Source distribution</td>`, `<td>Wheel</td>`,
		`<a href="/user/alice/">alice</a>`,
		`action="/manage/project/demo-pkg/release/1.0/yank/"`,
		`action="/manage/project/demo-pkg/release/1.0/delete/"`,
		`action="/manage/project/demo-pkg/release/1.0/file/delete/"`,
		`<label for="f-confirm_yank_version">Type the version 1.0 to confirm</label>`,
		`<label for="f-confirm_file_0">Type the file name `+ix.wheel10+` to confirm</label>`,
		`<label for="f-yanked_reason">`,
	)
	if strings.Contains(r.body, "/unyank/") {
		t.Error("an unyanked release offers to unyank")
	}
	// A maintainer sees the files and no form.
	r = ix.carol.get(ix.releasePage)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, ix.wheel10) || strings.Contains(r.body, "<form method=\"post\" action=\"/manage/") ||
		!strings.Contains(r.body, "Only the project&#39;s owners") {
		t.Errorf("maintainer: %d\n%s", r.StatusCode, r.body)
	}
	// The yanked release says why, and offers to unyank.
	r = ix.bob.get("/manage/project/demo-pkg/release/0.9/")
	if !strings.Contains(r.body, "Reason given: broken &#34;build&#34; &lt;see #12&gt; &amp; more") ||
		!strings.Contains(r.body, `action="/manage/project/demo-pkg/release/0.9/unyank/"`) || strings.Contains(r.body, "/yank/\"") {
		t.Errorf("yanked release page:\n%s", r.body)
	}
}

func TestManageReleaseActions(t *testing.T) {
	for _, i := range []int{0, 1, 2} {
		ix := newPMIndex(t)
		act := ix.ownerActions[i]
		t.Run(act.name, func(t *testing.T) {
			path := ix.releasePage + act.path
			for _, refused := range []struct {
				name   string
				v      *visitor
				form   url.Values
				status int
			}{
				{"non-member", ix.dave, act.form, http.StatusNotFound},
				{"maintainer", ix.carol, act.form, http.StatusForbidden},
				{"wrong confirmation", ix.bob, act.wrong, http.StatusBadRequest},
				{"logged out", ix.visitor(t), act.form, http.StatusSeeOther},
			} {
				before := ix.state(t)
				r := refused.v.post(path, refused.form)
				if r.StatusCode != refused.status {
					t.Errorf("%s: %d, want %d\n%s", refused.name, r.StatusCode, refused.status, r.body)
				}
				if after := ix.state(t); after != before {
					t.Errorf("%s: a refused action changed the project", refused.name)
				}
				// A login started from a form comes back to the
				// release page, which a GET reaches.
				if refused.status == http.StatusSeeOther {
					wantRedirect(t, r, "/account/login/?next="+url.QueryEscape(ix.releasePage))
				}
			}
			// The wrong confirmation is shown next to its field, with
			// the typed reason kept.
			r := ix.bob.post(path, act.wrong)
			wantParts(t, "form error", r.body,
				`role="alert"`, `<a href="#f-`+act.field+`">`,
				`id="f-`+act.field+`" name="`, `aria-invalid="true" aria-describedby="f-`+act.field+`-error"`)
			if act.name == "yank" && !strings.Contains(r.body, `value="kept reason"`) {
				t.Error("the typed reason was lost")
			}

			wantRedirect(t, ix.bob.post(path, act.form), act.next)
			wantEvent(t, ix.lastEvent(t), ix.bobID, act.tag, act.details)
			if r := ix.bob.get(act.next); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `<p class="notice" role="status">`) {
				t.Errorf("page after the action: %d\n%s", r.StatusCode, r.body)
			}
		})
	}
}

// TestManageYankShowsInSimple yanks and unyanks through the pages and
// checks what installers see, and the audit records.
func TestManageYankShowsInSimple(t *testing.T) {
	ix := newPMIndex(t)
	wantRedirect(t, ix.bob.post(ix.releasePage+"yank/", ix.ownerActions[0].form), ix.releasePage+"?done=yanked")
	if !ix.pageHas(t, "/simple/demo-pkg/", `data-yanked="broken &lt;wheel&gt;">`+ix.wheel10) {
		_, body := ix.get(t, "/simple/demo-pkg/")
		t.Errorf("the Simple page does not show the yank:\n%s", body)
	}
	r := ix.bob.get(ix.releasePage)
	if !strings.Contains(r.body, `action="/manage/project/demo-pkg/release/1.0/unyank/"`) {
		t.Errorf("a yanked release offers no unyank")
	}
	before := ix.state(t)
	r = ix.bob.post(ix.releasePage+"unyank/", url.Values{"confirm_unyank_version": {"1"}})
	if r.StatusCode != http.StatusBadRequest || ix.state(t) != before {
		t.Errorf("unyank with a wrong confirmation: %d", r.StatusCode)
	}
	if r := ix.carol.post(ix.releasePage+"unyank/", url.Values{"confirm_unyank_version": {"1.0"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("maintainer's unyank: %d", r.StatusCode)
	}
	wantRedirect(t, ix.bob.post(ix.releasePage+"unyank/", url.Values{"confirm_unyank_version": {"1.0"}}), ix.releasePage+"?done=unyanked")
	wantEvent(t, ix.lastEvent(t), ix.bobID, "project:release:unyank", map[string]string{"version": "1.0"})
	if ix.pageHas(t, "/simple/demo-pkg/", `data-yanked="broken &lt;wheel`) {
		t.Error("the Simple page still shows the yank")
	}
}

// TestManageDeleteShowsInSimple deletes a file and then a release through
// the pages and checks that installers no longer see them.
func TestManageDeleteShowsInSimple(t *testing.T) {
	ix := newPMIndex(t)
	wantRedirect(t, ix.bob.post(ix.releasePage+"file/delete/", ix.ownerActions[1].form), ix.releasePage+"?done=file_deleted")
	if ix.pageHas(t, "/simple/demo-pkg/", ix.wheel10) || !ix.pageHas(t, "/simple/demo-pkg/", ix.sdist10) {
		t.Error("the Simple page does not follow the file's deletion")
	}
	// A file not in the release is not found, and nothing changes.
	before := ix.state(t)
	r := ix.bob.post(ix.releasePage+"file/delete/", url.Values{"filename": {ix.wheel10}, "confirm_filename": {ix.wheel10}})
	if r.StatusCode != http.StatusNotFound || ix.state(t) != before {
		t.Errorf("deleting a deleted file: %d", r.StatusCode)
	}
	wantRedirect(t, ix.bob.post(ix.releasePage+"delete/", url.Values{"confirm_delete_version": {"1.0"}}), ix.proj+"?done=deleted")
	if ix.pageHas(t, "/simple/demo-pkg/", ix.sdist10) {
		t.Error("the Simple page still lists the deleted release's file")
	}
	if r := ix.bob.get(ix.releasePage); r.StatusCode != http.StatusNotFound {
		t.Errorf("deleted release's page: %d", r.StatusCode)
	}
	r = ix.bob.get(ix.proj + "?done=deleted")
	if !strings.Contains(r.body, "The release was deleted.") || strings.Contains(r.body, "release/1.0/") {
		t.Errorf("project page after deletion:\n%s", r.body)
	}
}

// TestUploadAuditAndNotice uploads through HTTP as a maintainer and checks
// the audit records (which token, by whom, from where) and the mail to
// the other collaborators.
func TestUploadAuditAndNotice(t *testing.T) {
	ix := newPMIndex(t)
	tok, _, err := ix.accounts.CreateToken(t.Context(), wharf.Actor{UserName: "test"}, accounts.TokenRequest{User: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	takeMail(ix.mail)
	d := distSpec{Name: "Demo.Pkg", Version: "2.0"}.build(t)
	req := ix.uploadRequest(t, d, tok)
	req.Header.Set("User-Agent", "twine/6.1.0")
	resp, err := ix.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	var ev []wharf.Event
	err = ix.store.View(t.Context(), func(tx wharf.Tx) error {
		ev, err = tx.Events(t.Context(), wharf.EventFilter{ProjectID: ix.projectID, Newest: true, Limit: 2})
		return err
	})
	if err != nil || len(ev) != 2 {
		t.Fatalf("events: %v %d", err, len(ev))
	}
	tokenID, err := token.ParseID(tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		e       wharf.Event
		tag     string
		details map[string]string
	}{
		{ev[0], "file:add", map[string]string{"filename": d.Filename, "version": "2.0", "token_id": tokenID, "submitted_by": "carol"}},
		{ev[1], "project:release:add", map[string]string{"version": "2.0", "submitted_by": "carol"}},
	} {
		if tt.e.Tag != tt.tag || tt.e.ActorID != ix.carolID || tt.e.IP != "127.0.0.1" || tt.e.UserAgent != "twine/6.1.0" {
			t.Errorf("event %+v, want %s by carol", tt.e, tt.tag)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(tt.e.Details), &got); err != nil {
			t.Fatal(err)
		}
		for k, want := range tt.details {
			if got[k] != want {
				t.Errorf("%s: %s = %v, want %q", tt.tag, k, got[k], want)
			}
		}
	}
	// alice and bob hear of the release; carol, who uploaded it, and
	// dave, who has no role, do not.
	var to []string
	for _, m := range takeMail(ix.mail) {
		to = append(to, m.To...)
		if m.Subject != "New release of Demo.Pkg: 2.0" || !strings.Contains(m.Text, "was uploaded by carol") ||
			!strings.Contains(m.Text, "/manage/project/demo-pkg/release/2.0/") {
			t.Errorf("mail %q:\n%s", m.Subject, m.Text)
		}
	}
	slices.Sort(to)
	if want := []string{"alice@example.org", "bob@example.org"}; !slices.Equal(to, want) {
		t.Errorf("mailed %q, want %q", to, want)
	}
}

// TestManageProjectPagesInEveryLocale renders the project management
// pages, with a form error, in every locale: no message id or
// placeholder shows, and nothing inline.
func TestManageProjectPagesInEveryLocale(t *testing.T) {
	ix := newPMIndex(t)
	leftover := regexp.MustCompile(`\b(manage_project|project|manage|nav)\.[a-z_]+\b|\{[a-z0-9_]+\}`)
	for _, l := range ix.srv.ui.bundle.Locales() {
		for _, p := range []struct {
			path   string
			form   url.Values
			status int
		}{
			{ix.proj + "?done=deleted", nil, http.StatusOK},
			{ix.releasePage + "?done=yanked", nil, http.StatusOK},
			{"/manage/project/demo-pkg/release/0.9/", nil, http.StatusOK},
			{ix.releasePage + "file/delete/", url.Values{"filename": {ix.wheel10}, "confirm_filename": {"x"}}, http.StatusBadRequest},
		} {
			t.Run(l.ID()+p.path, func(t *testing.T) {
				method, body := "GET", ""
				if p.form != nil {
					method, body = "POST", p.form.Encode()
				}
				req, _ := http.NewRequest(method, ix.ts.URL+p.path, strings.NewReader(body))
				req.Header.Set("Accept-Language", l.ID())
				if p.form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				r := ix.bob.do(req)
				if r.StatusCode != p.status {
					t.Fatalf("status %d, want %d", r.StatusCode, p.status)
				}
				checkLocalized(t, l, r, leftover)
			})
		}
	}
}

// TestManageProjectPagesAccessible runs axe-core on the management pages
// in headless Chromium, in English and Persian: an owner's pages with
// their forms, a form error, and a maintainer's read-only page.
func TestManageProjectPagesAccessible(t *testing.T) {
	needChromium(t)
	ix := newPMIndex(t)
	b := browser.Start(t)
	origin := strings.Replace(ix.ts.URL, "://127.0.0.1:", "://localhost:", 1)
	for _, lang := range []string{"en", "fa"} {
		for _, tt := range []struct {
			name, path string
			v          *visitor
			// wrong, when set, is a confirmation field to fill wrongly
			// before submitting its form.
			wrong string
		}{
			{"owner project", ix.proj + "?done=deleted", ix.bob, ""},
			{"owner release", ix.releasePage + "?done=yanked", ix.bob, ""},
			{"owner yanked release", "/manage/project/demo-pkg/release/0.9/", ix.bob, ""},
			{"form error", ix.releasePage, ix.bob, "#f-confirm_delete_version"},
			{"maintainer release", ix.releasePage, ix.carol, ""},
		} {
			t.Run(lang+" "+tt.name, func(t *testing.T) {
				t.Parallel()
				p := b.NewPage(t, origin)
				p.SetHeaders(map[string]string{"Accept-Language": lang})
				p.SetCookie(sessionCookie, tt.v.session())
				if status := p.Navigate(origin + tt.path); status != http.StatusOK {
					t.Fatalf("status %d", status)
				}
				if tt.wrong != "" {
					p.Fill(tt.wrong, "not the version")
					p.Click(`form:has(` + tt.wrong + `) button[type="submit"]`)
					p.WaitVisible(".error-summary")
				}
				if v := p.Axe(); len(v) > 0 {
					t.Errorf("axe-core found %d violations:\n%s", len(v), browser.FormatViolations(v))
				}
			})
		}
	}
}
