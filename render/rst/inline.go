package rst

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ikind says what an inline node is.
type ikind uint8

const (
	iText ikind = iota
	iEm
	iStrong
	iLiteral
	iSub
	iSup
	iCite
	iAbbr
	iSpan     // a custom role without a base: plain text
	iRef      // hyperlink reference
	iTarget   // inline internal target
	iSubst    // substitution reference
	iFootRef  // footnote reference; text is the label as written
	iCiteRef  // citation reference
	iStandard // standalone URL or email address (uri set)
)

// inode is a piece of inline content. It is kept small because a long
// paragraph can hold very many; what references, targets, substitutions and
// abbreviations need beyond text is in ref, which is nil for other kinds.
type inode struct {
	kind ikind
	anon bool // an anonymous reference ("__")
	line int
	text string // plain text: escapes already removed
	ref  *iref
}

// iref holds the details of a reference-like inline node. A reference has
// one of uri, refname or (in inode) anon; a substitution reference links
// when it has refname or anon.
type iref struct {
	uri     string
	refname string
	class   string // reference class: reference, pep-reference, rfc-reference
	title   string // abbr expansion
	id      string // inline target's id, filled in by resolve
	target  bool   // a named reference with an embedded URL, which is also a target
}

// inliner parses one run of inline markup, after docutils' Inliner: it
// finds the earliest start-string that obeys the recognition rules, then
// the first matching end-string, and refuses a start-string without one.
// Scans of word-like runs remember where the run ended, so that no part of
// the text is scanned more than a constant number of times.
type inliner struct {
	p    *parser
	s    string
	esc  []bool // esc[k]: s[k] follows an unescaped backslash
	line int
	role string // default role
	out  []inode
	buf  strings.Builder

	schemeEnd, emailEnd, nameEnd int // ends of runs known not to match
	atK, atLine                  int // lineAt's last offset and its line
}

// match is what a construct found: the end of the text it consumed (0
// when nothing matched) and its nodes.
type match struct {
	end   int
	nodes []inode
	skip  int // when nothing matched: the scan may continue from here
}

// parseInline parses s (which starts on line n) as inline markup.
func (p *parser) parseInline(s string, n int, role string) ([]inode, error) {
	in := &inliner{p: p, s: s, line: n, role: role, esc: make([]bool, len(s)+1)}
	for k := 0; k < len(s); k++ {
		if s[k] == '\\' && !in.esc[k] {
			in.esc[k+1] = true
		}
	}
	from := 0
	for k := 0; k < len(s); {
		c := s[k]
		if in.esc[k] || !(isStartChar(c) || c >= utf8.RuneSelf || isAlnum(c)) || !in.startOK(k) {
			k++
			continue
		}
		m, err := in.construct(k)
		if err != nil {
			return nil, err
		}
		switch {
		case m.end > k:
			in.text(from, k)
			in.add(m.nodes...)
			from, k = m.end, m.end
		case m.skip > k:
			k = m.skip
		default:
			_, size := utf8.DecodeRuneInString(s[k:])
			k += size
		}
	}
	in.text(from, len(s))
	in.add()
	return in.out, nil
}

// isStartChar reports whether c can start inline markup.
func isStartChar(c byte) bool {
	return strings.IndexByte("*`_|[:", c) >= 0
}

// lineAt returns the source line of byte offset k. It counts on from the
// previous call, so that asking in order costs linear time in all.
func (in *inliner) lineAt(k int) int {
	if k < in.atK {
		in.atK, in.atLine = 0, 0
	}
	in.atLine += strings.Count(in.s[in.atK:k], "\n")
	in.atK = k
	return in.line + in.atLine
}

// text emits s[a:b], text between markup, linking the standalone URLs and
// email addresses in it. As in docutils, these are looked for only after
// markup and references have been found, so "http://x/a_b_" holds the
// reference "a_b", and a fragment may start one wherever it begins.
func (in *inliner) text(a, b int) {
	from := a
	for k := a; k < b; k++ {
		if in.esc[k] || !isAlnum(in.s[k]) || (k > a && !in.startOK(k)) {
			continue
		}
		m := in.uri(k, b)
		if m.end == 0 {
			m = in.email(k, b)
		}
		if m.end > 0 {
			in.buf.WriteString(in.unescape(from, k))
			in.add(m.nodes...)
			from, k = m.end, m.end-1
		}
	}
	in.buf.WriteString(in.unescape(from, b))
}

// add emits the pending text and then nodes.
func (in *inliner) add(nodes ...inode) {
	if in.buf.Len() > 0 {
		in.out = append(in.out, inode{kind: iText, text: in.buf.String()})
		in.buf.Reset()
	}
	in.out = append(in.out, nodes...)
}

// unescape returns s[a:b] with backslash escapes resolved: an escaping
// backslash disappears, and so does an escaped space or line end.
func (in *inliner) unescape(a, b int) string {
	if !strings.Contains(in.s[a:b], "\\") {
		return in.s[a:b]
	}
	var sb strings.Builder
	for k := a; k < b; k++ {
		c := in.s[k]
		switch {
		case c == '\\' && !in.esc[k]:
		case in.esc[k] && (c == ' ' || c == '\n'):
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// construct tries to match markup whose start-string is at s[k].
func (in *inliner) construct(k int) (match, error) {
	s := in.s
	switch {
	case strings.HasPrefix(s[k:], "**"):
		return in.delimited(k, 2, iStrong, "strong", in.simpleEnd("**", true))
	case s[k] == '*':
		return in.delimited(k, 1, iEm, "emphasis", in.simpleEnd("*", true))
	case strings.HasPrefix(s[k:], "``"):
		return in.delimited(k, 2, iLiteral, "literal", in.simpleEnd("``", false))
	case strings.HasPrefix(s[k:], "_`"):
		return in.delimited(k, 2, iTarget, "target", in.simpleEnd("`", true))
	case s[k] == '|' && !strings.HasPrefix(s[k:], "||"):
		return in.substitution(k)
	case s[k] == '`':
		return in.interpreted(k, k, "")
	case s[k] == ':':
		return in.rolePrefix(k)
	case s[k] == '[':
		return in.footnoteRef(k), nil
	}
	return in.word(k), nil
}

// startOK applies the start-string rule: markup starts at the beginning of
// the text or after whitespace or an opening or delimiting punctuation.
func (in *inliner) startOK(k int) bool {
	if k == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(in.s[:k])
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\n' || strings.ContainsRune("-:/'\"<([{", r)
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Ps, unicode.Pi, unicode.Pf, unicode.Pd, unicode.Po)
}

// endOK applies the end-string rule to the text after an end-string at k:
// the end of the text, whitespace, or closing or delimiting punctuation.
func (in *inliner) endOK(k int) bool {
	if k >= len(in.s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(in.s[k:])
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\n' || strings.ContainsRune("\\.,;!?-/:\"')>]}", r)
	}
	return unicode.IsSpace(r) || unicode.In(r, unicode.Pe, unicode.Pi, unicode.Pf, unicode.Pd, unicode.Po)
}

// closerOf returns the closing character that matches an opening one.
func closerOf(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	case '{':
		return '}'
	case '<':
		return '>'
	case '"', '\'':
		return c
	}
	return 0
}

// startFollows applies the rest of the start-string rule to a start-string
// at k of length n: it must be followed by non-whitespace, and not be
// quoted (an opening bracket or quote before it, the closer after). As in
// docutils, one at the very end of the text is markup only when it is also
// at the very start ("**" alone is unfinished markup; "a **" is text).
func (in *inliner) startFollows(k, n int) bool {
	if k+n >= len(in.s) {
		return k == 0
	}
	next := in.s[k+n]
	if next == ' ' || next == '\n' {
		return false
	}
	return k == 0 || closerOf(in.s[k-1]) == 0 || closerOf(in.s[k-1]) != next
}

// simpleEnd returns a finder for the end-string e of a construct whose
// content starts at from: the first e preceded by non-whitespace (and,
// when escapable, not escaped) and followed by an acceptable character. As
// docutils searches for it after the start-string, an end-string right at
// from counts as the first one, and the markup then has no end.
func (in *inliner) simpleEnd(e string, escapable bool) func(from int) (int, int) {
	return func(from int) (int, int) {
		s := in.s
		for k := from; k < len(s); {
			j := strings.Index(s[k:], e)
			if j < 0 {
				return -1, 0
			}
			k += j
			if (k == from || (s[k-1] != ' ' && s[k-1] != '\n')) && !(escapable && in.esc[k]) && in.endOK(k+len(e)) {
				if k == from {
					return -1, 0 // docutils takes this empty match and gives up
				}
				return k, k + len(e)
			}
			k++
		}
		return -1, 0
	}
}

// delimited matches markup with a start-string of length n at k and an end
// found by find, producing a node of the given kind holding the content.
func (in *inliner) delimited(k, n int, kind ikind, what string, find func(int) (int, int)) (match, error) {
	if !in.startFollows(k, n) {
		return match{}, nil
	}
	cs, end := find(k + n)
	if cs < 0 {
		return match{}, errorf(in.lineAt(k), "Inline %s start-string without end-string.", what)
	}
	text := in.s[k+n : cs]
	if kind != iLiteral {
		text = in.unescape(k+n, cs)
	}
	nd := inode{kind: kind, text: text, line: in.lineAt(k)}
	if kind == iTarget {
		nd.ref = &iref{refname: normName(text)}
		if err := in.p.addTarget(&target{name: nd.ref.refname, line: nd.line}); err != nil {
			return match{}, err
		}
	}
	return match{end: end, nodes: []inode{nd}}, nil
}

// refEnd parses an optional "_" or "__" reference suffix at k and returns
// the index after it and whether it was anonymous, or k when none.
func (in *inliner) refEnd(k int) (int, bool, bool) {
	s := in.s
	if strings.HasPrefix(s[k:], "__") {
		return k + 2, true, true
	}
	if strings.HasPrefix(s[k:], "_") {
		return k + 1, false, true
	}
	return k, false, false
}

// substitution matches "|name|", "|name|_" and "|name|__".
func (in *inliner) substitution(k int) (match, error) {
	if !in.startFollows(k, 1) {
		return match{}, nil
	}
	s := in.s
	for j := k + 1; j < len(s); j++ {
		if s[j] != '|' || (j > k+1 && (s[j-1] == ' ' || s[j-1] == '\n')) || in.esc[j] {
			continue
		}
		after, anon, isRef := in.refEnd(j + 1)
		if !in.endOK(after) {
			if !isRef || !in.endOK(j+1) {
				continue
			}
			after, anon, isRef = j+1, false, false
		}
		if j == k+1 {
			break // an empty reference: docutils gives up at the first end-string
		}
		nd := inode{kind: iSubst, text: normSpace(in.unescape(k+1, j)), line: in.lineAt(k), anon: anon, ref: &iref{class: "reference"}}
		if isRef && !anon {
			nd.ref.refname = normName(nd.text)
		}
		return match{end: after, nodes: []inode{nd}}, nil
	}
	return match{}, errorf(in.lineAt(k), "Inline substitution_reference start-string without end-string.")
}

// rolePrefix matches ":role:`text`".
func (in *inliner) rolePrefix(k int) (match, error) {
	s := in.s
	j := k + 1
	for j < len(s) && (isWordByte(s, j) || (strings.IndexByte("-._+:", s[j]) >= 0 && j+1 < len(s) && isWordByte(s, j+1) && isWordByte(s, j-1))) {
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
	}
	if j == k+1 || j+1 >= len(s) || s[j] != ':' || s[j+1] != '`' || strings.HasPrefix(s[j+1:], "``") {
		return match{}, nil
	}
	return in.interpreted(k, j+1, strings.ToLower(s[k+1:j]))
}

// isWordByte reports whether the rune at s[j] is a word character other
// than "_".
func isWordByte(s string, j int) bool {
	if j < 0 || j >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	return r != '_' && isWordRune(r)
}

// isWordRune reports whether r is a letter, digit or "_" (Python's \w).
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// suffixEnd is a possible end of interpreted text: where its suffix ends
// and the role the suffix names.
type suffixEnd struct {
	at   int
	role string
}

// interpretedEnd finds the closing backquote of interpreted text whose
// content starts at from, with its optional role or reference suffix.
func (in *inliner) interpretedEnd(from int) (cs, end int, role string, ref, anon bool) {
	s := in.s
	for j := from; j < len(s); j++ {
		if s[j] != '`' || (j > from && (s[j-1] == ' ' || s[j-1] == '\n')) || in.esc[j] {
			continue
		}
		after := j + 1
		suffixRole := ""
		if after < len(s) && s[after] == ':' {
			rest := s[after+1 : min(len(s), after+1+64)]
			if e := strings.IndexByte(rest, ':'); e > 0 && isRefName(rest[:e]) {
				suffixRole = strings.ToLower(rest[:e])
			}
		}
		// The end may carry a role suffix, then a reference suffix; the
		// longest reading that ends acceptably wins, as in docutils' regexp.
		ends := []suffixEnd{{after, ""}}
		if suffixRole != "" {
			ends = []suffixEnd{{after + len(suffixRole) + 2, suffixRole}, {after, ""}}
		}
		for _, c := range ends {
			if e, an, isRef := in.refEnd(c.at); isRef && in.endOK(e) {
				return j, e, c.role, true, an
			}
			if in.endOK(c.at) {
				return j, c.at, c.role, false, false
			}
		}
	}
	return -1, 0, "", false, false
}

// interpreted matches interpreted text or a phrase reference whose
// backquote is at start (k is where a role prefix began, or start).
//
// With a role prefix, docutils does not test whether the start-string is
// quoted or at the end of the text: it only needs no whitespace after it.
func (in *inliner) interpreted(k, start int, role string) (match, error) {
	s := in.s
	switch {
	case strings.HasPrefix(s[start:], "``"):
		return match{}, nil
	case role != "":
		if start+1 < len(s) && (s[start+1] == ' ' || s[start+1] == '\n') {
			return match{}, nil
		}
	case !in.startFollows(start, 1):
		return match{}, nil
	}
	cs, end, suffix, ref, anon := in.interpretedEnd(start + 1)
	line := in.lineAt(k)
	switch {
	case cs <= start+1: // none, or an empty one docutils gives up at
		return match{}, errorf(line, "Inline interpreted text or phrase reference start-string without end-string.")
	case role != "" && suffix != "":
		return match{}, errorf(line, "Multiple roles in interpreted text (both prefix and suffix present; only one allowed).")
	case ref && (role != "" || suffix != ""):
		return match{}, errorf(line, "Mismatch: both interpreted text role and reference suffix.")
	case ref:
		nd, err := in.phraseRef(start+1, cs, anon, line)
		return match{end: end, nodes: []inode{nd}}, err
	}
	if role == "" {
		role = suffix
	}
	if role == "" {
		role = in.role
	}
	nd, err := in.p.roleNode(role, in.unescape(start+1, cs), line)
	return match{end: end, nodes: []inode{nd}}, err
}

// phraseRef builds the reference "`text`_", "`text <url>`_" or
// "`text <name_>`_" from the content s[a:b].
func (in *inliner) phraseRef(a, b int, anon bool, line int) (inode, error) {
	s := in.s
	nd := inode{kind: iRef, anon: anon, line: line, ref: &iref{class: "reference"}}
	lt := strings.LastIndexByte(s[a:b], '<')
	if lt >= 0 && s[b-1] == '>' && !in.esc[a+lt] && (lt == 0 || s[a+lt-1] == ' ' || s[a+lt-1] == '\n') && b-1 > a+lt+1 {
		nd.text = strings.TrimSpace(in.unescape(a, a+lt))
		inner := a + lt + 1
		raw := strings.Join(strings.Fields(s[inner:b-1]), "")
		t := &target{line: line}
		if strings.HasSuffix(raw, "_") && !strings.HasSuffix(raw, "\\_") {
			name := strings.TrimSuffix(raw, "_")
			if strings.HasPrefix(name, "`") && strings.HasSuffix(name, "`") && len(name) >= 2 {
				name = name[1 : len(name)-1]
			}
			t.refname = normName(unescape(name))
			if nd.text == "" {
				nd.text = unescape(name)
			}
		} else {
			t.uri = unescape(raw)
			if nd.text == "" {
				nd.text = t.uri
			}
		}
		nd.ref.uri, nd.ref.refname, nd.anon = t.uri, t.refname, false
		if !anon && nd.text != "" {
			nd.ref.target = true
			t.name = normName(nd.text)
			if err := in.p.addTarget(t); err != nil {
				return nd, err
			}
		}
		return nd, nil
	}
	nd.text = in.unescape(a, b)
	if !anon {
		nd.ref.refname = normName(nd.text)
	}
	return nd, nil
}

// footnoteRef matches "[1]_", "[#]_", "[#label]_", "[*]_" and "[CIT]_".
func (in *inliner) footnoteRef(k int) match {
	s := in.s
	j := k + 1
	for j < len(s) && j-k < 100 && s[j] != ']' && s[j] != ' ' && s[j] != '\n' && s[j] != '[' {
		j++
	}
	if j+1 >= len(s) || s[j] != ']' || s[j+1] != '_' || !in.endOK(j+2) {
		return match{} // the label may hold markup: scan on from k+1
	}
	label := s[k+1 : j]
	nd := inode{kind: iFootRef, text: label, line: in.lineAt(k), ref: &iref{}}
	switch {
	case label == "#" || label == "*" || isDigits(label):
	case label != "" && label[0] == '#' && isRefName(label[1:]):
		nd.ref.refname = normName(label[1:])
	case isRefName(label):
		nd.kind, nd.ref.refname = iCiteRef, normName(label)
	default:
		return match{}
	}
	return match{end: j + 2, nodes: []inode{nd}}
}

// word matches a simple reference name followed by "_" or "__" at k, or
// says how far the scan may skip.
func (in *inliner) word(k int) match {
	if m := in.simpleRef(k); m.end > 0 {
		return m
	}
	j := k
	for j < len(in.s) && isWordByte(in.s, j) {
		_, size := utf8.DecodeRuneInString(in.s[j:])
		j += size
	}
	return match{skip: j}
}
