package recovery

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

var testKey = bytes.Repeat([]byte("k"), MinKeyLength)

func newHasher(t testing.TB) *Hasher {
	t.Helper()
	h, err := New(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestGenerate(t *testing.T) {
	codes, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != Count {
		t.Fatalf("Generate returned %d codes, want %d", len(codes), Count)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(c) || seen[c] {
			t.Errorf("bad or repeated code %q", c)
		}
		seen[c] = true
	}
}

func TestNew(t *testing.T) {
	if _, err := New(testKey[:MinKeyLength-1]); err == nil {
		t.Fatal("New accepted a short key")
	}
}

func TestHash(t *testing.T) {
	h := newHasher(t)
	got := h.Hash("0123456789abcdef")
	if !regexp.MustCompile(`^hmac-sha256:[0-9a-f]{64}$`).MatchString(got) {
		t.Fatalf("Hash = %q", got)
	}
	if h.Hash("0123-4567-89AB-CDEF") != got {
		t.Fatal("Hash depends on the spelling of a code")
	}
	other, err := New(bytes.Repeat([]byte("j"), MinKeyLength))
	if err != nil {
		t.Fatal(err)
	}
	if other.Hash("0123456789abcdef") == got {
		t.Fatal("Hash does not depend on the key")
	}
}

func TestMatch(t *testing.T) {
	h := newHasher(t)
	codes := []string{"0123456789abcdef", "fedcba9876543210", "00000000ffffffff"}
	var hashes []string
	for _, c := range codes {
		hashes = append(hashes, h.Hash(c))
	}
	tests := []struct {
		name   string
		code   string
		hashes []string
		index  int
		ok     bool
	}{
		{name: "first", code: codes[0], hashes: hashes, index: 0, ok: true},
		{name: "last", code: codes[2], hashes: hashes, index: 2, ok: true},
		{name: "upper case", code: "FEDCBA9876543210", hashes: hashes, index: 1, ok: true},
		{name: "groups with dashes", code: "fedc-ba98-7654-3210", hashes: hashes, index: 1, ok: true},
		{name: "spaces and newline", code: " fedcba98 76543210\n", hashes: hashes, index: 1, ok: true},
		{name: "duplicate hash finds first", code: codes[1], hashes: []string{hashes[0], hashes[1], hashes[1]}, index: 1, ok: true},
		{name: "spent code", code: codes[0], hashes: hashes[1:], index: -1},
		{name: "unknown code", code: "1111111111111111", hashes: hashes, index: -1},
		{name: "too short", code: codes[0][:15], hashes: hashes, index: -1},
		{name: "too long", code: codes[0] + "0", hashes: hashes, index: -1},
		{name: "not hex", code: "0123456789abcdeg", hashes: hashes, index: -1},
		{name: "empty", code: "", hashes: hashes, index: -1},
		{name: "no hashes", code: codes[0], hashes: nil, index: -1},
		{name: "huge input", code: codes[0] + strings.Repeat(" ", 1000), hashes: hashes, index: -1},
		{name: "stored hash as input", code: hashes[0], hashes: hashes, index: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, ok := h.Match(tt.code, tt.hashes)
			if i != tt.index || ok != tt.ok {
				t.Fatalf("Match(%q) = %d, %v; want %d, %v", tt.code, i, ok, tt.index, tt.ok)
			}
		})
	}
}

// FuzzMatch checks that input normalisation never panics and that Match
// finds a code only for input that normalises to it.
func FuzzMatch(f *testing.F) {
	h := newHasher(f)
	const code = "0123456789abcdef"
	hashes := []string{h.Hash("ffffffffffffffff"), h.Hash(code)}
	for _, s := range []string{code, "0123-4567-89AB-CDEF", "", "-", "0123456789abcdeF\x00", "０１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, valid := Normalize(s)
		i, ok := h.Match(s, hashes)
		if ok != (norm == code || norm == "ffffffffffffffff") {
			t.Fatalf("Match(%q) = %d, %v; normalised %q", s, i, ok, norm)
		}
		if valid && (len(norm) != CodeLength || strings.Trim(norm, "0123456789abcdef") != "") {
			t.Fatalf("Normalize(%q) = %q", s, norm)
		}
		if ok && (i < 0 || h.Hash(s) != hashes[i]) {
			t.Fatalf("Match(%q) = %d for another hash", s, i)
		}
	})
}
