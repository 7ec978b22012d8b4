package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"strings"

	"wharf"
	"wharf/auth/password"
)

// newLinkToken returns a random single-use token for a mailed link and the
// hash that is stored.
func newLinkToken() (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashLinkToken(raw), nil
}

func hashLinkToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// validEmail checks an address as PyPI's forms do: one plain address.
func validEmail(email string) error {
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return wharf.Errorf(wharf.EINVALID, "The email address isn't valid. Try again.")
	}
	return nil
}

// checkNewPassword applies the password rules: length, strength with the
// account's own words as context, and (failing open) the breach check.
func (s *Service) checkNewPassword(ctx context.Context, pw string, context ...string) error {
	if err := password.CheckStrength(pw, context...); err != nil {
		return wharf.WrapError(wharf.EINVALID, err.Error(), err)
	}
	if b := s.web.breach; b != nil {
		breached, err := b.Breached(ctx, pw)
		if err != nil {
			s.web.log.Warn("breached-password check failed; allowing the password", "err", err)
		} else if breached {
			return wharf.Errorf(wharf.EINVALID, "This password appears in a breach or has been compromised and cannot be used.")
		}
	}
	return nil
}

// RegisterRequest is the registration form.
type RegisterRequest struct {
	Name, Email, Password string
}

// Register makes an account with a password and mails a verification
// link. The answer never says whether the email is in use by another
// account: a taken address gets the same reply, and its owner a notice.
func (s *Service) Register(ctx context.Context, actor wharf.Actor, req RegisterRequest) (*wharf.User, error) {
	w, err := s.needWeb()
	if err != nil {
		return nil, err
	}
	if err := w.limits.register.check(actor.IP, w.now()); err != nil {
		return nil, err
	}
	if !userName.MatchString(req.Name) {
		return nil, wharf.Errorf(wharf.EINVALID, "The username is invalid. Usernames must be at most 50 characters, start and end with a letter or numeral, and contain only letters, numerals, '.', '_' and '-'.")
	}
	if err := validEmail(req.Email); err != nil {
		return nil, err
	}
	if err := s.checkNewPassword(ctx, req.Password, req.Name, req.Email); err != nil {
		return nil, err
	}
	hash, err := password.Hash(req.Password)
	if err != nil {
		return nil, wharf.WrapError(wharf.EINVALID, err.Error(), err)
	}
	u := &wharf.User{Name: req.Name, Email: req.Email, PasswordHash: hash}
	var taken *wharf.User
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		if other, err := tx.UserByEmail(ctx, req.Email); err == nil {
			taken = other
		} else if !wharf.IsCode(err, wharf.ENOTFOUND) {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			if wharf.IsCode(err, wharf.ECONFLICT) {
				return wharf.Errorf(wharf.ECONFLICT, "This username is already being used by another account. Choose a different username.")
			}
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:create", 0, u.ID, map[string]any{"email": req.Email, "registered": true}))
	})
	if err != nil {
		return nil, err
	}
	w.limits.register.hit(actor.IP, w.now())
	if taken != nil {
		// The address stays unverified on the new account; the owner of
		// the address learns someone tried it.
		s.notify(ctx, taken, "Someone registered with your email address",
			"A new account named "+u.Name+" was registered with your email address. If this was you, you already have an account: log in as "+taken.Name+".")
		return u, nil
	}
	return u, s.SendVerification(ctx, actor, u)
}

// SendVerification mails a link that verifies the user's address (or the
// pending new address).
func (s *Service) SendVerification(ctx context.Context, actor wharf.Actor, u *wharf.User) error {
	w, err := s.needWeb()
	if err != nil {
		return err
	}
	to := u.Email
	if u.PendingEmail != "" {
		to = u.PendingEmail
	} else if u.EmailVerified {
		return nil
	}
	if err := w.limits.emailAdd.check("verify:"+actor.IP, w.now()); err != nil {
		return err
	}
	raw, hash, err := newLinkToken()
	if err != nil {
		return err
	}
	if err := s.store.Update(ctx, func(tx wharf.Tx) error {
		return tx.AddEmailToken(ctx, &wharf.EmailToken{Hash: hash, UserID: u.ID, Purpose: wharf.EmailVerify, Email: to, Expires: w.now().Add(VerifyLifetime)})
	}); err != nil {
		return err
	}
	w.limits.emailAdd.hit("verify:"+actor.IP, w.now())
	return s.send(ctx, to, u, "Verify your email address",
		"Open this link to verify your email address (it works once, for 24 hours):",
		s.link("/account/verify-email/?token="+raw))
}

// VerifyEmail uses a verification link: the address it was sent to
// becomes the user's verified address.
func (s *Service) VerifyEmail(ctx context.Context, actor wharf.Actor, raw string) (*wharf.User, error) {
	w, err := s.needWeb()
	if err != nil {
		return nil, err
	}
	var u *wharf.User
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		t, err := tx.UseEmailToken(ctx, hashLinkToken(raw), wharf.EmailVerify, w.now())
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return wharf.Errorf(wharf.EINVALID, "Invalid or expired verification link. Request a new one from your account page.")
		} else if err != nil {
			return err
		}
		if u, err = tx.UserByID(ctx, t.UserID); err != nil {
			return err
		}
		if !strings.EqualFold(t.Email, u.Email) && !strings.EqualFold(t.Email, u.PendingEmail) {
			return wharf.Errorf(wharf.EINVALID, "This link is for an address that is no longer on your account.")
		}
		old := u.Email
		u.Email, u.EmailVerified, u.PendingEmail = t.Email, true, ""
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		details := map[string]any{"email": t.Email}
		if !strings.EqualFold(old, t.Email) && old != "" {
			// A changed address: an account has one, so the old one is
			// removed, and both records say so.
			details["previous"] = old
			if err := tx.AddEvent(ctx, actor.Event("account:email:remove", 0, u.ID, map[string]any{"email": old, "replaced_by": t.Email})); err != nil {
				return err
			}
		}
		return tx.AddEvent(ctx, actor.Event("account:email:verified", 0, u.ID, details))
	})
	return u, err
}

// ChangeEmail starts a change of address: the new one is pending until
// its link is used. It needs sudo mode.
func (s *Service) ChangeEmail(ctx context.Context, actor wharf.Actor, cur *Current, email string) error {
	w, err := s.needWeb()
	if err != nil {
		return err
	}
	if !s.InSudo(cur, SudoWindow) {
		return ErrSudo
	}
	if err := validEmail(email); err != nil {
		return err
	}
	if err := w.limits.emailAdd.check(actor.IP, w.now()); err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByID(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		u.PendingEmail = email
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		*cur.User = *u
		return tx.AddEvent(ctx, actor.Event("account:email:add", 0, u.ID, map[string]any{"email": email}))
	})
	if err != nil {
		return err
	}
	w.limits.emailAdd.hit(actor.IP, w.now())
	s.notify(ctx, cur.User, "Your email address is being changed",
		"A change of your account's email address to "+email+" was requested. It takes effect when the link sent there is opened.")
	return s.SendVerification(ctx, actor, cur.User)
}

// RequestPasswordReset mails a reset link if the name or address belongs
// to an account. It answers the same either way.
func (s *Service) RequestPasswordReset(ctx context.Context, actor wharf.Actor, nameOrEmail string) error {
	w, err := s.needWeb()
	if err != nil {
		return err
	}
	u, err := s.userForLogin(ctx, nameOrEmail)
	if wharf.IsCode(err, wharf.ENOTFOUND) || (err == nil && (u.Service || u.Email == "")) {
		return nil
	} else if err != nil {
		return err
	}
	key := "reset:" + nameOrEmailKey(u)
	if err := w.limits.reset.check(key, w.now()); err != nil {
		// Saying "too many" would reveal the account exists; the owner
		// already has links in their mailbox.
		return nil
	}
	raw, hash, err := newLinkToken()
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		if err := tx.AddEmailToken(ctx, &wharf.EmailToken{Hash: hash, UserID: u.ID, Purpose: wharf.EmailReset, Email: u.Email, Expires: w.now().Add(ResetLifetime)}); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:password:reset:request", 0, u.ID, nil))
	})
	if err != nil {
		return err
	}
	w.limits.reset.hit(key, w.now())
	return s.send(ctx, u.Email, u, "Reset your password",
		"Open this link to choose a new password (it works once, for 6 hours):",
		s.link("/account/reset-password/?token="+raw))
}

func nameOrEmailKey(u *wharf.User) string { return strings.ToLower(u.Name) }

// ResetPassword uses a reset link: it sets the new password, ends every
// session and voids pending logins and remembered devices.
func (s *Service) ResetPassword(ctx context.Context, actor wharf.Actor, raw, pw string) error {
	w, err := s.needWeb()
	if err != nil {
		return err
	}
	var u *wharf.User
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		t, err := tx.UseEmailToken(ctx, hashLinkToken(raw), wharf.EmailReset, w.now())
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return wharf.Errorf(wharf.EINVALID, "Invalid or expired reset link. Request a new one.")
		} else if err != nil {
			return err
		}
		if u, err = tx.UserByID(ctx, t.UserID); err != nil {
			return err
		}
		if err := s.checkNewPassword(ctx, pw, u.Name, u.Email); err != nil {
			return err
		}
		if err := s.setPassword(ctx, tx, u, pw); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:password:reset", 0, u.ID, nil))
	})
	if err != nil {
		return err
	}
	s.notify(ctx, u, "Your password was reset", "Your account's password was reset, and every session was logged out.")
	return nil
}

// setPassword hashes and stores a new password and raises the login
// counter, voiding pending logins.
func (s *Service) setPassword(ctx context.Context, tx wharf.Tx, u *wharf.User, pw string) error {
	h, err := password.Hash(pw)
	if err != nil {
		return wharf.WrapError(wharf.EINVALID, err.Error(), err)
	}
	u.PasswordHash = h
	u.LoginCount++
	return tx.UpdateUser(ctx, u)
}

// ChangePassword sets a new password after checking the current one. It
// needs sudo mode, ends the user's other sessions and gives this one a
// new id, which it returns.
func (s *Service) ChangePassword(ctx context.Context, actor wharf.Actor, cur *Current, old, pw string) (string, error) {
	if _, err := s.needWeb(); err != nil {
		return "", err
	}
	if !s.InSudo(cur, SudoWindow) {
		return "", ErrSudo
	}
	if ok, _, err := password.Verify(cur.User.PasswordHash, old); err != nil || !ok {
		return "", wharf.Errorf(wharf.EUNAUTHORIZED, "The current password is invalid.")
	}
	if err := s.checkNewPassword(ctx, pw, cur.User.Name, cur.User.Email); err != nil {
		return "", err
	}
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByID(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		if err := s.setPassword(ctx, tx, u, pw); err != nil {
			return err
		}
		*cur.User = *u
		if err := tx.DeleteUserSessions(ctx, u.ID, cur.Session.IDHash); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:password:change", 0, u.ID, nil))
	})
	if err != nil {
		return "", err
	}
	s.notify(ctx, cur.User, "Your password was changed", "Your account's password was changed, and your other sessions were logged out.")
	return s.rotateSession(ctx, cur, s.web.now())
}
