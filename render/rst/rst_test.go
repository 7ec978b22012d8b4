package rst_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wharf/render/rst"
)

// render renders src with default options and checks the output's shape.
func render(t testing.TB, src string) (string, error) {
	t.Helper()
	out, err := rst.ToHTML(src, rst.Options{})
	if err != nil {
		var e *rst.Error
		if !errors.As(err, &e) {
			t.Fatalf("ToHTML error %v is not *rst.Error", err)
		}
		if out != "" {
			t.Fatalf("ToHTML returned output with error %v", err)
		}
		return "", err
	}
	checkWellFormed(t, out)
	return out, nil
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"raw", ".. raw:: html\n\n   <script>alert(1)</script>\n", `line 1: "raw" directive disabled.`},
		{"include", ".. include:: /etc/passwd\n", `line 1: "include" directive disabled.`},
		{"raw in substitution", ".. |x| raw:: html\n\n   <b>\n", `line 1: "raw" directive disabled.`},
		{"csv file", ".. csv-table::\n   :file: data.csv\n", `line 1: File and URL access deactivated; ignoring "csv-table" directive.`},
		{"csv url", ".. csv-table::\n   :url: http://x/data.csv\n", `line 1: File and URL access deactivated; ignoring "csv-table" directive.`},
		{"unknown directive", ".. frobnicate:: x\n", `line 1: Unknown directive type "frobnicate".`},
		{"unknown role", "Some :frob:`x` text.\n", `line 1: Unknown interpreted text role "frob".`},
		{"raw role", ".. role:: html(raw)\n", `line 1: Unknown interpreted text role "raw".`},
		{"unknown option", ".. image:: a.png\n   :onclick: x\n", `line 1: Error in "image" directive: unknown option: "onclick".`},
		{"image without uri", ".. image::\n", `line 1: Error in "image" directive: 1 argument(s) required, 0 supplied.`},
		{"image content", ".. image:: a.png\n\n   text\n", `line 1: Error in "image" directive: no content permitted.`},
		{"bad align", ".. image:: a.png\n   :align: evil\n", `line 1: Error in "image" directive: invalid option value for "align": "evil".`},
		{"unknown target", "See foo_.\n", `line 1: Unknown target name: "foo".`},
		{"unknown phrase target", "Para.\n\nSee `the docs`_.\n", `line 3: Unknown target name: "the docs".`},
		{"anonymous mismatch", "See this__ and that__.\n\n__ http://a\n", `line 1: Anonymous hyperlink mismatch: 2 references but 1 targets.`},
		{"duplicate target", ".. _a: http://x\n.. _a: http://y\n", `line 2: Duplicate explicit target name: "a".`},
		{"duplicate implicit", "Intro\n=====\n\nIntro\n=====\n\nSee Intro_.\n", `line 7: Duplicate target name, cannot be used as a unique reference: "intro".`},
		{"undefined substitution", "A |badge| here.\n", `line 1: Undefined substitution referenced: "badge".`},
		{"short underline", "Long title\n======\n", `line 2: Title underline too short.`},
		{"inconsistent levels", "A\n=\n\nB\n-\n\nC\n~\n\nD\n=\n\nE\n~\n", `line 13: Title level inconsistent.`},
		{"overline mismatch", "=====\nTitle\n-----\n", `line 1: Title overline & underline mismatch.`},
		{"nested title", "- item\n\n  Title\n  =====\n", `line 3: Unexpected section title.`},
		{"emphasis without end", "Use *args here.\n", `line 1: Inline emphasis start-string without end-string.`},
		{"strong without end", "Use **kwargs here.\n", `line 1: Inline strong start-string without end-string.`},
		{"literal without end", "Use ``code here.\n", `line 1: Inline literal start-string without end-string.`},
		{"interpreted without end", "Use `code here.\n", `line 1: Inline interpreted text or phrase reference start-string without end-string.`},
		{"substitution without end", "A |b here.\n", `line 1: Inline substitution_reference start-string without end-string.`},
		{"bullet unindent", "- a\nb\n", `line 2: Bullet list ends without a blank line; unexpected unindent.`},
		{"enum unindent", "1. a\n   b\nc\n", `line 3: Enumerated list ends without a blank line; unexpected unindent.`},
		{"unexpected indentation", "para\nmore\n  indented\n", `line 3: Unexpected indentation.`},
		{"literal expected", "Para::\n", `line 1: Literal block expected; none found.`},
		{"explicit unindent", ".. note:: a\nb\n", `line 2: Explicit markup ends without a blank line; unexpected unindent.`},
		{"malformed grid", "+---+---+\n| a | b |\n+---+\n", `line 3: Malformed table.`},
		{"transition first", "----\n\npara\n", `line 1: Document or section may not begin with a transition.`},
		{"transition last", "para\n\n----\n", `line 3: Document may not end with a transition.`},
		{"adjacent transitions", "para\n\n----\n\n----\n\npara\n", `line 5: At least one body element must separate transitions; adjacent transitions are not allowed.`},
		{"transition after title", "T\n=\n\n----\n\npara\n", `line 4: Document or section may not begin with a transition.`},
		{"duplicate footnote", "[1]_\n\n.. [1] a\n.. [1] b\n", `line 4: Duplicate explicit target name: "1".`},
		{"symbol footnote by label", "[*]_ [1]_\n\n.. [*] a\n", `line 1: Unknown target name: "1".`},
		{"transition in quote", "para\n\n   q\n\n   ----\n\n   q2\n\npara\n", `line 5: Unexpected section title or transition.`},
		{"replace with a list", "|x|\n\n.. |x| replace:: - a\n", `line 3: Error in "replace" directive: may contain a single paragraph only.`},
		{"empty replace", "|x|\n\n.. |x| replace::\n", `line 3: Content block expected for the "replace" directive; none found.`},
		{"target in substitution", "|x|\n\n.. |x| replace:: `text <http://u>`_\n", `line 3: Substitution definition contains illegal element <target>.`},
		{"footnote in substitution", "|x|\n\n.. |x| replace:: [1]_\n\n.. [1] n\n", `line 3: Substitution definition contains illegal element <footnote_reference>.`},
		{"circular substitution", ".. |x| replace:: |y|\n.. |y| replace:: |x|\n", `line 1: Circular substitution definition detected: "x".`},
		{"undefined in substitution", ".. |x| replace:: |y|\n", `line 1: Undefined substitution referenced: "y".`},
		{"unknown target in unused substitution", ".. |x| replace:: y_\n", `line 1: Unknown target name: "y".`},
		{"invalid meta", ".. meta::\n\n   body\n", `line 3: Invalid meta directive.`},
		{"target ends at blank line", ".. _a: http://a\n\n   `b`_\n", `line 3: Unknown target name: "b".`},
		{"too small for a grid table", "+--+\n|a |\n+--+\n", `line 2: Inline substitution_reference start-string without end-string.`},
		{"inset title wider than overline", "-----\n    x_\n-----\n", `line 1: Title overline too short.`},
		{"definition list then adornment", "term\n   text\n-----\n    more\n", `line 3: Definition list ends without a blank line; unexpected unindent.`},
		{"strong alone", "**\n", `line 1: Inline strong start-string without end-string.`},
		{"empty literal", "a ```` b\n", `line 1: Inline literal start-string without end-string.`},
		{"role prefix at the end", "see :code:`\n", `line 1: Inline interpreted text or phrase reference start-string without end-string.`},
		{"date", "|d|\n\n.. |d| date::\n", `line 3: The "date" directive is not supported: a README renders once, at upload.`},
		{"pep", ":pep:`x`\n", `line 1: PEP number must be a number from 0 to 9999; "x" is invalid.`},
		{"empty admonition", ".. note::\n", `line 1: The "note" admonition is empty; content required.`},
		{"footnote unknown", "See [3]_.\n", `line 1: Unknown target name: "3".`},
		{"circular", ".. _a: b_\n.. _b: a_\n\nSee a_.\n", `line 2: Indirect hyperlink target "b" is a circular reference.`},
		{"list-table", ".. list-table::\n\n   * - a\n     - b\n   * - c\n", `line 1: Error in "list-table" directive: Error parsing content block for the "list-table" directive: uniform two-level bullet list expected, but row 2 does not contain the same number of items as row 1 (1 vs 2).`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render(t, tt.src)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ToHTML(%q) error = %v, want %s", tt.src, err, tt.want)
			}
		})
	}
}

// TestHostile checks that markup, quotes and script URLs from the
// document come out escaped or not at all.
func TestHostile(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings the output must contain
	}{
		{"javascript target", "Click me_.\n\n.. _me: javascript:alert(1)\n", []string{`href="javascript:alert(1)"`}},
		{"quote in url", "`x <http://a/\"onmouseover=\"alert(1)>`_\n", []string{`href="http://a/&#34;onmouseover=&#34;alert(1)"`}},
		{"tag in alt", ".. image:: x.png\n   :alt: <script>\"\n", []string{`alt="&lt;script&gt;&#34;"`}},
		{"tag in title", "<script>alert(1)</script>\n=========================\n", []string{`<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>`}},
		{"tag in literal", "``<b onclick=x>``\n", []string{`<code>&lt;b onclick=x&gt;</code>`}},
		{"tag in code", ".. code:: html\n\n   <script>x</script>\n", []string{`&lt;script&gt;x&lt;/script&gt;`}},
		{"standalone javascript stays text", "javascript:alert(1)\n", []string{`<p>javascript:alert(1)</p>`}},
		{"class stays ours", ".. note::\n   :class: evil\n\n   x\n", []string{`class="admonition note"`}},
		{"abbr title", ":abbr:`X (\"><script>)`\n", []string{`title="&#34;&gt;&lt;script&gt;"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := render(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %s:\n%s", w, out)
				}
			}
			if strings.Contains(out, "<script") || strings.Contains(out, "evil") {
				t.Errorf("output carries author markup:\n%s", out)
			}
		})
	}
}

// TestPathological renders inputs built to be slow and checks that each
// takes under a second, or (on a loaded machine) not much longer than an
// ordinary document of the same size, and fails, if at all, with an *Error.
// Quadratic behaviour on inputs of this size would take minutes.
func TestPathological(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"docutils crash", "-U<,\f,\t>"},
		{"backticks", strings.Repeat("`", 100_000)},
		{"asterisks", strings.Repeat("*", 200_000)},
		{"spaced asterisks", strings.Repeat("* ", 100_000)},
		{"star words", strings.Repeat("a *b ", 50_000)},
		{"pipes", strings.Repeat("|a ", 100_000)},
		{"hyphenated name", strings.Repeat("a-", 200_000)},
		{"email-like", strings.Repeat("a.", 200_000) + "@"},
		{"scheme-like", strings.Repeat("a+", 200_000) + ":"},
		{"brackets", strings.Repeat("[a", 100_000)},
		{"roles", strings.Repeat(":a:", 100_000)},
		{"nested quotes", nested(200, func(d int) string { return strings.Repeat(" ", d) + "q\n\n" })},
		{"nested bullets", strings.Repeat("- ", 20_000) + "x\n"},
		{"nested enum", nested(100, func(d int) string { return strings.Repeat("   ", d) + "1. x\n\n" })},
		{"deep indentation", nested(2_000, func(d int) string { return strings.Repeat(" ", d) + "x\n" })},
		{"many lines", strings.Repeat("word *em* **st** ``lit`` link_\n", 10_000) + "\n.. _link: http://x\n"},
		{"many sections", nested(10_000, func(d int) string { return "T\n=\n\npara\n\n" })},
		{"grid of corners", strings.Repeat(strings.Repeat("+", 1000)+"\n", 300)},
		{"tall grid", "+-+\n" + strings.Repeat("| |\n", 100_000) + "+-+\n"},
		{"wide simple table", "=" + strings.Repeat(" =", 5000) + "\n" + strings.Repeat("a ", 5000) + "\n=" + strings.Repeat(" =", 5000) + "\n"},
		{"footnotes", strings.Repeat("[#]_ ", 20_000) + "\n\n" + strings.Repeat(".. [#] x\n", 20_000)},
		{"substitutions", strings.Repeat("|a| ", 50_000) + "\n\n.. |a| replace:: b\n"},
		{"substitution bomb", strings.Repeat("|a| ", 5_000) + "\n\n" + substBomb()},
		{"tabs and feeds", strings.Repeat("\t\f\v\r", 100_000)},
		{"one megabyte", strings.Repeat("Some *text* with a `link <http://example.org/>`_ and ``code``.\n\n", 16_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fastest(t, tt.src)
			if d <= time.Second {
				return
			}
			plain := strings.Repeat("Some ordinary words in a paragraph.\n\n", len(tt.src)/37+1)
			if base := fastest(t, plain); d > 25*base {
				t.Errorf("took %v on %d bytes (an ordinary document of that size: %v)", d, len(tt.src), base)
			}
		})
	}
}

// fastest renders src twice and returns the shorter time, so that a
// moment of load on a shared machine does not fail the test.
func fastest(t *testing.T, src string) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 2 {
		start := time.Now()
		_, _ = render(t, src)
		best = min(best, time.Since(start))
	}
	return best
}

// substBomb defines substitutions that each expand to two of the next.
func substBomb() string {
	var b strings.Builder
	for c := 'a'; c < 'h'; c++ {
		b.WriteString(".. |" + string(c) + "| replace:: |" + string(c+1) + "| |" + string(c+1) + "|\n")
	}
	return b.String() + ".. |h| replace:: boom\n"
}

// nested concatenates line(d) for d from 0 to n-1.
func nested(n int, line func(d int) string) string {
	var b strings.Builder
	for d := range n {
		b.WriteString(line(d))
	}
	return b.String()
}

func TestNestingTooDeep(t *testing.T) {
	src := nested(100, func(d int) string { return strings.Repeat(" ", d) + "q\n\n" })
	_, err := render(t, src)
	var e *rst.Error
	if !errors.As(err, &e) || e.Msg != "nesting too deep" {
		t.Fatalf("error = %v, want nesting too deep", err)
	}
	if _, err := rst.ToHTML(src, rst.Options{MaxDepth: 200}); err != nil {
		t.Fatalf("with MaxDepth 200: %v", err)
	}
}

func TestHighlight(t *testing.T) {
	var gotLang, gotCode string
	opt := rst.Options{Highlight: func(lang, code string) (string, bool) {
		gotLang, gotCode = lang, code
		return "<span class=\"k\">print</span>", lang == "python"
	}}
	out, err := rst.ToHTML(".. code-block:: python\n\n   print(1)\n", opt)
	if err != nil || gotLang != "python" || gotCode != "print(1)" || !strings.Contains(out, `<pre class="code"><span class="k">print</span></pre>`) {
		t.Fatalf("ToHTML = %q, %v (lang %q, code %q)", out, err, gotLang, gotCode)
	}
	out, err = rst.ToHTML(".. code:: text\n\n   <x>\n", opt)
	if err != nil || !strings.Contains(out, `<pre class="code">&lt;x&gt;</pre>`) {
		t.Fatalf("unhighlighted code = %q, %v", out, err)
	}
}

func FuzzToHTML(f *testing.F) {
	for _, s := range []string{
		"-U<,\f,\t>", "Title\n=====\n\n*a* **b** ``c`` `d`_\n\n.. _d: http://x\n",
		"+---+---+\n| a | b |\n+===+===+\n| c     |\n+-------+\n",
		"==  ==\na   b\n==  ==\n", ".. note:: x\n\n   - a\n   - b\n", "1. a\n2. b\n\n   > q\n",
		".. |b| image:: x.png\n   :target: http://y\n\n|b|_ [#]_\n\n.. [#] note\n",
		"term\n   def\n\n:field: x\n\n-a  opt\n\n| line\n|  nested\n",
		".. contents::\n\nA\n-\n\nB\n~\n", ".. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n",
		".. csv-table:: T\n   :header: x, y\n\n   1, \"2, 3\"\n",
	} {
		f.Add(s)
	}
	golden, _ := filepath.Glob("testdata/*.rst")
	for _, name := range golden {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<16 {
			return
		}
		start := time.Now()
		render(t, s)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v on %d bytes", d, len(s))
		}
	})
}
