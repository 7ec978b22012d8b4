package web

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"

	"wharf"
)

// Bounds on a leaked-token report. GitHub sends reports of a few tokens;
// the bounds keep a scanner with a valid key from making us do unbounded
// work in one request.
const (
	maxDisclosureBytes   = 1 << 20
	maxDisclosureEntries = 1000
)

// The headers a secret scanner signs its report with, as GitHub's secret
// scanning partner program sends them.
const (
	headerScannerKeyID     = "GITHUB-PUBLIC-KEY-IDENTIFIER"
	headerScannerSignature = "GITHUB-PUBLIC-KEY-SIGNATURE"
)

// ScannerKey is a secret scanner's public key, which verifies the reports
// it sends to POST /_/secrets/disclose-token. GitHub publishes its keys at
// https://api.github.com/meta/public_keys/secret_scanning; they are
// configured rather than fetched, since the index may not reach the
// internet.
type ScannerKey struct {
	// ID is the key identifier the scanner sends with each report.
	ID string
	// PEM is the ECDSA P-256 public key, PEM-encoded (PKIX, "PUBLIC KEY").
	PEM string
}

// parseScannerKeys parses the configured keys into a map by id. A key that
// is not a P-256 ECDSA public key, an empty id or a repeated id is a
// configuration error.
func parseScannerKeys(keys []ScannerKey) (map[string]*ecdsa.PublicKey, error) {
	out := make(map[string]*ecdsa.PublicKey, len(keys))
	for _, k := range keys {
		if k.ID == "" {
			return nil, wharf.Errorf(wharf.EINVALID, "secret scanning: a key has no id")
		}
		if _, dup := out[k.ID]; dup {
			return nil, wharf.Errorf(wharf.EINVALID, "secret scanning: key id %q is repeated", k.ID)
		}
		block, _ := pem.Decode([]byte(k.PEM))
		if block == nil || block.Type != "PUBLIC KEY" {
			return nil, wharf.Errorf(wharf.EINVALID, "secret scanning: key %q is not a PEM public key", k.ID)
		}
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, wharf.WrapError(wharf.EINVALID, "secret scanning: key "+k.ID+" cannot be parsed", err)
		}
		ec, ok := pub.(*ecdsa.PublicKey)
		if !ok || ec.Curve != elliptic.P256() {
			return nil, wharf.Errorf(wharf.EINVALID, "secret scanning: key %q is not an ECDSA P-256 key", k.ID)
		}
		out[k.ID] = ec
	}
	return out, nil
}

// disclosure is one entry of a report: a token found at a public URL.
// Unknown fields are ignored, so that a scanner may add some.
type disclosure struct {
	Token  string `json:"token"`
	Type   string `json:"type"`
	URL    string `json:"url"`
	Source string `json:"source"`
}

// discloseToken serves POST /_/secrets/disclose-token, where secret
// scanners report tokens they found in public. As in Warehouse, a request
// without the signature headers is not for this route (404), a bad
// signature or body is 400, and anything else is 204 — whether or not a
// token matched, so the endpoint tells the sender nothing about tokens.
// Every entry is acted on before the answer: a leaked token is revoked at
// once. The type field is not checked, since a wharf token says what it is
// by its prefix.
//
// Timing is not an oracle worth having either: only a holder of a
// configured scanner key gets past the signature check; strings that are
// not our tokens fail a local check (parsing, then an HMAC) and never
// change anything; and what the time of a reply could reveal — that a
// token the sender holds was live — stops being true by the time the reply
// arrives, since reporting a live token revokes it.
func (s *Server) discloseToken(w http.ResponseWriter, r *http.Request) error {
	keyID, sig := r.Header.Get(headerScannerKeyID), r.Header.Get(headerScannerSignature)
	if keyID == "" || sig == "" {
		return wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDisclosureBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return wharf.Errorf(wharf.ETOOLARGE, "The report is larger than %d bytes.", maxDisclosureBytes)
	} else if err != nil {
		return wharf.WrapError(wharf.EINVALID, "The report could not be read.", err)
	}
	if !s.scannerSigned(keyID, sig, body) {
		return wharf.Errorf(wharf.EINVALID, "The report's signature is not valid.")
	}
	entries, err := parseDisclosures(body)
	if err != nil {
		return err
	}
	a := wharf.Actor{IP: clientIP(r), UserAgent: r.UserAgent()}
	revoked := 0
	for _, e := range entries {
		ok, err := s.accounts.RevokeLeaked(r.Context(), a, e.Token, e.URL)
		if err != nil {
			return err
		}
		if ok {
			revoked++
		}
	}
	// The log says how many were revoked, never which token.
	s.log.Info("leaked tokens reported", "scanner_key", keyID, "entries", len(entries), "revoked", revoked)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// parseDisclosures parses a report's body: a JSON list of at most
// maxDisclosureEntries objects whose known fields are strings.
func parseDisclosures(body []byte) ([]disclosure, error) {
	var entries []disclosure
	if err := json.Unmarshal(body, &entries); err != nil || entries == nil {
		return nil, wharf.Errorf(wharf.EINVALID, "The report must be a JSON list of {token, type, url, source} objects.")
	}
	if len(entries) > maxDisclosureEntries {
		return nil, wharf.Errorf(wharf.EINVALID, "The report has more than %d entries.", maxDisclosureEntries)
	}
	return entries, nil
}

// scannerSigned reports whether sig, base64 of an ASN.1 DER ECDSA
// signature, signs the SHA-256 of body with the configured key keyID.
func (s *Server) scannerSigned(keyID, sig string, body []byte) bool {
	key, ok := s.scanners[keyID]
	if !ok {
		return false
	}
	der, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(body)
	return ecdsa.VerifyASN1(key, sum[:], der)
}
