package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"wharf"
	"wharf/accounts"
)

// tokenIndex is an index with accounts on (require_2fa off, so people's
// tokens upload) where alice owns proj-a, proj-b and proj-c and bob is
// an owner of proj-a and proj-b; v is bob, logged in.
func tokenIndex(t *testing.T) (*testIndex, *visitor) {
	t.Helper()
	ix := newTestIndex(t, indexConfig{Accounts: true, Require2FA: accounts.Require2FAOff})
	ix.addUser(t, "bob")
	for _, p := range []string{"proj-a", "proj-b", "proj-c"} {
		ix.upload(t, distSpec{Name: p, Version: "1.0"}.build(t))
	}
	for _, p := range []string{"proj-a", "proj-b"} {
		if err := ix.manage.SetRole(t.Context(), wharf.Actor{UserName: "test"}, p, "bob", wharf.RoleOwner); err != nil {
			t.Fatal(err)
		}
	}
	v := ix.visitor(t)
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	return ix, v
}

// newTokenRE finds the token shown once on the page.
var newTokenRE = regexp.MustCompile(`<pre id="new-token" dir="ltr" tabindex="0"><code>(wharf-[A-Za-z0-9_-]+)</code></pre>`)

// createToken posts the creation form and returns the token shown,
// failing the test unless the reply is the page with it.
func createToken(t *testing.T, v *visitor, form url.Values) string {
	t.Helper()
	r := v.post("/manage/account/token/", form)
	m := newTokenRE.FindStringSubmatch(r.body)
	if r.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create: %d\n%s", r.StatusCode, r.body)
	}
	return m[1]
}

// validTokenForm is a valid creation form, changed by the pairs given.
func validTokenForm(pairs ...string) url.Values {
	f := url.Values{"name": {"laptop"}, "scope": {"all"}, "expires": {"90"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		f[pairs[i]] = append(f[pairs[i]][:0:0], pairs[i+1])
	}
	return f
}

// bobsTokens lists bob's token records.
func bobsTokens(t *testing.T, ix *testIndex) []wharf.Token {
	t.Helper()
	toks, err := ix.accounts.Tokens(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	return toks
}

func TestTokenPageNeedsLogin(t *testing.T) {
	ix, _ := tokenIndex(t)
	v := ix.visitor(t)
	wantRedirect(t, v.get("/manage/account/token/"), "/account/login/?next=%2Fmanage%2Faccount%2Ftoken%2F")
	wantRedirect(t, v.post("/manage/account/token/", validTokenForm()), "/account/login/?next=%2Fmanage%2Faccount%2Ftoken%2F")
	if n := len(bobsTokens(t, ix)); n != 0 {
		t.Errorf("%d tokens made without a login", n)
	}
}

func TestTokenPageForm(t *testing.T) {
	_, v := tokenIndex(t)
	r := v.get("/manage/account/token/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, want := range []string{
		`<input id="f-name" name="name" type="text" maxlength="100"`, `aria-current="page">API tokens</a>`,
		`<input id="f-scope-all" name="scope" type="radio" value="all" checked>`,
		`value="proj-a">`, `value="proj-b">`, `<option value="90" selected>In 90 days</option>`,
		`<option value="never">Never</option>`, "You have no API tokens yet.",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Only projects bob may upload to are offered.
	if strings.Contains(r.body, `value="proj-c"`) {
		t.Error("the form offers a project bob has no role on")
	}
	if newTokenRE.MatchString(r.body) {
		t.Error("the list shows a token")
	}
}

func TestTokenCreate(t *testing.T) {
	ix, v := tokenIndex(t)
	raw := createToken(t, v, validTokenForm())
	r := v.post("/manage/account/token/", validTokenForm("name", "other"))
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	pypirc := "[distutils]\nindex-servers = wharf\n[wharf]\nrepository = " + ix.ts.URL + "/legacy/\nusername = __token__\npassword = wharf-"
	for _, want := range []string{html.EscapeString(pypirc), "twine upload --repository wharf dist/*",
		`data-copy="new-token"`, `data-copy="new-token-pypirc"`, `role="status"`, "Your new token “other”"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("creation reply lacks %q", want)
		}
	}
	toks := bobsTokens(t, ix)
	if len(toks) != 2 {
		t.Fatalf("%d tokens, want 2", len(toks))
	}
	laptop := toks[slices.IndexFunc(toks, func(t wharf.Token) bool { return t.Description == "laptop" })]
	want := ix.clock.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	if len(laptop.Projects) != 0 || !laptop.Expires.Equal(want) || laptop.MadeWith2FA {
		t.Errorf("token record %+v, want expiry %v", laptop, want)
	}
	// Shown once: the list never shows a token again.
	list := v.get("/manage/account/token/")
	if strings.Contains(list.body, raw) || newTokenRE.MatchString(list.body) {
		t.Error("the list shows a token after its creation")
	}
	for _, want := range []string{"<th scope=\"row\">laptop</th>", "All your projects", "<td>Never</td>",
		`<time datetime="` + want.Format("2006-01-02T15:04:05Z") + `">`, "<td>No</td>", "<td>Active</td>",
		`href="/manage/account/token/` + laptop.ID + `/revoke/" aria-label="Revoke the token laptop"`} {
		if !strings.Contains(list.body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if list.Header.Get("Cache-Control") == "no-store" {
		t.Error("the list needs no no-store")
	}
	ix.mail.mu.Lock()
	last := ix.mail.msgs[len(ix.mail.msgs)-1]
	ix.mail.mu.Unlock()
	if last.Subject != "A new API token was added to your account" || !slices.Equal(last.To, []string{"bob@example.org"}) ||
		!strings.Contains(last.Text, "Name:    other") || strings.Contains(last.Text, "wharf-") {
		t.Errorf("mail %+v", last)
	}
}

func TestTokenCreateScopedAndExpiry(t *testing.T) {
	tests := []struct {
		name     string
		form     url.Values
		projects []string
		lifetime time.Duration
	}{
		{"30 days, one project", validTokenForm("expires", "30", "scope", "projects", "projects", "proj-b"), []string{"proj-b"}, 30 * 24 * time.Hour},
		{"1 year", validTokenForm("expires", "365"), nil, 365 * 24 * time.Hour},
		{"no expiry", validTokenForm("expires", "never"), nil, 0},
		{"boxes ignored for all projects", validTokenForm("projects", "proj-a"), nil, 90 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, v := tokenIndex(t)
			createToken(t, v, tt.form)
			tok := bobsTokens(t, ix)[0]
			want := time.Time{}
			if tt.lifetime > 0 {
				want = ix.clock.Now().Add(tt.lifetime).Truncate(time.Second)
			}
			if !slices.Equal(tok.Projects, tt.projects) || !tok.Expires.Equal(want) {
				t.Errorf("token %+v, want projects %q, expiry %v", tok, tt.projects, want)
			}
		})
	}
}

func TestTokenCreateRefusals(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		status int
		field  string // the id of the field the error is tied to
		msg    string
	}{
		{"no name", validTokenForm("name", "  "), 400, "f-name-error", "This field is required."},
		{"name too long", validTokenForm("name", strings.Repeat("n", 101)), 400, "f-name-error", "The name is longer than 100 characters."},
		{"name taken", validTokenForm("name", "taken"), 409, "f-name-error", "You have already created a token with this name."},
		{"no project chosen", validTokenForm("scope", "projects"), 400, "f-projects-error", "Choose at least one project"},
		{"project not bob's", validTokenForm("scope", "projects", "projects", "proj-c"), 403, "f-projects-error",
			"A token can be limited only to projects on which you hold a role."},
		{"unknown project", validTokenForm("scope", "projects", "projects", "nope"), 403, "f-projects-error",
			"A token can be limited only to projects on which you hold a role."},
		{"unknown expiry", validTokenForm("expires", "1000"), 400, "f-expires-error", "Choose one of the offered expiry times."},
		{"no scope", validTokenForm("scope", ""), 400, `href="#f-scope"`, "This field is required."},
	}
	ix, v := tokenIndex(t)
	createToken(t, v, validTokenForm("name", "taken"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(bobsTokens(t, ix))
			r := v.post("/manage/account/token/", tt.form)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", r.StatusCode, tt.status, r.body)
			}
			for _, want := range []string{tt.field, tt.msg, `role="alert"`} {
				if !strings.Contains(r.body, want) {
					t.Errorf("reply lacks %q", want)
				}
			}
			if newTokenRE.MatchString(r.body) || len(bobsTokens(t, ix)) != before {
				t.Error("a refused form made a token")
			}
			if name := tt.form.Get("name"); utf8.RuneCountInString(name) <= 100 && !strings.Contains(r.body, `value="`+htmlAttr(name)+`"`) {
				t.Errorf("the form lost the name %q", name)
			}
		})
	}
}

func TestTokenCreateNeedsSudo(t *testing.T) {
	ix, v := tokenIndex(t)
	ix.clock.Advance(accounts.SudoWindow + time.Minute)
	const confirm = "/account/confirm-password/?next=%2Fmanage%2Faccount%2Ftoken%2F"
	wantRedirect(t, v.post("/manage/account/token/", validTokenForm()), confirm)
	// An invalid form asks for the password first, too.
	wantRedirect(t, v.post("/manage/account/token/", validTokenForm("name", "")), confirm)
	if n := len(bobsTokens(t, ix)); n != 0 {
		t.Fatalf("%d tokens made outside sudo mode", n)
	}
	wantRedirect(t, v.post("/account/confirm-password/", url.Values{"password": {testPassword}, "next": {"/manage/account/token/"}}),
		"/manage/account/token/")
	createToken(t, v, validTokenForm())
}

func TestTokenMadeWith2FA(t *testing.T) {
	ix, _ := tokenIndex(t)
	v := ix.visitor(t)
	enrolTOTP(t, v, "bob")
	createToken(t, v, validTokenForm())
	if !bobsTokens(t, ix)[0].MadeWith2FA {
		t.Error("the token is not marked as made with 2FA")
	}
	if r := v.get("/manage/account/token/"); !strings.Contains(r.body, "<td>Yes</td>") {
		t.Error("the list does not say the token was made with 2FA")
	}
}

func TestTokenRevoke(t *testing.T) {
	ix, v := tokenIndex(t)
	createToken(t, v, validTokenForm())
	tok := bobsTokens(t, ix)[0]
	_, alices, err := ix.accounts.CreateToken(t.Context(), wharf.Actor{}, accounts.TokenRequest{User: "alice", Description: "alice's"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/manage/account/token/" + tok.ID + "/revoke/"
	r := v.get(path)
	if r.StatusCode != 200 {
		t.Fatalf("confirmation page: %d", r.StatusCode)
	}
	for _, want := range []string{"Revoke the token “laptop”?", "will no longer be able to upload",
		`<form method="post" action="` + path + `">`, `href="/manage/account/token/">Cancel</a>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("confirmation page lacks %q", want)
		}
	}
	if bobsTokens(t, ix)[0].Revoked {
		t.Fatal("the confirmation page revoked the token")
	}
	// Another user's token and a token that does not exist look alike.
	for _, id := range []string{alices.ID, "0123456789abcdef0123456789abcdef"} {
		other := "/manage/account/token/" + id + "/revoke/"
		if r := v.get(other); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", other, r.StatusCode)
		}
		if r := v.post(other, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", other, r.StatusCode)
		}
	}
	if toks, _ := ix.accounts.Tokens(t.Context(), "alice"); slices.ContainsFunc(toks, func(t wharf.Token) bool { return t.Revoked }) {
		t.Error("bob revoked alice's token")
	}
	wantRedirect(t, v.post(path, nil), "/manage/account/token/?done=revoked")
	if !bobsTokens(t, ix)[0].Revoked {
		t.Fatal("the token is not revoked")
	}
	list := v.get("/manage/account/token/?done=revoked")
	if !strings.Contains(list.body, `<p class="notice" role="status">The token was revoked.`) || !strings.Contains(list.body, "<td>Revoked</td>") ||
		strings.Contains(list.body, path) {
		t.Errorf("list after revoking:\n%s", list.body)
	}
	wantRedirect(t, v.get(path), "/manage/account/token/")
}

// uploadStatus uploads d with tok and returns the status line.
func uploadStatus(t *testing.T, ix *testIndex, d testDist, tok string) string {
	t.Helper()
	resp, err := ix.client().Do(ix.uploadRequest(t, d, tok))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Status
}

// TestTokenScopeUploads uploads with tokens made on the page: a scoped
// token is refused for another project, and every token is refused once
// revoked, expired, narrowed, reported leaked, or when its owner lost the
// role on its project.
func TestTokenScopeUploads(t *testing.T) {
	ctx := context.Background()
	actor := wharf.Actor{UserName: "test"}
	const notValid = "403 Invalid API Token: project-scoped token is not valid for project: "
	tests := []struct {
		name   string
		form   url.Values
		after  func(t *testing.T, ix *testIndex, raw string)
		pkg    string
		status string
	}{
		{"scoped, its project", validTokenForm("scope", "projects", "projects", "proj-a"), nil, "proj-a", "200 OK"},
		{"scoped, another project", validTokenForm("scope", "projects", "projects", "proj-a"), nil, "proj-b", notValid + "'proj-b'"},
		{"revoked", validTokenForm(), func(t *testing.T, ix *testIndex, raw string) {
			if err := ix.accounts.RevokeToken(ctx, actor, bobsTokens(t, ix)[0].ID); err != nil {
				t.Fatal(err)
			}
		}, "proj-a", "403 Invalid API Token: token has been revoked"},
		{"expired", validTokenForm("expires", "30"), func(t *testing.T, ix *testIndex, raw string) {
			ix.clock.Advance(30*24*time.Hour + time.Second)
		}, "proj-a", "403 Invalid API Token: token is expired"},
		{"narrowed on the server", validTokenForm(), func(t *testing.T, ix *testIndex, raw string) {
			if err := ix.accounts.RestrictToken(ctx, actor, bobsTokens(t, ix)[0].ID, []string{"proj-a"}, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}, "proj-b", notValid + "'proj-b'"},
		{"narrowed, its project", validTokenForm(), func(t *testing.T, ix *testIndex, raw string) {
			if err := ix.accounts.RestrictToken(ctx, actor, bobsTokens(t, ix)[0].ID, []string{"proj-a"}, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}, "proj-a", "200 OK"},
		{"owner lost the role", validTokenForm("scope", "projects", "projects", "proj-a"), func(t *testing.T, ix *testIndex, raw string) {
			if err := ix.manage.SetRole(ctx, actor, "proj-a", "bob", ""); err != nil {
				t.Fatal(err)
			}
		}, "proj-a", "403 The user 'bob' isn't allowed to upload to project 'proj-a'."},
		{"reported leaked", validTokenForm(), func(t *testing.T, ix *testIndex, raw string) {
			if ok, err := ix.accounts.RevokeLeaked(ctx, actor, raw, "https://example.org/leak"); !ok || err != nil {
				t.Fatalf("RevokeLeaked = %v, %v", ok, err)
			}
		}, "proj-a", "403 Invalid API Token: token has been revoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, v := tokenIndex(t)
			raw := createToken(t, v, tt.form)
			if tt.after != nil {
				tt.after(t, ix, raw)
			}
			got := uploadStatus(t, ix, distSpec{Name: tt.pkg, Version: "2.0"}.build(t), raw)
			if !strings.HasPrefix(got, tt.status) {
				t.Errorf("upload: %q, want %q", got, tt.status)
			}
		})
	}
}

// TestTokenPagesInEveryLocale renders the token pages in every locale:
// the list with a token, a refused form, a created token and the
// confirmation page show no message id or placeholder, and nothing inline.
func TestTokenPagesInEveryLocale(t *testing.T) {
	ix, v := tokenIndex(t)
	createToken(t, v, validTokenForm())
	if _, _, err := ix.accounts.CreateToken(t.Context(), wharf.Actor{}, accounts.TokenRequest{User: "bob", Projects: []string{"proj-a"}}); err != nil {
		t.Fatal(err)
	}
	toks := bobsTokens(t, ix)
	id := toks[slices.IndexFunc(toks, func(t wharf.Token) bool { return t.Description == "" })].ID
	created := 0
	ids := regexp.MustCompile(`\b(account|manage|layout|error|nav|tokens)\.[a-z_0-9]+\b|\{[a-z0-9_]+\}`)
	pages := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"list", func() *http.Request {
			r, _ := http.NewRequest("GET", ix.ts.URL+"/manage/account/token/?done=revoked", nil)
			return r
		}, 200},
		{"revoke", func() *http.Request {
			r, _ := http.NewRequest("GET", ix.ts.URL+"/manage/account/token/"+id+"/revoke/", nil)
			return r
		}, 200},
		{"refused", func() *http.Request { return tokenPost(ix, validTokenForm("name", "laptop", "scope", "projects")) }, 400},
		{"taken", func() *http.Request { return tokenPost(ix, validTokenForm("name", "laptop")) }, 409},
		{"created", func() *http.Request {
			created++ // each creation needs a name of its own
			return tokenPost(ix, validTokenForm("name", "token "+strconv.Itoa(created)))
		}, 200},
	}
	for _, l := range ix.srv.ui.bundle.Locales() {
		for _, p := range pages {
			t.Run(l.ID()+" "+p.name, func(t *testing.T) {
				req := p.req()
				req.Header.Set("Accept-Language", l.ID())
				r := v.do(req)
				if r.StatusCode != p.status {
					t.Fatalf("status %d, want %d", r.StatusCode, p.status)
				}
				checkLocalized(t, l, r, ids)
			})
		}
	}
}

// tokenPost is a same-origin POST of the creation form.
func tokenPost(ix *testIndex, form url.Values) *http.Request {
	r, _ := http.NewRequest("POST", ix.ts.URL+"/manage/account/token/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", ix.ts.URL)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return r
}

// FuzzParseTokenForm checks the creation form's parser on any input: it
// never panics, and a form it lets through is one the use case can take.
func FuzzParseTokenForm(f *testing.F) {
	f.Add("laptop", "all", "", "90")
	f.Add("  ", "projects", "proj-a", "never")
	f.Add(strings.Repeat("é", 101), "projects", "", "30")
	f.Add("ci\x00", "other", "x", "1000")
	f.Fuzz(func(t *testing.T, name, scope, project, expiry string) {
		var projects []string
		if project != "" {
			projects = []string{project}
		}
		errs := &form{values: map[string]string{}, status: http.StatusOK}
		tf, ok := parseTokenForm(name, scope, projects, expiry, errs)
		if ok != (len(errs.Errors) == 0) || (ok && errs.status != http.StatusOK) || (!ok && errs.status != http.StatusBadRequest) {
			t.Fatalf("ok %v with errors %+v, status %d", ok, errs.Errors, errs.status)
		}
		if !ok {
			return
		}
		if tf.Name == "" || tf.Name != strings.TrimSpace(tf.Name) || utf8.RuneCountInString(tf.Name) > accounts.MaxTokenName {
			t.Errorf("accepted name %q", tf.Name)
		}
		if tf.Scoped && len(tf.Projects) == 0 || !tf.Scoped && tf.Projects != nil {
			t.Errorf("accepted scope %+v", tf)
		}
		if d := tf.lifetime(); d < 0 || (d == 0) != (expiry == "never") {
			t.Errorf("lifetime %v for %q", d, expiry)
		}
	})
}
