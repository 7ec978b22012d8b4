package accounts_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"slices"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// softKey is a software authenticator with one ECDSA P-256 credential and
// "none" attestation. It plays the browser's part too: it writes
// clientDataJSON, authenticatorData and the attestation object itself, so
// that a test can make each of them wrong in one way.
type softKey struct {
	t       testing.TB
	priv    *ecdsa.PrivateKey
	id      []byte
	counter uint32 // the next answer carries counter+1
	origin  string // the origin the "browser" reports
	rpID    string // the RP ID whose hash the authenticator signs
	handle  []byte // the user handle given at registration
}

func newSoftKey(t testing.TB) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 20)
	rand.Read(id)
	return &softKey{t: t, priv: priv, id: id, counter: 4, origin: "http://localhost:8080", rpID: "localhost"}
}

var b64 = base64.RawURLEncoding

// webauthnOptions is what the tests read of the options JSON of both
// ceremonies.
type webauthnOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		Timeout   int    `json:"timeout"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"user"`
		RPID        string `json:"rpId"`
		Attestation string `json:"attestation"`
		Selection   struct {
			ResidentKey      string `json:"residentKey"`
			UserVerification string `json:"userVerification"`
		} `json:"authenticatorSelection"`
		UserVerification string                     `json:"userVerification"`
		Exclude          []struct{ ID string }      `json:"excludeCredentials"`
		Allow            []struct{ ID string }      `json:"allowCredentials"`
		Extensions       map[string]json.RawMessage `json:"extensions"`
	} `json:"publicKey"`
}

func parseOptions(t testing.TB, options []byte) webauthnOptions {
	t.Helper()
	var o webauthnOptions
	if err := json.Unmarshal(options, &o); err != nil {
		t.Fatalf("options %s: %v", options, err)
	}
	return o
}

func (k *softKey) clientData(typ, challenge string) []byte {
	b, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.origin, "crossOrigin": false})
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

// authData starts authenticator data: the RP ID hash, the flags (user
// present and verified, plus extra) and the next counter value.
func (k *softKey) authData(extra byte) []byte {
	h := sha256.Sum256([]byte(k.rpID))
	k.counter++
	return binary.BigEndian.AppendUint32(append(h[:], 0x01|0x04|extra), k.counter)
}

// create answers navigator.credentials.create.
func (k *softKey) create(options []byte) []byte {
	o := parseOptions(k.t, options)
	handle, err := b64.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		k.t.Fatal(err)
	}
	k.handle = handle
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1,
		-2: k.priv.X.FillBytes(make([]byte, 32)), -3: k.priv.Y.FillBytes(make([]byte, 32))})
	if err != nil {
		k.t.Fatal(err)
	}
	ad := k.authData(0x40)               // attested credential data follows:
	ad = append(ad, make([]byte, 16)...) // a zero AAGUID,
	ad = binary.BigEndian.AppendUint16(ad, uint16(len(k.id)))
	ad = append(append(ad, k.id...), cose...) // the credential id and public key
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": ad})
	if err != nil {
		k.t.Fatal(err)
	}
	return k.credential(map[string]any{
		"clientDataJSON":    b64.EncodeToString(k.clientData("webauthn.create", o.PublicKey.Challenge)),
		"attestationObject": b64.EncodeToString(att),
		"transports":        []string{"usb"},
	})
}

// get answers navigator.credentials.get.
func (k *softKey) get(options []byte) []byte {
	o := parseOptions(k.t, options)
	cd := k.clientData("webauthn.get", o.PublicKey.Challenge)
	ad := k.authData(0)
	cdHash := sha256.Sum256(cd)
	digest := sha256.Sum256(append(slices.Clone(ad), cdHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		k.t.Fatal(err)
	}
	return k.credential(map[string]any{
		"clientDataJSON":    b64.EncodeToString(cd),
		"authenticatorData": b64.EncodeToString(ad),
		"signature":         b64.EncodeToString(sig),
		"userHandle":        b64.EncodeToString(k.handle),
	})
}

// credential wraps a response as the browser's PublicKeyCredential JSON.
func (k *softKey) credential(response map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id),
		"type": "public-key", "response": response, "clientExtensionResults": map[string]any{}})
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}
