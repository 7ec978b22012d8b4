package accounts

import (
	"context"
	"errors"
	"fmt"

	"wharf"
	"wharf/auth/session"
	"wharf/auth/totp"
)

// errPendingVoid sends the user back to the password step.
var errPendingVoid = wharf.Errorf(wharf.EUNAUTHORIZED, "Your login has expired or was replaced by a newer one. Log in again.")

// errBadCode is the answer to a wrong second factor.
var errBadCode = wharf.Errorf(wharf.EUNAUTHORIZED, "The code is invalid. Try again.")

// PendingUser returns the user a second-factor-pending token belongs to,
// refusing a token that expired or that a later login voided.
func (s *Service) PendingUser(ctx context.Context, pending string) (*wharf.User, error) {
	w, err := s.needWeb()
	if err != nil {
		return nil, err
	}
	id, count, err := session.VerifyPending(w.keys.pending, pending, w.now())
	if err != nil {
		return nil, errPendingVoid
	}
	var u *wharf.User
	err = s.store.View(ctx, func(tx wharf.Tx) error {
		u, err = tx.UserByID(ctx, id)
		return err
	})
	if err != nil || u.LoginCount != count {
		return nil, errPendingVoid
	}
	return u, nil
}

// secondFactorGate checks the second-factor rate limit for u.
func (s *Service) secondFactorGate(u *wharf.User) error {
	return s.web.limits.secondFactor.check(fmt.Sprint(u.ID), s.web.now())
}

// secondFactorFailed counts and records a failed second factor.
func (s *Service) secondFactorFailed(ctx context.Context, actor wharf.Actor, u *wharf.User, reason string) {
	s.web.limits.secondFactor.hit(fmt.Sprint(u.ID), s.web.now())
	s.loginFailed(ctx, actor, u, u.Name, reason)
}

// LoginTOTP completes a login with an authenticator-app code. A code at or
// before the last accepted time step is refused (no replay), and the step
// is stored in the same transaction that starts the session.
func (s *Service) LoginTOTP(ctx context.Context, actor wharf.Actor, pending, code string) (*LoginResult, error) {
	u, err := s.PendingUser(ctx, pending)
	if err != nil {
		return nil, err
	}
	if err := s.secondFactorGate(u); err != nil {
		return nil, err
	}
	if u.TOTPSecret == nil {
		return nil, errBadCode
	}
	secret, err := s.web.keys.totp.Open(u.TOTPSecret, totpAAD(u.ID))
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "opening the TOTP secret", err)
	}
	step, err := totp.Verify(secret, code, s.web.now(), u.TOTPLastStep)
	if err != nil {
		reason := "invalid_totp"
		if errors.Is(err, totp.ErrReused) {
			reason = "reused_totp"
		}
		s.secondFactorFailed(ctx, actor, u, reason)
		return nil, errBadCode
	}
	if err := s.store.Update(ctx, func(tx wharf.Tx) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		// A concurrent login with the same code lost this race if the
		// step moved on meanwhile.
		if cur.TOTPLastStep >= step {
			return errBadCode
		}
		cur.TOTPLastStep = step
		return tx.UpdateUser(ctx, cur)
	}); err != nil {
		return nil, err
	}
	return s.finishSecondFactor(ctx, actor, u, MethodTOTP, "")
}

// LoginRecovery completes a login with a recovery code, burning it; the
// use is recorded and mailed.
func (s *Service) LoginRecovery(ctx context.Context, actor wharf.Actor, pending, code string) (*LoginResult, error) {
	u, err := s.PendingUser(ctx, pending)
	if err != nil {
		return nil, err
	}
	if err := s.secondFactorGate(u); err != nil {
		return nil, err
	}
	if err := s.burnRecoveryCode(ctx, actor, u, code); err != nil {
		s.secondFactorFailed(ctx, actor, u, "invalid_recovery_code")
		return nil, err
	}
	s.notify(ctx, u, "A recovery code was used to log in to your account",
		fmt.Sprintf("A recovery code was used to log in to your account from %s.", actor.IP),
		"Each code works once; generate new codes from your account page if you are running low.")
	return s.finishSecondFactor(ctx, actor, u, MethodRecovery, "")
}

// burnRecoveryCode marks the matching unused code used, recording it.
func (s *Service) burnRecoveryCode(ctx context.Context, actor wharf.Actor, u *wharf.User, code string) error {
	return s.store.Update(ctx, func(tx wharf.Tx) error {
		codes, err := tx.RecoveryCodes(ctx, u.ID)
		if err != nil {
			return err
		}
		var hashes []string
		var ids []int64
		for _, c := range codes {
			if c.Used.IsZero() {
				hashes, ids = append(hashes, c.Hash), append(ids, c.ID)
			}
		}
		i, ok := s.web.keys.recovery.Match(code, hashes)
		if !ok {
			return wharf.Errorf(wharf.EUNAUTHORIZED, "The recovery code is invalid or was used already.")
		}
		if err := tx.BurnRecoveryCode(ctx, u.ID, ids[i], tx.Now()); err != nil {
			return err
		}
		// A valid code proves the person, who is then the actor.
		actor.UserID, actor.UserName = u.ID, u.Name
		return tx.AddEvent(ctx, actor.Event("account:recovery_codes:used", 0, u.ID, nil))
	})
}

// finishSecondFactor starts the session after a second factor passed. For
// the phishable methods (TOTP, recovery codes) from an address the user
// never logged in from, it mails an "unrecognized login" notice.
func (s *Service) finishSecondFactor(ctx context.Context, actor wharf.Actor, u *wharf.User, method, label string) (*LoginResult, error) {
	known, err := s.knownIP(ctx, u.ID, actor.IP)
	if err != nil {
		return nil, err
	}
	details := map[string]any{"two_factor_method": method}
	if label != "" {
		details["two_factor_label"] = label
	}
	id, err := s.startSession(ctx, actor, u, details)
	if err != nil {
		return nil, err
	}
	if !known && method != MethodWebAuthn {
		s.notify(ctx, u, "Login from a new location",
			fmt.Sprintf("Your account was logged in to from %s (%s), an address it was not used from before.", actor.IP, actor.UserAgent))
	}
	s.web.limits.secondFactor.reset(fmt.Sprint(u.ID))
	return &LoginResult{User: u, SessionID: id}, nil
}

// knownIP reports whether the user has a session from ip, or logged in
// from it before.
func (s *Service) knownIP(ctx context.Context, userID int64, ip string) (bool, error) {
	var known bool
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		known, err = tx.UserLoggedInFrom(ctx, userID, ip)
		return err
	})
	return known, err
}

// totpAAD binds a sealed TOTP secret to its user: a secret copied to
// another account's row does not open.
func totpAAD(userID int64) []byte { return []byte(fmt.Sprintf("totp user %d", userID)) }
