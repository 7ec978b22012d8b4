package secretbox

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

var testSecret = bytes.Repeat([]byte("s"), MinSecretLength)

func newBox(t testing.TB, secret []byte, purpose string) *Box {
	t.Helper()
	b, err := New(secret, purpose)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeriveRFC5869(t *testing.T) {
	// Test case 3 of RFC 5869: SHA-256, no salt, no info.
	ikm := bytes.Repeat([]byte{0x0b}, 22)
	want := "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
	if got := hex.EncodeToString(Derive(ikm, "", 42)); got != want {
		t.Fatalf("Derive = %s, want %s", got, want)
	}
}

func TestDerive(t *testing.T) {
	a := Derive(testSecret, "wharf image proxy v1", 32)
	tests := []struct {
		name    string
		secret  []byte
		purpose string
		n       int
		same    bool
	}{
		{name: "same inputs", secret: testSecret, purpose: "wharf image proxy v1", n: 32, same: true},
		{name: "other purpose", secret: testSecret, purpose: "wharf ip hash v1", n: 32},
		{name: "other secret", secret: bytes.Repeat([]byte("t"), 32), purpose: "wharf image proxy v1", n: 32},
		{name: "box key of same purpose", secret: testSecret, purpose: boxInfo + "wharf image proxy v1", n: 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Derive(tt.secret, tt.purpose, tt.n)
			if len(got) != tt.n || bytes.Equal(got, a) != tt.same {
				t.Fatalf("Derive = %x; equal to reference: %v, want %v", got, !tt.same, tt.same)
			}
		})
	}
}

func TestDerivePanicsOnBadLength(t *testing.T) {
	for _, n := range []int{0, -1, MaxDerive + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Derive(n=%d) did not panic", n)
				}
			}()
			Derive(testSecret, "p", n)
		}()
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		secret  []byte
		purpose string
		ok      bool
	}{
		{name: "good", secret: testSecret, purpose: "totp", ok: true},
		{name: "short secret", secret: testSecret[:31], purpose: "totp"},
		{name: "no purpose", secret: testSecret, purpose: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.secret, tt.purpose); (err == nil) != tt.ok {
				t.Fatalf("New: err = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	b := newBox(t, testSecret, "totp")
	tests := []struct {
		name       string
		plain, aad []byte
	}{
		{name: "totp key", plain: bytes.Repeat([]byte{7}, 20), aad: []byte("totp:42")},
		{name: "empty plaintext", plain: nil, aad: []byte("x")},
		{name: "no aad", plain: []byte("secret"), aad: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s1, err := b.Seal(tt.plain, tt.aad)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := b.Seal(tt.plain, tt.aad)
			if err != nil {
				t.Fatal(err)
			}
			if len(s1) != len(tt.plain)+Overhead || bytes.Equal(s1, s2) {
				t.Fatalf("Seal gave %x and %x; want two different boxes of %d bytes", s1, s2, len(tt.plain)+Overhead)
			}
			if len(tt.plain) > 0 && bytes.Contains(s1, tt.plain) {
				t.Fatal("box contains the plaintext")
			}
			got, err := b.Open(s1, tt.aad)
			if err != nil || !bytes.Equal(got, tt.plain) {
				t.Fatalf("Open = %x, %v; want %x", got, err, tt.plain)
			}
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	b := newBox(t, testSecret, "totp")
	aad := []byte("totp:42")
	sealed, err := b.Seal([]byte("0123456789abcdefghij"), aad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name   string
		box    *Box
		sealed []byte
		aad    []byte
	}{
		{name: "other aad", box: b, sealed: sealed, aad: []byte("totp:43")},
		{name: "no aad", box: b, sealed: sealed},
		{name: "other purpose", box: newBox(t, testSecret, "other"), sealed: sealed, aad: aad},
		{name: "other secret", box: newBox(t, bytes.Repeat([]byte("t"), 32), "totp"), sealed: sealed, aad: aad},
		{name: "version", box: b, sealed: flip(0), aad: aad},
		{name: "nonce", box: b, sealed: flip(5), aad: aad},
		{name: "ciphertext", box: b, sealed: flip(1 + 24 + 3), aad: aad},
		{name: "tag", box: b, sealed: flip(len(sealed) - 1), aad: aad},
		{name: "truncated", box: b, sealed: sealed[:len(sealed)-1], aad: aad},
		{name: "shorter than overhead", box: b, sealed: sealed[:Overhead-1], aad: aad},
		{name: "empty", box: b, sealed: nil, aad: aad},
		{name: "extended", box: b, sealed: append(bytes.Clone(sealed), 0), aad: aad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.sealed, tt.aad)
			if !errors.Is(err, ErrOpen) || got != nil {
				t.Fatalf("Open = %x, %v; want ErrOpen", got, err)
			}
		})
	}
}

// FuzzOpen checks that Open never panics on arbitrary input and opens
// nothing but what Seal made.
func FuzzOpen(f *testing.F) {
	b := newBox(f, testSecret, "totp")
	good, err := b.Seal([]byte("secret"), []byte("aad"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, []byte("aad"))
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1}, []byte("aad"))
	f.Fuzz(func(t *testing.T, sealed, aad []byte) {
		plain, err := b.Open(sealed, aad)
		if err != nil {
			if !errors.Is(err, ErrOpen) {
				t.Fatalf("Open error %v is not ErrOpen", err)
			}
			return
		}
		// Fuzzing workers seal their own copy of good with another
		// nonce, so only its plaintext and aad are known here.
		if string(aad) != "aad" || string(plain) != "secret" {
			t.Fatalf("Open(%x, %q) = %q: opened a box Seal never made", sealed, aad, plain)
		}
	})
}
