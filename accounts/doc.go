// Package accounts holds the account use cases: creating users (people and
// CI service accounts) and issuing, listing and revoking their API tokens;
// and, once EnableWeb has given it a server secret and a mailer, web login
// — registration with email verification, the password step, second
// factors (TOTP with replay refused, WebAuthn security keys and passkeys,
// one-time recovery codes), sessions with idle and absolute timeouts, sudo
// mode for sensitive changes, password reset, and moving-window rate
// limits. Every security-sensitive action is recorded as an audit event in
// PyPI's tag style, and the notices PyPI mails are mailed.
//
// Secrets are kept only as hashes (session ids, recovery codes, mailed
// link tokens) or sealed with purpose keys derived from the server secret
// (TOTP secrets, enrolment and WebAuthn ceremony state). Token secrets are
// returned once and never stored.
package accounts
