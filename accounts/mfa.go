package accounts

import (
	"context"
	"encoding/base64"
	"fmt"

	"wharf"
	"wharf/auth/recovery"
	"wharf/auth/totp"
)

// TOTPEnrolment is what the TOTP setup page shows: the key as a QR code
// and as text, and State, which the confirming form posts back (the key
// sealed with a server key, so nothing is stored before it is confirmed).
type TOTPEnrolment struct {
	Secret string // grouped for reading
	URI    string // otpauth://
	QRSVG  string // inline SVG rendered by wharf
	State  string
}

// ErrNeedRecovery is returned when a first second factor is added before
// recovery codes were generated and one was entered back.
var ErrNeedRecovery = wharf.Errorf(wharf.EFORBIDDEN, "Generate recovery codes and enter one of them before adding a second factor, so that losing it cannot lock you out.")

// BeginTOTP makes a new TOTP key for the user to add to an app. It needs
// sudo mode.
func (s *Service) BeginTOTP(ctx context.Context, cur *Current) (*TOTPEnrolment, error) {
	if _, err := s.needWeb(); err != nil {
		return nil, err
	}
	if !s.InSudo(cur, SudoWindow) {
		return nil, ErrSudo
	}
	secret, err := totp.NewSecret()
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "TOTP secret", err)
	}
	sealed, err := s.web.keys.state.Seal(secret, enrolAAD(cur.User.ID))
	if err != nil {
		return nil, err
	}
	uri := totp.URI(secret, s.issuer(), cur.User.Name)
	qr, err := totp.QRCodeSVG(uri)
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "QR code", err)
	}
	return &TOTPEnrolment{Secret: totp.FormatSecret(secret), URI: uri, QRSVG: qr,
		State: base64.RawURLEncoding.EncodeToString(sealed)}, nil
}

// issuer names the index in authenticator apps: its host.
func (s *Service) issuer() string {
	if name := hostOf(s.location); name != "" {
		return "wharf " + name
	}
	return "wharf"
}

func enrolAAD(userID int64) []byte { return []byte(fmt.Sprintf("totp enrol user %d", userID)) }

// ConfirmTOTP enables TOTP once the user proves their app works with a
// first code. It needs sudo mode and, for a first second factor, proven
// recovery codes.
func (s *Service) ConfirmTOTP(ctx context.Context, actor wharf.Actor, cur *Current, state, code string) error {
	if _, err := s.needWeb(); err != nil {
		return err
	}
	if !s.InSudo(cur, SudoWindow) {
		return ErrSudo
	}
	raw, err := base64.RawURLEncoding.DecodeString(state)
	if err != nil {
		return wharf.Errorf(wharf.EINVALID, "The setup form is out of date. Start again.")
	}
	secret, err := s.web.keys.state.Open(raw, enrolAAD(cur.User.ID))
	if err != nil {
		return wharf.Errorf(wharf.EINVALID, "The setup form is out of date. Start again.")
	}
	step, err := totp.Verify(secret, code, s.web.now(), 0)
	if err != nil {
		return errBadCode
	}
	sealed, err := s.web.keys.totp.Seal(secret, totpAAD(cur.User.ID))
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByID(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		if u.TOTPSecret != nil {
			return wharf.Errorf(wharf.ECONFLICT, "An authenticator app is already set up. Remove it first.")
		}
		if err := s.recoveryProven(ctx, tx, u); err != nil {
			return err
		}
		u.TOTPSecret, u.TOTPLastStep = sealed, step
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		*cur.User = *u
		return tx.AddEvent(ctx, actor.Event("account:two_factor:method_added", 0, u.ID, map[string]any{"method": MethodTOTP}))
	})
	if err != nil {
		return err
	}
	s.notify(ctx, cur.User, "Two-factor authentication was added to your account",
		"An authenticator app (TOTP) was added as a second factor to your account.")
	return nil
}

// recoveryProven refuses a first second factor until the user has
// recovery codes and has entered one back (burning it).
func (s *Service) recoveryProven(ctx context.Context, tx wharf.Tx, u *wharf.User) error {
	if u.TOTPSecret != nil {
		return nil
	}
	keys, err := tx.SecurityKeys(ctx, u.ID)
	if err != nil || len(keys) > 0 {
		return err
	}
	codes, err := tx.RecoveryCodes(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, c := range codes {
		if !c.Used.IsZero() && hasUnused(codes) {
			return nil
		}
	}
	return ErrNeedRecovery
}

// RemoveTOTP turns TOTP off; it needs sudo mode and is refused when it is
// the last second factor and the policy requires one.
func (s *Service) RemoveTOTP(ctx context.Context, actor wharf.Actor, cur *Current) error {
	if _, err := s.needWeb(); err != nil {
		return err
	}
	if !s.InSudo(cur, SudoWindow) {
		return ErrSudo
	}
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByID(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		if u.TOTPSecret == nil {
			return wharf.Errorf(wharf.ENOTFOUND, "No authenticator app is set up.")
		}
		keys, err := tx.SecurityKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			if err := s.mayDropLastFactor(ctx, tx, u); err != nil {
				return err
			}
		}
		u.TOTPSecret, u.TOTPLastStep = nil, 0
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		*cur.User = *u
		return tx.AddEvent(ctx, actor.Event("account:two_factor:method_removed", 0, u.ID, map[string]any{"method": MethodTOTP}))
	})
	if err != nil {
		return err
	}
	s.notify(ctx, cur.User, "Two-factor authentication was removed from your account",
		"The authenticator app (TOTP) was removed from your account's second factors.")
	return nil
}

// mayDropLastFactor refuses to remove a user's last second factor while
// the policy requires one of them.
func (s *Service) mayDropLastFactor(ctx context.Context, tx wharf.Tx, u *wharf.User) error {
	need, err := s.requires2FA(ctx, tx, u)
	if err != nil {
		return err
	}
	if need {
		return wharf.Errorf(wharf.EFORBIDDEN, "This index requires two-factor authentication: add another second factor before removing your last one.")
	}
	return nil
}

// requires2FA says whether the policy requires u to have a second factor:
// with "all" every account that can log in; with "publishers" accounts
// holding a role on a project. Service accounts are exempt.
func (s *Service) requires2FA(ctx context.Context, tx wharf.Tx, u *wharf.User) (bool, error) {
	if u.Service {
		return false, nil
	}
	switch s.Require2FA() {
	case Require2FAAll:
		return true, nil
	case Require2FAPublishers:
		return tx.UserHasRoles(ctx, u.ID)
	}
	return false, nil
}

// Needs2FASetup reports whether the user must set up a second factor
// before using management pages (require_2fa = "all").
func (s *Service) Needs2FASetup(ctx context.Context, u *wharf.User) (bool, error) {
	if s.Require2FA() != Require2FAAll || u.Service {
		return false, nil
	}
	ms, err := s.methods(ctx, u)
	return len(ms) == 0, err
}

// GenerateRecoveryCodes makes a new set of codes, voiding the old one,
// and returns them to be shown once. Regenerating needs the password
// confirmed within the last minute; a first set, sudo mode.
func (s *Service) GenerateRecoveryCodes(ctx context.Context, actor wharf.Actor, cur *Current) ([]string, error) {
	if _, err := s.needWeb(); err != nil {
		return nil, err
	}
	codes, err := recovery.Generate()
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "recovery codes", err)
	}
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = s.web.keys.recovery.Hash(c)
	}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		old, err := tx.RecoveryCodes(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		window := SudoWindow
		if len(old) > 0 {
			window = RecoverySudo
		}
		if !s.InSudo(cur, window) {
			return ErrSudo
		}
		if err := tx.SetRecoveryCodes(ctx, cur.User.ID, hashes); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:recovery_codes:generated", 0, cur.User.ID, map[string]any{"replaced": len(old) > 0}))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// ConfirmRecoveryCode burns one code the user entered back after saving
// the set, proving they kept them.
func (s *Service) ConfirmRecoveryCode(ctx context.Context, actor wharf.Actor, cur *Current, code string) error {
	if _, err := s.needWeb(); err != nil {
		return err
	}
	return s.burnRecoveryCode(ctx, actor, cur.User, code)
}

// RecoveryStatus tells how many codes the user has and has left.
func (s *Service) RecoveryStatus(ctx context.Context, u *wharf.User) (total, unused int, err error) {
	err = s.store.View(ctx, func(tx wharf.Tx) error {
		codes, err := tx.RecoveryCodes(ctx, u.ID)
		for _, c := range codes {
			total++
			if c.Used.IsZero() {
				unused++
			}
		}
		return err
	})
	return total, unused, err
}

// SecondFactors lists the user's second-factor methods.
func (s *Service) SecondFactors(ctx context.Context, u *wharf.User) ([]string, error) {
	return s.methods(ctx, u)
}
