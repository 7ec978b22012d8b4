package accounts

import (
	"errors"
	"log/slog"
	"time"

	"wharf"
	"wharf/auth/password"
	"wharf/auth/recovery"
	"wharf/auth/secretbox"
)

// Two-factor policies (the require_2fa setting).
const (
	Require2FAAll        = "all"        // every account with a password
	Require2FAPublishers = "publishers" // accounts that upload (the default)
	Require2FAOff        = "off"
)

// Options configure the web side of accounts. The zero value serves the
// command line only (no secret: no web login).
type Options struct {
	// Location is the index's base URL: the macaroons' location, and the
	// origin of links in mails.
	Location string
	// Secret is the server secret; purpose keys are derived from it.
	Secret []byte
	// Mailer sends verification, reset and notification mails.
	Mailer wharf.Mailer
	// Require2FA is Require2FAAll, Require2FAPublishers or Require2FAOff.
	Require2FA string
	// Breach, when set, refuses passwords found in a breach corpus; it
	// fails open.
	Breach *password.BreachChecker
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Limits are the rate limits; zero fields take PyPI's defaults.
	Limits Limits
	Log    *slog.Logger
}

// Timeouts and windows of the login flow.
const (
	SessionIdle      = 12 * time.Hour      // a session unused this long ends
	SessionMax       = 7 * 24 * time.Hour  // and any session ends after this
	PendingLifetime  = 5 * time.Minute     // between password and second factor
	RememberLifetime = 30 * 24 * time.Hour // "remember this device"
	SudoWindow       = 30 * time.Minute    // password confirmed this recently
	RecoverySudo     = time.Minute         // for regenerating recovery codes
	VerifyLifetime   = 24 * time.Hour      // email verification links
	ResetLifetime    = 6 * time.Hour       // password reset links
)

// keys are the purpose keys derived from the server secret.
type keys struct {
	pending  []byte         // signs second-factor-pending tokens
	remember []byte         // signs remember-device cookies
	state    *secretbox.Box // seals WebAuthn and TOTP enrolment state
	totp     *secretbox.Box // seals TOTP secrets at rest
	recovery *recovery.Hasher
}

func deriveKeys(secret []byte) (*keys, error) {
	if len(secret) < 32 {
		return nil, errors.New("accounts: the server secret must be at least 32 bytes")
	}
	k := &keys{
		pending:  secretbox.Derive(secret, "wharf login pending v1", 32),
		remember: secretbox.Derive(secret, "wharf remember device v1", 32),
	}
	var err error
	if k.state, err = secretbox.New(secret, "wharf login state v1"); err != nil {
		return nil, err
	}
	if k.totp, err = secretbox.New(secret, "wharf totp secret v1"); err != nil {
		return nil, err
	}
	if k.recovery, err = recovery.New(secretbox.Derive(secret, "wharf recovery codes v1", 32)); err != nil {
		return nil, err
	}
	return k, nil
}
