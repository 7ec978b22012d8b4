package render

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with the file at path, or rewrites it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update if the change is right)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// inert returns why fragment could be unsafe to embed in a page, or "".
// It checks the fragment twice, as the tokenizer sees it and as a browser's
// tree builder does (html.ParseFragment in a <div>), so that a difference
// between the two, the root of mutation XSS, shows as a failure: only
// allowed elements, in the HTML namespace; only allowed attributes, with
// prefixed ids, vocabulary classes and safe URLs; no comments; balanced
// tags; no text-reordering characters.
func inert(fragment string) string {
	vocab := vocabulary()
	if msg := inertTokens(fragment, vocab); msg != "" {
		return "tokens: " + msg
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return "parse: " + err.Error()
	}
	for _, n := range nodes {
		if msg := inertTree(n, vocab); msg != "" {
			return "tree: " + msg
		}
	}
	return ""
}

func inertTokens(fragment string, vocab map[string]bool) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var stack []string
	for {
		tt := z.Next()
		tok := z.Token()
		switch tt {
		case html.ErrorToken:
			if len(stack) > 0 {
				return fmt.Sprintf("unclosed %v", stack)
			}
			return ""
		case html.CommentToken, html.DoctypeToken:
			return "comment or doctype " + tok.String()
		case html.TextToken:
			if strings.ContainsFunc(tok.Data, isReordering) {
				return fmt.Sprintf("reordering character in %q", tok.Data)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if msg := inertElement(tok.Data, tok.Attr, vocab); msg != "" {
				return msg
			}
			if tt == html.SelfClosingTagToken {
				return "self-closing " + tok.String()
			}
			if !isVoid(tok.Data) {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				return fmt.Sprintf("end tag %s with %v open", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func inertTree(n *html.Node, vocab map[string]bool) string {
	switch n.Type {
	case html.ElementNode:
		if n.Namespace != "" {
			return "foreign element " + n.Namespace + ":" + n.Data
		}
		if msg := inertElement(n.Data, n.Attr, vocab); msg != "" {
			return msg
		}
	case html.CommentNode, html.DoctypeNode:
		return "comment or doctype " + n.Data
	case html.TextNode:
		if strings.ContainsFunc(n.Data, isReordering) {
			return fmt.Sprintf("reordering character in %q", n.Data)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if msg := inertTree(c, vocab); msg != "" {
			return msg
		}
	}
	return ""
}

// inertElement checks one element and its attributes against the policy,
// restated here independently of the cleaner's code where it matters.
func inertElement(el string, attrs []html.Attribute, vocab map[string]bool) string {
	if !contains(allowedElements(), el) {
		return "element " + el
	}
	for _, a := range attrs {
		bad := func(why string) string { return fmt.Sprintf("<%s %s=%q>: %s", el, a.Key, a.Val, why) }
		if a.Namespace != "" || strings.HasPrefix(a.Key, "on") || a.Key == "style" {
			return bad("forbidden attribute")
		}
		if strings.ContainsFunc(a.Val, isReordering) {
			return bad("reordering character")
		}
		switch {
		case el == "input":
			if !(a.Key == "type" && a.Val == "checkbox" || a.Key == "checked" || a.Key == "disabled" ||
				a.Key == "title" && (a.Val == "\u2610" || a.Val == "\u2611")) {
				return bad("input attribute")
			}
		case el == "a" && a.Key == "rel":
			if a.Val != "nofollow ugc" {
				return bad("rel")
			}
		case a.Key == "id" || el == "a" && a.Key == "name":
			if !strings.HasPrefix(a.Val, IDPrefix) {
				return bad("unprefixed id")
			}
		case a.Key == "class":
			for _, w := range strings.Fields(a.Val) {
				if !vocab[w] {
					return bad("class outside the vocabulary")
				}
			}
		case a.Key == "href":
			if !safeURL(a.Val, true) {
				return bad("unsafe link")
			}
		case a.Key == "src":
			if !safeURL(a.Val, false) {
				return bad("unsafe image")
			}
		case a.Key == "srcset":
			for _, c := range strings.Split(a.Val, ",") {
				if f := strings.Fields(c); len(f) == 0 || !safeURL(f[0], false) {
					return bad("unsafe srcset")
				}
			}
		case attrRule(el, a.Key) == attrNone:
			return bad("attribute not allowed")
		}
	}
	if el == "input" && !hasAttr(attrs, "disabled") {
		return "enabled input"
	}
	if el == "a" && hasAttr(attrs, "href") && !hasAttr(attrs, "rel") {
		return "link without rel"
	}
	return ""
}

func hasAttr(attrs []html.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

// safeURL reports whether v is an http(s) URL with a host, a mailto URL
// (links only) or a prefixed fragment (links only), with no character a
// browser would strip.
func safeURL(v string, link bool) bool {
	if strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }) {
		return false
	}
	if link && strings.HasPrefix(v, "#"+IDPrefix) {
		return true
	}
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != "" && strings.HasPrefix(strings.ToLower(v), u.Scheme+"://")
	case "mailto":
		return link
	}
	return false
}

// maxDepth returns how deeply the elements of fragment nest.
func maxDepth(t testing.TB, fragment string) int {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(fragment))
	depth, max := 0, 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return max
		case html.StartTagToken:
			name, _ := z.TagName()
			if !isVoid(string(name)) {
				depth++
				max = maxInt(max, depth)
			}
		case html.EndTagToken:
			depth--
		}
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// corpusCase is one named source in a corpus file.
type corpusCase struct{ name, src string }

// readCorpus splits a corpus file into cases, each starting with a line
// "-- name --"; the source runs to the next such line, without the final
// newline's of the separator.
func readCorpus(t *testing.T, path string) []corpusCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			cases = append(cases, corpusCase{name: trimmed[3 : len(trimmed)-3]})
			continue
		}
		if len(cases) == 0 {
			continue // a header comment
		}
		cases[len(cases)-1].src += line
	}
	return cases
}
