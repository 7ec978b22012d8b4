package token

import "errors"

// The reasons a token fails to parse or verify. Errors returned by ParseID,
// Inspect, Verify and Restrict for a bad token are *InvalidError values that
// match exactly one of these with errors.Is.
var (
	// ErrMalformed means the string is not a well-formed wharf token.
	ErrMalformed = errors.New("token is malformed")
	// ErrSignature means the token was not minted with this server's secret
	// for its id, or was altered after minting.
	ErrSignature = errors.New("token signature is invalid")
	// ErrCaveat means a caveat is malformed or has an unknown tag.
	ErrCaveat = errors.New("token has an unknown or malformed restriction")
	// ErrExpired means the token is used after its expiry.
	ErrExpired = errors.New("token is expired")
	// ErrNotYetValid means the token is used before its start time.
	ErrNotYetValid = errors.New("token is not yet valid")
	// ErrUser means the token belongs to another user.
	ErrUser = errors.New("token is not valid for this user")
	// ErrProject means the token's project restriction excludes the project.
	ErrProject = errors.New("project-scoped token is not valid for project")
)

// InvalidError reports why a token was rejected. Its message starts with
// "Invalid API Token: " and is safe to show to the user who presented the
// token: it never contains the token or anything derived from the secret.
type InvalidError struct {
	// Reason is one of the Err* sentinels.
	Reason error
	// Detail, when set, adds context to the reason, such as the project.
	Detail string
}

// Error returns the user-facing message.
func (e *InvalidError) Error() string {
	msg := "Invalid API Token: " + e.Reason.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the reason, so that errors.Is(err, ErrExpired) works.
func (e *InvalidError) Unwrap() error { return e.Reason }

// invalid returns an *InvalidError for reason with an optional detail.
func invalid(reason error, detail string) error {
	return &InvalidError{Reason: reason, Detail: detail}
}
