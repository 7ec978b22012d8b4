package rst

import (
	"slices"
	"strings"
)

// line is one source line after normalisation; s has no trailing spaces and
// n is its 1-based number in the source, kept for error messages.
type line struct {
	s string
	n int
}

// kind says what a block node is.
type kind uint8

const (
	kDocument kind = iota
	kSection
	kParagraph
	kBulletList
	kEnumList
	kListItem
	kDefList
	kDefItem
	kFieldList
	kField
	kOptionList
	kOptionItem
	kBlockQuote
	kAttribution
	kLiteral
	kDoctest
	kImage
	kFigure
	kCaption
	kLegend
	kAdmonition
	kTable
	kLineBlock
	kLine
	kTransition
	kFootnote
	kCitation
	kContents
	kTopic
	kRubric
	kContainer
	kTargetAnchor
	kSetRole // default-role directive: text is the new default role
	kHidden  // a comment, target or definition at the top level: shows nothing
)

// node is a block element of the parsed document. Fields other than kind,
// line and children are used by some kinds only, as noted.
type node struct {
	kind     kind
	line     int
	text     string  // inline source (paragraph, title, term, line…) or literal text
	inl      []inode // text parsed as inline markup, filled in by resolve
	children []*node

	title   *node   // section, admonition, topic, table and contents title
	extra   []*node // definition list classifiers; option list options
	lang    string  // code language
	class   string  // a class from Classes()
	level   int     // section level; enumerated list start; line indent
	id      string  // id of the element (section, footnote, anchor)
	label   string  // footnote or citation label as shown
	enum    string  // enumerated list type (a class from Classes())
	img     *image  // image and figure
	table   *table  // tables
	depth   int     // contents: depth bound (0 means unbounded)
	local   bool    // contents: only the enclosing section's subsections; literal: parsed
	refname string  // footnote/citation/anchor: normalised name
}

// image holds what the image directive says about one image.
type image struct {
	uri, alt, width, height, align string
	target                         string // URL, or "" when the image is not a link
	targetRef                      string // normalised reference name when :target: is `name`_
}

// table is a simple, grid, list or CSV table: rows of cells, the first head
// of them header rows.
type table struct {
	rows  [][]cell
	head  int
	align string
}

// cell is one table cell; its body is parsed as block content.
type cell struct {
	rowspan, colspan int
	body             []*node
}

// indentOf counts the leading spaces of s.
func indentOf(s string) int {
	return len(s) - len(strings.TrimLeft(s, " "))
}

// indentedBlock collects the lines from ls[i] on that are blank or indented
// by at least one space, as the body of a construct that began on the line
// before i. It strips their common indentation and trailing blank lines and
// reports the index of the first line after the block and whether the block
// ended at a blank line or at the end of input (docutils' "blank finish").
func indentedBlock(ls []line, i int) (block []line, next int, blankFinish bool) {
	j := i
	for j < len(ls) && (ls[j].s == "" || indentOf(ls[j].s) > 0) {
		j++
	}
	next = j
	for j > i && ls[j-1].s == "" {
		j--
	}
	blankFinish = next == len(ls) || (next > 0 && ls[next-1].s == "")
	return dedent(slices.Clone(ls[i:j])), next, blankFinish
}

// firstKnownIndented is indentedBlock for constructs whose first line holds
// text after a marker (list items, fields, explicit markup): first is that
// text, and the following indented lines are dedented by their own common
// indentation. Leading blank lines are dropped.
func firstKnownIndented(ls []line, i int, first string) (block []line, next int, blankFinish bool) {
	block, next, blankFinish = withFirst(ls, i, first)
	for len(block) > 0 && block[0].s == "" {
		block = block[1:]
	}
	return block, next, blankFinish
}

// withFirst is firstKnownIndented keeping leading blank lines, including
// an empty first line, which directives need to tell arguments from
// content.
func withFirst(ls []line, i int, first string) (block []line, next int, blankFinish bool) {
	rest, next, blankFinish := indentedBlock(ls, i+1)
	block = make([]line, 0, len(rest)+1)
	block = append(block, line{s: first, n: ls[i].n})
	return append(block, rest...), next, blankFinish
}

// knownIndented collects the body of a list item whose text starts on
// ls[i] at column indent: the following lines that are blank or indented by
// at least indent, all stripped of indent, as docutils' get_known_indented.
func knownIndented(ls []line, i, indent int) (block []line, next int, blankFinish bool) {
	j := i + 1
	for j < len(ls) && (ls[j].s == "" || indentOf(ls[j].s) >= indent) {
		j++
	}
	next = j
	for j > i+1 && ls[j-1].s == "" {
		j--
	}
	blankFinish = next == len(ls) || ls[next-1].s == ""
	block = make([]line, 0, j-i)
	block = append(block, line{s: ls[i].s[min(indent, len(ls[i].s)):], n: ls[i].n})
	for _, l := range ls[i+1 : j] {
		if l.s != "" {
			l.s = l.s[indent:]
		}
		block = append(block, l)
	}
	return block, next, blankFinish
}

// dedent strips the common indentation of the non-blank lines of block
// in place and returns it.
func dedent(block []line) []line {
	minIndent := -1
	for _, l := range block {
		if l.s != "" && (minIndent < 0 || indentOf(l.s) < minIndent) {
			minIndent = indentOf(l.s)
		}
	}
	for k := range block {
		if block[k].s != "" {
			block[k].s = block[k].s[minIndent:]
		}
	}
	return block
}

// closingColon returns the index of the first colon at or after from that
// is not escaped and is followed by a space or the end of s, or -1. It
// ends field names and hyperlink target names.
func closingColon(s string, from int) int {
	for k := from; k < len(s); k++ {
		switch s[k] {
		case '\\':
			k++
		case ':':
			if k+1 == len(s) || s[k+1] == ' ' {
				return k
			}
		}
	}
	return -1
}

// joinLines returns the text of ls joined with newlines.
func joinLines(ls []line) string {
	var b strings.Builder
	for k, l := range ls {
		if k > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.s)
	}
	return b.String()
}
