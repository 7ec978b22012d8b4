package render

import (
	"regexp"
	"sort"
	"strings"
)

// IDPrefix starts every id and anchor name in rendered HTML, and the
// same-document links that point at them, so that an author's id="config"
// cannot clobber a global the page's scripts use (window.config).
const IDPrefix = "user-content-"

// attrKind says how an attribute value is checked and rewritten.
type attrKind int

const (
	attrNone   attrKind = iota // not allowed
	attrText                   // any text: title, alt
	attrID                     // id, a[name]: prefixed with IDPrefix
	attrClass                  // only words from the renderers' vocabulary
	attrAlign                  // legacy alignment keywords
	attrNumber                 // a small non-negative integer
	attrSize                   // a number of pixels or a percentage
	attrBool                   // a boolean attribute, emitted empty
	attrHref                   // http, https or mailto URL, or a #fragment
	attrSrc                    // http or https URL
	attrSrcset                 // candidates of http or https URLs
	attrMedia                  // a media query
	attrType                   // an image MIME type
)

// allowedElements lists every element that may appear in rendered HTML: the
// elements PyPI's readme_renderer allows, plus those that docutils' HTML5
// writer and GFM emit. Nothing here runs script, loads anything but an
// image, submits anything, styles the page or switches the parser into a
// raw-text or foreign-content mode.
func allowedElements() []string {
	return []string{
		"a", "abbr", "acronym", "aside", "b", "blockquote", "br", "caption", "cite", "code",
		"col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
		"figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
		"input", "ins", "kbd", "li", "mark", "nav", "ol", "p", "picture", "pre", "q",
		"s", "samp", "section", "small", "source", "span", "strike", "strong", "sub",
		"summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u",
		"ul", "var", "wbr",
	}
}

// attrRule returns the kind of attribute attr on element el, attrNone when
// it is not allowed. id, class and title are allowed everywhere; input is
// rewritten whole (see cleaner.input) and never consults this.
func attrRule(el, attr string) attrKind {
	switch attr {
	case "id":
		return attrID
	case "class":
		return attrClass
	case "title":
		return attrText
	}
	switch el + " " + attr {
	case "a href":
		return attrHref
	case "a name":
		return attrID
	case "img src":
		return attrSrc
	case "img srcset", "source srcset":
		return attrSrcset
	case "img alt":
		return attrText
	case "img width", "img height":
		return attrSize
	case "img align", "p align", "div align", "td align", "th align",
		"h1 align", "h2 align", "h3 align", "h4 align", "h5 align", "h6 align":
		return attrAlign
	case "td colspan", "td rowspan", "th colspan", "th rowspan", "col span", "colgroup span", "ol start":
		return attrNumber
	case "details open":
		return attrBool
	case "source media":
		return attrMedia
	case "source type":
		return attrType
	}
	return attrNone
}

// skipContent reports whether an element that is not allowed is dropped
// with its content rather than replaced by it: code, styles, embedded
// documents, form state, and foreign (SVG, MathML) content, whose parsing
// differs between the tokenizer and a browser's tree builder.
func skipContent(el string) bool {
	switch el {
	case "script", "style", "template", "noscript", "iframe", "frame", "frameset",
		"noembed", "noframes", "object", "applet", "title", "textarea", "xmp",
		"plaintext", "select", "svg", "math", "head":
		return true
	}
	return false
}

// isVoid reports whether an allowed element has no end tag.
func isVoid(el string) bool {
	switch el {
	case "br", "col", "hr", "img", "input", "source", "wbr":
		return true
	}
	return false
}

// vocabulary returns every class the renderers emit: the highlighter's,
// GFM footnotes', and the reStructuredText renderer's. Authors' classes
// in raw HTML are dropped, so that a README cannot borrow the page's styles
// to imitate its interface.
func vocabulary() map[string]bool {
	v := map[string]bool{"footnotes": true, "footnote-ref": true, "footnote-backref": true}
	for _, c := range highlightClasses() {
		v[c] = true
	}
	for _, c := range rstClasses() {
		v[c] = true
	}
	return v
}

// Patterns the final sanitiser checks values against; they restate what the
// cleaner produces, so that a mistake in one is caught by the other.
var (
	reAlign    = regexp.MustCompile(`^(?:left|center|right|justify|top|middle|bottom)$`)
	reNumber   = regexp.MustCompile(`^[0-9]{1,4}$`)
	reSize     = regexp.MustCompile(`^[0-9]{1,5}%?$`)
	reMedia    = regexp.MustCompile(`^[a-z0-9 ():,.-]{0,200}$`)
	reType     = regexp.MustCompile(`^image/[a-z0-9.+-]{1,50}$`)
	reEmpty    = regexp.MustCompile(`^$`)
	reID       = regexp.MustCompile(`^` + IDPrefix + `\S+$`)
	reHref     = regexp.MustCompile(`^(?:https?://\S+|mailto:\S+|#\S*)$`)
	reSrc      = regexp.MustCompile(`^https?://\S+$`)
	reSrcset   = regexp.MustCompile(`^https?://[^\s,]+(?: [0-9.]+[wx])?(?:, https?://[^\s,]+(?: [0-9.]+[wx])?)*$`)
	reRel      = regexp.MustCompile(`^nofollow ugc$`)
	reCheckbox = regexp.MustCompile(`^checkbox$`)
)

// classPattern returns a pattern matching space-separated words of vocab.
func classPattern(vocab map[string]bool) *regexp.Regexp {
	words := make([]string, 0, len(vocab))
	for w := range vocab {
		words = append(words, regexp.QuoteMeta(w))
	}
	sort.Strings(words)
	alt := "(?:" + strings.Join(words, "|") + ")"
	return regexp.MustCompile("^" + alt + "(?: " + alt + ")*$")
}
