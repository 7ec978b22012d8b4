package recovery

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
)

const (
	// Count is the number of codes in a set.
	Count = 8
	// CodeLength is the number of hex digits in a code.
	CodeLength = 16
	// MinKeyLength is the shortest key New accepts.
	MinKeyLength = 32

	// hashPrefix starts every stored hash and names how it was made, so
	// that a later change of scheme can tell old hashes apart.
	hashPrefix = "hmac-sha256:"
	// maxInput bounds the text Match looks at.
	maxInput = 128
)

// Generate returns Count new random codes of CodeLength lower-case hex
// digits, to be shown to the user once.
func Generate() (codes []string, err error) {
	codes = make([]string, Count)
	for i := range codes {
		var b [CodeLength / 2]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		codes[i] = hex.EncodeToString(b[:])
	}
	return codes, nil
}

// Hasher hashes and matches codes under one server key. It is safe for
// concurrent use.
type Hasher struct {
	key []byte
}

// New returns a Hasher for key, which must be at least MinKeyLength bytes
// and should come from secretbox.Derive with its own purpose. The key is
// copied.
func New(key []byte) (*Hasher, error) {
	if len(key) < MinKeyLength {
		return nil, errors.New("recovery: key must be at least 32 bytes")
	}
	return &Hasher{key: bytes.Clone(key)}, nil
}

// Hash returns the string to store for code: "hmac-sha256:" and 64 hex
// digits. The code is normalised first as Match does, so a code and any
// spelling of it that Match accepts hash alike. Hash is meant for codes
// from Generate; any other input hashes like the empty string, which Match
// never matches, so a mistaken call cannot create a usable code.
func (h *Hasher) Hash(code string) string {
	norm, _ := Normalize(code)
	return h.hash(norm)
}

// hash returns the stored form for a normalised code.
func (h *Hasher) hash(norm string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(norm))
	return hashPrefix + hex.EncodeToString(m.Sum(nil))
}

// Match reports whether code, after normalising, is one of the codes whose
// hashes are given, and its index in hashes. The caller passes the hashes
// of the codes not yet used and then spends the one found. Every hash is
// compared, in constant time, so the time taken does not tell which one
// matched. Input that is not a code after normalising never matches.
func (h *Hasher) Match(code string, hashes []string) (index int, ok bool) {
	norm, valid := Normalize(code)
	if !valid {
		return -1, false
	}
	got := []byte(h.hash(norm))
	index = -1
	found := 0
	for i, s := range hashes {
		eq := subtle.ConstantTimeCompare(got, []byte(s))
		// Keep the first match without a branch on the comparison.
		first := eq &^ found
		index = subtle.ConstantTimeSelect(first, i, index)
		found |= eq
	}
	return index, found == 1
}

// Normalize returns code as Generate spells it, forgiving the ways people
// copy codes: upper case, and spaces, tabs, line breaks or dashes anywhere.
// ok is false if what remains is not CodeLength hex digits.
func Normalize(code string) (norm string, ok bool) {
	if len(code) > maxInput {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == ' ', c == '-', c == '\t', c == '\r', c == '\n':
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
			b.WriteByte(c)
		case 'A' <= c && c <= 'F':
			b.WriteByte(c + 'a' - 'A')
		default:
			return "", false
		}
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}
