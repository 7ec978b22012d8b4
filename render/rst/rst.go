package rst

import (
	"fmt"
	"strings"
)

// Options tune rendering. The zero value is valid.
type Options struct {
	// Highlight, when set, returns HTML for a code block's body in language
	// lang ("" if none was given); ok=false means "not highlighted", and the
	// renderer then escapes the code itself. Its output is inserted as is
	// inside <pre class="code">…</pre>, so it must be markup the caller
	// trusts (the sanitizer sees it too).
	Highlight func(lang, code string) (html string, ok bool)
	// MaxDepth bounds the nesting of block structure (block quotes, lists,
	// directives inside directives). Zero means the default, 32.
	MaxDepth int
}

// defaultMaxDepth is deep enough for any README a person writes and shallow
// enough that hostile input cannot make the recursive parser expensive.
const defaultMaxDepth = 32

// Error reports why a document cannot be rendered. Its message is safe to
// show to the author of the document: it quotes at most short names from it.
type Error struct {
	Line int    // 1-based line of the source where the problem was found
	Msg  string // what docutils would report, in its words where possible
}

// Error returns "line N: message".
func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// errorf builds an *Error for line n.
func errorf(n int, format string, args ...any) *Error {
	return &Error{Line: n, Msg: fmt.Sprintf(format, args...)}
}

// ToHTML renders src as an HTML fragment (no <html> or <body>). It returns
// an *Error when the document cannot be rendered: docutils (as used by
// PyPI's readme_renderer) would report an error or a warning for it.
func ToHTML(src string, opt Options) (string, error) {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = defaultMaxDepth
	}
	p := newParser(opt)
	doc, err := p.parseDocument(normalize(src))
	if err != nil {
		return "", err
	}
	if err := p.resolve(doc); err != nil {
		return "", err
	}
	w := &writer{p: p, opt: opt}
	if err := w.document(doc); err != nil {
		return "", err
	}
	return w.b.String(), nil
}

// Classes lists every class attribute value ToHTML may emit, so that the
// sanitizer that runs over the output can allow exactly these.
func Classes() []string {
	return []string{
		// Admonitions.
		"admonition", "admonition-title", "attention", "caution", "danger",
		"error", "hint", "important", "note", "tip", "warning",
		// Alignment of images, figures and tables (from :align:).
		"align-left", "align-center", "align-right", "align-top", "align-middle", "align-bottom",
		// Enumerated list styles.
		"arabic", "loweralpha", "upperalpha", "lowerroman", "upperroman",
		// Block constructs.
		"attribution", "caption", "citation", "classifier", "code", "contents",
		"doctest-block", "field-list", "figure", "footnote", "label", "legend",
		"line", "line-block", "literal-block", "option-list", "rubric",
		"section", "topic", "topic-title",
		// Inline constructs.
		"citation-reference", "footnote-reference", "pep-reference",
		"reference", "rfc-reference",
	}
}

// normalize turns src into lines as docutils sees them: line ends unified,
// tabs expanded to 8-column stops, form feeds and vertical tabs made spaces,
// invalid UTF-8 and NUL replaced, and trailing whitespace removed.
func normalize(src string) []line {
	src = strings.ToValidUTF8(src, "\uFFFD")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.NewReplacer("\r", "\n", "\f", " ", "\v", " ", "\x00", "\uFFFD").Replace(src)
	raw := strings.Split(src, "\n")
	ls := make([]line, 0, len(raw))
	for i, s := range raw {
		if strings.IndexByte(s, '\t') >= 0 {
			s = expandTabs(s)
		}
		ls = append(ls, line{s: strings.TrimRight(s, " "), n: i + 1})
	}
	return ls
}

// expandTabs replaces each tab with spaces up to the next multiple of 8
// columns, counting columns in runes.
func expandTabs(s string) string {
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}
