package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"

	"wharf"
	"wharf/auth/password"
	"wharf/auth/session"
)

// Second-factor methods, as the login flow names them.
const (
	MethodTOTP     = "totp"
	MethodWebAuthn = "webauthn"
	MethodRecovery = "recovery"
)

// errBadLogin is the one answer to a wrong name or password: it never says
// which was wrong, nor whether the account exists.
var errBadLogin = wharf.Errorf(wharf.EUNAUTHORIZED, "The username or password is invalid.")

// ErrSudo means the action needs the password confirmed recently; web
// sends the user to confirm it and back.
var ErrSudo = wharf.Errorf(wharf.EFORBIDDEN, "Confirm your password to continue.")

// LoginResult is the outcome of the password step.
type LoginResult struct {
	User *wharf.User
	// SessionID is the new session's id (the cookie value) when the user
	// is logged in; empty when a second factor is needed.
	SessionID string
	// Pending is the signed token for the second-factor page, valid for
	// PendingLifetime and voided by any later login.
	Pending string
	// Methods are the second factors the user can use.
	Methods []string
}

// Current is a request's logged-in session.
type Current struct {
	ID      string // the cookie value
	Session *wharf.Session
	User    *wharf.User
}

// Login checks a name (or email) and password. Wrong name and wrong
// password get the same error and take the same time. With a second
// factor enabled and no valid remembered device, it returns a Pending
// token instead of a session.
func (s *Service) Login(ctx context.Context, actor wharf.Actor, name, pw, remembered string) (*LoginResult, error) {
	w, err := s.needWeb()
	if err != nil {
		return nil, err
	}
	now := w.now()
	userKey := "user:" + strings.ToLower(name)
	if err := w.limits.loginIP.check(actor.IP, now); err != nil {
		return nil, err
	}
	if err := w.limits.loginUser.check(userKey, now); err != nil {
		return nil, err
	}
	u, err := s.userForLogin(ctx, name)
	if err != nil && !wharf.IsCode(err, wharf.ENOTFOUND) {
		return nil, err
	}
	hash := w.dummyHash
	if u != nil && u.PasswordHash != "" && !u.Service {
		hash = u.PasswordHash
	}
	ok, rehash, verr := password.Verify(hash, pw)
	if u == nil || u.PasswordHash == "" || u.Service || verr != nil || !ok {
		w.limits.loginIP.hit(actor.IP, now)
		w.limits.loginUser.hit(userKey, now)
		s.loginFailed(ctx, actor, u, name, "invalid_password")
		return nil, errBadLogin
	}
	if rehash {
		s.upgradeHash(ctx, u, pw)
	}
	methods, err := s.methods(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(methods) > 0 && !w.rememberValid(remembered, u, now) {
		return &LoginResult{User: u, Methods: methods,
			Pending: session.SignPending(w.keys.pending, u.ID, u.LoginCount, now.Add(PendingLifetime))}, nil
	}
	w.limits.loginUser.reset(userKey)
	id, err := s.startSession(ctx, actor, u, map[string]any{"two_factor_method": nil, "remembered_device": len(methods) > 0})
	if err != nil {
		return nil, err
	}
	return &LoginResult{User: u, SessionID: id}, nil
}

// userForLogin finds the account a login form names: by username, or by
// email address if the name has an '@'.
func (s *Service) userForLogin(ctx context.Context, name string) (*wharf.User, error) {
	var u *wharf.User
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		if strings.Contains(name, "@") {
			u, err = tx.UserByEmail(ctx, name)
			if err == nil && !strings.EqualFold(u.Email, name) {
				u, err = nil, wharf.Errorf(wharf.ENOTFOUND, "no account")
			}
			return err
		}
		u, err = tx.UserByName(ctx, name)
		return err
	})
	return u, err
}

// loginFailed records a failed login. The name tried is kept for unknown
// accounts so an owner of the index can see guessing.
func (s *Service) loginFailed(ctx context.Context, actor wharf.Actor, u *wharf.User, name, reason string) {
	var userID int64
	details := map[string]any{"reason": reason}
	if u != nil {
		userID = u.ID
	} else {
		details["username"] = name
	}
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		return tx.AddEvent(ctx, actor.Event("account:login:failure", 0, userID, details))
	})
	if err != nil {
		s.web.log.Error("recording a failed login", "err", err)
	}
}

// upgradeHash stores a hash with current parameters after a successful
// login with an older one; a failure only means trying again next time.
func (s *Service) upgradeHash(ctx context.Context, u *wharf.User, pw string) {
	h, err := password.Hash(pw)
	if err != nil {
		return
	}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		cur.PasswordHash = h
		return tx.UpdateUser(ctx, cur)
	})
	if err == nil {
		u.PasswordHash = h
	}
}

// methods lists the user's second factors.
func (s *Service) methods(ctx context.Context, u *wharf.User) ([]string, error) {
	var out []string
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		if u.TOTPSecret != nil {
			out = append(out, MethodTOTP)
		}
		keys, err := tx.SecurityKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			out = append(out, MethodWebAuthn)
		}
		codes, err := tx.RecoveryCodes(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(out) > 0 && hasUnused(codes) {
			out = append(out, MethodRecovery)
		}
		return nil
	})
	return out, err
}

func hasUnused(codes []wharf.RecoveryCode) bool {
	for _, c := range codes {
		if c.Used.IsZero() {
			return true
		}
	}
	return false
}

// startSession makes a new session for u (a fresh id: no fixation), raises
// the login counter (voiding pending tokens) and records the login.
func (s *Service) startSession(ctx context.Context, actor wharf.Actor, u *wharf.User, details map[string]any) (string, error) {
	id, err := session.NewID()
	if err != nil {
		return "", wharf.WrapError(wharf.EINTERNAL, "session id", err)
	}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		cur.LoginCount++
		if err := tx.UpdateUser(ctx, cur); err != nil {
			return err
		}
		*u = *cur
		if err := tx.CreateSession(ctx, &wharf.Session{IDHash: session.HashID(id), UserID: u.ID, IP: actor.IP, UserAgent: actor.UserAgent}); err != nil {
			return err
		}
		// The person who proved their credentials is the actor of their
		// login, though the request came in anonymous.
		actor.UserID, actor.UserName = u.ID, u.Name
		return tx.AddEvent(ctx, actor.Event("account:login:success", 0, u.ID, details))
	})
	return id, err
}

// Session returns the logged-in session for a cookie value, or ENOTFOUND
// when it does not exist, has been idle for SessionIdle or is older than
// SessionMax (an expired session is deleted).
func (s *Service) Session(ctx context.Context, id string) (*Current, error) {
	w, err := s.needWeb()
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Not logged in.")
	}
	now := w.now()
	hash := session.HashID(id)
	var cur *Current
	err = s.store.View(ctx, func(tx wharf.Tx) error {
		sess, err := tx.SessionByHash(ctx, hash)
		if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, sess.UserID)
		if err != nil {
			return err
		}
		cur = &Current{ID: id, Session: sess, User: u}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if now.Sub(cur.Session.LastSeen) > SessionIdle || now.Sub(cur.Session.Created) > SessionMax {
		_ = s.store.Update(ctx, func(tx wharf.Tx) error { return tx.DeleteSession(ctx, hash) })
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Your session has expired. Log in again.")
	}
	// LastSeen is written at most once a minute: a page view must not be a
	// database write.
	if now.Sub(cur.Session.LastSeen) > time.Minute {
		cur.Session.LastSeen = now
		_ = s.store.Update(ctx, func(tx wharf.Tx) error { return tx.UpdateSession(ctx, cur.Session) })
	}
	return cur, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, actor wharf.Actor, cur *Current) error {
	return s.store.Update(ctx, func(tx wharf.Tx) error {
		if err := tx.DeleteSession(ctx, cur.Session.IDHash); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:logout", 0, cur.User.ID, nil))
	})
}

// LogoutOthers ends every other session of the user.
func (s *Service) LogoutOthers(ctx context.Context, actor wharf.Actor, cur *Current) error {
	return s.store.Update(ctx, func(tx wharf.Tx) error {
		if err := tx.DeleteUserSessions(ctx, cur.User.ID, cur.Session.IDHash); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:sessions:ended_others", 0, cur.User.ID, nil))
	})
}

// ConfirmPassword starts sudo mode: the password is checked again and the
// session gets a new id (a privilege change), which it returns.
func (s *Service) ConfirmPassword(ctx context.Context, actor wharf.Actor, cur *Current, pw string) (string, error) {
	w, err := s.needWeb()
	if err != nil {
		return "", err
	}
	now := w.now()
	key := "user:" + strings.ToLower(cur.User.Name)
	if err := w.limits.loginUser.check(key, now); err != nil {
		return "", err
	}
	if ok, _, err := password.Verify(cur.User.PasswordHash, pw); err != nil || !ok {
		w.limits.loginUser.hit(key, now)
		s.loginFailed(ctx, actor, cur.User, cur.User.Name, "invalid_password_confirmation")
		return "", wharf.Errorf(wharf.EUNAUTHORIZED, "The password is invalid.")
	}
	return s.rotateSession(ctx, cur, now)
}

// rotateSession replaces the session's id, keeping the login and setting
// the time of the last password confirmation to now.
func (s *Service) rotateSession(ctx context.Context, cur *Current, authAt time.Time) (string, error) {
	id, err := session.NewID()
	if err != nil {
		return "", wharf.WrapError(wharf.EINTERNAL, "session id", err)
	}
	old := cur.Session.IDHash
	next := *cur.Session
	next.IDHash, next.AuthAt = session.HashID(id), authAt
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		if err := tx.DeleteSession(ctx, old); err != nil {
			return err
		}
		return tx.CreateSession(ctx, &next)
	})
	if err != nil {
		return "", err
	}
	cur.ID, cur.Session = id, &next
	return id, nil
}

// InSudo reports whether the session confirmed its password within d.
func (s *Service) InSudo(cur *Current, d time.Duration) bool {
	return s.web != nil && s.web.now().Sub(cur.Session.AuthAt) <= d
}

// RememberDevice returns the value of a "remember this device" cookie for
// u, valid for RememberLifetime. A new password (set or reset) or a change
// of TOTP secret voids it; adding or removing a security key does not,
// since the cookie stands for the browser, not for a key.
func (s *Service) RememberDevice(u *wharf.User) string {
	w := s.web
	b := make([]byte, 16, 48)
	binary.BigEndian.PutUint64(b, uint64(u.ID))
	binary.BigEndian.PutUint64(b[8:], uint64(w.now().Add(RememberLifetime).Unix()))
	return base64.RawURLEncoding.EncodeToString(append(b, w.rememberMAC(b, u)...))
}

// rememberValid checks a remember-device cookie for u.
func (w *webState) rememberValid(v string, u *wharf.User, now time.Time) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != 48 {
		return false
	}
	if int64(binary.BigEndian.Uint64(b)) != u.ID || now.Unix() > int64(binary.BigEndian.Uint64(b[8:])) {
		return false
	}
	return hmac.Equal(b[16:], w.rememberMAC(b[:16], u))
}

// rememberMAC signs a remember-device payload together with the user's
// password hash and TOTP secret, so changing either voids the cookie.
func (w *webState) rememberMAC(payload []byte, u *wharf.User) []byte {
	m := hmac.New(sha256.New, w.keys.remember)
	m.Write(payload)
	m.Write([]byte(u.PasswordHash))
	m.Write(u.TOTPSecret)
	return m.Sum(nil)
}
