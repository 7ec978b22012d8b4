package sqlstore

import (
	"context"
	"time"

	"wharf"
)

// UserByEmail returns the user with this address or pending address.
func (t *Tx) UserByEmail(ctx context.Context, email string) (*wharf.User, error) {
	return t.scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users
		WHERE LOWER(email) = LOWER(?) OR LOWER(pending_email) = LOWER(?) ORDER BY id LIMIT 1`, email, email))
}

// UpdateUser writes the user's mutable fields.
func (t *Tx) UpdateUser(ctx context.Context, u *wharf.User) error {
	return t.mustAffect(ctx, "User", `UPDATE users SET email = ?, email_verified = ?, pending_email = ?, password_hash = ?,
		totp_secret = ?, totp_last_step = ?, login_count = ?, service = ? WHERE id = ?`,
		u.Email, boolInt(u.EmailVerified), u.PendingEmail, u.PasswordHash,
		nonNil(u.TOTPSecret), u.TOTPLastStep, u.LoginCount, boolInt(u.Service), u.ID)
}

// CreateSession stores a session; LastSeen is now, Created and AuthAt
// default to now.
func (t *Tx) CreateSession(ctx context.Context, s *wharf.Session) error {
	if s.Created.IsZero() {
		s.Created = t.now
	}
	s.LastSeen = t.now
	if s.AuthAt.IsZero() {
		s.AuthAt = t.now
	}
	_, err := t.exec(ctx, `INSERT INTO sessions (id_hash, user_id, created, last_seen, auth_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.IDHash, s.UserID, micros(s.Created), micros(s.LastSeen), micros(s.AuthAt), s.IP, s.UserAgent)
	return err
}

// SessionByHash returns the session with this id hash.
func (t *Tx) SessionByHash(ctx context.Context, hash string) (*wharf.Session, error) {
	var s wharf.Session
	var created, seen, auth int64
	err := t.queryRow(ctx, `SELECT id_hash, user_id, created, last_seen, auth_at, ip, user_agent FROM sessions WHERE id_hash = ?`, hash).
		Scan(&s.IDHash, &s.UserID, &created, &seen, &auth, &s.IP, &s.UserAgent)
	if err != nil {
		return nil, t.scanErr(err, "Session")
	}
	s.Created, s.LastSeen, s.AuthAt = fromMicros(created), fromMicros(seen), fromMicros(auth)
	return &s, nil
}

// UpdateSession writes LastSeen and AuthAt.
func (t *Tx) UpdateSession(ctx context.Context, s *wharf.Session) error {
	return t.mustAffect(ctx, "Session", `UPDATE sessions SET last_seen = ?, auth_at = ? WHERE id_hash = ?`,
		micros(s.LastSeen), micros(s.AuthAt), s.IDHash)
}

// DeleteSession ends one session; ending a missing one is not an error.
func (t *Tx) DeleteSession(ctx context.Context, hash string) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hash)
	return err
}

// DeleteUserSessions ends every session of the user but keep.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, keep)
	return err
}

// AddSecurityKey stores a WebAuthn credential and sets its ID and Created.
func (t *Tx) AddSecurityKey(ctx context.Context, k *wharf.SecurityKey) error {
	k.Created = t.now
	id, err := t.insertID(ctx, `INSERT INTO security_keys (user_id, label, credential_id, data, sign_count, created) VALUES (?, ?, ?, ?, ?, ?)`,
		k.UserID, k.Label, k.CredentialID, k.Data, int64(k.SignCount), micros(k.Created))
	if wharf.IsCode(err, wharf.ECONFLICT) {
		return wharf.Errorf(wharf.ECONFLICT, "You already have a security key named %q, or this key is registered already.", k.Label)
	}
	k.ID = id
	return err
}

func (t *Tx) scanSecurityKey(row scanner) (*wharf.SecurityKey, error) {
	var k wharf.SecurityKey
	var count, created, used int64
	if err := row.Scan(&k.ID, &k.UserID, &k.Label, &k.CredentialID, &k.Data, &count, &created, &used); err != nil {
		return nil, t.scanErr(err, "Security key")
	}
	k.SignCount, k.Created, k.LastUsed = uint32(count), fromMicros(created), fromMicros(used)
	return &k, nil
}

// SecurityKeys lists the user's security keys, oldest first.
func (t *Tx) SecurityKeys(ctx context.Context, userID int64) ([]wharf.SecurityKey, error) {
	return queryAll(ctx, t, t.scanSecurityKey, `SELECT id, user_id, label, credential_id, data, sign_count, created, last_used
		FROM security_keys WHERE user_id = ? ORDER BY id`, userID)
}

// UpdateSecurityKeyUse records a login with the key.
func (t *Tx) UpdateSecurityKeyUse(ctx context.Context, k *wharf.SecurityKey) error {
	return t.mustAffect(ctx, "Security key", `UPDATE security_keys SET data = ?, sign_count = ?, last_used = ? WHERE id = ? AND user_id = ?`,
		k.Data, int64(k.SignCount), micros(k.LastUsed), k.ID, k.UserID)
}

// DeleteSecurityKey removes one of the user's keys.
func (t *Tx) DeleteSecurityKey(ctx context.Context, userID, id int64) error {
	return t.mustAffect(ctx, "Security key", `DELETE FROM security_keys WHERE id = ? AND user_id = ?`, id, userID)
}

// SetRecoveryCodes replaces the user's recovery codes.
func (t *Tx) SetRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := t.exec(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// RecoveryCodes lists the user's codes, used or not.
func (t *Tx) RecoveryCodes(ctx context.Context, userID int64) ([]wharf.RecoveryCode, error) {
	return queryAll(ctx, t, func(row scanner) (*wharf.RecoveryCode, error) {
		var c wharf.RecoveryCode
		var used int64
		if err := row.Scan(&c.ID, &c.UserID, &c.Hash, &used); err != nil {
			return nil, t.scanErr(err, "Recovery code")
		}
		c.Used = fromMicros(used)
		return &c, nil
	}, `SELECT id, user_id, hash, used FROM recovery_codes WHERE user_id = ? ORDER BY id`, userID)
}

// BurnRecoveryCode marks an unused code used.
func (t *Tx) BurnRecoveryCode(ctx context.Context, userID, id int64, at time.Time) error {
	return t.mustAffect(ctx, "Recovery code", `UPDATE recovery_codes SET used = ? WHERE id = ? AND user_id = ? AND used = 0`,
		micros(at), id, userID)
}

// AddEmailToken stores an email token.
func (t *Tx) AddEmailToken(ctx context.Context, e *wharf.EmailToken) error {
	_, err := t.exec(ctx, `INSERT INTO email_tokens (hash, user_id, purpose, email, expires) VALUES (?, ?, ?, ?, ?)`,
		e.Hash, e.UserID, e.Purpose, e.Email, micros(e.Expires))
	return err
}

// UseEmailToken marks a live token used and returns it.
func (t *Tx) UseEmailToken(ctx context.Context, hash, purpose string, now time.Time) (*wharf.EmailToken, error) {
	var e wharf.EmailToken
	var expires int64
	err := t.queryRow(ctx, `SELECT hash, user_id, purpose, email, expires FROM email_tokens
		WHERE hash = ? AND purpose = ? AND used = 0 AND expires > ?`, hash, purpose, micros(now)).
		Scan(&e.Hash, &e.UserID, &e.Purpose, &e.Email, &expires)
	if err != nil {
		return nil, t.scanErr(err, "Link")
	}
	e.Expires = fromMicros(expires)
	if err := t.mustAffect(ctx, "Link", `UPDATE email_tokens SET used = 1 WHERE hash = ? AND used = 0`, hash); err != nil {
		return nil, err
	}
	e.Used = true
	return &e, nil
}

// UserLoggedInFrom reports whether the user ever logged in from ip.
func (t *Tx) UserLoggedInFrom(ctx context.Context, userID int64, ip string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE user_id = ? AND tag = 'account:login:success' AND ip = ? LIMIT 1) AS x`,
		userID, ip).Scan(&n)
	return n > 0, t.mapErr(err)
}

// UserHasRoles reports whether the user holds a role on any project.
func (t *Tx) UserHasRoles(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM roles WHERE user_id = ? LIMIT 1) AS x`, userID).Scan(&n)
	return n > 0, t.mapErr(err)
}
