// Package accounts holds the account use cases: creating users and issuing,
// listing and revoking their API tokens. Token secrets are returned once and
// never stored; only the token's id and caveats are kept.
package accounts
