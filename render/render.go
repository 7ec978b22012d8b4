package render

import (
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"
)

// The content types Render knows, in their normalised spelling.
const (
	Markdown = "text/markdown"
	RST      = "text/x-rst"
	Plain    = "text/plain"
)

// Defaults for the zero Options.
const (
	DefaultMaxSize  = 1 << 20
	DefaultMaxDepth = 32
	DefaultTimeout  = 2 * time.Second
)

// outputFactor bounds the rendered HTML to this multiple of the input size
// (plus a constant), since highlighting legitimately multiplies the size of
// code while a GFM table whose rows are padded to a huge header would grow
// without limit.
const outputFactor = 8

// Options bound the work one Render call may do. The zero value is valid.
type Options struct {
	// MaxSize is the largest source accepted, in bytes (default 1 MiB).
	MaxSize int
	// MaxDepth bounds structural nesting: markers on one Markdown line,
	// reStructuredText block nesting, and open HTML elements in the output
	// (where it is doubled, since a list level takes two elements). Deeper
	// structure is flattened, never refused (default 32).
	MaxDepth int
	// Timeout bounds the time spent rendering (default 2 s); a README that
	// takes longer is refused with ErrTooComplex.
	Timeout time.Duration
	// Fallback renders a reStructuredText description that cannot be
	// rendered as plain text instead of failing, as PyPI does when it shows
	// a description stored before it checked them. Uploads leave it off.
	Fallback bool
}

func (o Options) withDefaults() Options {
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Result is a rendered README.
type Result struct {
	// HTML is the sanitised fragment, safe to embed in a page as is.
	HTML string
	// ContentType is the type the source was rendered as: Markdown, RST or
	// Plain (without parameters).
	ContentType string
}

// Sentinel causes of an *Error, to be matched with errors.Is.
var (
	// ErrTooLarge means the source exceeds Options.MaxSize.
	ErrTooLarge = errors.New("too large")
	// ErrTooComplex means rendering ran out of time or produced too much
	// output, as only hostile or pathological sources do.
	ErrTooComplex = errors.New("too complex to render")
	// ErrInvalid means the reStructuredText cannot be rendered; the *Error
	// carries the line and the reason.
	ErrInvalid = errors.New("invalid")
)

// Error reports why a description cannot be rendered. Its message is safe to
// show to the uploader, and wharf refuses the upload with it.
type Error struct {
	ContentType string // the normalised type the description was rendered as
	Default     bool   // the type was not given and RST was assumed
	Line        int    // 1-based source line of the problem, 0 if unknown
	Msg         string // the reason, in the renderer's words
	Err         error  // ErrTooLarge, ErrTooComplex or ErrInvalid
}

// Error returns a message in the spirit of PyPI's "The description failed
// to render for 'text/x-rst'", with the reason and line when known.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Default {
		b.WriteString("The description failed to render in the default format of reStructuredText")
	} else {
		fmt.Fprintf(&b, "The description failed to render for '%s'", e.ContentType)
	}
	msg := strings.TrimRight(e.Msg, ".")
	switch {
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d: %s", e.Line, msg)
	case msg != "":
		fmt.Fprintf(&b, ": %s", msg)
	}
	b.WriteString(".")
	return b.String()
}

// Unwrap returns the sentinel cause.
func (e *Error) Unwrap() error { return e.Err }

// Render renders a README given its Description-Content-Type as uploaded
// (which may be empty or carry parameters such as charset=UTF-8 and
// variant=GFM or variant=CommonMark) into a sanitised HTML fragment.
//
// As on PyPI, an empty type means reStructuredText and an unknown type means
// plain text. Every failure is an *Error: a source over Options.MaxSize, a
// reStructuredText document docutils would reject (unless Options.Fallback),
// or a source that exceeds the time or output bound.
func Render(contentType, src string, opt Options) (res Result, err error) {
	opt = opt.withDefaults()
	typ, variant := parseContentType(contentType)
	fail := func(line int, msg string, cause error) error {
		return &Error{ContentType: typ, Default: contentType == "" && typ == RST, Line: line, Msg: msg, Err: cause}
	}
	if len(src) > opt.MaxSize {
		return Result{}, fail(0, fmt.Sprintf("it is larger than %d bytes", opt.MaxSize), ErrTooLarge)
	}
	b := &budget{deadline: time.Now().Add(opt.Timeout), maxOut: outputFactor*len(src) + 64<<10}
	defer func() {
		// A stop is how the budget abandons work inside a library that
		// cannot be cancelled. Any other panic is a bug, which must still
		// not take the server down with it.
		if r := recover(); r != nil {
			res = Result{}
			if _, ok := r.(stop); ok {
				err = fail(0, "it is too complex to render within the limits", ErrTooComplex)
			} else {
				err = fmt.Errorf("render: internal error: %v", r)
			}
		}
	}()
	src = normalizeSource(src)
	var raw string
	switch typ {
	case Markdown:
		raw = renderMarkdown(src, variant, opt, b)
	case RST:
		var rerr *rstError
		raw, rerr = renderRST(src, opt, b)
		if rerr != nil {
			if !opt.Fallback {
				return Result{}, fail(rerr.Line, rerr.Msg, ErrInvalid)
			}
			typ, raw = Plain, renderPlain(src)
		}
	default:
		raw = renderPlain(src)
	}
	b.check()
	html := sanitize(raw, vocabulary(), 2*opt.MaxDepth+8, b)
	return Result{HTML: html, ContentType: typ}, nil
}

// parseContentType returns the normalised type and, for Markdown, whether
// the CommonMark variant was asked for (GFM is the default, as on PyPI).
// The type is matched case-insensitively; one that does not parse is taken
// up to its first ";", as Python's header parsing in PyPI would.
func parseContentType(ct string) (typ string, commonMark bool) {
	t, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t, _, _ = strings.Cut(ct, ";")
		t = strings.ToLower(strings.TrimSpace(t))
	}
	switch t {
	case "":
		return RST, false
	case Markdown:
		return Markdown, strings.EqualFold(params["variant"], "CommonMark")
	case RST:
		return RST, false
	default:
		return Plain, false
	}
}

// normalizeSource makes the source valid UTF-8 with "\n" line ends, so that
// every renderer and the golden files see one spelling of a line break.
func normalizeSource(src string) string {
	src = strings.ToValidUTF8(src, "\uFFFD")
	if strings.IndexByte(src, '\r') >= 0 {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	return src
}

// renderPlain shows plain text as written, in a <pre>. PyPI instead escapes
// it and turns line breaks into <br>, which collapses the runs of spaces that
// plain-text READMEs use for indentation and tables; a <pre> keeps them, and
// the page's style sheet wraps long lines.
func renderPlain(src string) string {
	return "<pre>" + escapeText(src) + "</pre>"
}

// escapeText escapes the characters that are special in HTML text.
func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// stop is the panic value with which a budget abandons a render.
type stop struct{}

// budget bounds one render's time and output. Libraries that cannot be
// cancelled (the Markdown parser, the highlighter) call check through hooks,
// and check abandons the render by panicking with stop, which Render
// recovers.
type budget struct {
	deadline time.Time
	calls    int
	out      int // bytes of HTML written so far
	maxOut   int
}

// check panics with stop once the deadline has passed. It reads the clock
// only every 64th call, since it sits in the parsers' inner loops.
func (b *budget) check() {
	b.calls++
	if b.calls%64 == 0 && time.Now().After(b.deadline) {
		panic(stop{})
	}
}

// wrote counts n bytes of output and panics with stop past the bound.
func (b *budget) wrote(n int) {
	b.out += n
	if b.out > b.maxOut {
		panic(stop{})
	}
	b.check()
}
