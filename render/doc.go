// Package render turns a project's README (its Description and
// Description-Content-Type) into a sanitised HTML fragment, once at upload;
// the project page embeds the stored fragment as is.
//
// # Content types
//
// Render follows PyPI: an empty type means reStructuredText, text/markdown
// is GFM unless variant=CommonMark, and any other type is plain text. A
// reStructuredText description that docutils would warn about fails with an
// *Error, and wharf refuses the upload with its message, as PyPI does even
// when the type was left out ("failed to render in the default format of
// reStructuredText"). Options.Fallback renders such a description as plain
// text instead, as PyPI shows old descriptions.
//
// Markdown is rendered by goldmark with GFM's tables, strikethrough,
// autolinks, task lists and footnotes, and heading ids for in-page links.
// Raw HTML passes through to the sanitiser, as on PyPI, since READMEs
// commonly centre a logo with <p align="center"> or fold text into
// <details>. Plain text is escaped inside a <pre>: PyPI instead turns line
// breaks into <br>, which collapses the spaces that plain-text READMEs use
// for indentation and tables. Fenced code in a language chroma knows is
// highlighted with classes prefixed "hl-" (never inline styles);
// HighlightCSS returns the light and dark style sheet.
//
// # The sanitiser
//
// Every renderer's output passes through two sanitisers built from one
// allowlist. The first, a rewriting pass on the HTML tokenizer, produces
// balanced markup; bluemonday, the last step, checks its result. The
// allowlist is readme_renderer's (which wraps bleach):
//
//	a abbr acronym aside b blockquote br caption cite code col colgroup dd
//	del details dfn div dl dt em figcaption figure h1–h6 hr i img input ins
//	kbd li mark nav ol p picture pre q s samp section small source span
//	strike strong sub summary sup table tbody td tfoot th thead tr tt u ul
//	var wbr
//
// with id, class and title on any of them; href and name on a; src, srcset,
// alt, width, height and align on img; srcset, media and type on source;
// align on p, div, h1–h6, td and th; colspan and rowspan on td and th; span
// on col; start on ol; open on details. Script, style, template, noscript,
// iframe, object, title, textarea, xmp, plaintext, select, svg and math are
// dropped with their content, other elements without it. Comments,
// doctypes, style attributes and event handlers never pass.
//
// Where readme_renderer is weak, Render is stricter:
//
//   - Links may be http, https or mailto URLs or "#fragment"s; images
//     http or https only. URLs with whitespace, control characters or
//     backslashes are dropped, since browsers strip tabs and line breaks
//     ("java\tscript:") and read backslashes as slashes. Relative URLs
//     (kept by PyPI) are dropped: on a project page they point into the
//     index itself, broken at best, and a relative image would make every
//     reader's browser send a request, with cookies, to the index.
//   - Every link gets rel="nofollow ugc", and target is dropped, so a
//     link always opens where the reader chooses and the opened page can
//     never reach back through window.opener.
//   - Every id and a[name] is prefixed with "user-content-", and "#x"
//     links are rewritten to "#user-content-x", so an author's id cannot
//     clobber a global the page's scripts read (DOM clobbering).
//   - class keeps only the words the renderers themselves emit (the
//     highlighter's, GFM footnotes', and those of wharf/render/rst), so a
//     README cannot borrow the page's own classes to imitate its interface.
//   - input survives only as a disabled checkbox, as task lists need.
//   - The bidirectional embedding, override and isolate characters
//     (U+202A–U+202E, U+2066–U+2069) and NUL become U+FFFD in text and
//     attributes, so that text and code read in the order they were written.
//   - Tags are balanced and nest at most 2*MaxDepth+8 elements deep: a
//     stray </div> cannot close the page's own elements, and deeper
//     elements are dropped with their text kept.
//
// Because the output holds only these elements, with every text escaped
// and every attribute quoted, no raw-text or foreign-content element can
// make a browser parse it differently from the sanitisers (mutation XSS).
//
// # Bounds
//
// A source is at most Options.MaxSize bytes (1 MiB). Markdown lines that
// nest more than MaxDepth block markers are flattened before parsing, which
// keeps deeply nested quotes and lists linear (readme_renderer takes
// seconds on 20 KB of ">"). Rendering has a deadline (Options.Timeout) and
// an output bound of eight times the input: hooks in the Markdown parser,
// renderer and highlighter check them and abandon the render by panicking
// with a private value that Render recovers, since goldmark cannot be
// cancelled otherwise. Paragraphs that goldmark would handle in quadratic
// time (huge tables, thousands of link definitions) are refused outright.
// Such sources fail with ErrTooComplex. The reStructuredText renderer
// bounds its own nesting and is checked against the deadline only as it
// highlights code.
//
// RewriteImages lets the web layer send image URLs of a stored fragment
// through a signing proxy when it serves the page.
package render
