package wharf

import (
	"context"
	"time"
)

// Session is a logged-in browser. Only the hash of its id is stored: the
// id itself lives in the browser's cookie.
type Session struct {
	IDHash    string
	UserID    int64
	Created   time.Time
	LastSeen  time.Time
	AuthAt    time.Time // when the password was last confirmed (sudo mode)
	IP        string
	UserAgent string
}

// SecurityKey is a registered WebAuthn credential (a security key or
// passkey). Data is the library's JSON of the credential, kept whole so
// that nothing it needs to verify a login is lost.
type SecurityKey struct {
	ID           int64
	UserID       int64
	Label        string
	CredentialID []byte
	Data         []byte
	SignCount    uint32
	Created      time.Time
	LastUsed     time.Time
}

// RecoveryCode is one stored, hashed recovery code.
type RecoveryCode struct {
	ID     int64
	UserID int64
	Hash   string
	Used   time.Time // zero while unused
}

// Purposes of email tokens.
const (
	EmailVerify = "verify"
	EmailReset  = "reset"
)

// EmailToken is a single-use link sent by email, stored as a hash.
type EmailToken struct {
	Hash    string
	UserID  int64
	Purpose string // EmailVerify or EmailReset
	Email   string // the address it was sent to
	Expires time.Time
	Used    bool
}

// AccountTx reads and writes what web login needs: account fields,
// sessions, security keys, recovery codes and email tokens.
type AccountTx interface {
	// UserByEmail returns the user whose verified or pending address this
	// is (case-insensitive), or ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UpdateUser writes u's mutable fields: email, its verification and
	// pending change, password hash, TOTP fields, login count and the
	// service flag. ENOTFOUND if u.ID does not exist.
	UpdateUser(ctx context.Context, u *User) error

	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns the session, or ENOTFOUND.
	SessionByHash(ctx context.Context, hash string) (*Session, error)
	// UpdateSession writes LastSeen and AuthAt.
	UpdateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, hash string) error
	// DeleteUserSessions ends every session of the user except keep
	// (which may be "").
	DeleteUserSessions(ctx context.Context, userID int64, keep string) error

	AddSecurityKey(ctx context.Context, k *SecurityKey) error
	SecurityKeys(ctx context.Context, userID int64) ([]SecurityKey, error)
	// UpdateSecurityKeyUse writes Data, SignCount and LastUsed.
	UpdateSecurityKeyUse(ctx context.Context, k *SecurityKey) error
	DeleteSecurityKey(ctx context.Context, userID, id int64) error

	// SetRecoveryCodes replaces the user's codes with new hashes.
	SetRecoveryCodes(ctx context.Context, userID int64, hashes []string) error
	RecoveryCodes(ctx context.Context, userID int64) ([]RecoveryCode, error)
	// BurnRecoveryCode marks an unused code used; ENOTFOUND if it is
	// already used or not the user's.
	BurnRecoveryCode(ctx context.Context, userID, id int64, at time.Time) error

	// UserLoggedInFrom reports whether the user ever logged in from ip
	// (an account:login:success event with that address).
	UserLoggedInFrom(ctx context.Context, userID int64, ip string) (bool, error)

	// UserHasRoles reports whether the user holds a role on any project.
	UserHasRoles(ctx context.Context, userID int64) (bool, error)

	AddEmailToken(ctx context.Context, t *EmailToken) error
	// UseEmailToken marks the token used and returns it; ENOTFOUND if it
	// does not exist, was used, or expired before now.
	UseEmailToken(ctx context.Context, hash, purpose string, now time.Time) (*EmailToken, error)
}
