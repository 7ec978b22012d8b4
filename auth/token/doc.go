// Package token mints and verifies wharf's API tokens, which are macaroons in
// the spirit of PyPI's.
//
// A token is the string "wharf-" followed by the unpadded base64url encoding
// of a version 2 binary macaroon. The macaroon's identifier is the token id,
// a random 128-bit hex string under which the server records the token's
// metadata. The macaroon's root key is derived from the server secret and the
// token id with HKDF-SHA256, so the database holds nothing that can mint or
// verify a token: stealing it does not let anyone forge one.
//
// Restrictions are first-party caveats, each a JSON array whose first element
// is a stable integer tag:
//
//	[0, notAfter, notBefore]  valid from notBefore to notAfter (Unix seconds, inclusive)
//	[1, ["proj-a", "proj-b"]] valid only for these normalized project names
//	[3, userID]               valid only for this user
//
// Anyone who holds a token may append caveats (see Restrict) and so narrow it
// without the server secret, but never widen it: every caveat must hold, so
// several project caveats intersect and several expiries take the earliest.
// A caveat with an unknown tag fails verification, so that a tag added later
// can never be silently ignored by an older server.
//
// The package imports no other wharf package. Verification failures are
// *InvalidError values whose messages are safe to show to the token's user
// and which match one of the Err* sentinels with errors.Is.
package token
