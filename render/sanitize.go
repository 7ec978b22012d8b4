package render

import (
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// sanitize makes a renderer's HTML safe to embed: the cleaner rewrites it
// to the allowlist (see doc.go) with balanced tags, and bluemonday, with an
// allowlist built from the same rules, checks the result as the last step.
func sanitize(raw string, vocab map[string]bool, maxDepth int, b *budget) string {
	c := &cleaner{vocab: vocab, maxDepth: maxDepth, b: b, open: map[string]int{}, allow: map[string]bool{}}
	for _, el := range allowedElements() {
		c.allow[el] = true
	}
	cleaned := c.run(raw)
	return finalPolicy(vocab).Sanitize(cleaned)
}

// finalPolicy returns the bluemonday policy that runs last. It allows the
// same elements and attributes as the cleaner, with values restricted to
// the forms the cleaner writes.
func finalPolicy(vocab map[string]bool) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(allowedElements()...)
	p.AllowAttrs("id").Matching(reID).Globally()
	p.AllowAttrs("class").Matching(classPattern(vocab)).Globally()
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("href").Matching(reHref).OnElements("a")
	p.AllowAttrs("name").Matching(reID).OnElements("a")
	p.AllowAttrs("rel").Matching(reRel).OnElements("a")
	p.AllowAttrs("src").Matching(reSrc).OnElements("img")
	p.AllowAttrs("srcset").Matching(reSrcset).OnElements("img", "source")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(reSize).OnElements("img")
	p.AllowAttrs("align").Matching(reAlign).OnElements("img", "p", "div", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("colspan", "rowspan").Matching(reNumber).OnElements("td", "th")
	p.AllowAttrs("span").Matching(reNumber).OnElements("col", "colgroup")
	p.AllowAttrs("start").Matching(reNumber).OnElements("ol")
	p.AllowAttrs("open").Matching(reEmpty).OnElements("details")
	p.AllowAttrs("media").Matching(reMedia).OnElements("source")
	p.AllowAttrs("type").Matching(reType).OnElements("source")
	p.AllowAttrs("type").Matching(reCheckbox).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(reEmpty).OnElements("input")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true) // only "#fragment" gets past reHref
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	return p
}

// cleaner rewrites HTML token by token. Its output contains only allowed
// elements, with checked attributes, escaped text, and every element closed
// in order, no deeper than maxDepth; a browser parses it to the same tree
// the cleaner had in mind, and it cannot close or restyle the page around
// it.
type cleaner struct {
	vocab    map[string]bool
	allow    map[string]bool // allowedElements
	maxDepth int
	b        *budget
	out      strings.Builder
	stack    []string       // open elements, outermost first
	open     map[string]int // how many of each element the stack holds
	skip     string         // the element whose content is being dropped
	skipN    int            // how deeply skip is nested in itself
}

func (c *cleaner) run(raw string) string {
	c.out.Grow(len(raw))
	z := html.NewTokenizer(strings.NewReader(raw))
	for {
		c.b.check()
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		if c.skip != "" {
			c.skipping(tok)
			continue
		}
		switch tt {
		case html.TextToken:
			c.out.WriteString(html.EscapeString(neutralize(tok.Data)))
		case html.StartTagToken, html.SelfClosingTagToken:
			c.start(tok)
		case html.EndTagToken:
			c.end(tok.Data)
		}
		// Comments and doctypes are dropped.
	}
	for i := len(c.stack) - 1; i >= 0; i-- {
		c.out.WriteString("</" + c.stack[i] + ">")
	}
	return c.out.String()
}

// skipping drops a token inside an element whose content is dropped,
// ending the skip at the element's matching end tag.
func (c *cleaner) skipping(tok html.Token) {
	if tok.Data != c.skip {
		return
	}
	switch tok.Type {
	case html.StartTagToken:
		c.skipN++
	case html.EndTagToken:
		c.skipN--
		if c.skipN == 0 {
			c.skip = ""
		}
	}
}

// start handles a start tag. A self-closing tag of an element that is not
// void opens the element, as it does in a browser.
func (c *cleaner) start(tok html.Token) {
	el := tok.Data
	if skipContent(el) {
		c.skip, c.skipN = el, 1
		return
	}
	if !c.allow[el] || len(c.stack) >= c.maxDepth {
		return
	}
	var attrs []html.Attribute
	if el == "input" {
		attrs = checkbox(tok.Attr)
	} else {
		attrs = c.attrs(el, tok.Attr)
	}
	if !complete(el, attrs) {
		return
	}
	c.out.WriteString("<" + el)
	for _, a := range attrs {
		c.out.WriteString(" " + a.Key + `="` + html.EscapeString(a.Val) + `"`)
	}
	c.out.WriteString(">")
	if !isVoid(el) {
		c.stack = append(c.stack, el)
		c.open[el]++
	}
}

// end handles an end tag: it closes the innermost open element of that
// name and every element opened inside it, or is dropped when none is open.
func (c *cleaner) end(el string) {
	if c.open[el] == 0 {
		return
	}
	for {
		top := c.stack[len(c.stack)-1]
		c.stack = c.stack[:len(c.stack)-1]
		c.open[top]--
		c.out.WriteString("</" + top + ">")
		if top == el {
			return
		}
	}
}

// attrs returns the allowed attributes of el with checked, rewritten values,
// in their source order, and rel="nofollow ugc" on links. An attribute given
// twice keeps its first value, as in a browser.
func (c *cleaner) attrs(el string, in []html.Attribute) []html.Attribute {
	var out []html.Attribute
	seen := map[string]bool{}
	href := false
	for _, a := range in {
		if a.Namespace != "" || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		v, ok := c.value(attrRule(el, a.Key), a.Val)
		if !ok {
			continue
		}
		out = append(out, html.Attribute{Key: a.Key, Val: v})
		href = href || a.Key == "href"
	}
	if href {
		out = append(out, html.Attribute{Key: "rel", Val: "nofollow ugc"})
	}
	return out
}

// value checks and rewrites one attribute value of the given kind.
func (c *cleaner) value(kind attrKind, v string) (string, bool) {
	switch kind {
	case attrText:
		return neutralize(v), true
	case attrID:
		if v == "" || strings.ContainsFunc(v, isSpaceOrControl) {
			return "", false
		}
		return IDPrefix + neutralize(v), true
	case attrClass:
		return c.classes(v)
	case attrAlign:
		v = strings.ToLower(strings.TrimSpace(v))
		return v, reAlign.MatchString(v)
	case attrNumber:
		v = strings.TrimSpace(v)
		return v, reNumber.MatchString(v)
	case attrSize:
		v = strings.TrimSuffix(strings.TrimSpace(v), "px")
		return v, reSize.MatchString(v)
	case attrBool:
		return "", true
	case attrHref:
		return linkURL(v)
	case attrSrc:
		return imageURL(v)
	case attrSrcset:
		return srcset(v)
	case attrMedia:
		v = strings.ToLower(strings.TrimSpace(v))
		return v, reMedia.MatchString(v)
	case attrType:
		v = strings.ToLower(strings.TrimSpace(v))
		return v, reType.MatchString(v)
	}
	return "", false
}

// classes keeps the words of a class value that are in the vocabulary.
func (c *cleaner) classes(v string) (string, bool) {
	var keep []string
	for _, w := range strings.Fields(v) {
		if c.vocab[w] && !contains(keep, w) {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " "), len(keep) > 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkbox rewrites an input element into the only form allowed, a
// disabled checkbox as GFM task lists show, or returns nil.
func checkbox(in []html.Attribute) []html.Attribute {
	isBox, checked := false, false
	for _, a := range in {
		switch a.Key {
		case "type":
			isBox = strings.EqualFold(strings.TrimSpace(a.Val), "checkbox")
		case "checked":
			checked = true
		}
	}
	if !isBox {
		return nil
	}
	// A form control needs an accessible name (WCAG 4.1.2; axe "label").
	// The README's language is unknown when it is rendered, so the name is
	// a ballot-box symbol, which screen readers speak in the reader's own
	// language, and the checked state says the rest.
	out := []html.Attribute{{Key: "type", Val: "checkbox"}}
	name := "\u2610" // ☐
	if checked {
		out = append(out, html.Attribute{Key: "checked"})
		name = "\u2611" // ☑
	}
	return append(out, html.Attribute{Key: "disabled"}, html.Attribute{Key: "title", Val: name})
}

// complete reports whether el keeps the attributes it needs to be useful:
// a link a target or a name, an image a source, a picture source its URLs.
func complete(el string, attrs []html.Attribute) bool {
	need := ""
	switch el {
	case "a":
		return len(attrs) > 0
	case "img":
		need = "src"
	case "source":
		need = "srcset"
	case "input":
		need = "type"
	default:
		return true
	}
	for _, a := range attrs {
		if a.Key == need {
			return true
		}
	}
	return false
}

// neutralize replaces the characters that reorder text (the bidirectional
// embeddings, overrides and isolates, U+202A–U+202E and U+2066–U+2069) and
// NUL with U+FFFD, so that rendered text shows in the order it was written:
// an override can otherwise make code or a link read differently from what
// it is ("Trojan Source").
func neutralize(s string) string {
	if !strings.ContainsFunc(s, isReordering) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isReordering(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func isReordering(r rune) bool {
	return r == 0 || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f || isReordering(r)
}
