package pep440

import (
	"strconv"
	"strings"
)

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b in the
// PEP 440 order, the order of Python's packaging.version.Version: epochs
// first, then release segments with trailing zeros ignored, then
// dev-only < pre-release < final < post-release, development releases before
// the release they lead to, and finally local labels (a version without one
// sorts first; alphabetic parts sort before numeric parts).
func Compare(a, b Version) int {
	if c := comparePublic(a, b); c != 0 {
		return c
	}
	return compareLocal(a.local, b.local)
}

// Equal reports whether a and b are the same version under Compare.
func Equal(a, b Version) bool { return Compare(a, b) == 0 }

// comparePublic compares a and b ignoring their local segments.
func comparePublic(a, b Version) int {
	if c := compareBase(a, b); c != 0 {
		return c
	}
	ar, an := preRank(a)
	br, bn := preRank(b)
	if c := compareInt(ar, br); c != 0 {
		return c
	}
	if c := compareNum(an, bn); c != 0 {
		return c
	}
	if c := compareInt(presence(a.post), presence(b.post)); c != 0 {
		return c
	}
	if c := compareNum(a.post, b.post); c != 0 {
		return c
	}
	// A missing dev segment sorts after any present one.
	if c := compareInt(presence(b.dev), presence(a.dev)); c != 0 {
		return c
	}
	return compareNum(a.dev, b.dev)
}

// compareBase compares the epochs and release segments of a and b.
func compareBase(a, b Version) int {
	if c := compareNum(a.epoch, b.epoch); c != 0 {
		return c
	}
	ar, br := trimZeros(a.release), trimZeros(b.release)
	for i := 0; i < len(ar) && i < len(br); i++ {
		if c := compareNum(ar[i], br[i]); c != 0 {
			return c
		}
	}
	return compareInt(len(ar), len(br))
}

// preRank places the pre-release segment of v: 0 for a development release
// of a final version (1.0.dev0 sorts before 1.0a0), the preKind for a
// pre-release, and 4 for everything else. The number is the pre-release
// number, or "" when there is none.
func preRank(v Version) (int, string) {
	switch {
	case v.pre != preNone:
		return int(v.pre), v.preN
	case v.post == "" && v.dev != "":
		return 0, ""
	default:
		return 4, ""
	}
}

// compareLocal compares local segments as packaging does: none sorts first,
// then part by part with alphabetic parts before numeric ones, and a label
// that is a prefix of another sorts first.
func compareLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := isNumber(a[i]), isNumber(b[i])
		var c int
		switch {
		case an && bn:
			c = compareNum(a[i], b[i])
		case an != bn:
			c = compareBool(an, bn)
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return compareInt(len(a), len(b))
}

// compareNum compares two decimal numbers without leading zeros; "" counts
// as 0. Longer numbers are larger, so no conversion is needed.
func compareNum(a, b string) int {
	a, b = orZero(a), orZero(b)
	if c := compareInt(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func orZero(n string) string {
	if n == "" {
		return "0"
	}
	return n
}

func presence(s string) int {
	if s == "" {
		return 0
	}
	return 1
}

func compareBool(a, b bool) int {
	if a == b {
		return 0
	}
	if a {
		return 1
	}
	return -1
}

func compareInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// isNumber reports whether a normalised local part is all digits.
func isNumber(part string) bool {
	for i := 0; i < len(part); i++ {
		if !isDigit(part[i]) {
			return false
		}
	}
	return part != ""
}

// SortKey returns a string whose byte order is the PEP 440 order:
// strings.Compare(a.SortKey(), b.SortKey()) has the sign of Compare(a, b) for
// all versions, and equal versions ("1.0", "1.0.0") have equal keys. It is
// meant for a database column sorted with a byte-wise collation. The key is
// printable ASCII and is not meant to be read or parsed.
//
// The key is the concatenation of self-delimiting, order-preserving codes
// for each part of the PEP 440 comparison tuple; because no code is a prefix
// of another, comparing the concatenations compares the tuples.
func (v Version) SortKey() string {
	var b strings.Builder
	writeNum(&b, v.epoch)
	for _, n := range trimZeros(v.release) {
		b.WriteByte('.')
		writeNum(&b, n)
	}
	// '-' ends the release list and sorts before the '.' that continues one.
	b.WriteByte('-')
	switch rank, n := preRank(v); rank {
	case 0:
		b.WriteByte('0') // a dev release of a final version
	case 4:
		b.WriteByte('z') // no pre-release
	default:
		b.WriteByte("_abc"[rank]) // a, b or c for rc
		writeNum(&b, n)
	}
	if v.post == "" {
		b.WriteByte('0')
	} else {
		b.WriteByte('p')
		writeNum(&b, v.post)
	}
	if v.dev == "" {
		b.WriteByte('z')
	} else {
		b.WriteByte('d')
		writeNum(&b, v.dev)
	}
	// A missing local segment is the empty tail, which sorts first.
	for _, part := range v.local {
		if isNumber(part) {
			b.WriteByte('n')
			writeNum(&b, part)
		} else {
			// Alphabetic parts ('a') sort before numeric ones ('n'); '!'
			// ends the text and sorts before every character in it.
			b.WriteByte('a')
			b.WriteString(part)
			b.WriteByte('!')
		}
	}
	return b.String()
}

// writeNum writes an order-preserving, self-delimiting code for a decimal
// number without leading zeros: a letter giving the number of digits in the
// digit count, the digit count, then the digits. Numbers with more digits
// get larger codes, and numbers with equally many digits compare digit by
// digit. A digit count has at most 19 digits, so the letter is 'a' to 's'.
func writeNum(b *strings.Builder, n string) {
	n = orZero(n)
	count := strconv.Itoa(len(n))
	b.WriteByte(byte('a' + len(count) - 1))
	b.WriteString(count)
	b.WriteString(n)
}
