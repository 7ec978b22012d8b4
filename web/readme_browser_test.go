package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"wharf/internal/browser"
)

// richMarkdown and richRST use what READMEs commonly hold, so that axe
// checks the page's styling of everything the renderers emit: headings,
// tables, quotes, task lists, highlighted code and admonitions.
const (
	richMarkdown = "# Demo\n\nA *demo* with `code`, a [link](https://example.org/) and a footnote[^1].\n\n" +
		"## Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> A quote.\n\n- [x] done\n- [ ] to do\n\n" +
		"```python\ndef f(x):\n    # A comment.\n    return \"s\" + str(x) * 2\n```\n\n<details><summary>More</summary>\n\nHidden text.\n\n</details>\n\n[^1]: The footnote.\n"
	richRST = "Demo\n====\n\nA *demo* with ``code`` and a `link <https://example.org/>`_.\n\n" +
		".. note::\n\n   A note.\n\n.. warning::\n\n   A warning.\n\n.. code-block:: python\n\n   def f(x):\n       return {\"k\": [1, 2.5, None]}\n\n" +
		"=====  =====\nA      B\n=====  =====\n1      2\n=====  =====\n\n| A line block\n| of two lines.\n"
)

// TestReadmeAccessible renders project pages with rich READMEs in
// headless Chromium and runs axe-core on them, in English and Persian.
func TestReadmeAccessible(t *testing.T) {
	needChromium(t)
	ix := newTestIndex(t, indexConfig{})
	ix.upload(t, withReadme(distSpec{Name: "md-demo", Version: "1.0"}.build(t), "text/markdown", richMarkdown))
	ix.upload(t, withReadme(distSpec{Name: "rst-demo", Version: "1.0"}.build(t), "text/x-rst", richRST))
	// Axe rules that READMEs break today, so that the test passes while
	// the fix is on its way and fails on anything new. None now.
	var known []string
	b := browser.Start(t)
	// Chromium reaches the server as localhost, as the e2e tests do.
	origin := strings.Replace(ix.ts.URL, "://127.0.0.1:", "://localhost:", 1)
	for _, lang := range []string{"en", "fa"} {
		for _, path := range []string{"/project/md-demo/", "/project/rst-demo/"} {
			t.Run(lang+path, func(t *testing.T) {
				t.Parallel()
				p := b.NewPage(t, origin)
				p.SetHeaders(map[string]string{"Accept-Language": lang})
				if status := p.Navigate(origin + path); status != http.StatusOK {
					t.Fatalf("status %d", status)
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
					t.Errorf("axe-core found %d violations:\n%s", len(unexpected), browser.FormatViolations(unexpected))
				}
				if f := p.Foreign(); len(f) > 0 {
					t.Errorf("requests elsewhere: %q", f)
				}
			})
		}
	}
}
