package accounts

import (
	"context"
	"net/mail"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"wharf"
	"wharf/auth/password"
	"wharf/auth/token"
	"wharf/dist"
)

// Service performs account actions. It is safe for concurrent use.
type Service struct {
	store    wharf.Store
	tokens   *token.Service
	location string // the index's base URL, the macaroons' location
	web      *webState
}

// New returns a Service.
func New(store wharf.Store, tokens *token.Service, location string) *Service {
	return &Service{store: store, tokens: tokens, location: location}
}

var userName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$`)

// CreateUser makes an account. An empty password makes an account that
// cannot log in to the web UI and uploads with tokens only.
func (s *Service) CreateUser(ctx context.Context, actor wharf.Actor, name, email string, admin bool, pw string) (*wharf.User, error) {
	if !userName.MatchString(name) {
		return nil, wharf.Errorf(wharf.EINVALID, "The username is invalid. Usernames must be at most 50 characters, start and end with a letter or numeral, and contain only letters, numerals, '.', '_' and '-'.")
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, wharf.Errorf(wharf.EINVALID, "The email address %q isn't valid.", email)
	}
	// An administrator making an account vouches for its address; a
	// registration through the web verifies it by mail instead.
	u := &wharf.User{Name: name, Email: email, IsAdmin: admin, EmailVerified: true}
	if pw != "" {
		h, err := password.Hash(pw)
		if err != nil {
			return nil, wharf.WrapError(wharf.EINVALID, err.Error(), err)
		}
		u.PasswordHash = h
	}
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:create", 0, u.ID, map[string]any{"email": email, "admin": admin}))
	})
	return u, err
}

// CreateServiceUser makes a service account for CI: no password, no web
// login, tokens only, exempt from the two-factor policy. The email is
// optional (a contact for the team that runs the CI).
func (s *Service) CreateServiceUser(ctx context.Context, actor wharf.Actor, name, email string) (*wharf.User, error) {
	if !userName.MatchString(name) {
		return nil, wharf.Errorf(wharf.EINVALID, "The username is invalid. Usernames must be at most 50 characters, start and end with a letter or numeral, and contain only letters, numerals, '.', '_' and '-'.")
	}
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			return nil, wharf.Errorf(wharf.EINVALID, "The email address %q isn't valid.", email)
		}
	}
	u := &wharf.User{Name: name, Email: email, Service: true, EmailVerified: email != ""}
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:create", 0, u.ID, map[string]any{"email": email, "service": true}))
	})
	return u, err
}

// TokenRequest describes a token to issue.
type TokenRequest struct {
	User        string
	Projects    []string // any spelling; empty for all the user's projects
	Expires     time.Duration
	Description string
}

// CreateToken issues an API token and returns it; it is never shown again.
func (s *Service) CreateToken(ctx context.Context, actor wharf.Actor, req TokenRequest) (string, *wharf.Token, error) {
	id, err := token.NewID()
	if err != nil {
		return "", nil, wharf.WrapError(wharf.EINTERNAL, "token id", err)
	}
	// The limit is in characters, as the message says, not in bytes.
	if utf8.RuneCountInString(req.Description) > 100 {
		return "", nil, wharf.Errorf(wharf.EINVALID, "The description is longer than 100 characters.")
	}
	if req.Expires < 0 {
		return "", nil, wharf.Errorf(wharf.EINVALID, "The expiry must be in the future.")
	}
	rec := &wharf.Token{ID: id, Description: req.Description}
	var raw string
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByName(ctx, req.User)
		if err != nil {
			return err
		}
		rec.UserID = u.ID
		for _, p := range req.Projects {
			proj, err := tx.ProjectByName(ctx, dist.NormalizeName(p))
			if wharf.IsCode(err, wharf.ENOTFOUND) {
				return wharf.Errorf(wharf.ENOTFOUND, "Project %q not found; a scoped token names existing projects.", p)
			} else if err != nil {
				return err
			}
			// Two spellings of one project ("Foo_Bar", "foo-bar") are
			// recorded once, as the token's caveat holds them.
			if !slices.Contains(rec.Projects, proj.Name) {
				rec.Projects = append(rec.Projects, proj.Name)
			}
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
		return tx.AddEvent(ctx, actor.Event("account:api_token:added", 0, u.ID, map[string]any{
			"token_id": id, "description": req.Description, "projects": rec.Projects, "expires": rec.Expires}))
	})
	if err != nil {
		return "", nil, err
	}
	return raw, rec, nil
}

// Tokens lists a user's tokens.
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

// RevokeToken revokes a token by id; it can never be used again.
func (s *Service) RevokeToken(ctx context.Context, actor wharf.Actor, id string) error {
	return s.store.Update(ctx, func(tx wharf.Tx) error {
		t, err := tx.TokenByID(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:api_token:removed", 0, t.UserID, map[string]any{"token_id": id}))
	})
}
