package secretbox

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"

	"golang.org/x/crypto/chacha20poly1305"
)

const (
	// MinSecretLength is the shortest server secret New accepts, the same
	// as auth/token's.
	MinSecretLength = 32

	// MaxDerive is the most bytes Derive can return: HKDF-SHA256's limit.
	MaxDerive = 255 * sha256.Size

	// version1 marks boxes sealed with XChaCha20-Poly1305 under a key
	// derived with boxInfo.
	version1 = 1

	// boxInfo prefixes the purpose in the HKDF info of box keys, so that a
	// box key never equals a key Derive returns for the same purpose.
	boxInfo = "wharf secretbox v1\x00"

	// Overhead is how many bytes Seal adds to the plaintext.
	Overhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead
)

// ErrOpen is returned by Open for anything it cannot open: a truncated or
// altered box, an unknown version, the wrong associated data, or a box
// sealed under another key or purpose. It deliberately says no more.
var ErrOpen = errors.New("secretbox: message authentication failed")

// Derive returns n bytes of key material for purpose, derived from
// serverSecret with HKDF-SHA256 (no salt, purpose as the info). Purposes are
// constants such as "wharf image proxy v1"; two different purposes give
// independent keys, and the version in the name allows rotating one key by
// renaming its purpose. n must be between 1 and MaxDerive; other values are
// a programming error and panic.
func Derive(serverSecret []byte, purpose string, n int) []byte {
	if n < 1 || n > MaxDerive {
		panic("secretbox: Derive length out of range")
	}
	k, err := hkdf.Key(sha256.New, serverSecret, nil, purpose, n)
	if err != nil {
		// hkdf.Key fails only for lengths ruled out above.
		panic("secretbox: " + err.Error())
	}
	return k
}

// Box seals and opens secrets with a key bound to one purpose. It is safe
// for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box whose key is derived from serverSecret, which must be at
// least MinSecretLength bytes, and purpose, which must not be empty.
func New(serverSecret []byte, purpose string) (*Box, error) {
	if len(serverSecret) < MinSecretLength {
		return nil, errors.New("secretbox: server secret must be at least 32 bytes")
	}
	if purpose == "" {
		return nil, errors.New("secretbox: purpose must not be empty")
	}
	aead, err := chacha20poly1305.NewX(Derive(serverSecret, boxInfo+purpose, chacha20poly1305.KeySize))
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain and authenticates it together with aad, which is not
// stored in the result: Open needs the same aad. Each call uses a fresh
// random nonce, so sealing the same plaintext twice gives different boxes.
// The result is len(plain)+Overhead bytes long.
func (b *Box) Seal(plain, aad []byte) ([]byte, error) {
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, len(plain)+Overhead)
	out[0] = version1
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	nonce := out[1:]
	return b.aead.Seal(out, nonce, plain, additional(version1, aad)), nil
}

// Open decrypts a box made by Seal with the same purpose, server secret and
// aad. Any failure is ErrOpen.
func (b *Box) Open(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < Overhead || sealed[0] != version1 {
		return nil, ErrOpen
	}
	nonce := sealed[1 : 1+chacha20poly1305.NonceSizeX]
	plain, err := b.aead.Open(nil, nonce, sealed[len(nonce)+1:], additional(sealed[0], aad))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// additional returns the data authenticated alongside the ciphertext: the
// version byte followed by the caller's aad.
func additional(version byte, aad []byte) []byte {
	return append([]byte{version}, aad...)
}
