package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath feeds the language switcher's next parameter: whatever it
// accepts, a browser resolving it against the index's URL stays on the
// index's host and under its path.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/help/", "//evil.example", `/\evil.example`, "/\t/evil.example", "/py/x?y=1#z",
		"https://evil.example/", "/py", "/pyx", "/%2F%2Fevil.example", "/..//evil.example"} {
		f.Add(s, false)
	}
	origin, err := url.Parse("https://wharf.example/py/")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"/help/", "/py/../other"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, next string, withPrefix bool) {
		prefix := ""
		if withPrefix {
			prefix = "/py"
		}
		s := &Server{prefix: prefix}
		p, ok := s.localPath(next)
		if !ok {
			return
		}
		// Browsers drop tabs and newlines and read backslashes as
		// slashes before resolving; url.Parse does neither, so do it.
		seen := strings.NewReplacer("\\", "/", "\t", "", "\n", "", "\r", "").Replace(p)
		u, err := origin.Parse(seen)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", next, err)
		}
		if u.Host != origin.Host || u.Scheme != origin.Scheme {
			t.Fatalf("accepted %q, which leads to %s", next, u)
		}
		if prefix != "" && u.Path != prefix && !strings.HasPrefix(u.Path, prefix+"/") {
			t.Fatalf("accepted %q, outside %s", next, prefix)
		}
	})
}
