// Package secretbox encrypts small secrets at rest, such as TOTP keys, and
// derives purpose-bound keys from the server secret.
//
// Every key wharf uses is derived from the one server secret with
// HKDF-SHA256, the HKDF info naming the purpose (auth/token does the same
// for token root keys). Derive gives such keys to other packages, for HMAC
// signing of image-proxy URLs or hashing IP addresses; New uses it for an
// encryption key, so that a database leak alone reveals no secret.
//
// A sealed box is a version byte, a random 24-byte nonce and the
// XChaCha20-Poly1305 ciphertext with its tag. XChaCha20's long nonce makes
// random nonces safe for any number of messages under one key, which
// AES-GCM's 12-byte nonce does not. The version byte is authenticated with
// the caller's associated data; callers pass something that ties the
// ciphertext to its row, such as "totp:" and the user id, so that a
// ciphertext copied to another user's row does not open.
//
// The package imports no other wharf package.
package secretbox
