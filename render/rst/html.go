package rst

import (
	"html"
	"strconv"
	"strings"
)

// writer renders the resolved document as HTML. Every piece of text from
// the document passes through esc; tags, attribute names and classes come
// only from this file.
type writer struct {
	p         *parser
	opt       Options
	b         strings.Builder
	autoRef   int     // [#]_ references rendered so far
	symRef    int     // [*]_ references rendered so far
	substWork int     // substitution references expanded so far
	sections  []*node // enclosing sections, for local tables of contents
	doc       *node
}

// esc writes s escaped for text and attribute values.
func (w *writer) esc(s string) { w.b.WriteString(html.EscapeString(s)) }

// w writes trusted markup.
func (w *writer) raw(s string) { w.b.WriteString(s) }

// attr writes ` name="value"` with value escaped.
func (w *writer) attr(name, value string) {
	w.raw(" " + name + "=\"")
	w.esc(value)
	w.raw("\"")
}

// document writes the whole document.
func (w *writer) document(doc *node) error {
	w.doc = doc
	if err := w.blocks(doc.children, false); err != nil {
		return err
	}
	return w.checkSubstitutions()
}

// checkSubstitutions resolves the references in every substitution
// definition, used or not, as docutils does.
func (w *writer) checkSubstitutions() error {
	for _, sub := range w.p.substList() {
		for _, nd := range sub.inl {
			if nd.kind == iRef && !nd.anon && nd.ref.uri == "" {
				if _, err := w.href(nd.ref.refname, "", sub.line); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// blocks writes nodes; compact drops the <p> around paragraphs, as
// docutils does in simple lists and table cells.
func (w *writer) blocks(nodes []*node, compact bool) error {
	for _, n := range nodes {
		if err := w.block(n, compact); err != nil {
			return err
		}
	}
	return nil
}

// block writes one block node.
func (w *writer) block(n *node, compact bool) error {
	switch n.kind {
	case kSection:
		return w.section(n)
	case kParagraph:
		if compact {
			return w.inline(n.inl)
		}
		return w.wrap("<p>", n.inl, "</p>\n")
	case kBulletList, kEnumList:
		return w.list(n)
	case kDefList:
		return w.defList(n)
	case kFieldList, kOptionList:
		return w.fieldList(n)
	case kBlockQuote:
		w.raw("<blockquote>\n")
		if err := w.blocks(n.children, false); err != nil {
			return err
		}
		w.raw("</blockquote>\n")
	case kAttribution:
		return w.wrap("<p class=\"attribution\">\u2014", n.inl, "</p>\n")
	case kLiteral, kDoctest:
		return w.literal(n)
	case kImage:
		err := w.image(n.img, true)
		w.raw("\n")
		return err
	case kFigure:
		return w.figure(n)
	case kCaption:
		return w.wrap("<p class=\"caption\">", n.inl, "</p>\n")
	case kLegend:
		w.raw("<div class=\"legend\">\n")
		if err := w.blocks(n.children, false); err != nil {
			return err
		}
		w.raw("</div>\n")
	case kAdmonition:
		return w.admonition(n)
	case kTopic:
		return w.topic(n)
	case kRubric:
		return w.wrap("<p class=\"rubric\">", n.inl, "</p>\n")
	case kTable:
		return w.table(n)
	case kLineBlock:
		return w.lineBlock(n)
	case kTransition:
		w.raw("<hr>\n")
	case kFootnote, kCitation:
		return w.footnote(n)
	case kContents:
		return w.contents(n)
	case kTargetAnchor:
		if n.id == "" {
			return nil
		}
		w.raw("<span")
		w.attr("id", n.id)
		w.raw("></span>\n")
	}
	return nil
}

// wrap writes open, the inline content, and close.
func (w *writer) wrap(open string, inl []inode, close string) error {
	w.raw(open)
	if err := w.inline(inl); err != nil {
		return err
	}
	w.raw(close)
	return nil
}

// section writes a section with a heading one level below its depth
// (PyPI's initial header level is 2), at most h6.
func (w *writer) section(n *node) error {
	w.raw("<div class=\"section\"")
	w.attr("id", n.id)
	w.raw(">\n")
	h := strconv.Itoa(min(n.level+1, 6))
	if err := w.wrap("<h"+h+">", n.title.inl, "</h"+h+">\n"); err != nil {
		return err
	}
	w.sections = append(w.sections, n)
	err := w.blocks(n.children, false)
	w.sections = w.sections[:len(w.sections)-1]
	w.raw("</div>\n")
	return err
}

// isCompact reports whether a list is simple enough to render without
// paragraphs: each item holds one paragraph, optionally followed by a
// nested list.
func isCompact(items []*node) bool {
	for _, it := range items {
		c := it.children
		if len(c) > 2 || (len(c) > 0 && c[0].kind != kParagraph) {
			return false
		}
		if len(c) == 2 && c[1].kind != kBulletList && c[1].kind != kEnumList {
			return false
		}
	}
	return true
}

// list writes a bullet or enumerated list.
func (w *writer) list(n *node) error {
	tag := "ul"
	if n.kind == kEnumList {
		tag = "ol"
		w.raw("<ol class=\"" + n.enum + "\"")
		if n.level != 1 {
			w.attr("start", strconv.Itoa(n.level))
		}
		w.raw(">\n")
	} else {
		w.raw("<ul>\n")
	}
	compact := isCompact(n.children)
	for _, it := range n.children {
		w.raw("<li>")
		if err := w.blocks(it.children, compact); err != nil {
			return err
		}
		w.raw("</li>\n")
	}
	w.raw("</" + tag + ">\n")
	return nil
}

// defList writes a definition list.
func (w *writer) defList(n *node) error {
	w.raw("<dl>\n")
	for _, it := range n.children {
		if err := w.wrap("<dt>", it.title.inl, ""); err != nil {
			return err
		}
		for _, c := range it.extra {
			if err := w.wrap(" <span class=\"classifier\">", c.inl, "</span>"); err != nil {
				return err
			}
		}
		w.raw("</dt>\n<dd>")
		if err := w.blocks(it.children, false); err != nil {
			return err
		}
		w.raw("</dd>\n")
	}
	w.raw("</dl>\n")
	return nil
}

// fieldList writes a field list or option list as a definition list.
func (w *writer) fieldList(n *node) error {
	class := "field-list"
	if n.kind == kOptionList {
		class = "option-list"
	}
	w.raw("<dl class=\"" + class + "\">\n")
	for _, f := range n.children {
		w.raw("<dt>")
		if n.kind == kOptionList {
			w.raw("<code>")
			w.esc(f.text)
			w.raw("</code>")
		} else if err := w.inline(f.title.inl); err != nil {
			return err
		}
		w.raw("</dt>\n<dd>")
		if err := w.blocks(f.children, len(f.children) == 1); err != nil {
			return err
		}
		w.raw("</dd>\n")
	}
	w.raw("</dl>\n")
	return nil
}

// literal writes a literal block, a code block (highlighted when the
// Highlight option accepts it) or a doctest block.
func (w *writer) literal(n *node) error {
	switch {
	case n.kind == kDoctest:
		w.raw("<pre class=\"doctest-block\">")
	case n.class == "code":
		w.raw("<pre class=\"code\">")
		if w.opt.Highlight != nil {
			if h, ok := w.opt.Highlight(n.lang, n.text); ok {
				w.raw(h)
				w.raw("</pre>\n")
				return nil
			}
		}
	default:
		w.raw("<pre class=\"literal-block\">")
	}
	if n.local {
		if err := w.inline(n.inl); err != nil {
			return err
		}
	} else {
		w.esc(n.text)
	}
	w.raw("</pre>\n")
	return nil
}

// image writes an image, wrapped in a link when it has a target and link
// is set.
func (w *writer) image(img *image, link bool) error {
	href := ""
	if link && (img.target != "" || img.targetRef != "") {
		var err error
		if href, err = w.href(img.targetRef, img.target, 0); err != nil {
			return err
		}
		w.raw("<a class=\"reference\"")
		w.attr("href", href)
		w.raw(">")
	}
	w.raw("<img")
	w.attr("src", img.uri)
	alt := img.alt
	if alt == "" {
		alt = img.uri
	}
	w.attr("alt", alt)
	if img.width != "" {
		w.attr("width", img.width)
	}
	if img.height != "" {
		w.attr("height", img.height)
	}
	if img.align != "" {
		w.raw(" class=\"" + img.align + "\"")
	}
	w.raw(">")
	if link && (img.target != "" || img.targetRef != "") {
		w.raw("</a>")
	}
	return nil
}

// figure writes an image with its caption and legend.
func (w *writer) figure(n *node) error {
	w.raw("<div class=\"figure")
	if n.class != "" {
		w.raw(" " + n.class)
	}
	w.raw("\">\n")
	if err := w.image(n.img, true); err != nil {
		return err
	}
	w.raw("\n")
	if err := w.blocks(n.children, false); err != nil {
		return err
	}
	w.raw("</div>\n")
	return nil
}

// admonitionTitle returns the title docutils gives a specific admonition.
func admonitionTitle(class string) string {
	switch class {
	case "attention", "caution", "danger":
		return strings.ToUpper(class[:1]) + class[1:] + "!"
	}
	return strings.ToUpper(class[:1]) + class[1:]
}

// admonition writes a note, warning… or a generic admonition.
func (w *writer) admonition(n *node) error {
	if n.class == "admonition" {
		w.raw("<div class=\"admonition\">\n")
		if err := w.wrap("<p class=\"admonition-title\">", n.title.inl, "</p>\n"); err != nil {
			return err
		}
	} else {
		w.raw("<div class=\"admonition " + n.class + "\">\n<p class=\"admonition-title\">")
		w.esc(admonitionTitle(n.class))
		w.raw("</p>\n")
	}
	if err := w.blocks(n.children, false); err != nil {
		return err
	}
	w.raw("</div>\n")
	return nil
}

// topic writes a topic or sidebar.
func (w *writer) topic(n *node) error {
	w.raw("<div class=\"topic\">\n")
	if err := w.wrap("<p class=\"topic-title\">", n.title.inl, "</p>\n"); err != nil {
		return err
	}
	if err := w.blocks(n.children, false); err != nil {
		return err
	}
	w.raw("</div>\n")
	return nil
}

// lineBlock writes a line block; nested blocks are indented lines.
func (w *writer) lineBlock(n *node) error {
	w.raw("<div class=\"line-block\">\n")
	for _, c := range n.children {
		if c.kind == kLineBlock {
			if err := w.lineBlock(c); err != nil {
				return err
			}
			continue
		}
		if c.text == "" {
			w.raw("<div class=\"line\"><br></div>\n")
			continue
		}
		if err := w.wrap("<div class=\"line\">", c.inl, "</div>\n"); err != nil {
			return err
		}
	}
	w.raw("</div>\n")
	return nil
}

// footnote writes a footnote or citation with its label.
func (w *writer) footnote(n *node) error {
	class := "footnote"
	if n.kind == kCitation {
		class = "citation"
	}
	w.raw("<dl class=\"" + class + "\">\n<dt class=\"label\"")
	w.attr("id", n.id)
	w.raw(">[")
	w.esc(n.label)
	w.raw("]</dt>\n<dd>")
	if err := w.blocks(n.children, false); err != nil {
		return err
	}
	w.raw("</dd>\n</dl>\n")
	return nil
}

// contents writes a table of contents of the document, or of the
// enclosing section when the directive had the local option.
func (w *writer) contents(n *node) error {
	root := w.doc
	if n.local && len(w.sections) > 0 {
		root = w.sections[len(w.sections)-1]
	}
	w.raw("<div class=\"contents topic\">\n")
	if !n.local {
		if err := w.wrap("<p class=\"topic-title\">", n.title.inl, "</p>\n"); err != nil {
			return err
		}
	}
	w.toc(root, 1, n.depth)
	w.raw("</div>\n")
	return nil
}

// toc writes the list of sections directly under root, to depth levels.
func (w *writer) toc(root *node, level, depth int) {
	var subs []*node
	for _, c := range root.children {
		if c.kind == kSection {
			subs = append(subs, c)
		}
	}
	if len(subs) == 0 || (depth > 0 && level > depth) {
		return
	}
	w.raw("<ul>\n")
	for _, s := range subs {
		w.raw("<li><a class=\"reference\"")
		w.attr("href", "#"+s.id)
		w.raw(">")
		w.esc(plainText(s.title.inl))
		w.raw("</a>")
		w.toc(s, level+1, depth)
		w.raw("</li>\n")
	}
	w.raw("</ul>\n")
}
