package web

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"wharf"
	"wharf/i18n"
	"wharf/render"
)

// withReadme returns d with a description and its content type in the
// upload form, as twine sends them.
func withReadme(d testDist, contentType, description string) testDist {
	d.Fields["description"] = []string{description}
	if contentType != "" {
		d.Fields["description_content_type"] = []string{contentType}
	}
	return d
}

// setInfo changes the stored releases with an SQL expression for
// info_json and its arguments, as an older wharf might have stored them.
func setInfo(t *testing.T, ix *testIndex, expr string, args ...any) {
	t.Helper()
	execSQL(t, ix, `UPDATE releases SET info_json = `+expr, args...)
}

// execSQL runs a statement on the index's database behind the store's back.
func execSQL(t *testing.T, ix *testIndex, stmt string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ix.dir, "wharf.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt, args...); err != nil {
		t.Fatal(err)
	}
}

// pageLeftover finds text the public pages must never show: message ids
// that found no message, and placeholders left unfilled.
var pageLeftover = regexp.MustCompile(`\b(home|project|user|layout)\.[a-z_]+\b|\{[a-z0-9_]+\}`)

func TestProjectPage(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	for _, tt := range []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"latest", "/project/demo-pkg/", 200, []string{`<html lang="en" dir="ltr">`, `<title>Demo.Pkg 1.0 · wharf</title>`,
			`<span class="project-name">Demo.Pkg</span> <span class="project-version">1.0</span>`, "pip install Demo.Pkg</code>",
			`<p class="project-summary" dir="auto">The demo.</p>`, `data-copy="pip-install"`,
			`<a href="/project/demo-pkg/1.1b1/">1.1b1</a>`, `<span class="marker marker-pre">pre-release</span>`,
			`<span class="marker marker-yanked">yanked</span>`, `aria-current="page">1.0</a>`,
			"<h3>Source distributions</h3>", "<h3>Built distributions</h3>", "demo_pkg-1.0.tar.gz", "demo_pkg-1.0-py3-none-any.whl",
			`<a href="https://example.org/demo" rel="nofollow noopener"><bdi>Homepage</bdi></a>`,
			`<a href="/user/alice/"><bdi>alice</bdi></a> (owner)`, `<code dir="ltr">&gt;=3.8</code>`,
			`<a href="/simple/demo-pkg/">`, `<a href="/pypi/demo-pkg/json">`, "The author of this package has not provided a project description."},
			[]string{"This release has been yanked", "This is not the newest version"}},
		{"version", "/project/demo-pkg/0.9/", 200, []string{`<span class="project-version">0.9</span>`, "pip install Demo.Pkg==0.9</code>",
			"This release has been yanked", "Reason given: broken &#34;build&#34; &lt;see #12&gt; &amp; more",
			"This is not the newest version of this project.", `<a href="/project/demo-pkg/1.0/">Go to version 1.0</a>`},
			[]string{"<h3>Source distributions</h3>"}},
		{"pre-release", "/project/demo-pkg/1.1b1/", 200, []string{"pip install Demo.Pkg==1.1b1</code>",
			"This is a pre-release", `<code dir="ltr">&gt;=3.9,&lt;4</code>`}, nil},
		{"version spelled otherwise", "/project/demo-pkg/0.9.0/", 200, []string{`<span class="project-version">0.9</span>`,
			`<input type="hidden" name="next" value="/project/demo-pkg/0.9/">`}, nil},
		{"unknown version", "/project/demo-pkg/7.0/", 404, []string{"Page not found"}, nil},
		{"invalid version", "/project/demo-pkg/not-a-version/", 404, nil, nil},
		{"unknown project", "/project/nope/", 404, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(string(body), n) {
					t.Errorf("page has %q", n)
				}
			}
			if t.Failed() {
				t.Logf("page:\n%s", body)
			}
			if tt.status == 200 && resp.Header.Get("Content-Security-Policy") != contentSecurityPolicy {
				t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
			}
		})
	}
	resp, _ := ix.get(t, "/project/Demo_Pkg/0.9/")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/project/demo-pkg/0.9/" {
		t.Errorf("non-normalized name: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestProjectPageCache: pages are kept per locale, revalidated by ETag,
// and dropped when the project changes.
func TestProjectPageCache(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	resp, en := ix.get(t, "/project/demo-pkg/")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Content-Language") != "en" || resp.Header.Get("Vary") != "Accept-Language, Cookie" ||
		resp.Header.Get("X-PyPI-Last-Serial") == "" {
		t.Fatalf("headers %v", resp.Header)
	}
	if resp, _ := ix.get(t, "/project/demo-pkg/", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d", resp.StatusCode)
	}
	resp, fa := ix.get(t, "/project/demo-pkg/", "Accept-Language", "fa")
	if resp.Header.Get("Content-Language") != "fa" || resp.Header.Get("ETag") == etag || string(fa) == string(en) ||
		!strings.Contains(string(fa), `<html lang="fa" dir="rtl">`) {
		t.Errorf("the Persian page is the English one: %v", resp.Header)
	}
	ix.upload(t, distSpec{Name: "Demo.Pkg", Version: "2.0", Summary: "The new demo."}.build(t))
	if _, body := ix.get(t, "/project/demo-pkg/"); !strings.Contains(string(body), "The new demo.") {
		t.Errorf("the page was not updated after an upload:\n%s", body)
	}
}

// TestProjectPageHostileMetadata: whatever an uploader writes is escaped,
// and links that could run code or leave the web are dropped.
func TestProjectPageHostileMetadata(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	d := distSpec{Name: "evil", Version: "1.0", Summary: `<script>alert("summary")</script>`}.build(t)
	d.Fields["license"] = []string{"</dd><script>alert(7)</script>"}
	d.Fields["author"] = []string{`"><svg onload=alert(8)>`}
	d.Fields["keywords"] = []string{"\u202Eevil"}
	ix.upload(t, withReadme(d, "text/markdown", "# Hi\n\n<script>alert(9)</script>\n\n[x](javascript:alert(10)) <img src=x onerror=alert(11)>"))
	// Uploads refuse URLs that are not http or https, but a release stored
	// by an older or laxer wharf may have them: the page drops them itself.
	urls, err := json.Marshal([]string{
		"Evil, javascript:alert(1)", "Tab, java\tscript:alert(2)", "Data, data:text/html,<script>alert(3)</script>",
		"Relative, /legacy/", "Creds, https://user:pw@example.org/", `<img src=x onerror=alert(4)>, https://example.org/ok?a=<b>&c="d"`,
	})
	if err != nil {
		t.Fatal(err)
	}
	setInfo(t, ix, `json_set(info_json, '$.project_urls', json(?), '$.home_page', ?, '$.download_url', ?)`,
		string(urls), "vbscript:msgbox(5)", "https://example.org/dl\"onmouseover=\"alert(6)")
	ix.srv.Invalidate("evil")
	_, body := ix.get(t, "/project/evil/")
	page := string(body)
	if n := strings.Count(page, "<script"); n != 1 { // the layout's own wharf.js
		t.Errorf("page has %d script tags", n)
	}
	for _, bad := range []string{"javascript:", "vbscript:", "data:text", "user:pw", `href="/legacy/"`, "<svg", "alert(10)", "alert(6)"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// An event handler can only run as an attribute of a real tag.
	if m := regexp.MustCompile(`<[a-zA-Z][^>]*\son[a-z]+\s*=`).FindString(page); m != "" {
		t.Errorf("page has an event handler: %s", m)
	}
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;summary&#34;)&lt;/script&gt;",
		`<a href="https://example.org/ok?a=%3cb%3e&amp;c=%22d%22" rel="nofollow noopener"><bdi>&lt;img src=x onerror=alert(4)&gt;</bdi></a>`,
		"&lt;/dd&gt;&lt;script&gt;alert(7)&lt;/script&gt;",
		"&#34;&gt;&lt;svg onload=alert(8)&gt;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", page)
	}
}

func TestProjectPageReadme(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	readme := "# Demo\n\n- [x] done\n- [ ] to do\n\n```python\nprint(1)\n```\n\n![logo](https://img.example/logo.png)\n"
	ix.upload(t, withReadme(distSpec{Name: "demo", Version: "1.0"}.build(t), "text/markdown", readme))
	_, body := ix.get(t, "/project/demo/")
	for _, want := range []string{
		`<div class="readme" dir="auto">`, `<h1 id="user-content-demo">Demo</h1>`, `<input type="checkbox" checked="" disabled="" title="☑">`,
		`<span class="hl-nb">print</span>`, `<img src="https://img.example/logo.png" alt="logo">`,
		`<link rel="stylesheet" href="/static/`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	m := regexp.MustCompile(`href="(/static/[0-9a-f]+/highlight\.css)"`).FindSubmatch(body)
	if m == nil {
		t.Fatal("the page links no highlight.css")
	}
	if resp, css := ix.get(t, string(m[1])); resp.StatusCode != 200 || string(css) != render.HighlightCSS() {
		t.Errorf("highlight.css: status %d; it must be render.HighlightCSS() (go test ./web/ -run HighlightCSS -update)", resp.StatusCode)
	}
}

// TestHighlightCSS keeps static/highlight.css equal to the renderer's
// style sheet; -update rewrites it.
func TestHighlightCSS(t *testing.T) {
	path := filepath.Join("static", "highlight.css")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(render.HighlightCSS()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := staticFS.ReadFile("static/highlight.css")
	if err != nil || string(got) != render.HighlightCSS() {
		t.Errorf("%s is not render.HighlightCSS() (%v); run go test ./web/ -run HighlightCSS -update", path, err)
	}
}

// TestProjectPageStoredlessRelease: a release uploaded before READMEs were
// rendered at upload has none stored; its description is rendered when
// the page is, falling back to plain text where it cannot be.
func TestProjectPageStoredlessRelease(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	ix.upload(t, withReadme(distSpec{Name: "old", Version: "1.0"}.build(t), "text/markdown", "An *old* README."))
	for _, tt := range []struct {
		name, update, want string
	}{
		{"markdown", `UPDATE releases SET description_html = NULL`, "An <em>old</em> README."},
		{"rst that cannot be rendered", `UPDATE releases SET description_html = NULL,
			info_json = json_set(info_json, '$.description', 'An *unfinished', '$.description_content_type', '')`,
			"<pre>An *unfinished</pre>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			execSQL(t, ix, tt.update)
			ix.srv.Invalidate("old")
			_, body := ix.get(t, "/project/old/")
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("page lacks %q:\n%s", tt.want, body)
			}
		})
	}
}

// TestUploadRefusesBrokenRST: over HTTP, as twine sees it, a README that
// cannot be rendered is a 400 that says why, and nothing is stored.
func TestUploadRefusesBrokenRST(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	d := withReadme(distSpec{Name: "demo", Version: "1.0"}.build(t), "text/x-rst", "Title\n=====\n\nSome *unfinished emphasis.\n")
	resp, err := ix.client().Do(ix.uploadRequest(t, d, ix.token))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "400 The description failed to render for 'text/x-rst': line 4: Inline emphasis start-string without end-string. " +
		"See /help/#description-content-type for more information."
	if resp.Status != want {
		t.Errorf("status %q\nwant   %q\nbody %s", resp.Status, want, body)
	}
	if resp, _ := ix.get(t, "/simple/demo/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the refused project exists: status %d", resp.StatusCode)
	}
}

func TestHomePage(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	_, empty := ix.get(t, "/")
	for _, want := range []string{"<h1>Python package index</h1>", "Nothing has been published here yet.",
		`<form class="home-search" role="search" action="/search/" method="get">`, `<label for="home-search-q">`,
		`<input id="home-search-q" type="search" name="q"`, "<li>0 projects</li>", "<li>1 user</li>"} {
		if !strings.Contains(string(empty), want) {
			t.Errorf("empty home page lacks %q", want)
		}
	}
	seedDemo(t, ix)
	resp, body := ix.get(t, "/")
	for _, want := range []string{"<li>1 project</li>", "<li>3 releases</li>", "<li>4 files</li>", "<li>1 user</li>",
		`<a class="package-name" href="/project/demo-pkg/1.1b1/"><bdi>Demo.Pkg</bdi> <bdi>1.1b1</bdi></a>`,
		`<p dir="auto">The next demo.</p>`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	// Yanked releases are not news; the newest comes first.
	if strings.Contains(string(body), "/project/demo-pkg/0.9/") ||
		strings.Index(string(body), "/project/demo-pkg/1.1b1/") > strings.Index(string(body), "/project/demo-pkg/1.0/") {
		t.Errorf("newest releases:\n%s", body)
	}
	if resp.Header.Get("ETag") == "" || resp.Header.Get("Content-Language") != "en" {
		t.Errorf("headers %v", resp.Header)
	}
	if t.Failed() {
		t.Logf("page:\n%s", body)
	}
}

func TestUserPage(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	ix.upload(t, distSpec{Name: "second", Version: "0.1", Summary: "<b>Second</b>"}.build(t))
	if _, err := ix.accounts.CreateServiceUser(t.Context(), wharf.Actor{}, "ci-bot", ""); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		status     int
		location   string
		want       []string
	}{
		{name: "user", path: "/user/alice/", status: 200, want: []string{"<title>Profile of alice · wharf</title>", "<h1><bdi>alice</bdi></h1>",
			"Joined: 2024-05-06", `<h2 id="projects">2 projects</h2>`,
			`<a class="package-name" href="/project/demo-pkg/"><bdi>Demo.Pkg</bdi></a>`, `<span class="marker">owner</span>`,
			"<p dir=\"auto\">The demo.</p>", "&lt;b&gt;Second&lt;/b&gt;", "Last released: 2024-05-06"}},
		{name: "service account", path: "/user/ci-bot/", status: 200, want: []string{`<p class="notice">Service account: publishes from CI`}},
		{name: "other spelling", path: "/user/ALICE/", status: 301, location: "/user/alice/"},
		{name: "unknown", path: "/user/nobody/", status: 404, want: []string{"Page not found"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
				t.Fatalf("status %d to %q, want %d to %q", resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
			if strings.Contains(string(body), "alice@example.org") {
				t.Error("the page shows the e-mail address")
			}
		})
	}
	// The project released last comes first.
	_, body := ix.get(t, "/user/alice/")
	if strings.Index(string(body), "/project/second/") > strings.Index(string(body), "/project/demo-pkg/") {
		t.Errorf("projects not newest first:\n%s", body)
	}
}

// TestPublicPagesInEveryLocale renders the home, project and user pages in
// every locale: right <html lang dir>, and no id or placeholder showing.
func TestPublicPagesInEveryLocale(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bundle.Locales() {
		for _, path := range []string{"/", "/project/demo-pkg/", "/project/demo-pkg/0.9/", "/project/demo-pkg/1.1b1/", "/user/alice/"} {
			t.Run(l.ID()+path, func(t *testing.T) {
				resp, body := ix.get(t, path, "Accept-Language", l.ID())
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				page := string(body)
				if want := `<html lang="` + l.ID() + `" dir="` + l.Dir() + `">`; !strings.Contains(page, want) {
					t.Errorf("page lacks %s", want)
				}
				if m := pageLeftover.FindString(page); m != "" {
					t.Errorf("page shows %q", m)
				}
				if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
					t.Error("page has inline script or style, which the CSP forbids")
				}
			})
		}
	}
}

// TestProjectPageGolden keeps one whole project page under review, in
// English and Persian, for a base URL with a path.
func TestProjectPageGolden(t *testing.T) {
	ix := newTestIndex(t, indexConfig{BaseURL: "https://pypi.example.org/py/"})
	seedDemo(t, ix)
	for _, tt := range []struct{ file, lang string }{
		{"project.en.html", "en"},
		{"project.fa.html", "fa"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			_, body := ix.get(t, "/py/project/demo-pkg/", "Accept-Language", tt.lang)
			checkGolden(t, tt.file, body)
		})
	}
}
