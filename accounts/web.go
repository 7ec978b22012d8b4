package accounts

import (
	"log/slog"
	"time"

	"wharf"
	"wharf/auth/password"
)

// webState is what the web login flows need beyond the command line's
// account actions; EnableWeb sets it.
type webState struct {
	keys    *keys
	mailer  wharf.Mailer
	require string
	breach  *password.BreachChecker
	now     func() time.Time
	log     *slog.Logger
	limits  limiters
	// keyRP is the WebAuthn relying party for security keys; nil when
	// the base URL cannot be one (an IP address), which turns keys off.
	keyRP *relyingParty
	// dummyHash is verified against when a login names no account, so an
	// unknown name costs the same time as a wrong password.
	dummyHash string
}

// limiters are the rate limiters, one per kind of event.
type limiters struct {
	loginUser, loginIP, secondFactor, reset, emailAdd, register *limiter
}

// EnableWeb turns on web login: sessions, second factors, mails. Without
// it the Service serves the command line only.
func (s *Service) EnableWeb(opts Options) error {
	if opts.Location != "" {
		s.location = opts.Location
	}
	k, err := deriveKeys(opts.Secret)
	if err != nil {
		return err
	}
	switch opts.Require2FA {
	case "":
		opts.Require2FA = Require2FAPublishers
	case Require2FAAll, Require2FAPublishers, Require2FAOff:
	default:
		return wharf.Errorf(wharf.EINVALID, "require_2fa must be all, publishers or off, not %q", opts.Require2FA)
	}
	if opts.Mailer == nil {
		return wharf.Errorf(wharf.EINVALID, "web login needs a mailer")
	}
	dummy, err := password.Hash("wharf: no such account, compared for timing only")
	if err != nil {
		return err
	}
	w := &webState{keys: k, mailer: opts.Mailer, require: opts.Require2FA, breach: opts.Breach,
		now: opts.Now, log: opts.Log, dummyHash: dummy}
	if w.now == nil {
		w.now = time.Now
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.keyRP, err = newRelyingParty(s.location, opts.Secret); err != nil {
		w.log.Warn("security keys are off", "err", err)
	}
	l := opts.Limits.withDefaults()
	w.limits = limiters{
		loginUser: newLimiter(l.LoginUser), loginIP: newLimiter(l.LoginIP), secondFactor: newLimiter(l.SecondFactor),
		reset: newLimiter(l.PasswordReset), emailAdd: newLimiter(l.EmailAdd), register: newLimiter(l.Register),
	}
	s.web = w
	return nil
}

// needWeb returns the web state or an error when EnableWeb was not called.
func (s *Service) needWeb() (*webState, error) {
	if s.web == nil {
		return nil, wharf.Errorf(wharf.EINTERNAL, "web login is not enabled")
	}
	return s.web, nil
}

// Require2FA returns the configured two-factor policy.
func (s *Service) Require2FA() string {
	if s.web == nil {
		return Require2FAPublishers
	}
	return s.web.require
}
