package rst

import (
	"slices"
	"strconv"
	"strings"
)

// directive is a parsed directive block: its arguments (header lines before
// the options, joined with spaces), options and content lines.
type directive struct {
	name    string
	line    int
	args    string
	opts    map[string]string
	content []line
	next    int
}

// spec says what a directive accepts.
type spec struct {
	args    int // 0 none, 1 optional, 2 required
	opts    []string
	content bool
}

// imageOpts are the options of image and figure.
const imageOpts = "alt height width scale align target class name loading"

// specFor returns the spec of a directive wharf supports. Directives that
// would read files or inject HTML are not supported, so they are refused
// like unknown ones, with docutils' message for a disabled directive.
func specFor(name string) (spec, bool) {
	f := strings.Fields
	switch name {
	case "image":
		return spec{args: 2, opts: f(imageOpts)}, true
	case "figure":
		return spec{args: 2, opts: f(imageOpts + " figwidth figclass"), content: true}, true
	case "code", "code-block", "sourcecode":
		return spec{args: 1, opts: f("linenos number-lines emphasize-lines caption name class dedent force lineno-start"), content: true}, true
	case "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning":
		return spec{opts: f("class name"), content: true}, true
	case "admonition", "topic", "sidebar":
		return spec{args: 2, opts: f("class name subtitle"), content: true}, true
	case "contents":
		return spec{args: 1, opts: f("depth local backlinks class")}, true
	case "rubric":
		return spec{args: 2, opts: f("class name")}, true
	case "container", "class":
		return spec{args: 1, opts: f("name"), content: true}, true
	case "compound", "highlights", "epigraph", "pull-quote", "parsed-literal", "math":
		return spec{opts: f("class name"), content: true}, true
	case "meta":
		return spec{content: true}, true
	case "title", "default-role", "role":
		return spec{args: 1, opts: f("class format language")}, true
	case "sectnum", "section-numbering":
		return spec{opts: f("depth prefix suffix start")}, true
	case "table":
		return spec{args: 1, opts: f("widths width align class name"), content: true}, true
	case "list-table":
		return spec{args: 1, opts: f("header-rows stub-columns widths width align class name"), content: true}, true
	case "csv-table":
		return spec{args: 1, opts: f("header-rows stub-columns header widths width delim quote keepspace escape align file url encoding class name"), content: true}, true
	case "replace", "unicode":
		return spec{content: true}, true
	}
	return spec{}, false
}

// parseDirective splits the directive block at ls[i] (whose arguments start
// at ls[i].s[end:]) into arguments, options and content, as docutils does.
func (st *state) parseDirective(ls []line, i int, name string, end int) (*directive, error) {
	switch name {
	case "raw", "include":
		return nil, errorf(ls[i].n, "%q directive disabled.", name)
	case "date":
		return nil, errorf(ls[i].n, "The \"date\" directive is not supported: a README renders once, at upload.")
	}
	sp, ok := specFor(name)
	if !ok {
		return nil, errorf(ls[i].n, "Unknown directive type %q.", name)
	}
	block, next, _ := withFirst(ls, i, ls[i].s[end:])
	if block[0].s == "" {
		block = block[1:]
	}
	d := &directive{name: name, line: ls[i].n, opts: map[string]string{}, next: next}
	var header []line
	if sp.args > 0 || len(sp.opts) > 0 {
		k := 0
		for k < len(block) && block[k].s != "" {
			k++
		}
		header = block[:k]
		if k < len(block) {
			d.content = block[k+1:]
		}
	} else {
		d.content = block
	}
	o := 0
	for o < len(header) && fieldMarker(header[o].s) == 0 {
		o++
	}
	if err := d.options(header[o:], sp.opts); err != nil {
		return nil, err
	}
	header = header[:o]
	if len(header) > 0 && sp.args == 0 {
		d.content = append(slices.Clip(header), block[len(header):]...)
		header = nil
	}
	for k, l := range header {
		if k > 0 {
			d.args += " "
		}
		d.args += strings.TrimSpace(l.s)
	}
	for len(d.content) > 0 && d.content[0].s == "" {
		d.content = d.content[1:]
	}
	switch {
	case sp.args == 2 && d.args == "":
		return nil, d.errorf("1 argument(s) required, 0 supplied.")
	case !sp.content && len(d.content) > 0:
		return nil, d.errorf("no content permitted.")
	}
	return d, nil
}

// errorf reports an error in the directive in docutils' words.
func (d *directive) errorf(format string, args ...any) *Error {
	e := errorf(d.line, format, args...)
	e.Msg = "Error in \"" + d.name + "\" directive: " + e.Msg
	return e
}

// options parses the directive's option field list.
func (d *directive) options(ls []line, allowed []string) error {
	name := ""
	for _, l := range ls {
		if end := fieldMarker(l.s); end > 0 {
			marker := strings.TrimRight(l.s[:end], " ")
			name = strings.ToLower(marker[1 : len(marker)-1])
			if !slices.Contains(allowed, name) {
				return d.errorf("unknown option: %q.", name)
			}
			if _, dup := d.opts[name]; dup {
				return d.errorf("duplicate option %q.", name)
			}
			d.opts[name] = strings.TrimSpace(l.s[end:])
			continue
		}
		if name == "" || indentOf(l.s) == 0 {
			return d.errorf("invalid option block.")
		}
		d.opts[name] = strings.TrimSpace(d.opts[name] + " " + strings.TrimSpace(l.s))
	}
	return nil
}

// directive parses a directive block and builds its nodes.
func (st *state) directive(ls []line, i int, name string, end int) ([]*node, int, error) {
	d, err := st.parseDirective(ls, i, name, end)
	if err != nil {
		return nil, 0, err
	}
	nodes, err := st.build(d)
	return nodes, d.next, err
}

// build makes the nodes for a parsed directive.
func (st *state) build(d *directive) ([]*node, error) {
	switch d.name {
	case "image":
		img, err := d.image()
		return []*node{{kind: kImage, line: d.line, img: img}}, err
	case "figure":
		return st.figure(d)
	case "code", "code-block", "sourcecode":
		return st.code(d)
	case "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning":
		return st.admonition(d, d.name, nil)
	case "admonition":
		return st.admonition(d, "admonition", &node{kind: kParagraph, line: d.line, text: d.args})
	case "topic", "sidebar":
		children, err := st.content(d)
		return []*node{{kind: kTopic, line: d.line, title: &node{kind: kParagraph, line: d.line, text: d.args}, children: children}}, err
	case "contents":
		return st.contents(d)
	case "rubric":
		return []*node{{kind: kRubric, line: d.line, text: d.args}}, nil
	case "container", "class", "compound":
		return st.content(d)
	case "highlights", "epigraph", "pull-quote":
		children, err := st.content(d)
		return []*node{{kind: kBlockQuote, line: d.line, children: children}}, err
	case "parsed-literal", "math":
		return []*node{{kind: kLiteral, line: d.line, text: joinLines(d.content), local: d.name == "parsed-literal"}}, nil
	case "default-role":
		return st.defaultRole(d)
	case "role":
		return nil, st.role(d)
	case "table", "list-table", "csv-table":
		return st.tableDirective(d)
	case "replace", "unicode":
		return nil, d.errorf("Invalid context: the %q directive can only be used within a substitution definition.", d.name)
	case "meta":
		return nil, d.meta()
	}
	return nil, nil // title, sectnum: accepted and dropped.
}

// meta checks that the meta directive holds a field list, as docutils
// does, and drops it: wharf's pages have their own metadata.
func (d *directive) meta() error {
	if len(d.content) == 0 {
		return errorf(d.line, "Content block expected for the \"meta\" directive; none found.")
	}
	for _, l := range d.content {
		if l.s != "" && indentOf(l.s) == 0 && fieldMarker(l.s) == 0 {
			return errorf(l.n, "Invalid meta directive.")
		}
	}
	return nil
}

// content parses the directive's content as body elements.
func (st *state) content(d *directive) ([]*node, error) {
	return st.p.body(d.content, st.depth+1, false)
}

// image builds an image from the directive's argument and options.
func (d *directive) image() (*image, error) {
	img := &image{uri: strings.Join(strings.Fields(d.args), ""), alt: d.opts["alt"], width: d.opts["width"], height: d.opts["height"]}
	img.uri = unescape(img.uri)
	if a, ok := d.opts["align"]; ok {
		switch a {
		case "left", "center", "right", "top", "middle", "bottom":
			img.align = "align-" + a
		default:
			return nil, d.errorf("invalid option value for \"align\": %q.", a)
		}
	}
	if t, ok := d.opts["target"]; ok {
		tg := &target{}
		setTargetURI(tg, strings.Join(strings.Fields(t), ""))
		img.target, img.targetRef = tg.uri, tg.refname
		if img.target == "" && img.targetRef == "" {
			return nil, d.errorf("invalid option value for \"target\".")
		}
	}
	for _, k := range []string{"width", "height"} {
		if v := d.opts[k]; v != "" && !isLength(v) {
			return nil, d.errorf("invalid option value for %q: %q.", k, v)
		}
	}
	return img, nil
}

// isLength reports whether v is a CSS length docutils accepts: a number
// with an optional unit.
func isLength(v string) bool {
	num := strings.TrimRight(v, "abcdefghijklmnopqrstuvwxyz%")
	switch unit := v[len(num):]; unit {
	case "", "em", "ex", "px", "in", "cm", "mm", "pt", "pc", "%", "ch", "rem", "vw", "vh":
	default:
		return false
	}
	_, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	return err == nil && !strings.ContainsAny(num, "eEnNxX")
}

// figure builds an image with a caption (the first paragraph of the
// content) and a legend (the rest).
func (st *state) figure(d *directive) ([]*node, error) {
	img, err := d.image()
	if err != nil {
		return nil, err
	}
	if a := d.opts["align"]; a != "" && a != "left" && a != "center" && a != "right" {
		return nil, d.errorf("invalid option value for \"align\": %q.", a)
	}
	fig := &node{kind: kFigure, line: d.line, img: img, class: img.align}
	img.align = ""
	children, err := st.content(d)
	if err != nil {
		return nil, err
	}
	if len(children) > 0 {
		if children[0].kind != kParagraph {
			return nil, d.errorf("Figure caption must be a paragraph or empty comment.")
		}
		fig.children = append(fig.children, &node{kind: kCaption, line: children[0].line, text: children[0].text})
		if len(children) > 1 {
			fig.children = append(fig.children, &node{kind: kLegend, line: children[1].line, children: children[1:]})
		}
	}
	return []*node{fig}, nil
}

// code builds a literal block with a language for highlighting.
func (st *state) code(d *directive) ([]*node, error) {
	if len(d.content) == 0 {
		return nil, errorf(d.line, "Content block expected for the %q directive; none found.", d.name)
	}
	if n := len(strings.Fields(d.args)); n > 1 {
		return nil, d.errorf("maximum 1 argument(s) allowed, %d supplied.", n)
	}
	return []*node{{kind: kLiteral, line: d.line, text: joinLines(d.content), lang: d.args, class: "code"}}, nil
}

// admonition builds a note, warning… or a generic titled admonition.
func (st *state) admonition(d *directive, class string, title *node) ([]*node, error) {
	if len(d.content) == 0 {
		return nil, errorf(d.line, "The %q admonition is empty; content required.", d.name)
	}
	children, err := st.content(d)
	if err != nil {
		return nil, err
	}
	return []*node{{kind: kAdmonition, line: d.line, class: class, title: title, children: children}}, nil
}

// contents records a table of contents, which the writer generates from
// the sections.
func (st *state) contents(d *directive) ([]*node, error) {
	title := d.args
	if title == "" {
		title = "Contents"
	}
	n := &node{kind: kContents, line: d.line, title: &node{kind: kParagraph, line: d.line, text: title}}
	if v, ok := d.opts["depth"]; ok {
		depth, err := strconv.Atoi(v)
		if err != nil || depth < 1 {
			return nil, d.errorf("invalid option value for \"depth\": %q.", v)
		}
		n.depth = depth
	}
	_, n.local = d.opts["local"]
	return []*node{n}, nil
}

// defaultRole changes the role of interpreted text without an explicit
// role for the rest of the document.
func (st *state) defaultRole(d *directive) ([]*node, error) {
	name := strings.ToLower(d.args)
	if name != "" && st.p.baseRole(name) == "" {
		return nil, errorf(d.line, "Unknown interpreted text role %q.", d.args)
	}
	return []*node{{kind: kSetRole, line: d.line, text: name}}, nil
}

// role defines a custom role "name(base)" (or just "name", a plain span).
func (st *state) role(d *directive) error {
	arg := strings.TrimSpace(d.args)
	name, base := arg, ""
	if k := strings.IndexByte(arg, '('); k > 0 && strings.HasSuffix(arg, ")") {
		name, base = strings.TrimSpace(arg[:k]), strings.ToLower(strings.TrimSpace(arg[k+1:len(arg)-1]))
	}
	name = strings.ToLower(name)
	if !isRefName(name) {
		return d.errorf("invalid role name %q.", name)
	}
	if base == "" {
		st.p.roles[name] = "inline"
		return nil
	}
	if st.p.baseRole(base) == "" {
		return errorf(d.line, "Unknown interpreted text role %q.", base)
	}
	st.p.roles[name] = st.p.baseRole(base)
	return nil
}

// unicodeText interprets the unicode directive's codes: numbers as
// characters (0x41, U+0041, &#x41;, 65), anything else literally, up to a
// ".." comment.
func unicodeText(n int, args string) (string, error) {
	if k := strings.Index(args, " .. "); k >= 0 {
		args = args[:k]
	}
	var b strings.Builder
	for _, code := range strings.Fields(args) {
		num, base := code, 10
		for _, pre := range []string{"0x", "x", "\\x", "U+", "u", "\\u", "&#x"} {
			if strings.HasPrefix(code, pre) {
				num, base = strings.TrimSuffix(code[len(pre):], ";"), 16
				break
			}
		}
		if strings.HasPrefix(code, "&#") && base == 10 {
			num = strings.TrimSuffix(code[2:], ";")
		}
		v, err := strconv.ParseUint(num, base, 32)
		switch {
		case err == nil && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF) && v != 0:
			b.WriteRune(rune(v))
		case err == nil || !isDigits(code):
			if err == nil {
				return "", errorf(n, "Invalid character code: %s", code)
			}
			b.WriteString(code)
		}
	}
	return b.String(), nil
}
