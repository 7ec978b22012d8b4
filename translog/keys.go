package translog

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// algEd25519 is the note format's algorithm byte for Ed25519 keys.
const algEd25519 = 1

// verifierOf derives the verifier key from a note signer key. The note
// package keeps this to itself; the private key's format is documented
// there: "PRIVATE+KEY+<name>+<hash>+<base64 of alg byte and seed>".
func verifierOf(skey string) (string, error) {
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+")
	if !ok {
		return "", errors.New("not a note signer key")
	}
	// Key names never contain '+', the hash is 8 hex digits, and the
	// base64 key may contain '+': split from the left.
	name, rest, ok := strings.Cut(rest, "+")
	if !ok {
		return "", errors.New("malformed signer key")
	}
	_, b64, ok := strings.Cut(rest, "+")
	if !ok {
		return "", errors.New("malformed signer key")
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != algEd25519 {
		return "", errors.New("malformed signer key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return "", err
	}
	// A signer key whose hash does not match its name and key is corrupt.
	if _, err := note.NewSigner(skey); err != nil {
		return "", err
	}
	return vkey, nil
}
