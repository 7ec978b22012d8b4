// Package password hashes and verifies user passwords with argon2id at the
// strength OWASP recommends: 19 MiB of memory, two passes, one lane, a
// 16-byte random salt and a 32-byte key.
//
// Hashes are stored in the PHC string format,
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// with salt and key in unpadded standard base64, so that the parameters
// travel with each hash. When the parameters are raised, Verify reports that
// a stored hash is weaker than Hash would now make, and the caller rehashes
// the password it has just checked.
//
// CheckStrength is the policy for choosing a new password: 8 to 4096
// characters and a zxcvbn score of at least 2 with the user's own names as
// known words, as on PyPI. BreachChecker optionally asks a Pwned
// Passwords-compatible range API whether a password is known from breaches,
// sending only five hex digits of its SHA-1; callers fail open when the
// service cannot be reached.
//
// The package imports no other wharf package. Errors from Hash for a
// password the policy refuses are sentinels whose messages are safe to show.
package password
