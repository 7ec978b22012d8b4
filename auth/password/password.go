package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MaxLength is the largest number of characters a password may have. It
// bounds the work a login attempt can cause.
const MaxLength = 4096

// Errors for passwords the policy refuses. Their messages are safe to show
// to the user who chose the password.
var (
	ErrEmpty   = errors.New("password must not be empty")
	ErrTooLong = errors.New("password must be at most 4096 characters long")
	ErrNUL     = errors.New("password must not contain NUL characters")
)

// ErrMalformedHash is returned by Verify for a stored hash that is not in
// the format Hash produces or whose parameters are out of bounds. It points
// to damaged data, not to a wrong password.
var ErrMalformedHash = errors.New("password: malformed password hash")

// params are argon2id cost parameters together with the salt and key sizes.
type params struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8  // lanes
	saltLen int
	keyLen  int
}

// current is what Hash uses: OWASP's first recommended argon2id setting.
var current = params{memory: 19456, time: 2, threads: 1, saltLen: 16, keyLen: 32}

// Bounds on parameters read from a stored hash. They stop a damaged or
// tampered hash from making Verify use huge amounts of memory or time, and
// keep argon2 from panicking on zero values.
const (
	maxMemory  = 256 * 1024 // KiB, 256 MiB
	maxTime    = 64
	maxThreads = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// b64 is the unpadded standard base64 that PHC strings use.
var b64 = base64.RawStdEncoding.Strict()

// Hash returns the encoded argon2id hash of pw with a new random salt. It
// refuses an empty password, one longer than MaxLength characters and one
// containing NUL, with ErrEmpty, ErrTooLong or ErrNUL.
func Hash(pw string) (string, error) {
	if err := check(pw); err != nil {
		return "", err
	}
	salt := make([]byte, current.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return hashWith(pw, current, salt), nil
}

// Verify reports whether pw matches the encoded hash, comparing in constant
// time. needsRehash is true when pw matches but the hash was made with
// weaker parameters than Hash now uses; the caller should then store
// Hash(pw). A password Hash would refuse never matches. err is
// ErrMalformedHash for an encoding Verify cannot read.
func Verify(encoded, pw string) (ok bool, needsRehash bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if check(pw) != nil {
		return false, false, nil
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(current), nil
}

// weakerThan reports whether p costs an attacker less than c in any respect.
func (p params) weakerThan(c params) bool {
	return p.memory < c.memory || p.time < c.time || p.saltLen < c.saltLen || p.keyLen < c.keyLen
}

// check applies the password policy.
func check(pw string) error {
	switch {
	case pw == "":
		return ErrEmpty
	case utf8.RuneCountInString(pw) > MaxLength:
		return ErrTooLong
	case strings.IndexByte(pw, 0) >= 0:
		return ErrNUL
	}
	return nil
}

// hashWith hashes pw with the given parameters and salt and encodes the
// result.
func hashWith(pw string, p params, salt []byte) string {
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(p.keyLen))
	return encode(p, salt, key)
}

// encode formats a hash as a PHC string.
func encode(p params, salt, key []byte) string {
	return "$argon2id$v=" + strconv.Itoa(argon2.Version) +
		"$m=" + strconv.FormatUint(uint64(p.memory), 10) +
		",t=" + strconv.FormatUint(uint64(p.time), 10) +
		",p=" + strconv.FormatUint(uint64(p.threads), 10) +
		"$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
}

// decode parses a PHC string made by encode. It accepts only the exact form
// encode produces, so that every hash has one spelling, and checks the
// parameters against the bounds above.
func decode(s string) (p params, salt, key []byte, err error) {
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return params{}, nil, nil, ErrMalformedHash
	}
	costs := strings.Split(f[3], ",")
	if len(costs) != 3 {
		return params{}, nil, nil, ErrMalformedHash
	}
	m, errM := parseCost(costs[0], "m=", maxMemory)
	t, errT := parseCost(costs[1], "t=", maxTime)
	th, errP := parseCost(costs[2], "p=", maxThreads)
	salt, errS := b64.DecodeString(f[4])
	key, errK := b64.DecodeString(f[5])
	if err := errors.Join(errM, errT, errP, errS, errK); err != nil {
		return params{}, nil, nil, ErrMalformedHash
	}
	p = params{memory: m, time: t, threads: uint8(th), saltLen: len(salt), keyLen: len(key)}
	if p.memory < 8*uint32(p.threads) ||
		p.saltLen < minSaltLen || p.saltLen > maxSaltLen ||
		p.keyLen < minKeyLen || p.keyLen > maxKeyLen ||
		encode(p, salt, key) != s {
		return params{}, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// parseCost parses "<name><n>" with 1 <= n <= limit.
func parseCost(s, name string, limit uint32) (uint32, error) {
	v, ok := strings.CutPrefix(s, name)
	if !ok {
		return 0, ErrMalformedHash
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > uint64(limit) {
		return 0, ErrMalformedHash
	}
	return uint32(n), nil
}
