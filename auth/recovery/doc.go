// Package recovery makes and checks the one-time recovery codes a user
// keeps for when the second factor is lost.
//
// A set is Count codes of 16 lower-case hex digits, 64 random bits each.
// Only hashes are stored, and a code is spent by deleting (or marking) its
// hash once Match has found it.
//
// The hash is HMAC-SHA256 under a server key (derived from the server secret
// with auth/secretbox.Derive), not a slow password hash. PyPI uses argon2
// because it treats the codes like passwords, but these codes have 64 bits
// of entropy, not a password's 20 to 40, so the only thing a slow hash would
// add is protection for someone who has the database but not the server
// secret — and the keyed hash already gives that completely: without the
// key, the stored hashes say nothing about the codes. A fast hash also lets
// Match try every stored hash on every attempt in microseconds, where eight
// argon2id runs would cost a second of CPU per login attempt and hand an
// attacker a cheap way to load the server. Someone who has both the
// database and the secret could check about 2^64 candidates per code, which
// is out of reach even at HMAC speed.
//
// The package imports no other wharf package.
package recovery
