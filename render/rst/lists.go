package rst

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// isBullet reports whether s starts with a bullet list marker.
func isBullet(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	if !strings.ContainsRune("*+-\u2022\u2023\u2043", r) {
		return false
	}
	return len(s) == size || s[size] == ' '
}

// markerEnd returns the index after a marker of length k and its spaces.
func markerEnd(s string, k int) int {
	for k < len(s) && s[k] == ' ' {
		k++
	}
	return k
}

// item parses the body of a list item or field whose text starts after
// the marker at s[end:] on ls[i]. The body of a list item with text on its
// first line is indented like that text; other bodies are indented by the
// least indentation of their following lines.
func (st *state) item(ls []line, i, end int, k kind) (*node, int, bool, error) {
	var block []line
	var next int
	var blank bool
	if k == kListItem && end < len(ls[i].s) {
		block, next, blank = knownIndented(ls, i, end)
	} else {
		block, next, blank = firstKnownIndented(ls, i, ls[i].s[end:])
	}
	children, err := st.p.body(block, st.depth+1, false)
	if err != nil {
		return nil, 0, false, err
	}
	return &node{kind: k, line: ls[i].n, children: children}, next, blank, nil
}

// skipBlank returns the index of the first non-blank line at or after j.
func skipBlank(ls []line, j int) int {
	for j < len(ls) && ls[j].s == "" {
		j++
	}
	return j
}

// bulletList parses consecutive items that use the same bullet character.
func (st *state) bulletList(ls []line, i int) (*node, int, error) {
	bullet := firstRune(ls[i].s)
	list := &node{kind: kBulletList, line: ls[i].n}
	for {
		it, next, blank, err := st.item(ls, i, markerEnd(ls[i].s, utf8.RuneLen(bullet)), kListItem)
		if err != nil {
			return nil, 0, err
		}
		list.children = append(list.children, it)
		if j := skipBlank(ls, next); j < len(ls) && isBullet(ls[j].s) && firstRune(ls[j].s) == bullet {
			i = j
			continue
		}
		if !blank {
			return nil, 0, errorf(ls[next].n, "Bullet list ends without a blank line; unexpected unindent.")
		}
		return list, next, nil
	}
}

// enumerator is a parsed enumerated list marker.
type enumerator struct {
	format  string // "." for "1.", ")" for "1)", "()" for "(1)"
	seq     string // arabic, loweralpha, upperalpha, lowerroman, upperroman or "#"
	ordinal int
	end     int // index after the marker and its spaces
}

// enumAt parses the enumerated list marker at the start of s, or returns nil.
func enumAt(s string) *enumerator {
	e := &enumerator{}
	start := 0
	if strings.HasPrefix(s, "(") {
		start = 1
	}
	k := start
	for k < len(s) && k-start < 10 && (isAlnum(s[k]) || s[k] == '#') {
		k++
	}
	tok := s[start:k]
	if tok == "" || k >= len(s) {
		return nil
	}
	switch {
	case start == 1 && s[k] == ')':
		e.format = "()"
	case start == 0 && (s[k] == '.' || s[k] == ')'):
		e.format = s[k : k+1]
	default:
		return nil
	}
	k++
	if k < len(s) && s[k] != ' ' {
		return nil
	}
	e.end = markerEnd(s, k)
	if !e.parse(tok) {
		return nil
	}
	return e
}

// parse sets seq and ordinal from the enumerator token.
func (e *enumerator) parse(tok string) bool {
	switch {
	case tok == "#":
		e.seq = "#"
		return true
	case isDigits(tok):
		n, err := strconv.Atoi(tok)
		e.seq, e.ordinal = "arabic", n
		return err == nil
	case tok == "i" || tok == "I" || len(tok) > 1:
		n := fromRoman(strings.ToUpper(tok))
		if n == 0 || (strings.ToUpper(tok) != tok && strings.ToLower(tok) != tok) {
			return false
		}
		e.seq, e.ordinal = "upperroman", n
		if tok[0] >= 'a' {
			e.seq = "lowerroman"
		}
		return true
	case tok[0] >= 'a' && tok[0] <= 'z':
		e.seq, e.ordinal = "loweralpha", int(tok[0]-'a')+1
		return true
	case tok[0] >= 'A' && tok[0] <= 'Z':
		e.seq, e.ordinal = "upperalpha", int(tok[0]-'A')+1
		return true
	}
	return false
}

// format returns the marker text for ordinal n in sequence seq.
func formatEnum(seq, format string, n int) string {
	var tok string
	switch seq {
	case "#":
		tok = "#"
	case "arabic":
		tok = strconv.Itoa(n)
	case "loweralpha", "upperalpha":
		if n < 1 || n > 26 {
			return ""
		}
		tok = string(rune('a' + n - 1))
	case "lowerroman", "upperroman":
		tok = toRoman(n)
	}
	if strings.HasPrefix(seq, "upper") {
		tok = strings.ToUpper(tok)
	} else {
		tok = strings.ToLower(tok)
	}
	if format == "()" {
		return "(" + tok + ")"
	}
	return tok + format
}

// isEnumItem applies docutils' test for an enumerated list item at ls[i]:
// the next line is blank, indented, missing, or starts the next item.
func isEnumItem(ls []line, i int, e *enumerator) bool {
	if i+1 >= len(ls) || ls[i+1].s == "" || ls[i+1].s[0] == ' ' {
		return true
	}
	next := ls[i+1].s
	nextTok := formatEnum(e.seq, e.format, e.ordinal+1)
	return (nextTok != "" && strings.HasPrefix(next, nextTok)) || strings.HasPrefix(next, formatEnum("#", e.format, 0))
}

// enumList parses an enumerated list; ok=false means ls[i] is text after all.
func (st *state) enumList(ls []line, i int) (*node, int, error, bool) {
	e := enumAt(ls[i].s)
	if !isEnumItem(ls, i, e) {
		return nil, 0, nil, false
	}
	seq := e.seq
	if seq == "#" {
		seq, e.ordinal = "arabic", 1
	}
	list := &node{kind: kEnumList, line: ls[i].n, enum: seq, level: e.ordinal}
	for {
		it, next, blank, err := st.item(ls, i, e.end, kListItem)
		if err != nil {
			return nil, 0, err, true
		}
		list.children = append(list.children, it)
		if j := skipBlank(ls, next); j < len(ls) {
			if f := enumAt(ls[j].s); f != nil && f.format == e.format && isEnumItem(ls, j, f) {
				if f.seq != "#" && f.seq != seq && seq == "loweralpha" && f.seq == "lowerroman" && len(ls[j].s) > 0 {
					f.seq, f.ordinal = "loweralpha", int(ls[j].s[strings.IndexAny(ls[j].s, "abcdefghijklmnopqrstuvwxyz")]-'a')+1
				}
				if f.seq == "#" || (f.seq == seq && f.ordinal == e.ordinal+1) {
					if f.seq == "#" {
						f.ordinal = e.ordinal + 1
					}
					e, i = f, j
					continue
				}
			}
		}
		if !blank {
			return nil, 0, errorf(ls[next].n, "Enumerated list ends without a blank line; unexpected unindent."), true
		}
		return list, next, nil, true
	}
}

// romanValues returns the roman numeral symbols and their values.
func romanValues() [13]struct {
	sym string
	val int
} {
	return [13]struct {
		sym string
		val int
	}{{"M", 1000}, {"CM", 900}, {"D", 500}, {"CD", 400}, {"C", 100}, {"XC", 90},
		{"L", 50}, {"XL", 40}, {"X", 10}, {"IX", 9}, {"V", 5}, {"IV", 4}, {"I", 1}}
}

// toRoman formats 1..4999 as an upper-case roman numeral.
func toRoman(n int) string {
	if n < 1 || n > 4999 {
		return ""
	}
	var b strings.Builder
	for _, rv := range romanValues() {
		for n >= rv.val {
			b.WriteString(rv.sym)
			n -= rv.val
		}
	}
	return b.String()
}

// fromRoman parses a canonical upper-case roman numeral, or returns 0.
func fromRoman(s string) int {
	n, rest := 0, s
	for _, rv := range romanValues() {
		for strings.HasPrefix(rest, rv.sym) {
			n += rv.val
			rest = rest[len(rv.sym):]
		}
	}
	if rest != "" || toRoman(n) != s {
		return 0
	}
	return n
}

func isDigits(s string) bool {
	for k := 0; k < len(s); k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// fieldMarker returns the index after ":name:" and its spaces at the start
// of s, or 0 when s does not start with a field marker.
func fieldMarker(s string) int {
	if len(s) < 3 || s[0] != ':' || s[1] == ' ' || s[1] == ':' {
		return 0
	}
	k := closingColon(s, 1)
	if k < 0 || s[k-1] == ' ' || strings.Contains(s[1:k], ":`") {
		return 0
	}
	return markerEnd(s, k+1)
}

// fieldList parses consecutive fields.
func (st *state) fieldList(ls []line, i int) (*node, int, error) {
	list := &node{kind: kFieldList, line: ls[i].n}
	for {
		end := fieldMarker(ls[i].s)
		f, next, blank, err := st.item(ls, i, end, kField)
		if err != nil {
			return nil, 0, err
		}
		marker := strings.TrimRight(ls[i].s[:end], " ")
		f.title = &node{kind: kParagraph, line: ls[i].n, text: marker[1 : len(marker)-1]}
		list.children = append(list.children, f)
		if j := skipBlank(ls, next); j < len(ls) && fieldMarker(ls[j].s) > 0 {
			i = j
			continue
		}
		if !blank {
			return nil, 0, errorf(ls[next].n, "Field list ends without a blank line; unexpected unindent.")
		}
		return list, next, nil
	}
}

// optionMarker returns the index where an option list item's description
// starts (len(s) when it is on the following lines), or 0 when s does not
// start with options such as "-a, --all=FILE  description".
func optionMarker(s string) int {
	k := 0
	for {
		n := optionAt(s[k:])
		if n == 0 {
			return 0
		}
		k += n
		if strings.HasPrefix(s[k:], ", ") {
			k += 2
			continue
		}
		break
	}
	if k == len(s) {
		return k
	}
	if !strings.HasPrefix(s[k:], "  ") {
		return 0
	}
	return markerEnd(s, k)
}

// optionAt returns the length of one option (with its argument) at s[0:].
func optionAt(s string) int {
	k := 0
	switch {
	case strings.HasPrefix(s, "--") && len(s) > 2 && isAlnum(s[2]):
		k = 3
		for k < len(s) && (isAlnum(s[k]) || s[k] == '-' || s[k] == '_') {
			k++
		}
	case (s != "" && (s[0] == '-' || s[0] == '+' || s[0] == '/')) && len(s) > 1 && isAlnum(s[1]):
		k = 2
	default:
		return 0
	}
	if k < len(s) && (s[k] == '=' || (s[k] == ' ' && k+1 < len(s) && s[k+1] != ' ' && s[k+1] != '-')) {
		if a := optionArg(s[k+1:]); a > 0 {
			return k + 1 + a
		}
		if s[k] == '=' {
			return 0
		}
	} else if k < len(s) && s[0] != '-' && s[0] != '/' {
		return 0
	} else if k == 2 && k < len(s) && s[k] != ' ' && s[k] != ',' && s[k] != '=' {
		if a := optionArg(s[k:]); a > 0 {
			return k + a
		}
	}
	if k < len(s) && s[k] != ' ' && s[k] != ',' {
		return 0
	}
	return k
}

// optionArg returns the length of an option argument ("FILE" or "<file>").
func optionArg(s string) int {
	if strings.HasPrefix(s, "<") {
		if e := strings.IndexByte(s, '>'); e > 1 && !strings.ContainsAny(s[1:e], "<") {
			return e + 1
		}
		return 0
	}
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return 0
	}
	k := 1
	for k < len(s) && (isAlnum(s[k]) || s[k] == '_' || s[k] == '-') {
		k++
	}
	return k
}

// optionList parses consecutive option list items.
func (st *state) optionList(ls []line, i int) (*node, int, error) {
	list := &node{kind: kOptionList, line: ls[i].n}
	for {
		end := optionMarker(ls[i].s)
		it, next, blank, err := st.item(ls, i, end, kOptionItem)
		if err != nil {
			return nil, 0, err
		}
		it.text = strings.TrimRight(ls[i].s[:end], " ")
		list.children = append(list.children, it)
		j := skipBlank(ls, next)
		if j < len(ls) && (ls[j].s[0] == '-' || ls[j].s[0] == '/') && optionMarker(ls[j].s) > 0 {
			i = j
			continue
		}
		if !blank {
			return nil, 0, errorf(ls[next].n, "Option list ends without a blank line; unexpected unindent.")
		}
		return list, next, nil
	}
}

// doctest takes the lines up to the next blank line as a doctest block.
func (st *state) doctest(ls []line, i int) (*node, int, error) {
	j := i
	for j < len(ls) && ls[j].s != "" {
		j++
	}
	return &node{kind: kDoctest, line: ls[i].n, text: joinLines(ls[i:j])}, j, nil
}

// lineBlock parses "| " lines (and their indented continuations) into a
// line block whose nesting follows the indentation after the bar.
func (st *state) lineBlock(ls []line, i int) (*node, int, error) {
	var lines []*node
	j := i
	for ; j < len(ls) && ls[j].s != ""; j++ {
		s := ls[j].s
		switch {
		case s == "|":
			lines = append(lines, &node{kind: kLine, line: ls[j].n})
		case strings.HasPrefix(s, "| "):
			t := s[2:]
			lines = append(lines, &node{kind: kLine, line: ls[j].n, text: strings.TrimLeft(t, " "), level: indentOf(t)})
		case s[0] == ' ' && len(lines) > 0:
			lines[len(lines)-1].text += "\n" + strings.TrimLeft(s, " ")
		default:
			return nil, 0, errorf(ls[j].n, "Line block ends without a blank line.")
		}
	}
	root := &node{kind: kLineBlock, line: ls[i].n}
	stack := []*node{root}
	indents := []int{0}
	for _, l := range lines {
		for len(stack) > 1 && l.level < indents[len(indents)-1] {
			stack, indents = stack[:len(stack)-1], indents[:len(indents)-1]
		}
		if l.level > indents[len(indents)-1] && len(stack) <= st.p.opt.MaxDepth {
			sub := &node{kind: kLineBlock, line: l.line}
			top := stack[len(stack)-1]
			top.children = append(top.children, sub)
			stack, indents = append(stack, sub), append(indents, l.level)
		}
		top := stack[len(stack)-1]
		top.children = append(top.children, l)
	}
	return root, j, nil
}
