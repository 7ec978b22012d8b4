package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// Digits is the number of digits in a code.
	Digits = 6
	// Period is the length of one time step.
	Period = 30 * time.Second
	// Skew is how many steps before and after the current one Verify
	// accepts, to allow for clocks that are slightly off.
	Skew = 1
	// SecretSize is the number of random bytes NewSecret returns: 160
	// bits, the size RFC 4226 recommends and the HMAC-SHA1 block suits.
	SecretSize = 20
	// MinSecretSize is the shortest secret Verify accepts: RFC 4226
	// requires at least 128 bits.
	MinSecretSize = 16

	// maxInput bounds the code text Verify looks at, so that a huge form
	// value costs nothing.
	maxInput = 64
	// modulus is 10^Digits.
	modulus = 1_000_000
)

// Errors Verify returns for a code it refuses. Their messages are safe to
// show.
var (
	// ErrMalformed means the input is not six digits (spaces allowed).
	ErrMalformed = errors.New("the code must be six digits")
	// ErrInvalid means the code matches no step in the window.
	ErrInvalid = errors.New("the code is not valid")
	// ErrReused means the code matched only steps at or before the last
	// one accepted, so it was used before or is older than one that was.
	ErrReused = errors.New("the code has already been used; wait for the next one")
	// ErrSecret means the stored secret is shorter than MinSecretSize. It
	// points to damaged data, not to a wrong code.
	ErrSecret = errors.New("totp: secret is too short")
)

// b32 is the unpadded base32 encoding authenticator apps expect.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns SecretSize random bytes from crypto/rand.
func NewSecret() ([]byte, error) {
	b := make([]byte, SecretSize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return b, nil
}

// Step returns the number of the time step t falls in: whole periods since
// the Unix epoch, rounded down.
func Step(t time.Time) int64 {
	sec := t.Unix()
	p := int64(Period / time.Second)
	s := sec / p
	if sec%p < 0 {
		s--
	}
	return s
}

// Code returns the code for secret at the given step, zero-padded to
// Digits digits, as RFC 4226's dynamic truncation defines it.
func Code(secret []byte, step int64) string {
	return format(codeNumber(secret, step))
}

// codeNumber computes the code as a number below modulus.
func codeNumber(secret []byte, step int64) uint32 {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return n % modulus
}

// format writes n as Digits decimal digits with leading zeros.
func format(n uint32) string {
	var b [Digits]byte
	for i := Digits - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// Verify checks code against secret for the step of now and Skew steps
// either side, skipping every step at or before lastStep (0 when the user
// has never used a code). On success it returns the step the code matched,
// which the caller must store as the new lastStep before accepting the
// login, in the same transaction, so that a concurrent second use loses.
//
// The input may contain ASCII spaces anywhere and surrounding white space,
// since apps show codes as "123 456" and people paste them with a newline.
// Every step in the window is computed and compared in constant time, so
// the time taken does not tell which step matched.
//
// Errors: ErrMalformed, ErrInvalid, ErrReused, or ErrSecret for a secret
// shorter than MinSecretSize.
func Verify(secret []byte, code string, now time.Time, lastStep int64) (step int64, err error) {
	if len(secret) < MinSecretSize {
		return 0, ErrSecret
	}
	want, ok := parseCode(code)
	if !ok {
		return 0, ErrMalformed
	}
	cur := Step(now)
	var matched, reused int
	for s := cur - Skew; s <= cur+Skew; s++ {
		eq := subtle.ConstantTimeEq(int32(codeNumber(secret, s)), int32(want))
		fresh := boolInt(s > lastStep)
		// Keep the latest fresh step that matches; a code shared by two
		// steps (one in a million) then counts as the later one.
		if eq&fresh == 1 {
			step = s
		}
		matched |= eq & fresh
		reused |= eq
	}
	switch {
	case matched == 1:
		return step, nil
	case reused == 1:
		return 0, ErrReused
	default:
		return 0, ErrInvalid
	}
}

// boolInt returns 1 for true and 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseCode reads a code the way Verify describes: surrounding white space
// and inner ASCII spaces are dropped, and exactly Digits ASCII digits must
// remain.
func parseCode(s string) (uint32, bool) {
	if len(s) > maxInput {
		return 0, false
	}
	s = strings.TrimSpace(s)
	var n uint32
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
		case '0' <= c && c <= '9' && digits < Digits:
			n = n*10 + uint32(c-'0')
			digits++
		default:
			return 0, false
		}
	}
	return n, digits == Digits
}

// URI returns the otpauth:// URI that authenticator apps read from a QR
// code, in the key URI format Google Authenticator defined. The label is
// "issuer:account". Colons in issuer or account are percent-encoded, since
// the format gives a raw colon the meaning of that separator, and spaces
// are written as %20 rather than "+", which some apps show literally.
func URI(secret []byte, issuer, account string) string {
	label := escape(issuer) + ":" + escape(account)
	return "otpauth://totp/" + label +
		"?secret=" + b32.EncodeToString(secret) +
		"&issuer=" + escape(issuer) +
		"&algorithm=SHA1&digits=" + strconv.Itoa(Digits) +
		"&period=" + strconv.Itoa(int(Period/time.Second))
}

// escape percent-encodes s for both the label and a query value.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// FormatSecret returns secret as unpadded base32 in groups of four
// characters separated by spaces, for typing into an app by hand.
func FormatSecret(secret []byte) string {
	s := b32.EncodeToString(secret)
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
