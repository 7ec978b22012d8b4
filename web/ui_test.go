package web

import (
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wharf/i18n"
)

// uiPages are the HTML pages this package renders with the layout, with
// the status each gives.
var uiPages = []struct {
	name, path string
	status     int
}{
	{"help", "/help/", http.StatusOK},
	{"not found", "/no/such/page", http.StatusNotFound},
	{"search", "/search/?q=demo", http.StatusOK},
	{"search prompt", "/search/", http.StatusOK},
	{"unknown project", "/project/nope/", http.StatusNotFound},
}

// leftover finds text a page must never show: message ids that found no
// message, and placeholders left unfilled.
var leftover = regexp.MustCompile(`\b(layout|error|help|locale|search)\.[a-z_]+\b|\{[a-z0-9_]+\}`)

func TestPagesInEveryLocale(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bundle.Locales() {
		for _, p := range uiPages {
			t.Run(l.ID()+" "+p.name, func(t *testing.T) {
				resp, body := ix.get(t, p.path, "Accept-Language", l.ID(), "Accept", "text/html")
				page := string(body)
				if resp.StatusCode != p.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, p.status)
				}
				wantHTML := `<html lang="` + l.ID() + `" dir="` + l.Dir() + `">`
				for _, want := range []string{wantHTML, `<main id="main"`, `<a class="skip-link" href="#main">`,
					`<header`, `<footer`, `role="search"`, `action="/search/"`, `action="/locale/"`,
					`href="/help/"`, `<option value="` + l.ID() + `" lang="` + l.ID() + `" dir="` + l.Dir() + `" selected>`} {
					if !strings.Contains(page, want) {
						t.Errorf("page lacks %q", want)
					}
				}
				if m := leftover.FindString(page); m != "" {
					t.Errorf("page shows %q", m)
				}
				if got := resp.Header.Get("Content-Language"); got != l.ID() {
					t.Errorf("Content-Language %q", got)
				}
				if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", got)
				}
				if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
					t.Error("page has inline script or style, which the CSP forbids")
				}
			})
		}
	}
}

// TestPageGolden keeps whole pages under review: English and Persian help
// and an Arabic 404, for a base URL with a path.
func TestPageGolden(t *testing.T) {
	ix := newTestIndex(t, indexConfig{BaseURL: "https://pypi.example.org/py/"})
	for _, tt := range []struct{ file, path, lang string }{
		{"help.en.html", "/py/help/", "en"},
		{"help.fa.html", "/py/help/", "fa"},
		{"notfound.ar.html", "/py/nope", "ar"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			_, body := ix.get(t, tt.path, "Accept-Language", tt.lang)
			checkGolden(t, tt.file, body)
		})
	}
}

func TestHelpAddresses(t *testing.T) {
	t.Run("base URL", func(t *testing.T) {
		ix := newTestIndex(t, indexConfig{BaseURL: "https://pypi.example.org/py/"})
		_, body := ix.get(t, "/py/help/")
		for _, want := range []string{
			"pip install --index-url https://pypi.example.org/py/simple/ PACKAGE",
			"index-url = https://pypi.example.org/py/simple/",
			`url = &#34;https://pypi.example.org/py/simple/&#34;`,
			"poetry source add --priority=primary wharf https://pypi.example.org/py/simple/",
			"poetry config repositories.wharf https://pypi.example.org/py/legacy/",
			"poetry publish --build -r wharf",
			"twine upload --repository-url https://pypi.example.org/py/legacy/ dist/*",
			"username = __token__\npassword = wharf-",
			`data-copy="twine-pypirc"`,
			`href="/py/static/`,
		} {
			if !strings.Contains(string(body), want) {
				t.Errorf("help lacks %q", want)
			}
		}
	})
	t.Run("from the request", func(t *testing.T) {
		ix := newTestIndex(t, indexConfig{})
		_, body := ix.get(t, "/help/")
		if want := "pip install --index-url " + ix.ts.URL + "/simple/ PACKAGE"; !strings.Contains(string(body), want) {
			t.Errorf("help lacks %q", want)
		}
	})
}

func TestLocaleChoice(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	tests := []struct {
		name    string
		header  []string
		lang    string
		dirAttr string
	}{
		{"default", nil, "en", "ltr"},
		{"Accept-Language", []string{"Accept-Language", "fa-IR,fa;q=0.9"}, "fa", "rtl"},
		{"Accept-Language by q", []string{"Accept-Language", "de, ar;q=0.8, en;q=0.1"}, "ar", "rtl"},
		{"cookie", []string{"Cookie", "_LOCALE_=ru"}, "ru", "ltr"},
		{"cookie over Accept-Language", []string{"Cookie", "_LOCALE_=zh_Hans", "Accept-Language", "fa"}, "zh-Hans", "ltr"},
		{"bad cookie", []string{"Cookie", "_LOCALE_=xx", "Accept-Language", "uk"}, "uk", "ltr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := ix.get(t, "/help/", tt.header...)
			if want := `<html lang="` + tt.lang + `" dir="` + tt.dirAttr + `">`; !strings.Contains(string(body), want) {
				t.Errorf("page lacks %s", want)
			}
		})
	}
}

func TestLocaleSwitch(t *testing.T) {
	tests := []struct {
		name, base, query, referer string
		location, cookie           string // cookie "" when none is set
	}{
		{name: "next", query: "locale_id=fa&next=/help/", location: "/help/", cookie: "fa"},
		{name: "next with query", query: "locale_id=ar&next=" + escapeQuery("/search/?q=a&b=c"), location: "/search/?q=a&b=c", cookie: "ar"},
		{name: "PyPI spelling", query: "locale_id=zh_Hans&next=/", location: "/", cookie: "zh-Hans"},
		{name: "unknown locale", query: "locale_id=xx&next=/help/", location: "/help/"},
		{name: "referer", query: "locale_id=ru", referer: "SELF/help/?x=1", location: "/help/?x=1", cookie: "ru"},
		{name: "nothing to return to", query: "locale_id=tr", location: "/", cookie: "tr"},
		{name: "protocol-relative next", query: "locale_id=fa&next=//evil.example/", location: "/", cookie: "fa"},
		{name: "absolute next", query: "locale_id=fa&next=https://evil.example/", location: "/", cookie: "fa"},
		{name: "backslash next", query: "locale_id=fa&next=" + escapeQuery(`/\evil.example`), location: "/", cookie: "fa"},
		{name: "tab next", query: "locale_id=fa&next=" + escapeQuery("/\t/evil.example"), location: "/", cookie: "fa"},
		{name: "relative next", query: "locale_id=fa&next=evil.example", location: "/", cookie: "fa"},
		{name: "scheme next", query: "locale_id=fa&next=" + escapeQuery("javascript:alert(1)"), location: "/", cookie: "fa"},
		{name: "foreign referer", query: "locale_id=fa", referer: "https://evil.example/help/", location: "/", cookie: "fa"},
		{name: "bad next, foreign referer", query: "locale_id=fa&next=//evil.example", referer: "https://evil.example/", location: "/", cookie: "fa"},
		{name: "prefix", base: "http://pypi.example.org/py/", query: "locale_id=uk&next=/py/help/", location: "/py/help/", cookie: "uk"},
		{name: "next outside the prefix", base: "http://pypi.example.org/py/", query: "locale_id=uk&next=/other/", location: "/py/", cookie: "uk"},
		{name: "dots out of the prefix", base: "http://pypi.example.org/py/", query: "locale_id=uk&next=/py/../other/", location: "/py/", cookie: "uk"},
		{name: "referer with prefix", base: "http://pypi.example.org/py/", query: "locale_id=uk", referer: "http://pypi.example.org/py/help/", location: "/py/help/", cookie: "uk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := newTestIndex(t, indexConfig{BaseURL: tt.base})
			var header []string
			if tt.referer != "" {
				header = []string{"Referer", strings.Replace(tt.referer, "SELF", ix.ts.URL, 1)}
			}
			resp, _ := ix.get(t, ix.prefix+"/locale/?"+tt.query, header...)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tt.location {
				t.Errorf("%d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), tt.location)
			}
			var got *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "_LOCALE_" {
					got = c
				}
			}
			switch {
			case tt.cookie == "" && got != nil:
				t.Errorf("cookie set to %q", got.Value)
			case tt.cookie != "" && got == nil:
				t.Errorf("no cookie")
			case got != nil:
				if got.Value != tt.cookie || got.Path != ix.prefix+"/" || !got.HttpOnly || got.SameSite != http.SameSiteLaxMode || got.MaxAge <= 0 {
					t.Errorf("cookie %+v", got)
				}
			}
		})
	}
}

func escapeQuery(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "\t", "%09", "\\", "%5C", ":", "%3A", "=", "%3D").Replace(s)
}

// templateCall finds the message ids that templates pass to t and tn;
// dynamicCall finds calls the completeness test cannot see.
var (
	templateCall = regexp.MustCompile(`(?:\{\{-?|\()\s*(tn?)\s+"([^"]*)"`)
	dynamicCall  = regexp.MustCompile(`(?:\{\{-?|\()\s*tn?\s+[^"\s]`)
)

// TestTemplateMessages fails when a template uses a message id that the
// English catalog lacks, or names one it cannot see, and when the English
// catalog has a message no template uses.
func TestTemplateMessages(t *testing.T) {
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := bundle.IDs()
	used := map[string]bool{i18n.NameID: true} // the switcher's, through Localizer.Name
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range templateCall.FindAllStringSubmatch(string(data), -1) {
			used[m[2]] = true
			if !slices.Contains(ids, m[2]) {
				t.Errorf("%s: %s %q is not in the English catalog", p, m[1], m[2])
			}
		}
		for _, m := range dynamicCall.FindAllString(string(data), -1) {
			t.Errorf("%s: %q: pass message ids as literal strings", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if !used[id] {
			t.Errorf("English message %s is used by no template", id)
		}
	}
}

func TestErrorPages(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	tests := []struct {
		name, path, accept string
		status             int
		html               bool
		body               string // the exact body of a plain reply
	}{
		{name: "browser", path: "/nope", accept: "text/html,application/xhtml+xml,*/*;q=0.8", status: 404, html: true},
		{name: "curl", path: "/nope", accept: "*/*", status: 404, html: true},
		{name: "JSON client", path: "/nope", accept: "application/json", status: 404, body: "404 page not found\n"},
		{name: "under /simple/", path: "/simple/demo-pkg/extra", accept: "text/html", status: 404, body: "404 page not found\n"},
		{name: "Simple API", path: "/simple/nope/", accept: "text/html", status: 404, body: "Not Found\n\nProject not found.\n"},
		{name: "under /packages/", path: "/packages/x", accept: "text/html", status: 404, body: "404 page not found\n"},
		{name: "unknown asset", path: "/static/0000/wharf.css", accept: "text/html", status: 404, body: "Not Found\n\nNot Found\n"},
		{name: "project page", path: "/project/nope/", accept: "text/html", status: 404, html: true},
		{name: "wrong method", path: "/legacy/", accept: "text/html", status: 405, body: "Method Not Allowed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := ix.get(t, tt.path, "Accept", tt.accept)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			isHTML := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")
			if isHTML != tt.html {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
			if tt.html && !strings.Contains(string(body), "<h1>Page not found</h1>") {
				t.Errorf("body:\n%s", body)
			}
			if !tt.html && string(body) != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			if tt.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
		})
	}
}

// TestServerErrorPage breaks the database under a browser page: the 500
// page is friendly and says nothing of what broke.
func TestServerErrorPage(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	seedDemo(t, ix)
	ix.store.Close()
	resp, body := ix.get(t, "/project/demo-pkg/", "Accept-Language", "fa")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", resp.StatusCode)
	}
	page := string(body)
	if !strings.Contains(page, "<h1>مشکلی پیش آمد</h1>") || !strings.Contains(page, `<html lang="fa" dir="rtl">`) {
		t.Errorf("not the Persian 500 page:\n%s", page)
	}
	for _, secret := range []string{"sql", "closed", "database"} {
		if strings.Contains(strings.ToLower(page), secret) {
			t.Errorf("500 page mentions %q", secret)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	_, body := ix.get(t, "/help/")
	for _, tt := range []struct{ name, ctype string }{
		{"wharf.css", "text/css; charset=utf-8"},
		{"wharf.js", "text/javascript; charset=utf-8"},
		{"favicon.svg", "image/svg+xml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := regexp.MustCompile(`"(/static/([0-9a-f]{16})/` + regexp.QuoteMeta(tt.name) + `)"`).FindStringSubmatch(string(body))
			if m == nil {
				t.Fatalf("help page does not link %s", tt.name)
			}
			resp, content := ix.get(t, m[1])
			want, _ := staticFS.ReadFile("static/" + tt.name)
			if resp.StatusCode != 200 || string(content) != string(want) {
				t.Fatalf("status %d, %d bytes", resp.StatusCode, len(content))
			}
			h := resp.Header
			if h.Get("Content-Type") != tt.ctype || h.Get("Cache-Control") != "max-age=31536000, immutable, public" ||
				h.Get("ETag") != `"`+m[2]+`"` {
				t.Errorf("headers %v", h)
			}
			resp, _ = ix.get(t, m[1], "If-None-Match", `"`+m[2]+`"`)
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d", resp.StatusCode)
			}
			resp, _ = ix.get(t, "/static/0123456789abcdef/"+tt.name)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("stale hash: status %d", resp.StatusCode)
			}
		})
	}
}
