package dist

import "strings"

// MaxNameLength bounds project names. PEP 508 sets no limit; 200 is far above
// any real project and keeps names usable in URLs, paths and database keys.
const MaxNameLength = 200

// NormalizeName returns the PEP 503 normal form of a project name: lower
// case, with every run of '-', '_' and '.' replaced by a single '-'.
func NormalizeName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// ValidName reports whether name is a valid project name: ASCII letters,
// digits, '.', '_' and '-', starting and ending with a letter or digit, and no
// longer than MaxNameLength.
func ValidName(name string) bool {
	if name == "" || len(name) > MaxNameLength {
		return false
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// SimilarityKey returns the key under which names are "too similar" to
// coexist: lower case, without '.', '_' and '-', with 'l' and 'i' read as '1'
// and 'o' read as '0'. Two projects whose keys are equal would be easy to
// confuse, so the index lets only one of them exist.
func SimilarityKey(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch c {
		case '.', '_', '-':
			continue
		case 'l', 'i':
			c = '1'
		case 'o':
			c = '0'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IsStdlibModule reports whether name, once normalised, is the normalised name
// of a top-level module of the Python 3 standard library (Python 3.11 to 3.13).
// Such names are reserved so that "pip install asyncio" cannot fetch a
// stranger's code.
func IsStdlibModule(name string) bool {
	return loadTables().stdlib[NormalizeName(name)]
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
