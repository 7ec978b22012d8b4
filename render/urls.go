package render

import (
	"net/url"
	"strings"
)

// linkURL checks a link target and returns the form to emit: an absolute
// http, https or mailto URL, or a same-document "#fragment" rewritten to
// the prefixed ids (a bare "#" is dropped). Other relative URLs are dropped: on a project page they
// would point into the index's own URL space, where they are broken at
// best, whereas PyPI keeps them.
func linkURL(v string) (string, bool) {
	v = strings.Trim(v, " \t\n\f\r")
	if strings.HasPrefix(v, "#") {
		frag := v[1:]
		if strings.ContainsFunc(frag, isSpaceOrControl) {
			return "", false
		}
		if frag == "" {
			return "", false // "#" alone goes nowhere
		}
		return "#" + IDPrefix + frag, true
	}
	return absoluteURL(v, "http", "https", "mailto")
}

// imageURL checks an image source: only absolute http and https URLs, so
// that an image never makes the reader's browser request the index itself
// (with the reader's cookies) nor run a data: or javascript: document.
func imageURL(v string) (string, bool) {
	return absoluteURL(strings.Trim(v, " \t\n\f\r"), "http", "https")
}

// absoluteURL returns v re-serialised when it is an absolute URL with one of
// schemes (and, except for mailto, a host). A URL holding any whitespace or
// control character is refused outright, since browsers drop tabs and line
// breaks inside URLs ("java\tscript:" is javascript:) while other parsers
// keep them.
func absoluteURL(v string, schemes ...string) (string, bool) {
	if v == "" || strings.ContainsFunc(v, isSpaceOrControl) || strings.Contains(v, `\`) {
		return "", false
	}
	u, err := url.Parse(v)
	if err != nil || !contains(schemes, u.Scheme) {
		return "", false
	}
	if u.Scheme != "mailto" && (u.Host == "" || u.Opaque != "") {
		return "", false
	}
	s := u.String()
	if strings.ContainsFunc(s, isSpaceOrControl) {
		return "", false
	}
	return s, true
}

// srcset checks a srcset value, a comma-separated list of image URLs each
// with an optional width ("640w") or density ("2x") descriptor, and returns
// it re-serialised. A value with any candidate that fails is dropped whole.
func srcset(v string) (string, bool) {
	var out []string
	for _, cand := range strings.Split(v, ",") {
		f := strings.Fields(cand)
		if len(f) == 0 || len(f) > 2 {
			return "", false
		}
		u, ok := imageURL(f[0])
		if !ok || strings.Contains(u, ",") {
			return "", false
		}
		if len(f) == 2 {
			if !validDescriptor(f[1]) {
				return "", false
			}
			u += " " + f[1]
		}
		out = append(out, u)
	}
	return strings.Join(out, ", "), len(out) > 0
}

// validDescriptor reports whether d is a width ("640w") or pixel density
// ("1.5x") descriptor.
func validDescriptor(d string) bool {
	if len(d) < 2 || (d[len(d)-1] != 'w' && d[len(d)-1] != 'x') {
		return false
	}
	for _, c := range d[:len(d)-1] {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return len(d) <= 12
}
