package dist

import (
	"net/url"
	"strings"

	"wharf/pep440"
)

// Requirement is a parsed PEP 508 dependency specification. Specifier holds
// the version clauses joined by ',' without parentheses or spaces (empty when
// there are none); URL is set instead for a direct reference ("name @ url");
// Marker is the environment marker text after ';', trimmed.
type Requirement struct {
	Name      string
	Extras    []string
	Specifier string
	URL       string
	Marker    string
}

// String returns the requirement in canonical PEP 508 spelling.
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	switch {
	case r.URL != "":
		b.WriteString(" @ " + r.URL)
		if r.Marker != "" {
			b.WriteString(" ")
		}
	case r.Specifier != "":
		b.WriteString(r.Specifier)
	}
	if r.Marker != "" {
		b.WriteString("; " + r.Marker)
	}
	return b.String()
}

// ParseRequirement parses a PEP 508 requirement such as
// `requests[socks] (>=2.8.1, ==2.8.*) ; python_version < "2.7"` or
// `pip @ https://example.com/pip.zip`. Version clauses must form a valid
// PEP 440 specifier set; markers are checked for syntax only: balanced
// parentheses, known variables, known operators and quoted strings.
func ParseRequirement(s string) (Requirement, error) {
	var r Requirement
	p := &scanner{s: s}
	p.space()
	r.Name = p.while(func(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' })
	if !ValidName(r.Name) {
		return r, p.fail("expected a package name at the start")
	}
	p.space()
	if p.eat("[") {
		extras, err := p.extras()
		if err != nil {
			return r, err
		}
		r.Extras = extras
		p.space()
	}
	switch {
	case p.eat("@"):
		p.space()
		r.URL = p.while(func(c byte) bool { return c != ' ' && c != '\t' })
		if err := checkRequirementURL(r.URL); err != nil {
			return r, p.fail(err.Error())
		}
		if p.done() {
			return r, nil
		}
		if p.space() == 0 {
			return r, p.fail("expected whitespace after the URL")
		}
	default:
		spec, err := p.versionSpec()
		if err != nil {
			return r, err
		}
		r.Specifier = spec
	}
	p.space()
	if p.eat(";") {
		start := p.i
		if err := (&markerParser{p}).parse(); err != nil {
			return r, err
		}
		r.Marker = strings.TrimSpace(s[start:p.i])
	}
	p.space()
	if !p.done() {
		return r, p.fail("unexpected text")
	}
	return r, nil
}

// scanner walks a requirement string byte by byte.
type scanner struct {
	s string
	i int
}

func (p *scanner) done() bool { return p.i >= len(p.s) }

func (p *scanner) fail(reason string) error {
	return errorf("requirement", "Invalid requirement %q: %s at position %d.", p.s, reason, p.i)
}

// space skips blanks and returns how many it skipped.
func (p *scanner) space() int {
	n := 0
	for !p.done() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
		n++
	}
	return n
}

func (p *scanner) eat(tok string) bool {
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *scanner) while(ok func(byte) bool) string {
	start := p.i
	for !p.done() && ok(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// extras parses the names after '[' up to and including ']'.
func (p *scanner) extras() ([]string, error) {
	var out []string
	p.space()
	if p.eat("]") {
		return out, nil
	}
	for {
		p.space()
		name := p.while(func(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' })
		if !ValidName(name) {
			return nil, p.fail("expected an extra name")
		}
		out = append(out, name)
		p.space()
		if p.eat("]") {
			return out, nil
		}
		if !p.eat(",") {
			return nil, p.fail("expected ',' or ']' in extras")
		}
	}
}

// versionSpec parses optional version clauses, bare or in parentheses, and
// checks them as a PEP 440 specifier set.
func (p *scanner) versionSpec() (string, error) {
	paren := p.eat("(")
	var clauses []string
	for {
		p.space()
		op := p.while(func(c byte) bool { return strings.IndexByte("<>=!~", c) >= 0 })
		if op == "" {
			if len(clauses) > 0 {
				return "", p.fail("expected a version operator")
			}
			break
		}
		p.space()
		v := p.while(func(c byte) bool { return isAlnum(c) || strings.IndexByte("._*+!-", c) >= 0 })
		if v == "" {
			return "", p.fail("expected a version")
		}
		clauses = append(clauses, op+v)
		p.space()
		if !p.eat(",") {
			break
		}
	}
	if paren && !p.eat(")") {
		return "", p.fail("expected ')'")
	}
	spec := strings.Join(clauses, ",")
	if spec != "" {
		if _, err := pep440.ParseSpecifierSet(spec); err != nil {
			return "", errorf("requirement", "Invalid requirement %q: invalid version specifier %q.", p.s, spec)
		}
	}
	return spec, nil
}

// checkRequirementURL accepts a URL with a scheme and, except for file URLs,
// a host.
func checkRequirementURL(s string) error {
	u, err := url.Parse(s)
	if s == "" || err != nil || u.Scheme == "" {
		return errorf("requirement", "expected a URL")
	}
	if u.Scheme != "file" && u.Host == "" {
		return errorf("requirement", "expected a URL with a host")
	}
	return nil
}

// markerVariables are the environment marker names PEP 508 defines, with the
// dotted spellings that older tools wrote and "extras" and
// "dependency_groups" from lock files (PEP 751).
var markerVariables = set(
	"python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
	"platform_system", "platform_version", "platform_machine", "platform_python_implementation",
	"implementation_name", "implementation_version", "extra", "extras", "dependency_groups",
	"os.name", "sys.platform", "platform.version", "platform.machine",
	"platform.python_implementation", "python_implementation",
)

// markerParser checks marker syntax:
//
//	marker := and ("or" and)*
//	and    := expr ("and" expr)*
//	expr   := "(" marker ")" | value op value
//	op     := "<=" | "<" | "!=" | "==" | ">=" | ">" | "~=" | "===" | "in" | "not" "in"
type markerParser struct{ *scanner }

// maxMarkerDepth bounds parenthesis nesting so hostile input cannot exhaust
// the stack.
const maxMarkerDepth = 32

func (m *markerParser) parse() error { return m.or(0) }

func (m *markerParser) or(depth int) error {
	if depth > maxMarkerDepth {
		return m.fail("marker nested too deeply")
	}
	for {
		if err := m.and(depth); err != nil {
			return err
		}
		if !m.keyword("or") {
			return nil
		}
	}
}

func (m *markerParser) and(depth int) error {
	for {
		if err := m.expr(depth); err != nil {
			return err
		}
		if !m.keyword("and") {
			return nil
		}
	}
}

func (m *markerParser) expr(depth int) error {
	m.space()
	if m.eat("(") {
		if err := m.or(depth + 1); err != nil {
			return err
		}
		m.space()
		if !m.eat(")") {
			return m.fail("expected ')' in marker")
		}
		return nil
	}
	if err := m.value(); err != nil {
		return err
	}
	if err := m.op(); err != nil {
		return err
	}
	return m.value()
}

// keyword consumes word when it is next, as a whole word.
func (m *markerParser) keyword(word string) bool {
	save := m.i
	m.space()
	if m.eat(word) && (m.done() || !isIdentByte(m.s[m.i])) {
		return true
	}
	m.i = save
	return false
}

func (m *markerParser) value() error {
	m.space()
	if m.done() {
		return m.fail("expected a marker value")
	}
	if q := m.s[m.i]; q == '"' || q == '\'' {
		end := strings.IndexByte(m.s[m.i+1:], q)
		if end < 0 {
			return m.fail("unterminated string in marker")
		}
		m.i += end + 2
		return nil
	}
	name := m.while(isIdentByte)
	if !markerVariables[name] {
		return m.fail("expected a marker variable or a quoted string")
	}
	return nil
}

func (m *markerParser) op() error {
	m.space()
	for _, op := range []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"} {
		if m.eat(op) {
			return nil
		}
	}
	if m.keyword("in") {
		return nil
	}
	save := m.i
	if m.keyword("not") {
		if m.space() > 0 && m.keyword("in") {
			return nil
		}
	}
	m.i = save
	return m.fail("expected a marker operator")
}

func isIdentByte(c byte) bool { return isAlnum(c) || c == '_' || c == '.' }
