package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"wharf/internal/browser"
)

// browserPage is one HTML page the browser tests visit; adding a page to
// wharf means adding a line to TestBrowserPages's table.
type browserPage struct {
	path   string
	status int // the HTTP status the page is served with
	// pending marks a page another change is still bringing: a 404 skips
	// it instead of failing, so the test tightens by itself once it lands.
	pending bool
}

// browserLocale is how a visitor asks for a language: the
// Accept-Language header, and the locale cookie a language switcher sets.
type browserLocale struct {
	name, acceptLanguage, cookie string
	rtl                          bool
}

// TestBrowserPages opens every HTML page in headless Chromium, in English
// and in Persian, runs axe-core's WCAG 2.0/2.1 A and AA rules on it and
// fails on any violation and on any request the page makes to a host
// other than wharf's. The server is reached as localhost, as a person's
// browser would name it, so a link that leaks the listening address
// 127.0.0.1 counts as a request elsewhere.
func TestBrowserPages(t *testing.T) {
	t.Parallel()
	// The pages, with the projects publishApp uploads.
	// TODO: add the logged-in pages (account, tokens, security keys)
	// with a session once login lands.
	pages := []browserPage{
		{path: "/", status: http.StatusOK},
		{path: "/simple/", status: http.StatusOK},
		{path: "/simple/wharf-e2e-app/", status: http.StatusOK},
		{path: "/project/wharf-e2e-app/", status: http.StatusOK},
		{path: "/project/wharf-e2e-base/1.0/", status: http.StatusOK},
		{path: "/project/wharf-e2e-app/1.0/", status: http.StatusOK},
		{path: "/user/alice/", status: http.StatusOK},
		{path: "/user/nobody/", status: http.StatusNotFound},
		{path: "/project/no-such-project/", status: http.StatusNotFound},
		{path: "/help/", status: http.StatusOK, pending: true},
		{path: "/search/", status: http.StatusOK},
		{path: "/search/?q=wharf", status: http.StatusOK},
	}
	locales := []browserLocale{
		{name: "en", acceptLanguage: "en-US,en;q=0.9"},
		{name: "fa", acceptLanguage: "fa-IR,fa;q=0.9", cookie: "fa", rtl: true},
	}
	// Axe rules that a page breaks today, by path, so that the test
	// passes while the fix is on its way and fails on anything new.
	// Each entry needs a TODO naming its fix.
	known := map[string][]string{
		// TODO(web): the Simple API's HTML pages have no <html lang>;
		// PyPI's have none either, but lang="en" costs clients nothing.
		"/simple/":               {"html-has-lang"},
		"/simple/wharf-e2e-app/": {"html-has-lang"},
	}

	b := browser.Start(t)
	s, _, _ := publishApp(t)
	origin := strings.Replace(s.url, "://127.0.0.1:", "://localhost:", 1)
	for _, loc := range locales {
		for _, pg := range pages {
			t.Run(loc.name+pg.path, func(t *testing.T) {
				t.Parallel()
				checkPage(t, b.NewPage(t, origin), origin, loc, pg, known[pg.path])
			})
		}
	}
}

// checkPage visits one page in one locale on p and runs the checks; the
// axe rules in known are logged, not failed.
func checkPage(t *testing.T, p *browser.Page, origin string, loc browserLocale, pg browserPage, known []string) {
	p.SetHeaders(map[string]string{"Accept-Language": loc.acceptLanguage})
	if loc.cookie != "" {
		p.SetCookie("_LOCALE_", loc.cookie)
	}
	status := p.Navigate(origin + pg.path)
	if pg.pending && status == http.StatusNotFound {
		t.Skipf("%s is not served yet (404)", pg.path)
	}
	if status != pg.status {
		t.Fatalf("GET %s: status %d, want %d", pg.path, status, pg.status)
	}
	var doc struct{ Lang, Dir string }
	p.Eval(`({lang: document.documentElement.lang, dir: document.documentElement.dir || getComputedStyle(document.documentElement).direction})`, &doc)
	// TODO: once the localised layout lands, require lang fa (and rtl)
	// for the Persian visitor instead of only checking consistency.
	if strings.HasPrefix(doc.Lang, "fa") != (doc.Dir == "rtl") {
		t.Errorf("the page has lang %q but direction %q", doc.Lang, doc.Dir)
	}
	if loc.rtl && !strings.HasPrefix(doc.Lang, loc.name) {
		t.Logf("asked for %s, the page is in %q", loc.name, doc.Lang)
	}
	var unexpected []browser.Violation
	for _, v := range p.Axe() {
		if slices.Contains(known, v.ID) {
			t.Logf("known violation (TODO): %s", strings.TrimSpace(browser.FormatViolations([]browser.Violation{v})))
			continue
		}
		unexpected = append(unexpected, v)
	}
	if len(unexpected) > 0 {
		t.Errorf("axe-core found %d violations on %s in %s:\n%s", len(unexpected), pg.path, loc.name, browser.FormatViolations(unexpected))
	}
}
