package rst

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// linkSchemes are the URL schemes recognised in standalone URLs. Schemes
// that run code (javascript:, data:, vbscript:) are deliberately absent, so
// such text stays text.
const linkSchemes = " http https ftp ftps sftp file git ssh svn irc ircs mailto news nntp telnet gopher ws wss "

// uri matches a standalone URL at k ("https://example.org/path") that
// ends by b.
func (in *inliner) uri(k, b int) match {
	s := in.s[:b]
	if k < in.schemeEnd {
		return match{}
	}
	j := k
	for j < len(s) && (isAlnum(s[j]) || (j > k && strings.IndexByte(".+-", s[j]) >= 0)) {
		j++
	}
	if j >= len(s) || s[j] != ':' || !strings.Contains(linkSchemes, " "+strings.ToLower(s[k:j])+" ") {
		in.schemeEnd = j
		return match{}
	}
	e := j + 1
	for e < len(s) && s[e] > ' ' && strings.IndexByte("<>\"`\\", s[e]) < 0 {
		_, size := utf8.DecodeRuneInString(s[e:])
		e += size
	}
	for e > j+1 && !isURILast(s[e-1]) {
		e--
	}
	if e == j+1 || (e < b && !in.endOK(e)) {
		in.schemeEnd = j
		return match{}
	}
	u := s[k:e]
	text := u
	return match{end: e, nodes: []inode{{kind: iStandard, text: text, line: in.lineAt(k), ref: &iref{uri: u, class: "reference"}}}}
}

// isURILast reports whether c may end a standalone URL; trailing
// punctuation such as "." or ")" is left to the sentence.
func isURILast(c byte) bool {
	return isAlnum(c) || strings.IndexByte("_~*/=+#-", c) >= 0 || c >= utf8.RuneSelf
}

// email matches a standalone email address at k that ends by b.
func (in *inliner) email(k, b int) match {
	s := in.s[:b]
	if k < in.emailEnd {
		return match{}
	}
	j := k
	for j < len(s) && (isAlnum(s[j]) || strings.IndexByte("-_.+%", s[j]) >= 0) {
		j++
	}
	if j >= len(s) || s[j] != '@' {
		in.emailEnd = j
		return match{}
	}
	e := j + 1
	for e < len(s) && (isAlnum(s[e]) || s[e] == '-' || s[e] == '.') {
		e++
	}
	for e > j+1 && !isAlnum(s[e-1]) {
		e--
	}
	domain := s[j+1 : e]
	if !strings.Contains(domain, ".") || strings.Contains(domain, "..") || !isAlnum(domain[0]) || (e < b && !in.endOK(e)) {
		in.emailEnd = j
		return match{}
	}
	addr := s[k:e]
	return match{end: e, nodes: []inode{{kind: iStandard, text: addr, line: in.lineAt(k), ref: &iref{uri: "mailto:" + addr, class: "reference"}}}}
}

// simpleRef matches "name_" and "name__", preferring the longest name as
// docutils' greedy pattern does.
func (in *inliner) simpleRef(k int) match {
	s := in.s
	if k < in.nameEnd {
		return match{}
	}
	best, bestEnd, anon := -1, 0, false
	j := k
	for j < len(s) {
		if !isWordByte(s, j) {
			break
		}
		for j < len(s) && isWordByte(s, j) {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
		}
		if e, an, ok := in.refEnd(j); ok && in.endOK(e) {
			best, bestEnd, anon = j, e, an
		}
		if j+1 < len(s) && strings.IndexByte("-._+:", s[j]) >= 0 && isWordByte(s, j+1) {
			j++
			continue
		}
		break
	}
	if best < 0 {
		in.nameEnd = j
		return match{}
	}
	name := s[k:best]
	nd := inode{kind: iRef, text: name, anon: anon, line: in.lineAt(k), ref: &iref{class: "reference"}}
	if !anon {
		nd.ref.refname = normName(name)
	}
	return match{end: bestEnd, nodes: []inode{nd}}
}

// baseRole maps a role name (or alias, or role defined with the role
// directive) to the role wharf implements, or "" when unknown.
func (p *parser) baseRole(name string) string {
	switch name {
	case "emphasis", "strong", "literal", "subscript", "superscript", "title-reference", "pep-reference", "rfc-reference", "abbreviation", "code", "math":
		return name
	case "sub":
		return "subscript"
	case "sup":
		return "superscript"
	case "title", "t":
		return "title-reference"
	case "pep":
		return "pep-reference"
	case "rfc":
		return "rfc-reference"
	case "abbr", "ab", "acronym", "ac":
		return "abbreviation"
	}
	return p.roles[name]
}

// roleNode builds the node for interpreted text with the given role; text
// has escapes removed.
func (p *parser) roleNode(role, text string, line int) (inode, error) {
	nd := inode{text: text, line: line}
	switch base := p.baseRole(role); base {
	case "emphasis":
		nd.kind = iEm
	case "strong":
		nd.kind = iStrong
	case "literal", "code", "math":
		nd.kind = iLiteral
	case "subscript":
		nd.kind = iSub
	case "superscript":
		nd.kind = iSup
	case "", "title-reference":
		if role != "" && base == "" {
			return nd, errorf(line, "Unknown interpreted text role %q.", role)
		}
		nd.kind = iCite
	case "abbreviation":
		nd.kind, nd.ref = iAbbr, &iref{}
		if k := strings.LastIndexByte(text, '('); k > 0 && strings.HasSuffix(text, ")") {
			nd.text, nd.ref.title = strings.TrimSpace(text[:k]), strings.TrimSpace(text[k+1:len(text)-1])
		}
	case "pep-reference":
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 || n > 9999 {
			return nd, errorf(line, "PEP number must be a number from 0 to 9999; %q is invalid.", text)
		}
		nd = inode{kind: iRef, text: "PEP " + text, line: line, ref: &iref{uri: "https://peps.python.org/pep-" + pad4(n), class: "pep-reference"}}
	case "rfc-reference":
		num, anchor, _ := strings.Cut(text, "#")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			return nd, errorf(line, "RFC number must be a number greater than or equal to 1; %q is invalid.", text)
		}
		uri := "https://tools.ietf.org/html/rfc" + strconv.Itoa(n)
		if anchor != "" {
			uri += "#" + anchor
		}
		nd = inode{kind: iRef, text: "RFC " + num, line: line, ref: &iref{uri: uri, class: "rfc-reference"}}
	default:
		nd.kind = iSpan
	}
	return nd, nil
}

// pad4 formats n with at least four digits.
func pad4(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", max(0, 4-len(s))) + s
}

// normSpace collapses runs of whitespace to one space and trims the ends.
func normSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normName is docutils' reference name normalisation: whitespace
// collapsed, lower case.
func normName(s string) string {
	return strings.ToLower(normSpace(s))
}

// unescape removes backslash escapes from s outside inline parsing
// (target names and URLs).
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for k := 0; k < len(s); k++ {
		if s[k] == '\\' {
			k++
			if k >= len(s) || s[k] == ' ' || s[k] == '\n' {
				continue
			}
		}
		b.WriteByte(s[k])
	}
	return b.String()
}

// decodeRune decodes the first rune of s.
func decodeRune(s string) (rune, int) {
	return utf8.DecodeRuneInString(s)
}
