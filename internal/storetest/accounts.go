package storetest

import (
	"testing"
	"time"

	"wharf"
)

// testAccountFields checks UpdateUser and UserByEmail.
func testAccountFields(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	u.Email, u.EmailVerified, u.PendingEmail = "Alice@Example.org", true, "new@example.org"
	u.TOTPSecret, u.TOTPLastStep, u.LoginCount, u.Service = []byte{1, 2, 3}, 42, 7, true
	u.PasswordHash = "hash"
	update(t, s, func(tx wharf.Tx) error { return tx.UpdateUser(ctx, u) })
	view(t, s, func(tx wharf.Tx) error {
		for _, email := range []string{"alice@example.org", "NEW@example.org"} {
			got, err := tx.UserByEmail(ctx, email)
			if err != nil || got.ID != u.ID || string(got.TOTPSecret) != "\x01\x02\x03" || got.TOTPLastStep != 42 ||
				got.LoginCount != 7 || !got.Service || !got.EmailVerified || got.PasswordHash != "hash" {
				t.Errorf("UserByEmail(%s) = %+v, %v", email, got, err)
			}
		}
		_, err := tx.UserByEmail(ctx, "nobody@example.org")
		wantCode(t, "UserByEmail(nobody)", err, wharf.ENOTFOUND)
		return nil
	})
	ghost := &wharf.User{ID: 999}
	wantCode(t, "UpdateUser(missing)", tryUpdate(t, s, func(tx wharf.Tx) error { return tx.UpdateUser(ctx, ghost) }), wharf.ENOTFOUND)
}

// testSessions checks the session table.
func testSessions(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	for _, h := range []string{"a", "b", "c"} {
		update(t, s, func(tx wharf.Tx) error {
			return tx.CreateSession(ctx, &wharf.Session{IDHash: h, UserID: u.ID, IP: "192.0.2.1", UserAgent: "ua"})
		})
	}
	update(t, s, func(tx wharf.Tx) error {
		sess, err := tx.SessionByHash(ctx, "a")
		if err != nil || sess.UserID != u.ID || sess.IP != "192.0.2.1" || sess.Created.IsZero() || !sess.AuthAt.Equal(sess.Created) {
			t.Errorf("SessionByHash = %+v, %v", sess, err)
		}
		sess.AuthAt = sess.AuthAt.Add(time.Minute)
		sess.LastSeen = sess.AuthAt
		if err := tx.UpdateSession(ctx, sess); err != nil {
			return err
		}
		return tx.DeleteUserSessions(ctx, u.ID, "a")
	})
	view(t, s, func(tx wharf.Tx) error {
		if sess, err := tx.SessionByHash(ctx, "a"); err != nil || !sess.AuthAt.Equal(sess.Created.Add(time.Minute)) {
			t.Errorf("kept session = %+v, %v", sess, err)
		}
		_, err := tx.SessionByHash(ctx, "b")
		wantCode(t, "SessionByHash(ended)", err, wharf.ENOTFOUND)
		return nil
	})
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteSession(ctx, "a") })
	view(t, s, func(tx wharf.Tx) error {
		_, err := tx.SessionByHash(ctx, "a")
		wantCode(t, "SessionByHash(deleted)", err, wharf.ENOTFOUND)
		return nil
	})
}

// testSecurityKeys checks WebAuthn credential storage.
func testSecurityKeys(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	k := &wharf.SecurityKey{UserID: u.ID, Label: "yubikey", CredentialID: []byte{9, 9}, Data: []byte("{}"), SignCount: 1}
	update(t, s, func(tx wharf.Tx) error { return tx.AddSecurityKey(ctx, k) })
	dup := &wharf.SecurityKey{UserID: u.ID, Label: "yubikey", CredentialID: []byte{8}, Data: []byte("{}")}
	wantCode(t, "AddSecurityKey(same label)", tryUpdate(t, s, func(tx wharf.Tx) error { return tx.AddSecurityKey(ctx, dup) }), wharf.ECONFLICT)
	k.SignCount, k.LastUsed, k.Data = 5, time.Unix(1700000000, 0).UTC(), []byte(`{"n":1}`)
	update(t, s, func(tx wharf.Tx) error { return tx.UpdateSecurityKeyUse(ctx, k) })
	view(t, s, func(tx wharf.Tx) error {
		keys, err := tx.SecurityKeys(ctx, u.ID)
		if err != nil || len(keys) != 1 || keys[0].SignCount != 5 || string(keys[0].Data) != `{"n":1}` || !keys[0].LastUsed.Equal(k.LastUsed) {
			t.Errorf("SecurityKeys = %+v, %v", keys, err)
		}
		return nil
	})
	wantCode(t, "DeleteSecurityKey(other user)", tryUpdate(t, s, func(tx wharf.Tx) error { return tx.DeleteSecurityKey(ctx, u.ID+1, k.ID) }), wharf.ENOTFOUND)
	update(t, s, func(tx wharf.Tx) error { return tx.DeleteSecurityKey(ctx, u.ID, k.ID) })
}

// testRecoveryCodes checks that codes are replaced as a set and burn once.
func testRecoveryCodes(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	update(t, s, func(tx wharf.Tx) error { return tx.SetRecoveryCodes(ctx, u.ID, []string{"h1", "h2"}) })
	update(t, s, func(tx wharf.Tx) error { return tx.SetRecoveryCodes(ctx, u.ID, []string{"h3", "h4"}) })
	var codes []wharf.RecoveryCode
	view(t, s, func(tx wharf.Tx) (err error) {
		codes, err = tx.RecoveryCodes(ctx, u.ID)
		return err
	})
	if len(codes) != 2 || codes[0].Hash != "h3" || !codes[0].Used.IsZero() {
		t.Fatalf("RecoveryCodes = %+v", codes)
	}
	at := time.Unix(1700000000, 0).UTC()
	update(t, s, func(tx wharf.Tx) error { return tx.BurnRecoveryCode(ctx, u.ID, codes[0].ID, at) })
	wantCode(t, "BurnRecoveryCode(again)", tryUpdate(t, s, func(tx wharf.Tx) error { return tx.BurnRecoveryCode(ctx, u.ID, codes[0].ID, at) }), wharf.ENOTFOUND)
}

// testEmailTokens checks single use and expiry.
func testEmailTokens(t *testing.T, s wharf.Store) {
	ctx := t.Context()
	u := newUser(t, s, "alice")
	now := time.Unix(1700000000, 0).UTC()
	update(t, s, func(tx wharf.Tx) error {
		if err := tx.AddEmailToken(ctx, &wharf.EmailToken{Hash: "live", UserID: u.ID, Purpose: wharf.EmailVerify, Email: "a@example.org", Expires: now.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.AddEmailToken(ctx, &wharf.EmailToken{Hash: "old", UserID: u.ID, Purpose: wharf.EmailVerify, Email: "a@example.org", Expires: now.Add(-time.Second)})
	})
	tests := []struct {
		hash, purpose string
		ok            bool
	}{
		{"live", wharf.EmailReset, false}, // wrong purpose
		{"live", wharf.EmailVerify, true},
		{"live", wharf.EmailVerify, false}, // used
		{"old", wharf.EmailVerify, false},  // expired
		{"none", wharf.EmailVerify, false},
	}
	for _, tt := range tests {
		err := tryUpdate(t, s, func(tx wharf.Tx) error {
			e, err := tx.UseEmailToken(ctx, tt.hash, tt.purpose, now)
			if err == nil && (e.UserID != u.ID || e.Email != "a@example.org") {
				t.Errorf("UseEmailToken(%s) = %+v", tt.hash, e)
			}
			return err
		})
		if (err == nil) != tt.ok || (err != nil && !wharf.IsCode(err, wharf.ENOTFOUND)) {
			t.Errorf("UseEmailToken(%s, %s) = %v, want ok=%v", tt.hash, tt.purpose, err, tt.ok)
		}
	}
}
