package render

import (
	"errors"

	"wharf/render/rst"
)

// rstError is why a reStructuredText document cannot be rendered.
type rstError struct {
	Line int
	Msg  string
}

// renderRST renders src with the rst package, which refuses what docutils
// (as PyPI runs it) would warn about: raw and include directives among
// them. Code blocks are highlighted as in Markdown, inside the rst
// package's <pre class="code">.
func renderRST(src string, opt Options, b *budget) (string, *rstError) {
	out, err := rst.ToHTML(src, rst.Options{
		MaxDepth: opt.MaxDepth,
		Highlight: func(lang, code string) (string, bool) {
			h, ok := highlight(lang, code, b)
			if !ok {
				return "", false
			}
			// The style sheet's selectors need the hl-chroma ancestor.
			return `<code class="` + ClassPrefix + `chroma">` + h + "</code>", true
		},
	})
	if err != nil {
		var e *rst.Error
		if errors.As(err, &e) {
			return "", &rstError{Line: e.Line, Msg: e.Msg}
		}
		return "", &rstError{Msg: err.Error()}
	}
	b.wrote(len(out))
	return out, nil
}

// rstClasses lists the classes the rst package emits.
func rstClasses() []string { return rst.Classes() }
