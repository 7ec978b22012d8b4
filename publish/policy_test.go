package publish_test

import (
	"testing"
	"time"

	"wharf"
	"wharf/publish"
)

func TestUploaderPolicy(t *testing.T) {
	const noEmail = `User "u" does not have a verified primary email address. Please add a verified primary email before attempting to upload to this index.`
	const no2FA = `User "u" does not have two-factor authentication enabled. Please enable two-factor authentication before attempting to upload to this index.`
	tests := []struct {
		name    string
		require string
		user    wharf.User
		key     bool // a security key registered
		want    string
	}{
		{"off", publish.Require2FAOff, wharf.User{}, false, ""},
		{"unset", "", wharf.User{}, false, ""},
		{"unverified email", publish.Require2FAPublishers, wharf.User{TOTPSecret: []byte{1}}, false, noEmail},
		{"no second factor", publish.Require2FAPublishers, wharf.User{EmailVerified: true}, false, no2FA},
		{"no second factor, all", publish.Require2FAAll, wharf.User{EmailVerified: true}, false, no2FA},
		{"TOTP", publish.Require2FAPublishers, wharf.User{EmailVerified: true, TOTPSecret: []byte{1}}, false, ""},
		{"security key", publish.Require2FAAll, wharf.User{EmailVerified: true}, true, ""},
		{"service account", publish.Require2FAAll, wharf.User{Service: true}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *publish.Config) { c.Require2FA = tt.require })
			u := tt.user
			u.Name, u.Email = "u", "u@example.com"
			err := e.store.Update(t.Context(), func(tx wharf.Tx) error {
				if err := tx.CreateUser(t.Context(), &u); err != nil {
					return err
				}
				if tt.key {
					return tx.AddSecurityKey(t.Context(), &wharf.SecurityKey{UserID: u.ID, Label: "key", CredentialID: []byte{1}, Data: []byte("{}")})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			raw := e.mint(&u, nil, time.Time{})
			_, err = e.svc.Authenticate(t.Context(), raw, e.clock.Now())
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Authenticate: %v", err)
				}
				return
			}
			if !wharf.IsCode(err, wharf.EFORBIDDEN) || wharf.ErrorMessage(err) != tt.want {
				t.Errorf("Authenticate = %v, want 403 %q", err, tt.want)
			}
			// A forged token of the same user learns nothing of the policy.
			if _, err := e.svc.Authenticate(t.Context(), raw+"x", e.clock.Now()); wharf.ErrorMessage(err) == tt.want {
				t.Error("a malformed token got the policy's message")
			}
		})
	}
}
