package sqlstore

import (
	"context"
	"strings"
	"time"

	"wharf"
)

// CreateUser inserts u and sets its ID and Created time.
func (t *Tx) CreateUser(ctx context.Context, u *wharf.User) error {
	u.Created = t.now
	id, err := t.insertID(ctx, `INSERT INTO users (name, email, password_hash, is_admin, created,
		email_verified, service, totp_secret, totp_last_step, login_count, pending_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Name, u.Email, u.PasswordHash, boolInt(u.IsAdmin), micros(u.Created),
		boolInt(u.EmailVerified), boolInt(u.Service), nonNil(u.TOTPSecret), u.TOTPLastStep, u.LoginCount, u.PendingEmail)
	if wharf.IsCode(err, wharf.ECONFLICT) {
		return wharf.Errorf(wharf.ECONFLICT, "User %q already exists.", u.Name)
	}
	u.ID = id
	return err
}

// nonNil stores an absent byte slice as an empty one (the columns are NOT NULL).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

const userCols = `id, name, email, password_hash, is_admin, created, email_verified, service, totp_secret, totp_last_step, login_count, pending_email`

func (t *Tx) scanUser(row scanner) (*wharf.User, error) {
	var u wharf.User
	var admin, verified, service int
	var created int64
	if err := row.Scan(&u.ID, &u.Name, &u.Email, &u.PasswordHash, &admin, &created,
		&verified, &service, &u.TOTPSecret, &u.TOTPLastStep, &u.LoginCount, &u.PendingEmail); err != nil {
		return nil, t.scanErr(err, "User")
	}
	u.IsAdmin, u.EmailVerified, u.Service = admin != 0, verified != 0, service != 0
	if len(u.TOTPSecret) == 0 {
		u.TOTPSecret = nil
	}
	u.Created = fromMicros(created)
	return &u, nil
}

// UserByName returns the user with the given name.
func (t *Tx) UserByName(ctx context.Context, name string) (*wharf.User, error) {
	return t.scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
}

// UserByID returns the user with the given id.
func (t *Tx) UserByID(ctx context.Context, id int64) (*wharf.User, error) {
	return t.scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// CreateToken inserts the token record and sets its Created time.
func (t *Tx) CreateToken(ctx context.Context, tok *wharf.Token) error {
	tok.Created = t.now
	_, err := t.exec(ctx, `INSERT INTO tokens (id, user_id, description, projects, expires, created, made_with_2fa) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tok.ID, tok.UserID, tok.Description, strings.Join(tok.Projects, " "), micros(tok.Expires), micros(tok.Created), boolInt(tok.MadeWith2FA))
	return err
}

const tokenCols = `id, user_id, description, projects, expires, created, last_used, revoked, made_with_2fa`

func (t *Tx) scanToken(row scanner) (*wharf.Token, error) {
	var tok wharf.Token
	var projects string
	var expires, created, lastUsed int64
	var revoked, with2FA int
	if err := row.Scan(&tok.ID, &tok.UserID, &tok.Description, &projects, &expires, &created, &lastUsed, &revoked, &with2FA); err != nil {
		return nil, t.scanErr(err, "Token")
	}
	tok.Projects = strings.Fields(projects)
	tok.Expires, tok.Created, tok.LastUsed = fromMicros(expires), fromMicros(created), fromMicros(lastUsed)
	tok.Revoked, tok.MadeWith2FA = revoked != 0, with2FA != 0
	return &tok, nil
}

// TokenByID returns the token record with the given id.
func (t *Tx) TokenByID(ctx context.Context, id string) (*wharf.Token, error) {
	return t.scanToken(t.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE id = ?`, id))
}

// Tokens lists a user's tokens, newest first.
func (t *Tx) Tokens(ctx context.Context, userID int64) ([]wharf.Token, error) {
	return queryAll(ctx, t, t.scanToken, `SELECT `+tokenCols+` FROM tokens WHERE user_id = ? ORDER BY created DESC, id`, userID)
}

// RevokeToken marks the token revoked.
func (t *Tx) RevokeToken(ctx context.Context, id string) error {
	return t.mustAffect(ctx, "Token", `UPDATE tokens SET revoked = 1 WHERE id = ?`, id)
}

// RestrictToken records narrower projects (nil keeps them) and expiry
// (zero keeps it) for the token.
func (t *Tx) RestrictToken(ctx context.Context, id string, projects []string, expires time.Time) error {
	if projects != nil {
		if err := t.mustAffect(ctx, "Token", `UPDATE tokens SET projects = ? WHERE id = ?`, strings.Join(projects, " "), id); err != nil {
			return err
		}
	}
	if !expires.IsZero() {
		return t.mustAffect(ctx, "Token", `UPDATE tokens SET expires = ? WHERE id = ?`, micros(expires), id)
	}
	return nil
}

// TouchToken records the token's last use.
func (t *Tx) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE tokens SET last_used = ? WHERE id = ?`, micros(at), id)
	return err
}

// mustAffect runs an update and returns ENOTFOUND when it changed no row.
func (t *Tx) mustAffect(ctx context.Context, what, q string, args ...any) error {
	res, err := t.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.mapErr(err)
	}
	if n == 0 {
		return wharf.Errorf(wharf.ENOTFOUND, "%s not found.", what)
	}
	return nil
}
