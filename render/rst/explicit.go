package rst

import (
	"slices"
	"strings"
)

// explicit parses an explicit markup block (".. " at ls[i]): a footnote,
// citation, hyperlink target, substitution definition, directive or
// comment.
func (st *state) explicit(ls []line, i int) ([]*node, int, error) {
	s := ls[i].s
	rest := strings.TrimLeft(strings.TrimPrefix(s, ".."), " ")
	end := len(s) - len(rest)
	var nodes []*node
	var next int
	var err error
	comment := false
	switch {
	case strings.HasPrefix(rest, "["):
		if k := footnoteLabelEnd(rest); k > 0 {
			nodes, next, err = st.footnote(ls, i, rest[1:k-1], end+markerEnd(rest, k))
			break
		}
		nodes, next, err = st.comment(ls, i)
		comment = true
	case strings.HasPrefix(rest, "_"):
		if k := targetNameEnd(rest); k > 0 {
			nodes, next, err = st.explicitTarget(ls, i, rest[1:k-1], end+markerEnd(rest, k))
			break
		}
		nodes, next, err = st.comment(ls, i)
		comment = true
	case strings.HasPrefix(rest, "|"):
		if k, name := substDefName(rest); k > 0 {
			next, err = st.substitution(ls, i, name, end+k)
			break
		}
		nodes, next, err = st.comment(ls, i)
		comment = true
	default:
		if name, k := directiveName(rest); k > 0 {
			nodes, next, err = st.directive(ls, i, name, end+markerEnd(rest, k))
			break
		}
		nodes, next, err = st.comment(ls, i)
		comment = true
	}
	if err != nil {
		return nil, 0, err
	}
	if next < len(ls) && ls[next-1].s != "" && ls[next].s != "" && !isExplicitStart(ls[next].s) {
		return nil, 0, errorf(ls[next].n, "Explicit markup ends without a blank line; unexpected unindent.")
	}
	if comment {
		return nil, next, nil // docutils strips comments before checking transitions
	}
	return st.hidden(nodes, ls[i].n), next, nil
}

// hidden stands in for explicit markup that shows nothing, at the top
// level, where docutils' rules for transitions count it as an element.
func (st *state) hidden(nodes []*node, n int) []*node {
	if len(nodes) == 0 && st.top {
		return []*node{{kind: kHidden, line: n}}
	}
	return nodes
}

// isExplicitStart reports whether s starts explicit markup, which may
// follow other explicit markup without a blank line.
func isExplicitStart(s string) bool {
	return s == ".." || strings.HasPrefix(s, ".. ") || s == "__" || strings.HasPrefix(s, "__ ")
}

// comment drops the explicit markup block at ls[i].
// An empty comment ("..") followed by a blank line ends the construct
// before it and leaves the indented text after it alone.
func (st *state) comment(ls []line, i int) ([]*node, int, error) {
	if ls[i].s == ".." && (i+1 == len(ls) || ls[i+1].s == "") {
		return nil, i + 1, nil
	}
	_, next, _ := firstKnownIndented(ls, i, "")
	return nil, next, nil
}

// footnoteLabelEnd returns the index after "[label]" at the start of s when
// it is followed by a space or the end, else 0.
func footnoteLabelEnd(s string) int {
	k := strings.IndexByte(s, ']')
	if k < 2 || (k+1 < len(s) && s[k+1] != ' ') {
		return 0
	}
	label := s[1:k]
	if label == "*" || label == "#" || isDigits(label) || (label[0] == '#' && isRefName(label[1:])) || isRefName(label) {
		return k + 1
	}
	return 0
}

// isRefName reports whether s is a simple reference name: alphanumerics
// with isolated internal hyphens, underscores, periods, colons and plus
// signs.
func isRefName(s string) bool {
	if s == "" {
		return false
	}
	prevSep := true
	for k := 0; k < len(s); {
		r, size := decodeRune(s[k:])
		sep := strings.IndexByte("-_.:+", s[k]) >= 0
		if sep && prevSep || !sep && !isWordRune(r) {
			return false
		}
		prevSep = sep
		k += size
	}
	return !prevSep
}

// footnote parses a footnote or citation definition.
func (st *state) footnote(ls []line, i int, label string, end int) ([]*node, int, error) {
	block, next, _ := firstKnownIndented(ls, i, ls[i].s[end:])
	children, err := st.p.body(block, st.depth+1, false)
	if err != nil {
		return nil, 0, err
	}
	n := &node{kind: kFootnote, line: ls[i].n, children: children, label: label}
	switch {
	case label == "#" || label == "*":
	case label[0] == '#':
		n.refname = normName(label[1:])
	case isDigits(label):
		n.refname = label
	default:
		n.kind, n.refname = kCitation, normName(label)
	}
	if n.kind == kCitation {
		st.p.cites = append(st.p.cites, n)
	} else {
		st.p.notes = append(st.p.notes, n)
	}
	return []*node{n}, next, nil
}

// targetNameEnd returns the index after the target name and its colon in
// s ("_name:" or "_`name`:"), or 0.
func targetNameEnd(s string) int {
	if strings.HasPrefix(s, "_`") {
		k := strings.Index(s[2:], "`:")
		if k < 0 {
			return 0
		}
		k += 4
		if k < len(s) && s[k] != ' ' {
			return 0
		}
		return k
	}
	if k := closingColon(s, 1); k > 1 {
		return k + 1
	}
	return 0
}

// explicitTarget parses ".. _name: URL", ".. _name: other_", ".. _name:"
// (an internal target for the next element) and ".. __: URL".
func (st *state) explicitTarget(ls []line, i int, name string, end int) ([]*node, int, error) {
	block, next, _ := untilBlank(ls, i, ls[i].s[end:])
	if strings.HasPrefix(name, "`") && strings.HasSuffix(name, "`") && len(name) >= 2 {
		name = name[1 : len(name)-1]
	}
	t := linkTarget(block, ls[i].n)
	if name == "_" {
		return nil, next, st.p.addAnonymous(t)
	}
	t.name = normName(unescape(name))
	if err := st.p.addTarget(t); err != nil {
		return nil, 0, err
	}
	if t.uri == "" && t.refname == "" {
		st.p.pending = append(st.p.pending, t)
		return []*node{{kind: kTargetAnchor, line: ls[i].n, refname: t.name}}, next, nil
	}
	for _, pt := range st.p.pending {
		pt.uri, pt.refname = t.uri, t.refname
	}
	st.p.pending = st.p.pending[:0]
	return nil, next, nil
}

// untilBlank is firstKnownIndented for hyperlink targets, whose link
// ends at the first blank line: indented text after it is a block quote.
func untilBlank(ls []line, i int, first string) ([]line, int, bool) {
	j := i + 1
	for j < len(ls) && ls[j].s != "" && indentOf(ls[j].s) > 0 {
		j++
	}
	block := append([]line{{s: first, n: ls[i].n}}, dedent(slices.Clone(ls[i+1:j]))...)
	return block, j, j == len(ls) || ls[j].s == ""
}

// linkTarget makes a target of a link block (whose lines are joined with
// their whitespace removed).
func linkTarget(block []line, n int) *target {
	var b strings.Builder
	for _, l := range block {
		b.WriteString(strings.TrimSpace(l.s))
	}
	t := &target{line: n}
	setTargetURI(t, b.String())
	return t
}

// addAnonymous records an anonymous target, which must have a URL.
func (p *parser) addAnonymous(t *target) error {
	if t.uri == "" && t.refname == "" {
		return errorf(t.line, "Anonymous hyperlink target without a URL.")
	}
	p.anon = append(p.anon, t)
	return nil
}

// setTargetURI interprets a target's link: a reference ending in an
// unescaped "_" makes the target indirect; anything else is a URL.
func setTargetURI(t *target, s string) {
	if strings.HasSuffix(s, "_") && !strings.HasSuffix(s, "\\_") {
		ref := strings.TrimSuffix(s, "_")
		if strings.HasPrefix(ref, "`") && strings.HasSuffix(ref, "`") && len(ref) >= 2 {
			t.refname = normName(unescape(ref[1 : len(ref)-1]))
			return
		}
		if isRefName(ref) {
			t.refname = normName(ref)
			return
		}
	}
	t.uri = unescape(s)
}

// anonymousShorthand parses "__ URL", the short form of ".. __: URL".
func (st *state) anonymousShorthand(ls []line, i int) ([]*node, int, error) {
	block, next, blank := untilBlank(ls, i, strings.TrimPrefix(ls[i].s, "__"))
	if err := st.p.addAnonymous(linkTarget(block, ls[i].n)); err != nil {
		return nil, 0, err
	}
	if !blank && !isExplicitStart(ls[next].s) {
		return nil, 0, errorf(ls[next].n, "Explicit markup ends without a blank line; unexpected unindent.")
	}
	return st.hidden(nil, ls[i].n), next, nil
}

// addTarget records an explicit target; two with the same name must agree.
func (p *parser) addTarget(t *target) error {
	old, ok := p.targets[t.name]
	if !ok || old.implicit {
		p.targets[t.name] = t
		return nil
	}
	if old.uri == t.uri && old.refname == t.refname && t.uri+t.refname != "" {
		return nil
	}
	return errorf(t.line, "Duplicate explicit target name: %q.", t.name)
}

// substDefName parses "|name| " at the start of s and returns the index
// after the closing bar and the name.
func substDefName(s string) (int, string) {
	for k := 1; k < len(s); k++ {
		switch s[k] {
		case '\\':
			k++
		case '|':
			name := s[1:k]
			if name == "" || name[0] == ' ' || name[len(name)-1] == ' ' || (k+1 < len(s) && s[k+1] != ' ') {
				return 0, ""
			}
			return k + 1, normSpace(unescape(name))
		}
	}
	return 0, ""
}

// directiveName parses "name::" (or "name ::") at the start of s.
func directiveName(s string) (string, int) {
	k := strings.Index(s, "::")
	if k <= 0 || (k+2 < len(s) && s[k+2] != ' ') {
		return "", 0
	}
	name := strings.TrimSuffix(s[:k], " ") // docutils allows one space before "::"
	if !isRefName(name) {
		return "", 0
	}
	return strings.ToLower(name), k + 2
}

// substitution parses a substitution definition: "|name| image:: URL",
// "|name| replace:: text" or "|name| unicode:: codes".
func (st *state) substitution(ls []line, i int, name string, end int) (int, error) {
	s := ls[i].s[end:]
	rest := strings.TrimLeft(s, " ")
	dname, k := directiveName(rest)
	_, next, _ := firstKnownIndented(ls, i, "")
	if k == 0 {
		return 0, errorf(ls[i].n, "Substitution definition %q empty or invalid.", name)
	}
	if _, ok := st.p.substs[name]; ok {
		return 0, errorf(ls[i].n, "Duplicate substitution definition name: %q.", name)
	}
	sub := &subst{name: name, line: ls[i].n}
	d, err := st.parseDirective(ls, i, dname, end+len(s)-len(rest)+markerEnd(rest, k))
	if err != nil {
		return 0, err
	}
	switch dname {
	case "image":
		sub.img, err = d.image()
	case "replace":
		// The replacement text is parsed as body content that must be one
		// paragraph.
		if len(d.content) == 0 {
			return 0, errorf(d.line, "Content block expected for the \"replace\" directive; none found.")
		}
		nodes, err := st.p.body(d.content, st.depth+1, false)
		if err != nil {
			return 0, err
		}
		if len(nodes) != 1 || nodes[0].kind != kParagraph {
			return 0, d.errorf("may contain a single paragraph only.")
		}
		sub.text = nodes[0].text
	case "unicode":
		sub.text, err = unicodeText(ls[i].n, strings.TrimSpace(d.args+" "+joinLines(d.content)))
		sub.raw = true
	case "raw", "include":
		return 0, errorf(ls[i].n, "%q directive disabled.", dname)
	default:
		return 0, errorf(ls[i].n, "Substitution definition %q: directive %q not allowed here.", name, dname)
	}
	if err != nil {
		return 0, err
	}
	st.p.substs[name] = sub
	return next, nil
}
