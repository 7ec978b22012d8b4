// Package totp implements time-based one-time passwords (RFC 6238) as
// authenticator apps know them: six digits, a 30-second step and HMAC-SHA1.
// Those parameters are fixed because many apps silently ignore any others
// and would then show codes the server never accepts.
//
// A code is accepted for the current step and one step either side, so a
// clock that is up to 30 seconds off still works. Verify returns the step a
// code matched; the caller stores it and passes it back as lastStep next
// time, and Verify then refuses every code of that step or an earlier one.
// That is stricter than PyPI, which only refuses the exact code just used:
// here a code cannot be replayed, and an older code cannot be used after a
// newer one, even within the window.
//
// The package also renders what an enrolment page needs: the otpauth URI,
// the secret as grouped base32 text for typing in by hand, and a QR code as
// a small inline SVG drawn by wharf itself, so that no third-party service
// ever sees a secret.
//
// The package imports no other wharf package. Its error sentinels have
// messages that are safe to show to the user who entered the code.
package totp
