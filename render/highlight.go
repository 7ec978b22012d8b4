package render

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// ClassPrefix starts every class the highlighter emits, so that the token
// classes (Pygments' short names such as "k" and "s1") cannot collide with
// the page's own classes.
const ClassPrefix = "hl-"

// maxHighlight is the largest code block that is highlighted; a larger one
// is shown escaped, since highlighting multiplies its size several times.
const maxHighlight = 64 << 10

// codeBlock returns a code block as HTML: <pre class="hl-chroma"><code>
// with token spans when lang names a language the highlighter knows, or the
// code escaped in <pre><code> otherwise.
func codeBlock(lang, code string, b *budget) string {
	if h, ok := highlight(lang, code, b); ok {
		return `<pre class="` + ClassPrefix + `chroma"><code>` + h + "</code></pre>\n"
	}
	return "<pre><code>" + escapeText(code) + "</code></pre>\n"
}

// highlight returns code as a sequence of token spans with prefixed classes,
// or ok=false when lang is empty or unknown or the code too large. Only the
// first word of lang counts, as in a Markdown info string ("python title=x").
func highlight(lang, code string, b *budget) (html string, ok bool) {
	lang, _, _ = strings.Cut(strings.TrimSpace(lang), " ")
	if lang == "" || len(code) > maxHighlight {
		return "", false
	}
	lexer := lexers.Get(strings.ToLower(lang))
	if lexer == nil {
		return "", false
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return "", false
	}
	var out strings.Builder
	for tok := it(); tok != chroma.EOF; tok = it() {
		b.check()
		text := escapeText(tok.Value)
		if class := tokenClass(tok.Type); class != "" {
			out.WriteString(`<span class="` + class + `">` + text + "</span>")
		} else {
			out.WriteString(text)
		}
	}
	return out.String(), true
}

// tokenClass returns the prefixed class of a token type, that of its
// nearest ancestor type that has one, or "" for plain text.
func tokenClass(t chroma.TokenType) string {
	for ; t != 0; t = t.Parent() {
		if c, ok := chroma.StandardTypes[t]; ok {
			if c == "" {
				return ""
			}
			return ClassPrefix + c
		}
	}
	return ""
}

// highlightClasses lists every class highlight and codeBlock may emit.
func highlightClasses() []string {
	cs := []string{ClassPrefix + "chroma"}
	for _, c := range chroma.StandardTypes {
		if c != "" {
			cs = append(cs, ClassPrefix+c)
		}
	}
	return cs
}

// HighlightCSS returns the style sheet for highlighted code: GitHub's light
// colours, and its dark ones when the reader's system prefers a dark scheme.
// The web UI serves it with the page's styles; highlighting uses classes
// only, never inline styles, so a strict Content-Security-Policy holds.
func HighlightCSS() string {
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix(ClassPrefix), chromahtml.WithCSSComments(false))
	var b strings.Builder
	b.WriteString("/* Code highlighting for rendered READMEs (wharf/render). */\n")
	_ = f.WriteCSS(&b, styles.Get("github"))
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	_ = f.WriteCSS(&b, styles.Get("github-dark"))
	b.WriteString("}\n")
	return b.String()
}
