package browser

import (
	"net/url"
	"strings"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	const origin = "http://localhost:8080"
	tests := []struct {
		name string
		raw  string
		want bool
	}{
		{"page", "http://localhost:8080/project/x/", true},
		{"root without slash", "http://localhost:8080", true},
		{"query and fragment", "http://localhost:8080/a?b=c#d", true},
		{"upper-case host", "HTTP://LocalHost:8080/", true},
		{"data image", "data:image/png;base64,iVBORw0KGgo=", true},
		{"blob of the page", "blob:http://localhost:8080/4f1c", true},
		{"about blank", "about:blank", true},
		{"other port", "http://localhost:8081/", false},
		{"default port", "http://localhost/", false},
		{"https", "https://localhost:8080/", false},
		{"websocket", "ws://localhost:8080/", false},
		{"loopback address", "http://127.0.0.1:8080/", false},
		{"third party", "https://fonts.example.com/x.woff2", false},
		{"user info hiding another host", "http://localhost:8080@evil.example/", false},
		{"user info before the host", "http://u@localhost:8080/", false},
		{"suffix host", "http://localhost:8080.evil.example/", false},
		{"scheme relative", "//localhost:8080/", false},
		{"javascript", "javascript:alert(1)", false},
		{"unparsable", "http://[::1", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameOrigin(tt.raw, normalOrigin(origin)); got != tt.want {
				t.Errorf("sameOrigin(%q) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestNormalOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://localhost:80", "http://localhost"},
		{"https://Example.COM:443", "https://example.com"},
		{"https://localhost:80", "https://localhost:80"},
		{"http://localhost:8080", "http://localhost:8080"},
		{"http://localhost:180", "http://localhost:180"},
	}
	for _, tt := range tests {
		if got := normalOrigin(tt.in); got != tt.want {
			t.Errorf("normalOrigin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSameOrigin checks that no URL a page can name passes for the
// page's origin unless it parses to exactly that scheme and host, or is
// one of the schemes that never reach the network.
func FuzzSameOrigin(f *testing.F) {
	for _, s := range []string{"http://localhost:8080/", "http://localhost:8080@evil/", "blob:http://x/", "HTTP://LOCALHOST:8080",
		"http://localhost:8080\\@evil/", "http://localhost:8080%2f@evil/", "data:,x", "http://localhost:8080#@evil"} {
		f.Add(s)
	}
	const origin = "http://localhost:8080"
	f.Fuzz(func(t *testing.T, raw string) {
		if !sameOrigin(raw, origin) {
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("%q passed but does not parse: %v", raw, err)
		}
		switch strings.ToLower(u.Scheme) {
		case "data", "blob", "about":
			return
		}
		if strings.ToLower(u.Scheme) != "http" || strings.ToLower(u.Host) != "localhost:8080" || u.User != nil {
			t.Fatalf("%q passed as %s but names scheme %q host %q user %v", raw, origin, u.Scheme, u.Host, u.User)
		}
	})
}
