package pep440

import "strings"

// preKind is the kind of a pre-release segment. Its order is the PEP 440
// order of the kinds.
type preKind uint8

const (
	preNone preKind = iota
	preAlpha
	preBeta
	preRC
)

// preLetters holds the normal spelling of each preKind.
var preLetters = [...]string{preNone: "", preAlpha: "a", preBeta: "b", preRC: "rc"}

// Version is a parsed PEP 440 version. Numbers are held as decimal strings
// without leading zeros, so components of any size compare exactly.
//
// The zero Version is the version "0". Versions are immutable values; copy
// them freely.
type Version struct {
	epoch   string   // "" means 0
	release []string // as written, without leading zeros; empty means [0]
	pre     preKind
	preN    string
	post    string   // "" when there is no post-release segment
	dev     string   // "" when there is no dev-release segment
	local   []string // lower case; all-digit parts without leading zeros
}

// MustParse is like Parse but panics when s is not a valid version. It is
// meant for tests and for constants known to be valid.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the normal form of v, the same text that Python's
// str(packaging.version.Version(s)) gives: "1.0.0-RC1" becomes "1.0.0rc1"
// and "v1.0-1" becomes "1.0.post1".
func (v Version) String() string {
	var b strings.Builder
	v.writePublic(&b, v.release)
	v.writeLocal(&b)
	return b.String()
}

// Canonical returns v in the form of Python's
// packaging.utils.canonicalize_version: the normal form with trailing zero
// release components removed, so "1.0", "1.0.0" and "1" share the canonical
// form "1". Two versions are equal under Compare exactly when their
// canonical forms are equal, which makes it fit to identify a release.
func (v Version) Canonical() string {
	var b strings.Builder
	rel := trimZeros(v.release)
	if len(rel) == 0 {
		rel = []string{"0"}
	}
	v.writePublic(&b, rel)
	v.writeLocal(&b)
	return b.String()
}

// Public returns the normal form of v without its local segment.
func (v Version) Public() string {
	var b strings.Builder
	v.writePublic(&b, v.release)
	return b.String()
}

// BaseVersion returns the epoch and release segment of v in normal form,
// like Python's Version.base_version.
func (v Version) BaseVersion() string {
	var b strings.Builder
	writeBase(&b, v.epoch, v.release)
	return b.String()
}

// HasLocal reports whether v has a local version label ("+ubuntu.1").
func (v Version) HasLocal() bool { return len(v.local) > 0 }

// IsPrerelease reports whether v is a pre-release or a development release.
func (v Version) IsPrerelease() bool { return v.pre != preNone || v.dev != "" }

// IsDevrelease reports whether v has a development release segment.
func (v Version) IsDevrelease() bool { return v.dev != "" }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.post != "" }

// writePublic writes everything but the local segment, using rel as the
// release segment.
func (v Version) writePublic(b *strings.Builder, rel []string) {
	writeBase(b, v.epoch, rel)
	if v.pre != preNone {
		b.WriteString(preLetters[v.pre])
		b.WriteString(v.preN)
	}
	if v.post != "" {
		b.WriteString(".post")
		b.WriteString(v.post)
	}
	if v.dev != "" {
		b.WriteString(".dev")
		b.WriteString(v.dev)
	}
}

// writeLocal writes the local segment, if any, with its leading "+".
func (v Version) writeLocal(b *strings.Builder) {
	if len(v.local) == 0 {
		return
	}
	b.WriteByte('+')
	b.WriteString(strings.Join(v.local, "."))
}

// writeBase writes an epoch (omitted when zero) and a release segment.
func writeBase(b *strings.Builder, epoch string, rel []string) {
	if epoch != "" && epoch != "0" {
		b.WriteString(epoch)
		b.WriteByte('!')
	}
	if len(rel) == 0 {
		b.WriteByte('0')
		return
	}
	for i, n := range rel {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(n)
	}
}

// trimZeros returns rel without its trailing zero components.
func trimZeros(rel []string) []string {
	n := len(rel)
	for n > 0 && rel[n-1] == "0" {
		n--
	}
	return rel[:n]
}
