package rst

import (
	"strings"
	"unicode/utf8"
)

// parser holds what the block parser learns about a document: title styles
// in order of first appearance, and the targets, substitutions, footnotes
// and citations that references are resolved against.
type parser struct {
	opt     Options
	styles  []titleStyle
	targets map[string]*target // by normalised reference name
	anon    []*target          // anonymous targets in document order
	substs  map[string]*subst  // by exact name
	// substFold finds substitutions by normalised name when no name
	// matches exactly, as docutils does.
	substFold map[string]*subst
	notes     []*node // footnotes in document order
	cites     []*node // citations in document order
	// noteByName finds footnotes by label or name and citations by name;
	// autoNotes and symNotes are the [#] and [*] footnotes that [#]_ and
	// [*]_ references take in order.
	noteByName          map[string]*node
	autoNotes, symNotes []*node
	pending             []*target         // internal targets waiting for the next element or URL
	roles               map[string]string // roles defined with the role directive → base role
	ids                 map[string]bool   // ids already given out
	idNext              map[string]int    // last number suffixed to each base id
	anonRef             int               // anonymous references seen by the writer
}

// titleStyle is one section adornment: its character and whether the title
// also has an overline.
type titleStyle struct {
	char     byte
	overline bool
}

// target is a hyperlink target: external (uri), indirect (refname) or
// internal (id, an element of the document).
type target struct {
	name     string
	uri      string
	refname  string
	id       string
	line     int
	implicit bool // from a section title
	dup      bool // several implicit targets share the name: not referable
}

// subst is a substitution definition.
type subst struct {
	name string
	line int
	img  *image  // image substitution
	text string  // replace: inline source; unicode: already plain text
	raw  bool    // text is plain (unicode directive), not inline markup
	inl  []inode // parsed replace text
}

func newParser(opt Options) *parser {
	return &parser{
		opt:     opt,
		targets: map[string]*target{},
		substs:  map[string]*subst{},

		substFold: map[string]*subst{},
		roles:     map[string]string{},
		ids:       map[string]bool{},
		idNext:    map[string]int{},

		noteByName: map[string]*node{},
	}
}

// parseDocument parses the whole document and folds its titles into nested
// sections, checking that title levels are consistent.
func (p *parser) parseDocument(ls []line) (*node, error) {
	flat, err := p.body(ls, 0, true)
	if err != nil {
		return nil, err
	}
	if err := checkTransitions(flat); err != nil {
		return nil, err
	}
	doc := &node{kind: kDocument}
	stack := []*node{doc}
	for _, n := range flat {
		if n.kind != kSection {
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			continue
		}
		// n.level was set by title() and checked against the stack there.
		stack = stack[:n.level]
		parent := stack[len(stack)-1]
		parent.children = append(parent.children, n)
		stack = append(stack, n)
	}
	return doc, nil
}

// checkTransitions applies docutils' rules for transitions at the top
// level, where flat holds sections as their titles: not first in the
// document or a section, not next to each other, not last.
//
// A section whose title repeats an earlier one starts, in docutils, with an
// (invisible) message about the duplicate name, so a transition may follow
// its title.
func checkTransitions(flat []*node) error {
	titles := map[string]bool{}
	dupTitle := map[*node]bool{}
	for _, n := range flat {
		if n.kind == kSection {
			name := normName(n.title.text)
			dupTitle[n] = titles[name]
			titles[name] = true
		}
	}
	for k, n := range flat {
		if n.kind != kTransition {
			continue
		}
		switch {
		case k == 0 || (flat[k-1].kind == kSection && !dupTitle[flat[k-1]]):
			return errorf(n.line, "Document or section may not begin with a transition.")
		case flat[k-1].kind == kTransition:
			return errorf(n.line, "At least one body element must separate transitions; adjacent transitions are not allowed.")
		case k == len(flat)-1:
			return errorf(n.line, "Document may not end with a transition.")
		}
	}
	return nil
}

// body parses ls, a run of lines dedented to column 0, into block nodes.
// depth is the nesting level; top says whether section titles are allowed.
func (p *parser) body(ls []line, depth int, top bool) ([]*node, error) {
	if depth > p.opt.MaxDepth {
		n := 0
		if len(ls) > 0 {
			n = ls[0].n
		}
		return nil, errorf(n, "nesting too deep")
	}
	var out []*node
	st := &state{p: p, depth: depth, top: top}
	for i := 0; i < len(ls); {
		if ls[i].s == "" {
			i++
			continue
		}
		nodes, next, err := st.block(ls, i)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			if n.kind != kTargetAnchor {
				p.pending = p.pending[:0]
			}
		}
		out = append(out, nodes...)
		i = next
	}
	return out, nil
}

// state is the per-body parsing context.
type state struct {
	p     *parser
	depth int
	top   bool
	level int // current section level (top bodies only)
}

// block parses the construct that starts at ls[i], a non-blank line, and
// returns its nodes (often one, none for comments) and the next index.
func (st *state) block(ls []line, i int) ([]*node, int, error) {
	s := ls[i].s
	if indentOf(s) > 0 {
		return st.blockQuote(ls, i)
	}
	switch {
	case isBullet(s):
		return one(st.bulletList(ls, i))
	case enumAt(s) != nil:
		if n, next, err, ok := st.enumList(ls, i); ok {
			return []*node{n}, next, err
		}
	case s[0] == ':' && fieldMarker(s) > 0:
		return one(st.fieldList(ls, i))
	case (s[0] == '-' || s[0] == '/') && optionMarker(s) > 0:
		return one(st.optionList(ls, i))
	case s == ">>>" || strings.HasPrefix(s, ">>> "):
		return one(st.doctest(ls, i))
	case s == "|" || strings.HasPrefix(s, "| "):
		return one(st.lineBlock(ls, i))
	case strings.HasPrefix(s, "+-") && isGridBorder(s):
		return one(st.gridTable(ls, i))
	case s[0] == '=' && isSimpleBorder(s):
		return one(st.simpleTable(ls, i))
	case s == ".." || strings.HasPrefix(s, ".. "):
		return st.explicit(ls, i)
	case s == "__" || strings.HasPrefix(s, "__ "):
		return st.anonymousShorthand(ls, i)
	case isAdornment(s):
		if n, next, err, ok := st.line(ls, i); ok {
			return n, next, err
		}
	}
	return st.text(ls, i)
}

// one adapts a single-node parse result to block's return shape.
func one(n *node, next int, err error) ([]*node, int, error) {
	if n == nil {
		return nil, next, err
	}
	return []*node{n}, next, err
}

// isAdornment reports whether s is a run of one punctuation character.
func isAdornment(s string) bool {
	if s == "" || !isPunct(s[0]) {
		return false
	}
	for k := 1; k < len(s); k++ {
		if s[k] != s[0] {
			return false
		}
	}
	return true
}

// isPunct reports whether c is one of the 7-bit punctuation characters that
// may adorn titles.
func isPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// width is the display width of a title in columns: runes, with East Asian
// wide characters counted twice, as docutils measures underlines.
func width(s string) int {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1faff) || (r >= 0x20000 && r <= 0x3fffd)) {
			w++
		}
	}
	return w
}

// line handles a line of adornment at ls[i]: an overlined title, a
// transition, or (ok=false) ordinary text. As in docutils, an overline of
// fewer than four characters that does not make a proper title is text.
func (st *state) line(ls []line, i int) ([]*node, int, error, bool) {
	over := ls[i].s
	short := len(over) < 4
	if i+1 >= len(ls) || ls[i+1].s == "" {
		if short {
			return nil, 0, nil, false
		}
		if !st.top {
			return nil, 0, errorf(ls[i].n, "Unexpected section title or transition."), true
		}
		return []*node{{kind: kTransition, line: ls[i].n}}, i + 1, nil, true
	}
	var msg string
	title := strings.TrimSpace(ls[i+1].s)
	switch {
	case i+2 >= len(ls):
		msg = "Incomplete section title."
	case !isAdornment(ls[i+2].s):
		msg = "Missing matching underline for section title overline."
	case ls[i+2].s != over:
		msg = "Title overline & underline mismatch."
	case width(ls[i+1].s) > len(over): // an inset title's indentation counts
		msg = "Title overline too short."
	}
	if msg != "" {
		if short {
			return nil, 0, nil, false
		}
		return nil, 0, errorf(ls[i].n, "%s", msg), true
	}
	n, err := st.title(ls[i+1].n, title, titleStyle{char: over[0], overline: true})
	if err != nil {
		return nil, 0, err, true
	}
	return []*node{n}, i + 3, nil, true
}

// title makes a section node for a title with the given style, checking its
// level against the styles seen so far.
func (st *state) title(n int, text string, style titleStyle) (*node, error) {
	if !st.top {
		return nil, errorf(n, "Unexpected section title.")
	}
	p := st.p
	level := 0
	for k, s := range p.styles {
		if s == style {
			level = k + 1
		}
	}
	if level == 0 {
		p.styles = append(p.styles, style)
		level = len(p.styles)
	}
	if level > st.level+1 {
		return nil, errorf(n, "Title level inconsistent.")
	}
	st.level = level
	return &node{kind: kSection, line: n, level: level, title: &node{kind: kParagraph, line: n, text: text}}, nil
}

// text handles a line of text: a title with an underline, a definition list
// or a paragraph (and the literal block a paragraph may announce).
func (st *state) text(ls []line, i int) ([]*node, int, error) {
	if i+1 < len(ls) && isAdornment(ls[i+1].s) {
		title, under := ls[i].s, ls[i+1].s
		if width(title) <= len(under) || len(under) >= 4 {
			if width(title) > len(under) {
				return nil, 0, errorf(ls[i+1].n, "Title underline too short.")
			}
			n, err := st.title(ls[i].n, title, titleStyle{char: under[0]})
			return []*node{n}, i + 2, err
		}
	}
	if i+1 < len(ls) && ls[i+1].s != "" && indentOf(ls[i+1].s) > 0 {
		return one(st.defList(ls, i))
	}
	j := i + 1
	for j < len(ls) && ls[j].s != "" {
		if indentOf(ls[j].s) > 0 {
			return nil, 0, errorf(ls[j].n, "Unexpected indentation.")
		}
		j++
	}
	return st.paragraph(ls[i:j], ls, j)
}

// paragraph makes a paragraph of para and, when it ends with "::", parses
// the literal block that follows from ls[next].
func (st *state) paragraph(para []line, ls []line, next int) ([]*node, int, error) {
	text := joinLines(para)
	if !strings.HasSuffix(text, "::") || strings.HasSuffix(text, "\\::") {
		return []*node{{kind: kParagraph, line: para[0].n, text: text}}, next, nil
	}
	var out []*node
	switch trimmed := strings.TrimRight(text[:len(text)-2], " \n"); {
	case trimmed == "":
	case trimmed != text[:len(text)-2]:
		out = append(out, &node{kind: kParagraph, line: para[0].n, text: trimmed})
	default:
		out = append(out, &node{kind: kParagraph, line: para[0].n, text: text[:len(text)-1]})
	}
	lit, after, err := literalBlock(ls, next, para[len(para)-1].n)
	if err != nil {
		return nil, 0, err
	}
	return append(out, lit), after, nil
}

// literalBlock parses the literal block expected at ls[i] (after blank
// lines): indented, or quoted with a punctuation character in column 0.
func literalBlock(ls []line, i, after int) (*node, int, error) {
	for i < len(ls) && ls[i].s == "" {
		i++
	}
	if i >= len(ls) {
		return nil, 0, errorf(after, "Literal block expected; none found.")
	}
	if indentOf(ls[i].s) > 0 {
		block, next, blank := indentedBlock(ls, i)
		if !blank {
			return nil, 0, errorf(ls[next].n, "Literal block ends without a blank line; unexpected unindent.")
		}
		return &node{kind: kLiteral, line: ls[i].n, text: joinLines(block)}, next, nil
	}
	q := ls[i].s[0]
	if !isPunct(q) {
		return nil, 0, errorf(ls[i].n, "Literal block expected; none found.")
	}
	j := i
	for j < len(ls) && ls[j].s != "" && ls[j].s[0] == q {
		j++
	}
	if j < len(ls) && ls[j].s != "" {
		return nil, 0, errorf(ls[j].n, "Inconsistent literal block quoting.")
	}
	return &node{kind: kLiteral, line: ls[i].n, text: joinLines(ls[i:j])}, j, nil
}

// blockQuote parses an indented block as block quotes: as in docutils, a
// line that starts with an attribution marker ("--", "---" or an em dash)
// after a blank line ends a quote and begins its attribution, which runs
// to the next blank line; the lines after it make another quote.
func (st *state) blockQuote(ls []line, i int) ([]*node, int, error) {
	block, next, blank := indentedBlock(ls, i)
	if !blank {
		return nil, 0, errorf(ls[next].n, "Block quote ends without a blank line; unexpected unindent.")
	}
	var out []*node
	for len(block) > 0 {
		content, attr, rest := splitAttribution(block)
		children, err := st.p.body(content, st.depth+1, false)
		if err != nil {
			return nil, 0, err
		}
		q := &node{kind: kBlockQuote, line: block[0].n, children: children}
		if attr != nil {
			q.children = append(q.children, &node{kind: kAttribution, line: attr[0].n, text: joinLines(attr)})
		}
		out = append(out, q)
		block = rest
		for len(block) > 0 && block[0].s == "" {
			block = block[1:]
		}
	}
	return out, next, nil
}

// splitAttribution finds the first attribution in a block quote's lines
// and returns the lines before it, its text (marker removed) and the lines
// after it; attr is nil when there is none.
func splitAttribution(block []line) (content, attr, rest []line) {
	seen := false
	for k, l := range block {
		if l.s == "" {
			continue
		}
		if seen && block[k-1].s == "" {
			if text, ok := attribution(l.s); ok {
				if end, indent := attributionEnd(block, k); end > 0 {
					attr = append([]line{{s: text, n: l.n}}, block[k+1:end]...)
					for a := 1; a < len(attr); a++ {
						attr[a].s = attr[a].s[indent:]
					}
					return block[:k], attr, block[end:]
				}
			}
		}
		seen = true
	}
	return block, nil, nil
}

// attributionEnd returns the index after an attribution that starts at
// block[k] and the indentation of its continuation lines, which must all
// be the same; end is 0 when they are not.
func attributionEnd(block []line, k int) (end, indent int) {
	indent = -1
	j := k + 1
	for ; j < len(block) && block[j].s != ""; j++ {
		switch ind := indentOf(block[j].s); {
		case indent < 0:
			indent = ind
		case ind != indent:
			return 0, 0
		}
	}
	return j, max(indent, 0)
}

// attribution reports whether s starts with an attribution marker ("--",
// "---" or an em dash, then optional spaces and text) and returns the text.
func attribution(s string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(s, "---") && !strings.HasPrefix(s, "----"):
		rest = s[3:]
	case strings.HasPrefix(s, "--") && !strings.HasPrefix(s, "---"):
		rest = s[2:]
	case strings.HasPrefix(s, "\u2014"):
		rest = s[len("\u2014"):]
	default:
		return "", false
	}
	rest = strings.TrimLeft(rest, " ")
	return rest, rest != ""
}

// defList parses a definition list starting at ls[i]: terms (with optional
// " : classifier" parts) each followed by an indented definition.
func (st *state) defList(ls []line, i int) (*node, int, error) {
	list := &node{kind: kDefList, line: ls[i].n}
	for {
		term, classifiers := splitClassifiers(ls[i].s)
		item := &node{kind: kDefItem, line: ls[i].n, title: &node{kind: kParagraph, line: ls[i].n, text: term}}
		for _, c := range classifiers {
			item.extra = append(item.extra, &node{kind: kParagraph, line: ls[i].n, text: c})
		}
		block, next, blank := indentedBlock(ls, i+1)
		children, err := st.p.body(block, st.depth+1, false)
		if err != nil {
			return nil, 0, err
		}
		item.children = children
		list.children = append(list.children, item)
		j := next
		for j < len(ls) && ls[j].s == "" {
			j++
		}
		if j+1 < len(ls) && isDefTerm(ls, j) {
			i = j
			continue
		}
		if !blank {
			return nil, 0, errorf(ls[next].n, "Definition list ends without a blank line; unexpected unindent.")
		}
		return list, next, nil
	}
}

// isDefTerm reports whether ls[j] is text followed by an indented line, the
// start of a definition list item.
func isDefTerm(ls []line, j int) bool {
	s := ls[j].s
	if s == "" || indentOf(s) > 0 || j+1 >= len(ls) || ls[j+1].s == "" || indentOf(ls[j+1].s) == 0 {
		return false
	}
	return !isBullet(s) && enumAt(s) == nil && !(s[0] == ':' && fieldMarker(s) > 0) && !isAdornment(s) &&
		!isGridBorder(s) && !isSimpleBorder(s) &&
		!strings.HasPrefix(s, "..") && !strings.HasPrefix(s, ">>>") && !strings.HasPrefix(s, "| ") &&
		!((s[0] == '-' || s[0] == '/') && optionMarker(s) > 0)
}

// splitClassifiers splits "term : classifier : classifier" at " : ".
func splitClassifiers(s string) (string, []string) {
	parts := strings.Split(s, " : ")
	for k := range parts {
		parts[k] = strings.TrimSpace(parts[k])
	}
	return parts[0], parts[1:]
}

// firstRune returns the first rune of s, or utf8.RuneError.
func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
