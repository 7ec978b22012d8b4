package accounts

import (
	"context"
	"net/mail"
	"regexp"

	"wharf"
	"wharf/auth/password"
	"wharf/auth/token"
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
