package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/go-webauthn/webauthn/protocol"

	"wharf"
)

var (
	// errKeyLogin answers a security key whose answer did not verify.
	errKeyLogin = wharf.Errorf(wharf.EUNAUTHORIZED, "The security key could not be verified. Try again, or use another second factor.")
	// errSignCount answers a key whose signature counter went backwards:
	// a sign that the key was cloned, or that its answer was replayed.
	errSignCount = wharf.Errorf(wharf.EUNAUTHORIZED, "The security key's signature counter went backwards, a sign that the key may have been copied, so it was refused. Use another second factor, and check this key.")
)

// BeginKeyLogin starts the security-key step of a login that passed the
// password step. It returns the JSON of the options for
// navigator.credentials.get (an object with a publicKey member, for
// PublicKeyCredential.parseRequestOptionsFromJSON), allowing the user's
// keys only, and the sealed state FinishKeyLogin needs back within
// KeyCeremonyLifetime.
func (s *Service) BeginKeyLogin(ctx context.Context, pending string) (options []byte, state string, err error) {
	rp, err := s.keyParty()
	if err != nil {
		return nil, "", err
	}
	u, err := s.PendingUser(ctx, pending)
	if err != nil {
		return nil, "", err
	}
	keys, err := s.SecurityKeys(ctx, u)
	if err != nil {
		return nil, "", err
	}
	if len(keys) == 0 {
		return nil, "", errKeyNone
	}
	ku, err := rp.user(u, keys)
	if err != nil {
		return nil, "", err
	}
	assertion, sd, err := rp.wa.BeginLogin(ku)
	if err != nil {
		return nil, "", wharf.WrapError(wharf.EINTERNAL, "beginning a WebAuthn login", err)
	}
	if state, err = s.sealKeyState(sd, keyLogin, u.ID); err != nil {
		return nil, "", err
	}
	if options, err = json.Marshal(assertion); err != nil {
		return nil, "", wharf.WrapError(wharf.EINTERNAL, "encoding WebAuthn options", err)
	}
	return options, state, nil
}

// FinishKeyLogin completes a login with a security key: it verifies the
// browser's answer (the JSON of the PublicKeyCredential) against the
// state from BeginKeyLogin and the user's keys, and starts the session.
// A signature counter that did not rise (when either the stored or the
// new count is non-zero) is refused and logged as a possible clone. A
// failure counts against the second-factor rate limit and is recorded.
func (s *Service) FinishKeyLogin(ctx context.Context, actor wharf.Actor, pending, state string, response []byte) (*LoginResult, error) {
	rp, err := s.keyParty()
	if err != nil {
		return nil, err
	}
	u, err := s.PendingUser(ctx, pending)
	if err != nil {
		return nil, err
	}
	if err := s.secondFactorGate(u); err != nil {
		return nil, err
	}
	key, err := s.verifyKeyLogin(ctx, rp, u, state, response)
	if err != nil {
		reason := "invalid_webauthn"
		if errors.Is(err, errSignCount) {
			reason = "webauthn_sign_count"
		}
		s.secondFactorFailed(ctx, actor, u, reason)
		return nil, err
	}
	return s.finishSecondFactor(ctx, actor, u, MethodWebAuthn, key.Label)
}

// verifyKeyLogin checks a login answer and records the key's use (its
// new counter, its last use and the library's updated record) in one
// transaction, so two logins cannot both pass with one counter value.
func (s *Service) verifyKeyLogin(ctx context.Context, rp *relyingParty, u *wharf.User, state string, response []byte) (*wharf.SecurityKey, error) {
	sd, err := s.openKeyState(state, keyLogin, u.ID)
	if err != nil {
		return nil, err
	}
	if len(response) > maxKeyResponse {
		return nil, wharf.Errorf(wharf.ETOOLARGE, "The security key's answer is too large.")
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, wharf.WrapError(wharf.EUNAUTHORIZED, errKeyLogin.Message, err)
	}
	var key *wharf.SecurityKey
	var got uint32
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		keys, err := tx.SecurityKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		ku, err := rp.user(u, keys)
		if err != nil {
			return err
		}
		cred, err := rp.wa.ValidateLogin(ku, sd, parsed)
		if err != nil {
			return wharf.WrapError(wharf.EUNAUTHORIZED, errKeyLogin.Message, err)
		}
		for i := range keys {
			if bytes.Equal(keys[i].CredentialID, cred.ID) {
				key = &keys[i]
			}
		}
		if key == nil {
			return errKeyLogin
		}
		got = parsed.Response.AuthenticatorData.Counter
		if (got != 0 || key.SignCount != 0) && got <= key.SignCount {
			return errSignCount
		}
		data, err := json.Marshal(cred)
		if err != nil {
			return wharf.WrapError(wharf.EINTERNAL, "encoding a WebAuthn credential", err)
		}
		key.Data, key.SignCount, key.LastUsed = data, got, tx.Now()
		return tx.UpdateSecurityKeyUse(ctx, key)
	})
	if errors.Is(err, errSignCount) {
		s.web.log.Warn("security key signature counter went backwards; refused as a possible clone",
			"user", u.ID, "key", key.ID, "label", key.Label, "stored", key.SignCount, "received", got)
	}
	if err != nil {
		return nil, err
	}
	return key, nil
}
