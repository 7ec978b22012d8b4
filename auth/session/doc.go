// Package session makes web session ids and the short-lived signed token
// that carries a login between the password step and the second-factor
// step.
//
// A session id is 256 random bits in unpadded base64url. The browser holds
// the id; the database holds only HashID(id), a plain SHA-256, so a leaked
// sessions table cannot be replayed as cookies. A slow or keyed hash would
// add nothing: the ids are far too random to guess from their hashes.
//
// A pending-login token says "this user passed the password step" and is
// signed with HMAC-SHA256 under a key the caller derives for that purpose
// (auth/secretbox.Derive). It expires after a few minutes and names the
// user's login counter at the time it was made. The caller must compare
// that counter with the user's current one, and increments the counter on
// every completed login: a token therefore works at most once and is void
// as soon as any later login succeeds, without the server keeping a list
// of tokens.
//
// The package imports no other wharf package.
package session
