package accounts

import (
	"strings"
	"testing"
)

// TestCleanLeakURL checks that a scanner's URL cannot add lines to the
// owner's mail and is kept to a bounded length.
func TestCleanLeakURL(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("é", maxLeakURL)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "https://github.com/a/b/blob/main/x.py", "https://github.com/a/b/blob/main/x.py"},
		{"empty", "", ""},
		{"line breaks", "https://e.com/x\r\nSubject: hi\n", "https://e.com/xSubject: hi"},
		{"controls", "https://e.com/\x00\x1b[31m\u0085", "https://e.com/[31m"},
		{"invalid UTF-8", "https://e.com/\xff", "https://e.com/\uFFFD"},
		{"long", long, long[:len("https://example.com/")] + strings.Repeat("é", maxLeakURL-len("https://example.com/")) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanLeakURL(tt.in); got != tt.want {
				t.Errorf("cleanLeakURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
