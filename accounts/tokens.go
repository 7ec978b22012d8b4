package accounts

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"wharf"
	"wharf/auth/token"
	"wharf/dist"
)

// MaxTokenName bounds a token's name (its description), in characters,
// as PyPI does.
const MaxTokenName = 100

// TokenRequest describes a token to issue.
type TokenRequest struct {
	User        string
	Projects    []string // any spelling; empty for all the user's projects
	Expires     time.Duration
	Description string // the token's name; the web requires one
}

// issue is how a token request came in: what the web adds to the command
// line's checks.
type issue struct {
	// web asks for a name and for a role on every project of the scope.
	web bool
	// with2FA is recorded with the token (Token.MadeWith2FA).
	with2FA bool
}

// CreateToken issues an API token and returns it; it is never shown again.
// It is the command line's way: an administrator may issue a token without
// a name, scoped to any existing projects. A name the user already gave an
// active token is refused with ECONFLICT.
func (s *Service) CreateToken(ctx context.Context, actor wharf.Actor, req TokenRequest) (string, *wharf.Token, error) {
	return s.createToken(ctx, actor, req, issue{})
}

// CreateWebToken issues an API token for the logged-in user cur (req.User
// is ignored). It needs sudo mode (ErrSudo) and a name, and every project
// of the scope must be one the user holds a role on (EFORBIDDEN
// otherwise, for unknown projects too). The token records whether the
// account has a second factor: with one, every session of the account
// was opened with it (or with a device remembered after it), and adding
// one needs a code from it in the session itself.
func (s *Service) CreateWebToken(ctx context.Context, actor wharf.Actor, cur *Current, req TokenRequest) (string, *wharf.Token, error) {
	if _, err := s.needWeb(); err != nil {
		return "", nil, err
	}
	if !s.InSudo(cur, SudoWindow) {
		return "", nil, ErrSudo
	}
	req.User = cur.User.Name
	req.Description = strings.TrimSpace(req.Description)
	if req.Description == "" {
		return "", nil, wharf.Errorf(wharf.EINVALID, "Give the token a name.")
	}
	methods, err := s.methods(ctx, cur.User)
	if err != nil {
		return "", nil, err
	}
	return s.createToken(ctx, actor, req, issue{web: true, with2FA: len(methods) > 0})
}

// createToken checks the request, then mints and records the token, its
// event and, with web login on, mails the owner.
func (s *Service) createToken(ctx context.Context, actor wharf.Actor, req TokenRequest, how issue) (string, *wharf.Token, error) {
	if err := checkTokenName(req.Description); err != nil {
		return "", nil, err
	}
	if req.Expires < 0 {
		return "", nil, wharf.Errorf(wharf.EINVALID, "The expiry must be in the future.")
	}
	id, err := token.NewID()
	if err != nil {
		return "", nil, wharf.WrapError(wharf.EINTERNAL, "token id", err)
	}
	rec := &wharf.Token{ID: id, Description: req.Description, MadeWith2FA: how.with2FA}
	var raw string
	var owner *wharf.User
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByName(ctx, req.User)
		if err != nil {
			return err
		}
		rec.UserID, owner = u.ID, u
		if err := nameFree(ctx, tx, u.ID, req.Description); err != nil {
			return err
		}
		if rec.Projects, err = tokenScope(ctx, tx, u.ID, req.Projects, how.web); err != nil {
			return err
		}
		if req.Expires > 0 {
			rec.Expires = tx.Now().Add(req.Expires).Truncate(time.Second)
		}
		raw, err = s.tokens.Mint(id, s.location, token.Caveats{UserID: u.ID, Projects: rec.Projects, NotAfter: rec.Expires})
		if err != nil {
			return wharf.WrapError(wharf.EINTERNAL, "minting token", err)
		}
		if err := tx.CreateToken(ctx, rec); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:api_token:added", 0, u.ID, tokenDetails(rec)))
	})
	if err != nil {
		return "", nil, err
	}
	if s.web != nil {
		s.notifyTokenAdded(ctx, actor, owner, rec)
	}
	return raw, rec, nil
}

// checkTokenName refuses a name that is too long or holds control
// characters, which could forge lines in the mail that names the token.
func checkTokenName(name string) error {
	// The limit is in characters, as the message says, not in bytes.
	if utf8.RuneCountInString(name) > MaxTokenName {
		return wharf.Errorf(wharf.EINVALID, "The description is longer than 100 characters.")
	}
	if strings.ContainsFunc(name, unicode.IsControl) || !utf8.ValidString(name) {
		return wharf.Errorf(wharf.EINVALID, "The token's name must not contain control characters.")
	}
	return nil
}

// nameFree refuses a name the user already gave an active token, as PyPI
// does; a revoked or expired token frees its name. Unnamed tokens (from
// the command line) never clash.
func nameFree(ctx context.Context, tx wharf.Tx, userID int64, name string) error {
	if name == "" {
		return nil
	}
	toks, err := tx.Tokens(ctx, userID)
	if err != nil {
		return err
	}
	for _, t := range toks {
		if t.Description == name && tokenActive(t, tx.Now()) {
			return wharf.Errorf(wharf.ECONFLICT, "You have already created a token with this name.")
		}
	}
	return nil
}

// tokenActive reports whether a token can still be used at now.
func tokenActive(t wharf.Token, now time.Time) bool {
	return !t.Revoked && (t.Expires.IsZero() || now.Before(t.Expires))
}

// tokenScope resolves the projects a token is scoped to, in any spelling,
// to their normalized names, each once. With needRole every project must
// be one the user holds a role on; a project that does not exist gets the
// same answer, so the form is no oracle for anything.
func tokenScope(ctx context.Context, tx wharf.Tx, userID int64, names []string, needRole bool) ([]string, error) {
	var out []string
	for _, p := range names {
		proj, err := tx.ProjectByName(ctx, dist.NormalizeName(p))
		role := ""
		if err == nil && needRole {
			role, err = tx.RoleOf(ctx, proj.ID, userID)
		}
		switch {
		case needRole && (wharf.IsCode(err, wharf.ENOTFOUND) || (err == nil && role == "")):
			return nil, wharf.Errorf(wharf.EFORBIDDEN, "You have no role on project %q; a token can be scoped only to your projects.", p)
		case wharf.IsCode(err, wharf.ENOTFOUND):
			return nil, wharf.Errorf(wharf.ENOTFOUND, "Project %q not found; a scoped token names existing projects.", p)
		case err != nil:
			return nil, err
		}
		// Two spellings of one project ("Foo_Bar", "foo-bar") are
		// recorded once, as the token's caveat holds them.
		if !slices.Contains(out, proj.Name) {
			out = append(out, proj.Name)
		}
	}
	return out, nil
}

// tokenDetails are the details of a token's audit events. The token
// itself is never in them; "expires" is null for a token without expiry.
func tokenDetails(t *wharf.Token) map[string]any {
	d := map[string]any{"token_id": t.ID, "description": t.Description, "projects": t.Projects, "expires": nil}
	if !t.Expires.IsZero() {
		d["expires"] = t.Expires
	}
	return d
}

// notifyTokenAdded mails the owner of a new token, so that a token made
// by someone who took over a session does not go unnoticed.
func (s *Service) notifyTokenAdded(ctx context.Context, actor wharf.Actor, u *wharf.User, t *wharf.Token) {
	name, scope, expires := t.Description, "all your projects", "never"
	if name == "" {
		name = "(no name), id " + t.ID
	}
	if len(t.Projects) > 0 {
		scope = "only " + strings.Join(t.Projects, ", ")
	}
	if !t.Expires.IsZero() {
		expires = t.Expires.UTC().Format("2006-01-02 15:04 UTC")
	}
	from := actor.IP
	if from == "" {
		from = "unknown"
	}
	s.notify(ctx, u, "A new API token was added to your account",
		"A new API token was added to your account:",
		"",
		"    Name:    "+name,
		"    Scope:   "+scope,
		"    Expires: "+expires,
		"    From:    "+from,
		"",
		"If you made it, there is nothing to do. Your tokens: "+s.link("/manage/account/token/"))
}

// Tokens lists a user's tokens, newest first.
func (s *Service) Tokens(ctx context.Context, user string) ([]wharf.Token, error) {
	var out []wharf.Token
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByName(ctx, user)
		if err != nil {
			return err
		}
		out, err = tx.Tokens(ctx, u.ID)
		return err
	})
	return out, err
}

// UserToken returns the token id of the logged-in user cur. Another
// user's token is ENOTFOUND, like a token that does not exist, so that
// the answer tells nothing about other accounts.
func (s *Service) UserToken(ctx context.Context, cur *Current, id string) (*wharf.Token, error) {
	var out *wharf.Token
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		t, err := ownToken(ctx, tx, id, cur.User.ID)
		out = t
		return err
	})
	return out, err
}

// ownToken reads token id, refusing it as ENOTFOUND unless it belongs to
// owner (0 for any user).
func ownToken(ctx context.Context, tx wharf.Tx, id string, owner int64) (*wharf.Token, error) {
	t, err := tx.TokenByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if owner != 0 && t.UserID != owner {
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Token not found.")
	}
	return t, nil
}

// TokenProjects lists the projects u may scope a token to: those on which
// u holds a role, which are those u may upload to.
func (s *Service) TokenProjects(ctx context.Context, u *wharf.User) ([]wharf.Project, error) {
	var out []wharf.Project
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		ups, err := tx.UserProjects(ctx, u.ID)
		for _, up := range ups {
			out = append(out, up.Project)
		}
		return err
	})
	return out, err
}

// RevokeToken revokes a token by id; it can never be used again. Revoking
// a revoked token changes nothing and records nothing.
func (s *Service) RevokeToken(ctx context.Context, actor wharf.Actor, id string) error {
	return s.revoke(ctx, actor, id, 0)
}

// RevokeWebToken revokes a token of the logged-in user cur; another user's
// token is ENOTFOUND, like a token that does not exist.
func (s *Service) RevokeWebToken(ctx context.Context, actor wharf.Actor, cur *Current, id string) error {
	return s.revoke(ctx, actor, id, cur.User.ID)
}

func (s *Service) revoke(ctx context.Context, actor wharf.Actor, id string, owner int64) error {
	return s.store.Update(ctx, func(tx wharf.Tx) error {
		t, err := ownToken(ctx, tx, id, owner)
		if err != nil || t.Revoked {
			return err
		}
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:api_token:removed", 0, t.UserID, map[string]any{
			"token_id": id, "description": t.Description, "projects": t.Projects}))
	})
}

// RestrictToken narrows an issued token on the server, as PyPI attaches
// caveats after the fact: projects (nil or empty keeps them) must be a
// subset of the token's scope, and expires (zero keeps it) must be in the
// future and no later than the token's expiry. Widening either is refused
// with EINVALID. The record is checked on every use of the token, so the
// narrowing binds copies of the token already handed out.
func (s *Service) RestrictToken(ctx context.Context, actor wharf.Actor, id string, projects []string, expires time.Time) error {
	if len(projects) == 0 && expires.IsZero() {
		return wharf.Errorf(wharf.EINVALID, "Name the projects or the expiry to narrow the token to.")
	}
	return s.store.Update(ctx, func(tx wharf.Tx) error {
		t, err := tx.TokenByID(ctx, id)
		if err != nil {
			return err
		}
		if t.Revoked {
			return wharf.Errorf(wharf.EINVALID, "The token has been revoked.")
		}
		scope, err := narrowScope(ctx, tx, t, projects)
		if err != nil {
			return err
		}
		if !expires.IsZero() {
			expires = expires.Truncate(time.Second)
			if !expires.After(tx.Now()) {
				return wharf.Errorf(wharf.EINVALID, "The expiry must be in the future.")
			}
			if !t.Expires.IsZero() && expires.After(t.Expires) {
				return wharf.Errorf(wharf.EINVALID, "The token already expires at %s; a narrower expiry must be earlier.",
					t.Expires.UTC().Format(time.RFC3339))
			}
			t.Expires = expires
		}
		if scope != nil {
			t.Projects = scope
		}
		if err := tx.RestrictToken(ctx, id, scope, expires); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:api_token:restricted", 0, t.UserID, tokenDetails(t)))
	})
}

// narrowScope returns the normalized projects of a narrowing (nil when it
// keeps the scope), refusing any project outside the token's scope.
func narrowScope(ctx context.Context, tx wharf.Tx, t *wharf.Token, projects []string) ([]string, error) {
	if len(projects) == 0 {
		return nil, nil
	}
	scope, err := tokenScope(ctx, tx, t.UserID, projects, false)
	if err != nil {
		return nil, err
	}
	if len(t.Projects) == 0 {
		return scope, nil
	}
	for _, p := range scope {
		if !slices.Contains(t.Projects, p) {
			return nil, wharf.Errorf(wharf.EINVALID, "The token is not scoped to project %q; narrowing cannot widen it.", p)
		}
	}
	return scope, nil
}
