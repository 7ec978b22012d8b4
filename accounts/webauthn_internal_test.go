package accounts

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckKeyLabel(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"plain", "YubiKey 5C", "YubiKey 5C", true},
		{"trimmed", "\t phone \n", "phone", true},
		{"non-ASCII", "clé de secours", "clé de secours", true},
		{"64 characters", strings.Repeat("ü", 64), strings.Repeat("ü", 64), true},
		{"empty", "", "", false},
		{"only spaces", "   ", "", false},
		{"65 characters", strings.Repeat("ü", 65), "", false},
		{"a tab inside", "my\tkey", "", false},
		{"a NUL", "key\x00", "", false},
		{"invalid UTF-8", "key\xff", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkKeyLabel(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("checkKeyLabel(%q) = %q, %v", tt.in, got, err)
			}
		})
	}
}

// FuzzCheckKeyLabel checks that an accepted label is trimmed, short,
// valid UTF-8 without control characters, and accepted again unchanged.
func FuzzCheckKeyLabel(f *testing.F) {
	for _, s := range []string{"YubiKey", " phone ", strings.Repeat("é", 64), "a\nb", "\xff", "\u2028key\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := checkKeyLabel(in)
		if err != nil {
			return
		}
		if got == "" || got != strings.TrimSpace(got) || utf8.RuneCountInString(got) > KeyLabelMax ||
			!utf8.ValidString(got) || strings.ContainsFunc(got, unicode.IsControl) {
			t.Fatalf("checkKeyLabel(%q) accepted %q", in, got)
		}
		if again, err := checkKeyLabel(got); err != nil || again != got {
			t.Fatalf("an accepted label %q is not accepted again: %q, %v", got, again, err)
		}
	})
}
