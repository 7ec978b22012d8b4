package accounts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"wharf"
	"wharf/auth/secretbox"
)

// Limits of the security-key ceremonies.
const (
	// KeyCeremonyLifetime is how long a browser has between the begin and
	// the finish of a registration or login with a security key; it is
	// also the timeout the browser is given.
	KeyCeremonyLifetime = 5 * time.Minute
	// KeyLabelMax is the longest label a security key may have, in
	// characters.
	KeyLabelMax = 64
	// maxKeyResponse bounds the JSON a browser posts back. Real answers
	// are a few kilobytes even with an attestation certificate chain.
	maxKeyResponse = 64 << 10
)

// Purposes of sealed ceremony state, part of its associated data, so a
// registration state cannot finish a login and the reverse.
const (
	keyRegister = "register"
	keyLogin    = "login"
)

var (
	// errKeysOff answers every security-key action when the base URL
	// cannot serve as a WebAuthn relying party.
	errKeysOff = wharf.Errorf(wharf.EFORBIDDEN, "Security keys are not available on this index: WebAuthn needs it to be served under a domain name, not an IP address.")
	// errKeyState answers a ceremony state that is expired, altered, or
	// belongs to another user or ceremony.
	errKeyState = wharf.Errorf(wharf.EINVALID, "The security key request has expired. Start again.")
	// errKeyNone answers a login with a key by a user who has none.
	errKeyNone = wharf.Errorf(wharf.ENOTFOUND, "No security key is set up for this account.")
)

// relyingParty is the WebAuthn side of the index: the library configured
// for the index's origin, and the key that derives user handles.
type relyingParty struct {
	wa        *webauthn.WebAuthn
	handleKey []byte
}

// newRelyingParty configures WebAuthn for the base URL location: its host
// (without port) is the relying party ID and its scheme, host and port the
// only accepted origin. A location whose host is an IP address, or is not
// an http or https URL, cannot be a relying party; the error says why.
func newRelyingParty(location string, secret []byte) (*relyingParty, error) {
	host, origin, err := rpOrigin(location)
	if err != nil {
		return nil, err
	}
	// The timeouts are not enforced by the library, which would compare
	// with the wall clock: openKeyState checks them with the Service's.
	timeout := webauthn.TimeoutConfig{Timeout: KeyCeremonyLifetime, TimeoutUVD: KeyCeremonyLifetime}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:                  host,
		RPDisplayName:         "wharf " + host,
		RPOrigins:             []string{origin},
		AttestationPreference: protocol.PreferNoAttestation,
		// Passkeys are welcome (a resident key preferred), and so are
		// plain security keys; user verification (a PIN or biometric) is
		// asked for but not required, since the password came first.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:        protocol.ResidentKeyRequirementPreferred,
			RequireResidentKey: protocol.ResidentKeyNotRequired(),
			UserVerification:   protocol.VerificationPreferred,
		},
		Timeouts: webauthn.TimeoutsConfig{Login: timeout, Registration: timeout},
	})
	if err != nil {
		return nil, fmt.Errorf("the base URL's host %q cannot be a WebAuthn relying party ID: %w", host, err)
	}
	return &relyingParty{wa: wa, handleKey: secretbox.Derive(secret, "wharf webauthn user handle v1", 32)}, nil
}

// rpOrigin returns the relying party ID and the origin of a base URL. A
// default port is left out of the origin, as browsers leave it out of
// the origin they report.
func rpOrigin(location string) (host, origin string, err error) {
	u, err := url.Parse(location)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "", "", fmt.Errorf("the base URL %q is not an http or https URL with a host", location)
	}
	host = strings.ToLower(u.Hostname())
	origin = u.Scheme + "://" + strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		origin = u.Scheme + "://" + strings.ToLower(u.Host[:len(u.Host)-len(p)-1])
	}
	return host, origin, nil
}

// handle returns the WebAuthn user handle of a user: an HMAC of the user
// id under a key derived from the server secret. It is stable, so every
// key of a user carries the same handle, and it is opaque: an
// authenticator, which may show or export it, learns neither the account
// id nor how many accounts exist, and two indexes give the same user
// unrelated handles. Rotating the server secret changes every handle,
// which voids registered passkeys just as it voids TOTP secrets.
func (rp *relyingParty) handle(userID int64) []byte {
	m := hmac.New(sha256.New, rp.handleKey)
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(userID)))
	return m.Sum(nil)
}

// keyUser presents a wharf user and their keys to the library.
type keyUser struct {
	handle []byte
	name   string
	creds  []webauthn.Credential
}

func (k *keyUser) WebAuthnID() []byte                         { return k.handle }
func (k *keyUser) WebAuthnName() string                       { return k.name }
func (k *keyUser) WebAuthnDisplayName() string                { return k.name }
func (k *keyUser) WebAuthnCredentials() []webauthn.Credential { return k.creds }

// user returns u as the library sees it, with the credentials stored in
// keys.
func (rp *relyingParty) user(u *wharf.User, keys []wharf.SecurityKey) (*keyUser, error) {
	ku := &keyUser{handle: rp.handle(u.ID), name: u.Name}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Data, &c); err != nil {
			return nil, wharf.WrapError(wharf.EINTERNAL, fmt.Sprintf("decoding security key %d", k.ID), err)
		}
		ku.creds = append(ku.creds, c)
	}
	return ku, nil
}

// keyParty returns the relying party, or why security keys are off.
func (s *Service) keyParty() (*relyingParty, error) {
	w, err := s.needWeb()
	if err != nil {
		return nil, err
	}
	if w.keyRP == nil {
		return nil, errKeysOff
	}
	return w.keyRP, nil
}

// SecurityKeysAvailable reports whether security keys can be used: web
// login is on and the base URL names a host WebAuthn accepts. Pages hide
// the security-key actions when it is false.
func (s *Service) SecurityKeysAvailable() bool {
	_, err := s.keyParty()
	return err == nil
}

// keyStateAAD binds sealed ceremony state to its user and purpose.
func keyStateAAD(purpose string, userID int64) []byte {
	return []byte(fmt.Sprintf("webauthn %s user %d", purpose, userID))
}

// sealKeyState stamps the ceremony's session data with its expiry by the
// Service's clock and seals it for the browser to hold (base64url).
func (s *Service) sealKeyState(sd *webauthn.SessionData, purpose string, userID int64) (string, error) {
	sd.Expires = s.web.now().Add(KeyCeremonyLifetime)
	plain, err := json.Marshal(sd)
	if err != nil {
		return "", wharf.WrapError(wharf.EINTERNAL, "encoding WebAuthn session data", err)
	}
	sealed, err := s.web.keys.state.Seal(plain, keyStateAAD(purpose, userID))
	if err != nil {
		return "", wharf.WrapError(wharf.EINTERNAL, "sealing WebAuthn session data", err)
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// openKeyState opens state sealed by sealKeyState for the same purpose
// and user, refusing it once expired. The expiry is then cleared: it has
// been checked against the Service's clock, and the library would check
// it again against the wall clock.
func (s *Service) openKeyState(state, purpose string, userID int64) (webauthn.SessionData, error) {
	var sd webauthn.SessionData
	// Strict decoding refuses unused bits set in the last character, so
	// each sealed state has exactly one spelling.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(state)
	if err != nil {
		return sd, errKeyState
	}
	plain, err := s.web.keys.state.Open(raw, keyStateAAD(purpose, userID))
	if err != nil {
		return sd, errKeyState
	}
	if err := json.Unmarshal(plain, &sd); err != nil || sd.Expires.IsZero() || !s.web.now().Before(sd.Expires) {
		return webauthn.SessionData{}, errKeyState
	}
	sd.Expires = time.Time{}
	return sd, nil
}

// checkKeyLabel trims a key's label and checks it: required, at most
// KeyLabelMax characters, valid UTF-8 without control characters (it
// appears in mails and on pages).
func checkKeyLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	switch {
	case label == "":
		return "", wharf.Errorf(wharf.EINVALID, "Give the security key a label, so you can tell your keys apart.")
	case !utf8.ValidString(label) || strings.ContainsFunc(label, unicode.IsControl):
		return "", wharf.Errorf(wharf.EINVALID, "The label must not contain control characters.")
	case utf8.RuneCountInString(label) > KeyLabelMax:
		return "", wharf.Errorf(wharf.EINVALID, "The label is longer than %d characters.", KeyLabelMax)
	}
	return label, nil
}

// BeginKeyRegistration starts adding a security key or passkey. It
// returns the JSON of the options for navigator.credentials.create (an
// object with a publicKey member in the WebAuthn JSON encoding, for
// PublicKeyCredential.parseCreationOptionsFromJSON) and the sealed state
// that FinishKeyRegistration needs back within KeyCeremonyLifetime. The
// user's existing keys are excluded, so one key is not registered twice.
// It needs sudo mode.
func (s *Service) BeginKeyRegistration(ctx context.Context, cur *Current) (options []byte, state string, err error) {
	rp, err := s.keyParty()
	if err != nil {
		return nil, "", err
	}
	if !s.InSudo(cur, SudoWindow) {
		return nil, "", ErrSudo
	}
	keys, err := s.SecurityKeys(ctx, cur.User)
	if err != nil {
		return nil, "", err
	}
	ku, err := rp.user(cur.User, keys)
	if err != nil {
		return nil, "", err
	}
	creation, sd, err := rp.wa.BeginRegistration(ku,
		webauthn.WithExclusions(webauthn.Credentials(ku.creds).CredentialDescriptors()),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()))
	if err != nil {
		return nil, "", wharf.WrapError(wharf.EINTERNAL, "beginning a WebAuthn registration", err)
	}
	if state, err = s.sealKeyState(sd, keyRegister, cur.User.ID); err != nil {
		return nil, "", err
	}
	if options, err = json.Marshal(creation); err != nil {
		return nil, "", wharf.WrapError(wharf.EINTERNAL, "encoding WebAuthn options", err)
	}
	return options, state, nil
}

// FinishKeyRegistration verifies the browser's answer to
// BeginKeyRegistration (the JSON of the PublicKeyCredential) and stores
// the key under label, which is required, at most KeyLabelMax characters
// and unique among the user's keys. It needs sudo mode and, for a first
// second factor, proven recovery codes (ErrNeedRecovery). The addition is
// recorded and mailed.
func (s *Service) FinishKeyRegistration(ctx context.Context, actor wharf.Actor, cur *Current, state, label string, response []byte) (*wharf.SecurityKey, error) {
	rp, err := s.keyParty()
	if err != nil {
		return nil, err
	}
	if !s.InSudo(cur, SudoWindow) {
		return nil, ErrSudo
	}
	if label, err = checkKeyLabel(label); err != nil {
		return nil, err
	}
	sd, err := s.openKeyState(state, keyRegister, cur.User.ID)
	if err != nil {
		return nil, err
	}
	cred, err := rp.createCredential(cur.User, sd, response)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(cred)
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "encoding a WebAuthn credential", err)
	}
	key := &wharf.SecurityKey{UserID: cur.User.ID, Label: label, CredentialID: cred.ID, Data: data, SignCount: cred.Authenticator.SignCount}
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByID(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		if err := s.recoveryProven(ctx, tx, u); err != nil {
			return err
		}
		keys, err := tx.SecurityKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if bytes.Equal(k.CredentialID, key.CredentialID) {
				return wharf.Errorf(wharf.ECONFLICT, "This security key is registered already, as %q.", k.Label)
			}
			if strings.EqualFold(k.Label, label) {
				return wharf.Errorf(wharf.ECONFLICT, "You already have a security key named %q.", k.Label)
			}
		}
		if err := tx.AddSecurityKey(ctx, key); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:two_factor:method_added", 0, u.ID,
			map[string]any{"method": MethodWebAuthn, "label": label}))
	})
	if err != nil {
		return nil, err
	}
	s.notify(ctx, cur.User, "A security key was added to your account",
		fmt.Sprintf("The security key %q was added as a second factor to your account.", label))
	return key, nil
}

// createCredential parses and verifies a registration answer for u.
func (rp *relyingParty) createCredential(u *wharf.User, sd webauthn.SessionData, response []byte) (*webauthn.Credential, error) {
	const msg = "The security key could not be registered: its answer did not verify. Try again."
	if len(response) > maxKeyResponse {
		return nil, wharf.Errorf(wharf.ETOOLARGE, "The security key's answer is too large.")
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, wharf.WrapError(wharf.EINVALID, msg, err)
	}
	ku, err := rp.user(u, nil)
	if err != nil {
		return nil, err
	}
	cred, err := rp.wa.CreateCredential(ku, sd, parsed)
	if err != nil {
		return nil, wharf.WrapError(wharf.EINVALID, msg, err)
	}
	return cred, nil
}

// SecurityKeys lists the user's security keys, oldest first.
func (s *Service) SecurityKeys(ctx context.Context, u *wharf.User) ([]wharf.SecurityKey, error) {
	var keys []wharf.SecurityKey
	err := s.store.View(ctx, func(tx wharf.Tx) error {
		var err error
		keys, err = tx.SecurityKeys(ctx, u.ID)
		return err
	})
	return keys, err
}

// RemoveSecurityKey removes one of the user's keys (ENOTFOUND if id is
// not theirs). It needs sudo mode, and is refused when the key is the
// last second factor while the policy requires one. The removal is
// recorded and mailed.
func (s *Service) RemoveSecurityKey(ctx context.Context, actor wharf.Actor, cur *Current, id int64) error {
	if _, err := s.needWeb(); err != nil {
		return err
	}
	if !s.InSudo(cur, SudoWindow) {
		return ErrSudo
	}
	var label string
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		u, err := tx.UserByID(ctx, cur.User.ID)
		if err != nil {
			return err
		}
		keys, err := tx.SecurityKeys(ctx, u.ID)
		if err != nil {
			return err
		}
		found := false
		for _, k := range keys {
			if k.ID == id {
				found, label = true, k.Label
			}
		}
		if !found {
			return wharf.Errorf(wharf.ENOTFOUND, "No such security key.")
		}
		if len(keys) == 1 && u.TOTPSecret == nil {
			if err := s.mayDropLastFactor(ctx, tx, u); err != nil {
				return err
			}
		}
		if err := tx.DeleteSecurityKey(ctx, u.ID, id); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event("account:two_factor:method_removed", 0, u.ID,
			map[string]any{"method": MethodWebAuthn, "label": label}))
	})
	if err != nil {
		return err
	}
	s.notify(ctx, cur.User, "A security key was removed from your account",
		fmt.Sprintf("The security key %q was removed from your account's second factors.", label))
	return nil
}
