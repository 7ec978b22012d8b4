package dist

import (
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"lower", "requests", "requests"},
		{"upper", "Django", "django"},
		{"underscore", "typing_extensions", "typing-extensions"},
		{"dot", "zope.interface", "zope-interface"},
		{"run", "a._-b", "a-b"},
		{"mixed runs", "Foo__Bar..Baz--Qux", "foo-bar-baz-qux"},
		{"edge separators", "-a-", "-a-"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"simple", "requests", true},
		{"one char", "a", true},
		{"digit", "7", true},
		{"separators inside", "a.b_c-d", true},
		{"upper", "Django", true},
		{"max length", strings.Repeat("a", MaxNameLength), true},
		{"too long", strings.Repeat("a", MaxNameLength+1), false},
		{"empty", "", false},
		{"leading dash", "-a", false},
		{"trailing dot", "a.", false},
		{"leading underscore", "_a", false},
		{"space", "a b", false},
		{"plus", "a+b", false},
		{"non ascii", "café", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidName(tt.in); got != tt.want {
				t.Errorf("ValidName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSimilarityKey(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"separators", "foo-bar", "foo_bar.."},
		{"case", "FooBar", "foobar"},
		{"l and 1", "req1ests", "reqlests"},
		{"i and 1", "piI", "p11"},
		{"o and 0", "f00", "foo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if SimilarityKey(tt.a) != SimilarityKey(tt.b) {
				t.Errorf("SimilarityKey(%q) = %q, SimilarityKey(%q) = %q; want equal", tt.a, SimilarityKey(tt.a), tt.b, SimilarityKey(tt.b))
			}
		})
	}
	if got, want := SimilarityKey("Hello_World.io"), "he110w0r1d10"; got != want {
		t.Errorf("SimilarityKey = %q, want %q", got, want)
	}
	if SimilarityKey("foo") == SimilarityKey("bar") {
		t.Error("different names share a key")
	}
}

func TestIsStdlibModule(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"os", "os", true},
		{"asyncio", "asyncio", true},
		{"case", "AsyncIO", true},
		{"removed in 3.13 still reserved", "telnetlib", true},
		{"concurrent", "concurrent", true},
		{"third party", "requests", false},
		{"dotted submodule is not top-level", "os.path", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsStdlibModule(tt.in); got != tt.want {
				t.Errorf("IsStdlibModule(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
