package publish_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"wharf"
	"wharf/auth/token"
)

const badAuth = "Invalid or non-existent authentication information. See /help/#invalid-auth for more information."

func TestAuthenticate(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	bob := e.account("bob")
	now := e.clock.Now()

	revoked := e.mint(alice.user, nil, time.Time{})
	id, _ := token.ParseID(revoked)
	if err := e.store.Update(t.Context(), func(tx wharf.Tx) error { return tx.RevokeToken(t.Context(), id) }); err != nil {
		t.Fatal(err)
	}
	expiring := e.mint(alice.user, nil, now.Add(time.Hour))

	// A token minted but never recorded, and one minted with another secret.
	unrecordedID, _ := token.NewID()
	unrecorded, err := e.tokens.Mint(unrecordedID, "", token.Caveats{UserID: alice.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	other, err := token.NewService(bytes.Repeat([]byte("o"), 32))
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Mint(alice.pr.Token.ID, "", token.Caveats{UserID: alice.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	// Alice's token presented as bob's: a record of bob's with alice's id
	// cannot exist, but a token minted for bob under alice's record can.
	wrongUser, err := e.tokens.Mint(alice.pr.Token.ID, "", token.Caveats{UserID: bob.user.ID})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
		at    time.Time
		code  string
		msg   string
	}{
		{"valid", alice.token, now, "", ""},
		{"expiring, before expiry", expiring, now.Add(59 * time.Minute), "", ""},
		{"expired", expiring, now.Add(61 * time.Minute), wharf.EFORBIDDEN, "Invalid API Token: token is expired"},
		{"revoked", revoked, now, wharf.EFORBIDDEN, "Invalid API Token: token has been revoked"},
		{"empty", "", now, wharf.EFORBIDDEN, badAuth},
		{"malformed", "wharf-not-a-token", now, wharf.EFORBIDDEN, badAuth},
		{"a password", "hunter2", now, wharf.EFORBIDDEN, badAuth},
		{"unrecorded", unrecorded, now, wharf.EFORBIDDEN, badAuth},
		{"forged", forged, now, wharf.EFORBIDDEN, badAuth},
		{"another user's caveat", wrongUser, now, wharf.EFORBIDDEN, "Invalid API Token: token is not valid for this user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := e.svc.Authenticate(t.Context(), tt.token, tt.at)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Authenticate: %v", err)
				}
				if pr.User.ID != alice.user.ID || pr.Token == nil || pr.Claims.Restricted {
					t.Errorf("principal = %+v, want alice's unscoped token", pr)
				}
				return
			}
			if pr != nil {
				t.Errorf("Authenticate returned a principal with error %v", err)
			}
			wantErr(t, err, tt.code, tt.msg)
		})
	}
}

// TestAuthenticateScope checks that a token's recorded projects bind even
// when its caveats are wider, and that caveats added later narrow it.
func TestAuthenticateScope(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.account("alice")
	tests := []struct {
		name     string
		token    func() string
		projects []string
	}{
		{"scoped", func() string { return e.mint(alice.user, []string{"a", "b"}, time.Time{}) }, []string{"a", "b"}},
		{"restricted by the holder", func() string {
			raw, err := token.Restrict(e.mint(alice.user, []string{"a", "b"}, time.Time{}), []string{"b", "c"}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}, []string{"b"}},
		{"record narrower than caveats", func() string {
			id, _ := token.NewID()
			raw, err := e.tokens.Mint(id, "", token.Caveats{UserID: alice.user.ID})
			if err != nil {
				t.Fatal(err)
			}
			err = e.store.Update(t.Context(), func(tx wharf.Tx) error {
				return tx.CreateToken(t.Context(), &wharf.Token{ID: id, UserID: alice.user.ID, Projects: []string{"a"}})
			})
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := e.auth(tt.token())
			if !pr.Claims.Restricted || !slices.Equal(pr.Claims.Projects, tt.projects) {
				t.Errorf("claims = %+v, want restricted to %q", pr.Claims, tt.projects)
			}
		})
	}
}
