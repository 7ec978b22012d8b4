package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"
)

const (
	// idBytes is the number of random bytes in a session id.
	idBytes = 32

	// MinKeyLength is the shortest key VerifyPending accepts.
	MinKeyLength = 32

	// pendingVersion is the first byte of every pending token. It is
	// signed, so a later format cannot be confused with this one.
	pendingVersion = 1
	// payloadSize is the version byte and three 64-bit numbers: user id,
	// login count and expiry in Unix seconds.
	payloadSize = 1 + 3*8
	// tokenSize is the payload followed by the HMAC-SHA256 tag.
	tokenSize = payloadSize + sha256.Size
)

// Errors VerifyPending returns. Their messages are safe to show, though a
// page will usually just ask the user to log in again.
var (
	// ErrMalformed means the token is not one SignPending makes.
	ErrMalformed = errors.New("login token is malformed")
	// ErrSignature means the token was altered or signed with another key.
	ErrSignature = errors.New("login token signature is invalid")
	// ErrExpired means the token's time is up.
	ErrExpired = errors.New("login token has expired; log in again")
	// ErrKey means the verification key is shorter than MinKeyLength, a
	// configuration mistake rather than a bad token.
	ErrKey = errors.New("session: key must be at least 32 bytes")
)

// b64 is the strict unpadded base64url used for ids and tokens.
var b64 = base64.RawURLEncoding.Strict()

// NewID returns a new session id: 256 bits from crypto/rand in unpadded
// base64url (43 characters), safe in cookies and URLs.
func NewID() (id string, err error) {
	var b [idBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return b64.EncodeToString(b[:]), nil
}

// HashID returns the lower-case hex SHA-256 of id, the form in which
// session ids are stored and looked up.
func HashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// SignPending returns a token saying that userID passed the password step
// when the user's login counter stood at loginCount, valid until expires
// (at second precision, inclusive). key should be at least MinKeyLength
// bytes; VerifyPending refuses shorter keys, so a mistake shows at once.
func SignPending(key []byte, userID int64, loginCount int64, expires time.Time) string {
	b := make([]byte, payloadSize, tokenSize)
	b[0] = pendingVersion
	binary.BigEndian.PutUint64(b[1:], uint64(userID))
	binary.BigEndian.PutUint64(b[9:], uint64(loginCount))
	binary.BigEndian.PutUint64(b[17:], uint64(expires.Unix()))
	return b64.EncodeToString(append(b, mac(key, b)...))
}

// VerifyPending checks a token from SignPending against key and now and
// returns the user id and login count it carries. The caller must then
// check that loginCount equals the user's current counter and refuse the
// token otherwise: that is what voids it after any later login (see the
// package documentation). Errors: ErrMalformed, ErrSignature, ErrExpired,
// ErrKey.
func VerifyPending(key []byte, token string, now time.Time) (userID, loginCount int64, err error) {
	if len(key) < MinKeyLength {
		return 0, 0, ErrKey
	}
	if len(token) != b64.EncodedLen(tokenSize) {
		return 0, 0, ErrMalformed
	}
	b, err := b64.DecodeString(token)
	if err != nil || len(b) != tokenSize {
		return 0, 0, ErrMalformed
	}
	payload, tag := b[:payloadSize], b[payloadSize:]
	if !hmac.Equal(tag, mac(key, payload)) {
		return 0, 0, ErrSignature
	}
	if payload[0] != pendingVersion {
		return 0, 0, ErrMalformed
	}
	userID = int64(binary.BigEndian.Uint64(payload[1:]))
	loginCount = int64(binary.BigEndian.Uint64(payload[9:]))
	expires := int64(binary.BigEndian.Uint64(payload[17:]))
	if now.Unix() > expires {
		return 0, 0, ErrExpired
	}
	return userID, loginCount, nil
}

// mac returns the HMAC-SHA256 of payload under key.
func mac(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return m.Sum(nil)
}
