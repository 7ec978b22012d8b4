package browser

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Violation is one axe-core rule that a page breaks, with the elements
// that break it.
type Violation struct {
	ID      string      `json:"id"`     // the rule, such as "color-contrast"
	Impact  string      `json:"impact"` // minor, moderate, serious or critical
	Help    string      `json:"help"`
	HelpURL string      `json:"helpUrl"`
	Nodes   []AxeTarget `json:"nodes"`
}

// AxeTarget is one element that breaks a rule.
type AxeTarget struct {
	Target  []string `json:"target"` // CSS selectors, outermost frame first
	HTML    string   `json:"html"`
	Summary string   `json:"failureSummary"`
}

// AxeTags are the rule sets a page must pass: WCAG 2.0 and 2.1, levels A
// and AA.
func AxeTags() []string { return []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"} }

// axeRun runs axe on the whole document and keeps from its result only
// what Violation holds, so a large page does not send every passing check
// back over DevTools.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, failureSummary: n.failureSummary}))})))`

// Axe runs axe-core on the page as it is now and returns the rules it
// breaks. The script is evaluated over DevTools, which the page's
// Content-Security-Policy does not govern. When node_modules/axe-core is
// missing the test is skipped, or fails under CI=true.
func (p *Page) Axe() []Violation {
	p.t.Helper()
	script, err := p.b.axeScript()
	if err != nil {
		missing(p.t, "node_modules/axe-core (npm ci; scripts/deps runs it)", err)
	}
	var loaded bool
	if err := p.eval("typeof axe === 'object'", &loaded); err != nil {
		p.t.Fatalf("looking for axe in the page: %v", err)
	}
	if !loaded {
		if err := p.eval(script+"\n;true", nil); err != nil {
			p.t.Fatalf("injecting axe-core: %v", err)
		}
	}
	tags := `["` + strings.Join(AxeTags(), `", "`) + `"]`
	var violations []Violation
	if err := p.eval(fmt.Sprintf(axeRun, tags), &violations); err != nil {
		p.t.Fatalf("running axe-core: %v", err)
	}
	return violations
}

// RunAxe runs Axe and reports every violation as an error of t, naming
// the page's URL.
func (p *Page) RunAxe(t testing.TB) {
	t.Helper()
	if v := p.Axe(); len(v) > 0 {
		var url string
		p.Eval("location.href", &url)
		t.Errorf("axe-core found %d violations on %s:\n%s", len(v), url, FormatViolations(v))
	}
}

// FormatViolations writes violations for a person to read: each rule
// with its impact and help text, then each offending element's selector
// and axe's explanation.
func FormatViolations(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "%s (%s): %s\n    %s\n", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "  - %s\n", strings.Join(n.Target, " > "))
			if n.HTML != "" {
				fmt.Fprintf(&b, "      %s\n", truncate(n.HTML, 200))
			}
			for line := range strings.SplitSeq(strings.TrimSpace(n.Summary), "\n") {
				fmt.Fprintf(&b, "      %s\n", strings.TrimSpace(line))
			}
		}
	}
	return b.String()
}

// RuleIDs returns the rule of each violation, in order.
func RuleIDs(vs []Violation) []string {
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	return ids
}

// axeScript returns the text of axe.min.js, read once per browser.
func (b *Browser) axeScript() (string, error) {
	b.axeOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			b.axeErr = err
			return
		}
		data, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
		b.axe, b.axeErr = string(data), err
	})
	return b.axe, b.axeErr
}

// truncate shortens s to at most n bytes, marking the cut, without
// splitting a character (Persian pages are mostly multi-byte).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
