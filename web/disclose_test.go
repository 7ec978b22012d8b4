package web

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"wharf"
	"wharf/accounts"
	"wharf/auth/token"
)

// scannerKey is a secret scanner's key pair made for a test.
type scannerKey struct {
	id   string
	priv *ecdsa.PrivateKey
}

func newScannerKey(t *testing.T, id string) scannerKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return scannerKey{id: id, priv: priv}
}

// config returns the key as the server is configured with it.
func (k scannerKey) config(t *testing.T) ScannerKey {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return ScannerKey{ID: k.id, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}
}

// sign returns the base64 signature header value for body.
func (k scannerKey) sign(t *testing.T, body []byte) string {
	t.Helper()
	sum := sha256.Sum256(body)
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// report encodes disclosures of the given tokens, found at url.
func report(t *testing.T, url string, tokens ...string) []byte {
	t.Helper()
	var entries []map[string]string
	for _, tok := range tokens {
		entries = append(entries, map[string]string{"token": tok, "type": "wharf_api_token", "url": url, "source": "content"})
	}
	b, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// leakState is what a report may change: alice's tokens, her events and
// the mail sent.
type leakState struct {
	tokens []wharf.Token
	events []wharf.Event
	mails  int
}

func (ix *testIndex) leakState(t *testing.T) leakState {
	t.Helper()
	var st leakState
	err := ix.store.View(t.Context(), func(tx wharf.Tx) error {
		u, err := tx.UserByName(t.Context(), "alice")
		if err != nil {
			return err
		}
		if st.tokens, err = tx.Tokens(t.Context(), u.ID); err != nil {
			return err
		}
		st.events, err = tx.Events(t.Context(), wharf.EventFilter{UserID: u.ID, Limit: 1000})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ix.mail.mu.Lock()
	st.mails = len(ix.mail.msgs)
	ix.mail.mu.Unlock()
	return st
}

// TestDiscloseToken posts reports to /_/secrets/disclose-token: requests
// without the headers, with a bad signature or body are refused; every
// other report gets 204, and only a real token is revoked, recorded and
// mailed about, after which it cannot upload.
func TestDiscloseToken(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true, Require2FA: "off"})
	scanner, stranger := newScannerKey(t, "scanner-1"), newScannerKey(t, "scanner-1")
	srv, err := New(ix.store, ix.blobs, ix.pub, slog.New(slog.DiscardHandler), Options{Now: ix.clock.Now,
		Accounts: ix.accounts, SecretScanners: []ScannerKey{scanner.config(t), newScannerKey(t, "scanner-2").config(t)}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	leaked, _, err := ix.accounts.CreateToken(t.Context(), wharf.Actor{}, accounts.TokenRequest{User: "alice", Description: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	otherSecret, err := token.NewService(bytes.Repeat([]byte("x"), token.MinSecretLength))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := token.ParseID(leaked)
	forged, err := otherSecret.Mint(id, "", token.Caveats{UserID: 1})
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://example.com/alice/repo/blob/main/.pypirc"
	good := report(t, url, leaked)
	many := report(t, url, slices.Repeat([]string{"junk"}, maxDisclosureEntries+1)...)
	huge := report(t, url, strings.Repeat("x", maxDisclosureBytes))

	tests := []struct {
		name        string
		body        []byte
		keyID, sig  string // sig "" signs body with scanner's key, "-" sends none
		want        int
		wantRevoked bool
	}{
		{"no headers", good, "", "-", http.StatusNotFound, false},
		{"no signature", good, scanner.id, "-", http.StatusNotFound, false},
		{"unknown key id", good, "scanner-9", "", http.StatusBadRequest, false},
		{"signed by another key", good, scanner.id, stranger.sign(t, good), http.StatusBadRequest, false},
		{"signed by the other scanner", good, "scanner-2", "", http.StatusBadRequest, false},
		{"signature of another body", good, scanner.id, scanner.sign(t, []byte("[]")), http.StatusBadRequest, false},
		{"signature not base64", good, scanner.id, "not base64!", http.StatusBadRequest, false},
		{"malformed JSON", []byte(`[{"token": `), scanner.id, "", http.StatusBadRequest, false},
		{"not a list", []byte(`{"token": "x"}`), scanner.id, "", http.StatusBadRequest, false},
		{"null", []byte(`null`), scanner.id, "", http.StatusBadRequest, false},
		{"entry not an object", []byte(`["wharf-x"]`), scanner.id, "", http.StatusBadRequest, false},
		{"too many entries", many, scanner.id, "", http.StatusBadRequest, false},
		{"too large", huge, scanner.id, "", http.StatusBadRequest, false},
		{"empty list", []byte(`[]`), scanner.id, "", http.StatusNoContent, false},
		{"garbage token", report(t, url, "wharf-AAAA", "pypi-AgEIcHlwaS5vcmc", ""), scanner.id, "", http.StatusNoContent, false},
		{"forged token", report(t, url, forged), scanner.id, "", http.StatusNoContent, false},
		{"real token", good, scanner.id, "", http.StatusNoContent, true},
		{"real token again", good, scanner.id, "", http.StatusNoContent, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ix.leakState(t)
			req, err := http.NewRequest("POST", ts.URL+"/_/secrets/disclose-token", bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("User-Agent", "GitHub-Secret-Scanning/1.0")
			if tt.keyID != "" {
				req.Header.Set(headerScannerKeyID, tt.keyID)
			}
			switch tt.sig {
			case "-":
			case "":
				req.Header.Set(headerScannerSignature, scanner.sign(t, tt.body))
			default:
				req.Header.Set(headerScannerSignature, tt.sig)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			after := ix.leakState(t)
			if !tt.wantRevoked {
				if len(after.events) != len(before.events) || after.mails != before.mails || !sameTokens(before.tokens, after.tokens) {
					t.Errorf("the report changed something: %+v, then %+v", before, after)
				}
				return
			}
			checkRevokedLeak(t, ix, before, after, id, url)
		})
	}

	resp, err := ix.client().Do(ix.uploadRequest(t, distSpec{Name: "leaky", Version: "1.0"}.build(t), leaked))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "403 Invalid API Token: token has been revoked"; resp.Status != want {
		t.Errorf("upload with the leaked token: %q, want %q", resp.Status, want)
	}
	// alice's other token is untouched and still uploads.
	ix.upload(t, distSpec{Name: "leaky", Version: "1.0"}.build(t))
}

// checkRevokedLeak checks that the token id was revoked, recorded once
// with the public URL and the scanner's request, and mailed about.
func checkRevokedLeak(t *testing.T, ix *testIndex, before, after leakState, id, url string) {
	t.Helper()
	for _, tok := range after.tokens {
		if tok.Revoked != (tok.ID == id) {
			t.Errorf("token %s revoked = %v", tok.ID, tok.Revoked)
		}
	}
	if len(after.events) != len(before.events)+1 {
		t.Fatalf("%d events recorded, want 1", len(after.events)-len(before.events))
	}
	e := after.events[len(after.events)-1]
	var details map[string]any
	if err := json.Unmarshal([]byte(e.Details), &details); err != nil {
		t.Fatal(err)
	}
	if e.Tag != "account:api_token:removed_leak" || e.ActorID != 0 || e.IP != "127.0.0.1" ||
		e.UserAgent != "GitHub-Secret-Scanning/1.0" || details["token_id"] != id || details["public_url"] != url ||
		details["description"] != "ci" {
		t.Errorf("event %+v", e)
	}
	if after.mails != before.mails+1 {
		t.Fatalf("%d mails sent, want 1", after.mails-before.mails)
	}
	ix.mail.mu.Lock()
	m := ix.mail.msgs[len(ix.mail.msgs)-1]
	ix.mail.mu.Unlock()
	if m.To[0] != "alice@example.org" || !strings.Contains(m.Subject, "revoked") || !strings.Contains(m.Text, url) ||
		!strings.Contains(m.Text, `"ci"`) || strings.Contains(m.Text, "wharf-") {
		t.Errorf("mail %+v", m)
	}
}

func sameTokens(a, b []wharf.Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Revoked != b[i].Revoked {
			return false
		}
	}
	return true
}

// FuzzParseDisclosures checks that any body either parses into at most
// maxDisclosureEntries entries or fails with EINVALID, and never panics.
func FuzzParseDisclosures(f *testing.F) {
	for _, seed := range []string{`[]`, `null`, `{}`, `[{"token":"wharf-x","type":"t","url":"https://e.x/","source":"content"}]`,
		`[{"token":1}]`, `[{"token":"a","extra":[1,2]}]`, `["x"]`, `[{}`, "[{\"token\":\"\xff\"}]"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		entries, err := parseDisclosures(body)
		if err != nil {
			if !wharf.IsCode(err, wharf.EINVALID) {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if entries == nil || len(entries) > maxDisclosureEntries {
			t.Fatalf("%d entries accepted", len(entries))
		}
	})
}

// FuzzScannerSigned checks that signature checking never panics and never
// accepts a signature made without the key.
func FuzzScannerSigned(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	s := &Server{scanners: map[string]*ecdsa.PublicKey{"k": &key.PublicKey}}
	f.Add("k", "MEUCIQ==", []byte("[]"))
	f.Add("k", "", []byte(""))
	f.Add("other", "AAAA", []byte("[{}]"))
	f.Fuzz(func(t *testing.T, id, sig string, body []byte) {
		if s.scannerSigned(id, sig, body) {
			t.Fatalf("accepted a signature %q made without the key", sig)
		}
	})
}

// TestParseScannerKeys checks that a bad scanner key is a configuration
// error of New, not a key that silently never verifies.
func TestParseScannerKeys(t *testing.T) {
	good := newScannerKey(t, "a").config(t)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&p384.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		keys []ScannerKey
		ok   bool
	}{
		{"none", nil, true},
		{"one", []ScannerKey{good}, true},
		{"two", []ScannerKey{good, newScannerKey(t, "b").config(t)}, true},
		{"no id", []ScannerKey{{PEM: good.PEM}}, false},
		{"repeated id", []ScannerKey{good, good}, false},
		{"not PEM", []ScannerKey{{ID: "a", PEM: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}}, false},
		{"private key block", []ScannerKey{{ID: "a", PEM: strings.ReplaceAll(good.PEM, "PUBLIC KEY", "EC PRIVATE KEY")}}, false},
		{"bad DER", []ScannerKey{{ID: "a", PEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}}))}}, false},
		{"P-384", []ScannerKey{{ID: "a", PEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := parseScannerKeys(tt.keys)
			if tt.ok {
				if err != nil || len(keys) != len(tt.keys) {
					t.Errorf("parseScannerKeys: %d keys, %v", len(keys), err)
				}
				return
			}
			if !wharf.IsCode(err, wharf.EINVALID) {
				t.Errorf("parseScannerKeys: %v, want EINVALID", err)
			}
		})
	}
}
