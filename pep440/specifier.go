package pep440

import (
	"slices"
	"strings"
)

// operators lists the specifier operators, longest first so that the first
// match is the right one ("===" before "==", "<=" before "<").
var operators = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// specifier is one clause of a SpecifierSet, such as ">=1.0" or "==2.*".
type specifier struct {
	op       string
	text     string  // the version as written, trimmed; kept for String
	v        Version // the parsed version; unused for "==="
	wildcard bool    // "==" or "!=" with a trailing ".*"
}

// SpecifierSet is a parsed, comma-separated list of PEP 440 version
// specifiers such as ">=1.0,!=1.3.*,<2". A version is in the set when every
// specifier allows it. The zero SpecifierSet is empty and allows every
// version (pre-releases only when asked for).
type SpecifierSet struct {
	specs []specifier // sorted by String, without duplicates
}

// ParseSpecifierSet parses a comma-separated list of specifiers as Python's
// packaging.specifiers.SpecifierSet does. White space around specifiers and
// between an operator and its version is allowed, and empty items are
// ignored, so "" is a valid, empty set. Each specifier is one of ~=, ==, !=,
// <=, >=, <, >, === followed by a version; "==" and "!=" also accept a
// release-only prefix match ("==1.4.*"), only they accept local versions,
// and "~=" needs at least two release components. Errors match ErrInvalid.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	if len(s) > maxSetLength {
		return SpecifierSet{}, syntaxError("specifier set", s, true)
	}
	var set SpecifierSet
	seen := make(map[string]bool)
	for _, item := range strings.Split(s, ",") {
		item = trimSpace(item)
		if item == "" {
			continue
		}
		sp, err := parseSpecifier(item)
		if err != nil {
			return SpecifierSet{}, err
		}
		// Like packaging's frozenset, keep the first of equal specifiers.
		if id := sp.identity(); !seen[id] {
			seen[id] = true
			set.specs = append(set.specs, sp)
		}
	}
	slices.SortFunc(set.specs, func(a, b specifier) int {
		return strings.Compare(a.String(), b.String())
	})
	return set, nil
}

// parseSpecifier parses one trimmed, non-empty specifier.
func parseSpecifier(item string) (specifier, error) {
	bad := func() (specifier, error) {
		return specifier{}, syntaxError("specifier", item, len(item) > MaxLength)
	}
	if len(item) > MaxLength {
		return bad()
	}
	var sp specifier
	for _, op := range operators {
		if strings.HasPrefix(item, op) {
			sp.op = op
			break
		}
	}
	if sp.op == "" {
		return bad()
	}
	sp.text = trimSpace(item[len(sp.op):])
	if sp.op == "===" {
		// The arbitrary-equality escape hatch takes any text without white
		// space, ';' or ')'.
		if strings.ContainsFunc(sp.text, func(r rune) bool { return isSpace(r) || r == ';' || r == ')' }) {
			return bad()
		}
		return sp, nil
	}
	text := sp.text
	if sp.op == "==" || sp.op == "!=" {
		text, sp.wildcard = strings.CutSuffix(text, ".*")
	}
	v, err := Parse(text)
	if err != nil || trimSpace(text) != text {
		return bad()
	}
	sp.v = v
	switch {
	case sp.wildcard && (v.pre != preNone || v.post != "" || v.dev != "" || v.HasLocal()):
		// A prefix match names a release segment only.
		return bad()
	case v.HasLocal() && sp.op != "==" && sp.op != "!=":
		return bad()
	case sp.op == "~=" && len(v.release) < 2:
		return bad()
	}
	return sp, nil
}

// String returns the specifiers in sorted order joined by commas, as
// Python's str(SpecifierSet) does. Versions keep the spelling they were
// written with.
func (s SpecifierSet) String() string {
	parts := make([]string, len(s.specs))
	for i, sp := range s.specs {
		parts[i] = sp.String()
	}
	return strings.Join(parts, ",")
}

// Len returns the number of distinct specifiers in s.
func (s SpecifierSet) Len() int { return len(s.specs) }

// Contains reports whether v satisfies every specifier in s, with the
// semantics of Python's SpecifierSet.contains(v, prereleases=prereleases).
// When prereleases is false, pre-releases and development releases are
// never contained. Use Prereleases for packaging's default choice.
func (s SpecifierSet) Contains(v Version, prereleases bool) bool {
	if !prereleases && v.IsPrerelease() {
		return false
	}
	for _, sp := range s.specs {
		if !sp.contains(v) {
			return false
		}
	}
	return true
}

// Prereleases reports whether packaging would allow pre-releases for s when
// not told either way: true when some "==", "===", ">=", "<=" or "~="
// specifier names a pre-release or development release.
func (s SpecifierSet) Prereleases() bool {
	for _, sp := range s.specs {
		switch sp.op {
		case "==", ">=", "<=", "~=":
			if sp.v.IsPrerelease() {
				return true
			}
		case "===":
			if v, err := Parse(sp.text); err == nil && v.IsPrerelease() {
				return true
			}
		}
	}
	return false
}

// String returns the operator followed by the version as written.
func (sp specifier) String() string { return sp.op + sp.text }

// identity returns the key under which packaging considers two specifiers
// equal: the operator and the canonical version, with trailing zeros kept
// for "~=" (whose meaning depends on them). Prefix matches and arbitrary
// equality compare as written.
func (sp specifier) identity() string {
	switch {
	case sp.op == "===" || sp.wildcard:
		return sp.op + sp.text
	case sp.op == "~=":
		return sp.op + sp.v.String()
	default:
		return sp.op + sp.v.Canonical()
	}
}

// contains applies one specifier to v, leaving the pre-release policy to
// the caller.
func (sp specifier) contains(v Version) bool {
	switch sp.op {
	case "===":
		return strings.EqualFold(v.String(), sp.text) && isASCII(sp.text)
	case "==":
		return sp.equal(v)
	case "!=":
		return !sp.equal(v)
	case "~=":
		// ~=X.Y.Z means >=X.Y.Z together with ==X.Y.*.
		return comparePublic(v, sp.v) >= 0 && prefixMatch(v, sp.v.epoch, sp.v.release[:len(sp.v.release)-1])
	case "<=":
		return comparePublic(v, sp.v) <= 0
	case ">=":
		return comparePublic(v, sp.v) >= 0
	case "<":
		return sp.less(v)
	case ">":
		return sp.greater(v)
	}
	return false
}

// equal implements "==" for both exact and prefix matches. A specifier
// without a local label ignores the local label of v.
func (sp specifier) equal(v Version) bool {
	switch {
	case sp.wildcard:
		return prefixMatch(v, sp.v.epoch, sp.v.release)
	case sp.v.HasLocal():
		return Compare(v, sp.v) == 0
	default:
		return comparePublic(v, sp.v) == 0
	}
}

// less implements the exclusive "<": unless the specifier names a
// pre-release itself, pre-releases of the named release are excluded
// (<3.1 does not contain 3.1.dev0 but does contain 3.0.dev0).
func (sp specifier) less(v Version) bool {
	if Compare(v, sp.v) >= 0 {
		return false
	}
	return sp.v.IsPrerelease() || !v.IsPrerelease() || compareBase(v, sp.v) != 0
}

// greater implements the exclusive ">": unless the specifier names a
// post-release itself, post-releases of the named release are excluded, and
// so are local versions of it (>3.1 contains neither 3.1.post0 nor
// 3.1+local, but contains 3.2.post0).
func (sp specifier) greater(v Version) bool {
	if Compare(v, sp.v) <= 0 {
		return false
	}
	if !sp.v.IsPostrelease() && v.IsPostrelease() && compareBase(v, sp.v) == 0 {
		return false
	}
	return !v.HasLocal() || compareBase(v, sp.v) != 0
}

// prefixMatch reports whether v, ignoring its local label, has the given
// epoch and starts with the given release components, padding the release
// of v with zeros when it is shorter (so 1 matches ==1.0.*).
func prefixMatch(v Version, epoch string, prefix []string) bool {
	if compareNum(v.epoch, epoch) != 0 {
		return false
	}
	for i, want := range prefix {
		got := "0"
		if i < len(v.release) {
			got = v.release[i]
		}
		if got != want {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
