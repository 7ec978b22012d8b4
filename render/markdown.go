package render

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// renderMarkdown renders src as GFM, or as CommonMark alone when commonMark
// is set. Raw HTML passes through, as it does on PyPI, because the sanitiser
// runs afterwards; many READMEs centre a logo with <p align="center"> or fold
// text into <details>.
func renderMarkdown(src string, commonMark bool, opt Options, b *budget) string {
	src = capMarkers(src, opt.MaxDepth)
	exts := []goldmark.Extender{}
	if !commonMark {
		exts = append(exts,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough, extension.Linkify, extension.TaskList, extension.Footnote)
	}
	md := goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithInlineParsers(util.Prioritized(guard{b}, 0)),
			parser.WithParagraphTransformers(util.Prioritized(paragraphGuard{b}, 0)),
		),
		goldmark.WithRendererOptions(
			html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(codeRenderer{b}, 100)),
		),
	)
	source := []byte(src)
	doc := md.Parser().Parse(guardReader{text.NewReader(source), b})
	var out strings.Builder
	w := &budgetWriter{w: &out, b: b}
	if err := md.Renderer().Render(w, source, doc); err != nil {
		// The HTML renderer fails only when its writer does, and ours
		// cannot; a failure is a bug that shows as an empty README.
		return ""
	}
	return out.String()
}

// capMarkers removes the block markers (">", list bullets and numbers) that
// nest a line deeper than max, keeping the line's text. The Markdown parser
// checks every open block for every following line, so a line opening
// thousands of nested quotes costs time in proportion to the depth for each
// line after it; capping the depth keeps parsing linear. No README written
// by a person nests that deep, so nothing real changes.
func capMarkers(src string, max int) string {
	var out strings.Builder
	copied, changed := 0, false // src[:copied] is in out
	for pos := 0; pos < len(src); {
		end := strings.IndexByte(src[pos:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += pos
		}
		line := src[pos:end]
		if cut, deep := markerCut(line, max); deep {
			out.WriteString(src[copied : pos+cut])
			out.WriteString(stripMarkers(line[cut:]))
			copied, changed = end, true
		}
		pos = end + 1
	}
	if !changed {
		return src
	}
	out.WriteString(src[copied:])
	return out.String()
}

// markerCut reports whether line starts with more than max block markers,
// and if so where the first max of them end.
func markerCut(line string, max int) (cut int, deep bool) {
	n := 0
	for i := markerEnd(line, 0); i >= 0; i = markerEnd(line, i) {
		n++
		if n == max {
			cut = i
		}
		if n > max {
			return cut, true
		}
	}
	return 0, false
}

// stripMarkers drops every block marker at the start of s.
func stripMarkers(s string) string {
	i := 0
	for {
		j := markerEnd(s, i)
		if j < 0 {
			return s[i:]
		}
		i = j
	}
}

// markerEnd returns the end of the block marker that starts at s[i] after
// at most three spaces, or -1 if there is none: a ">" with its optional
// space, or a bullet ("-", "+", "*") or number ("1." or "1)") followed by a
// space or the end of the line.
func markerEnd(s string, i int) int {
	for k := 0; k < 3 && i < len(s) && s[i] == ' '; k++ {
		i++
	}
	if i >= len(s) {
		return -1
	}
	switch c := s[i]; {
	case c == '>':
		i++
		if i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		return i
	case c == '-' || c == '+' || c == '*':
		i++
	case c >= '0' && c <= '9':
		j := i
		for j < len(s) && j-i < 9 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j >= len(s) || (s[j] != '.' && s[j] != ')') {
			return -1
		}
		i = j + 1
	default:
		return -1
	}
	if i == len(s) {
		return i
	}
	if s[i] != ' ' && s[i] != '\t' {
		return -1
	}
	return i + 1
}

// guard is an inline parser that never parses anything: it runs first at
// every character that starts a link, an emphasis or a code span, so that
// the budget is checked between the other parsers' scans, some of which
// look ahead to the end of the paragraph.
type guard struct{ b *budget }

func (guard) Trigger() []byte { return []byte("[]()!*_~`<") }

func (g guard) Parse(ast.Node, text.Reader, parser.Context) ast.Node {
	g.b.check()
	return nil
}

// Bounds on paragraphs that later parsing steps handle in quadratic time.
const (
	// maxTableCells bounds a GFM table's header width times its rows: the
	// table parser pads every row to the header's width.
	maxTableCells = 100_000
	// maxDefinitionLines bounds the lines of one paragraph that may start
	// link reference definitions: the parser re-reads the rest of the
	// paragraph after each one.
	maxDefinitionLines = 5000
)

// paragraphGuard runs before the other paragraph transformers (tables, link
// reference definitions) and abandons the render when a paragraph would
// make them quadratic.
type paragraphGuard struct{ b *budget }

func (g paragraphGuard) Transform(node *ast.Paragraph, reader text.Reader, _ parser.Context) {
	g.b.check()
	lines := node.Lines()
	source := reader.Source()
	defs := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if l := bytes.TrimLeft(seg.Value(source), " "); len(l) > 0 && l[0] == '[' {
			defs++
		}
	}
	cells := 0
	if lines.Len() > 1 {
		seg := lines.At(1)
		cells = (bytes.Count(seg.Value(source), []byte("|")) + 1) * lines.Len()
	}
	if defs > maxDefinitionLines || cells > maxTableCells {
		panic(stop{})
	}
}

// guardReader checks the budget as the block parser reads lines, since the
// parser's work per line grows with the number of open blocks.
type guardReader struct {
	text.Reader
	b *budget
}

func (r guardReader) PeekLine() ([]byte, text.Segment) {
	r.b.check()
	return r.Reader.PeekLine()
}

func (r guardReader) AdvanceLine() {
	r.b.check()
	r.Reader.AdvanceLine()
}

// budgetWriter counts the renderer's output against the budget.
type budgetWriter struct {
	w *strings.Builder
	b *budget
}

func (w *budgetWriter) Write(p []byte) (int, error) {
	w.b.wrote(len(p))
	return w.w.Write(p)
}

// codeRenderer renders fenced code blocks highlighted when their info
// string names a language the highlighter knows, and escaped otherwise.
type codeRenderer struct{ b *budget }

func (r codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.fenced)
}

func (r codeRenderer) fenced(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}
	var lang string
	if n.Info != nil {
		lang = string(n.Language(source))
	}
	_, _ = w.WriteString(codeBlock(lang, code.String(), r.b))
	return ast.WalkSkipChildren, nil
}
