package session

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	testKey = bytes.Repeat([]byte("k"), MinKeyLength)
	testNow = time.Unix(1700000000, 0)
)

func TestNewID(t *testing.T) {
	a, err := NewID()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewID()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	if !re.MatchString(a) || !re.MatchString(b) || a == b {
		t.Fatalf("NewID = %q, %q; want two different 43-character base64url ids", a, b)
	}
}

func TestHashID(t *testing.T) {
	// SHA-256 of "abc" from FIPS 180-2.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashID("abc"); got != want {
		t.Fatalf("HashID = %s, want %s", got, want)
	}
}

func TestPending(t *testing.T) {
	valid := SignPending(testKey, 42, 7, testNow.Add(5*time.Minute))
	otherKey := bytes.Repeat([]byte("j"), MinKeyLength)
	tests := []struct {
		name    string
		key     []byte
		token   string
		now     time.Time
		user    int64
		count   int64
		wantErr error
	}{
		{name: "valid", key: testKey, token: valid, now: testNow, user: 42, count: 7},
		{name: "last second", key: testKey, token: valid, now: testNow.Add(5*time.Minute + 999*time.Millisecond), user: 42, count: 7},
		{name: "expired", key: testKey, token: valid, now: testNow.Add(5*time.Minute + time.Second), wantErr: ErrExpired},
		{name: "other key", key: otherKey, token: valid, now: testNow, wantErr: ErrSignature},
		{name: "short key", key: testKey[:31], token: SignPending(testKey[:31], 42, 7, testNow), now: testNow, wantErr: ErrKey},
		{name: "altered", key: testKey, token: alter(valid, 3), now: testNow, wantErr: ErrSignature},
		{name: "altered tag", key: testKey, token: alter(valid, len(valid)-5), now: testNow, wantErr: ErrSignature},
		{name: "truncated", key: testKey, token: valid[:len(valid)-1], now: testNow, wantErr: ErrMalformed},
		{name: "extended", key: testKey, token: valid + "A", now: testNow, wantErr: ErrMalformed},
		{name: "padded", key: testKey, token: valid[:len(valid)-1] + "=", now: testNow, wantErr: ErrMalformed},
		{name: "empty", key: testKey, token: "", now: testNow, wantErr: ErrMalformed},
		{name: "standard base64", key: testKey, token: strings.Repeat("+", len(valid)), now: testNow, wantErr: ErrMalformed},
		{name: "negative values", key: testKey, token: SignPending(testKey, -1, -2, testNow), now: testNow, user: -1, count: -2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, count, err := VerifyPending(tt.key, tt.token, tt.now)
			if !errors.Is(err, tt.wantErr) || user != tt.user || count != tt.count {
				t.Fatalf("VerifyPending = %d, %d, %v; want %d, %d, %v", user, count, err, tt.user, tt.count, tt.wantErr)
			}
		})
	}
}

// alter changes the base64url character at i to another one.
func alter(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

// FuzzVerifyPending checks that token parsing never panics and that only
// the one signed token verifies.
func FuzzVerifyPending(f *testing.F) {
	valid := SignPending(testKey, 42, 7, testNow.Add(time.Minute))
	for _, s := range []string{valid, "", alter(valid, 0), valid[:40], strings.Repeat("A", len(valid))} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		user, count, err := VerifyPending(testKey, s, testNow)
		if err != nil {
			if user != 0 || count != 0 {
				t.Fatalf("VerifyPending(%q) failed but returned %d, %d", s, user, count)
			}
			return
		}
		if s != valid {
			t.Fatalf("VerifyPending accepted %q, which SignPending did not make", s)
		}
	})
}
