package archive

import (
	"strings"
	"unicode/utf8"
)

// checkPath returns a reason why name is not an acceptable archive member
// name, or "" when it is. Directory names may end with one "/".
func checkPath(name string) string {
	switch {
	case name == "":
		return "empty file name"
	case !utf8.ValidString(name):
		return "file name is not valid UTF-8"
	case strings.ContainsRune(name, '\\'):
		return "file name contains a backslash"
	case strings.HasPrefix(name, "/"):
		return "absolute file name"
	case len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]):
		return "file name starts with a drive letter"
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return "file name contains a control character"
		}
	}
	trimmed := strings.TrimSuffix(name, "/")
	for part := range strings.SplitSeq(trimmed, "/") {
		switch part {
		case "":
			return "file name has an empty path component"
		case ".", "..":
			return "file name has a \".\" or \"..\" path component"
		}
	}
	return ""
}

func isASCIILetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalizeDistName lowercases s and replaces each run of "-", "_" and "."
// with a single "_", as wheel tools do when they compare names.
func normalizeDistName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inRun := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' {
			if !inRun {
				b.WriteByte('_')
			}
			inRun = true
			continue
		}
		inRun = false
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
