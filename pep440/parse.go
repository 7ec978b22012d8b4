package pep440

import (
	"strings"
	"unicode"
)

// label is one spelling of a segment label and the preKind it stands for.
type label struct {
	text string
	kind preKind
}

// preLabels lists every spelling of a pre-release label that packaging
// accepts. Matching takes the longest spelling that fits.
var preLabels = []label{
	{"alpha", preAlpha}, {"a", preAlpha},
	{"beta", preBeta}, {"b", preBeta},
	{"preview", preRC}, {"pre", preRC}, {"rc", preRC}, {"c", preRC},
}

// postLabels and devLabels list the spellings of the other labelled
// segments; their kind is unused.
var (
	postLabels = []label{{"post", 0}, {"rev", 0}, {"r", 0}}
	devLabels  = []label{{"dev", 0}}
)

// Parse parses a PEP 440 version. It accepts exactly what Python's
// packaging.version.Version accepts: surrounding white space, a "v" prefix,
// any letter case, the alternative spellings of labels (alpha, beta, c, pre,
// preview, rev, r), "-N" as an implicit post-release, the separators ".", "_"
// and "-", and omitted label numbers. Input longer than MaxLength is
// rejected. Errors match ErrInvalid.
func Parse(s string) (Version, error) {
	if len(s) > MaxLength {
		return Version{}, syntaxError("version", s, true)
	}
	p := parser{s: trimSpace(s)}
	v, ok := p.version()
	if !ok || p.i != len(p.s) {
		return Version{}, syntaxError("version", s, false)
	}
	return v, nil
}

// parser scans a version from left to right. Each optional segment either
// matches at the current position and advances, or leaves it unchanged; the
// grammar needs no backtracking beyond that (see label).
type parser struct {
	s string
	i int
}

// version parses a whole version starting at p.i. It reports false when no
// version starts there; trailing text is left for the caller to reject.
func (p *parser) version() (Version, bool) {
	var v Version
	if p.i < len(p.s) && (p.s[p.i] == 'v' || p.s[p.i] == 'V') {
		p.i++
	}
	first, ok := p.number()
	if !ok {
		return Version{}, false
	}
	if p.peek() == '!' {
		p.i++
		v.epoch = first
		if first, ok = p.number(); !ok {
			return Version{}, false
		}
	}
	v.release = []string{first}
	for p.peek() == '.' && isDigit(p.at(p.i+1)) {
		p.i++
		n, _ := p.number()
		v.release = append(v.release, n)
	}
	if kind, n, ok := p.labelled(preLabels); ok {
		v.pre, v.preN = kind, n
	}
	if p.peek() == '-' && isDigit(p.at(p.i+1)) {
		p.i++
		v.post, _ = p.number()
	} else if _, n, ok := p.labelled(postLabels); ok {
		v.post = n
	}
	if _, n, ok := p.labelled(devLabels); ok {
		v.dev = n
	}
	if p.peek() == '+' {
		p.i++
		if v.local, ok = p.localParts(); !ok {
			return Version{}, false
		}
	}
	return v, true
}

// labelled matches an optional separator, one of labels, an optional
// separator and an optional number; a missing number means 0. The leading
// separator is taken only when a label follows it. The one after the label
// is always taken, even with no number after it ("1.0a-" is "1.0a0"): that
// is what packaging's regular expression does, and leaving it would never
// let more of the input match.
func (p *parser) labelled(labels []label) (preKind, string, bool) {
	j := p.i
	if isSep(p.at(j)) {
		j++
	}
	best := -1
	for k, l := range labels {
		if hasPrefixFold(p.s[j:], l.text) && (best < 0 || len(l.text) > len(labels[best].text)) {
			best = k
		}
	}
	if best < 0 {
		return preNone, "", false
	}
	p.i = j + len(labels[best].text)
	if isSep(p.peek()) {
		p.i++
	}
	n, ok := p.number()
	if !ok {
		n = "0"
	}
	return labels[best].kind, n, true
}

// localParts parses the local label after "+": alphanumeric parts split by
// ".", "_" or "-". Parts are lower-cased and all-digit parts lose their
// leading zeros.
func (p *parser) localParts() ([]string, bool) {
	var parts []string
	for {
		start := p.i
		for p.i < len(p.s) && isAlnum(p.s[p.i]) {
			p.i++
		}
		if p.i == start {
			return nil, false
		}
		parts = append(parts, normalLocal(p.s[start:p.i]))
		if !isSep(p.peek()) || !isAlnum(p.at(p.i+1)) {
			return parts, true
		}
		p.i++
	}
}

// number consumes a run of ASCII digits and returns it without leading
// zeros ("0" for a run of zeros). It reports false when there is no digit.
func (p *parser) number() (string, bool) {
	start := p.i
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	if p.i == start {
		return "", false
	}
	return stripZeros(p.s[start:p.i]), true
}

// peek returns the byte at the current position, or 0 at the end.
func (p *parser) peek() byte { return p.at(p.i) }

// at returns the byte at position j, or 0 past the end.
func (p *parser) at(j int) byte {
	if j < len(p.s) {
		return p.s[j]
	}
	return 0
}

// normalLocal lower-cases one local part and strips the leading zeros of an
// all-digit part, as packaging does when it turns such parts into integers.
func normalLocal(part string) string {
	for i := 0; i < len(part); i++ {
		if !isDigit(part[i]) {
			return strings.ToLower(part)
		}
	}
	return stripZeros(part)
}

// stripZeros removes leading zeros from a run of digits, keeping one digit.
func stripZeros(digits string) string {
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0"
	}
	return digits
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word w,
// ignoring ASCII case in s.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if lowerASCII(s[i]) != w[i] {
			return false
		}
	}
	return true
}

// trimSpace removes what Python's str.strip() and the regular expression
// "\s" treat as white space: Unicode white space plus the ASCII separators
// U+001C to U+001F, which Python counts and Go does not.
func trimSpace(s string) string { return strings.TrimFunc(s, isSpace) }

func isSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || (lowerASCII(c) >= 'a' && lowerASCII(c) <= 'z') }

func isSep(c byte) bool { return c == '.' || c == '_' || c == '-' }

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
