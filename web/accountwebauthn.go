package web

import (
	"encoding/json"
	"io"
	"net/http"

	"wharf"
	"wharf/accounts"
)

// maxKeyResponse bounds the JSON of a browser's WebAuthn answer; real
// ones are a few kilobytes.
const maxKeyResponse = 64 << 10

// keyPage is the data of manage-webauthn.html.
type keyPage struct{}

// provisionKey serves /manage/account/webauthn-provision/: the page whose
// button (webauthn.js) adds a security key. It asks for the password
// first, as the use case will.
func (s *Server) provisionKey(w http.ResponseWriter, r *http.Request) error {
	if !s.accounts.SecurityKeysAvailable() {
		return wharf.Errorf(wharf.ENOTFOUND, "Security keys are not available on this index.")
	}
	if !s.accounts.InSudo(currentUser(r), accounts.SudoWindow) {
		return accounts.ErrSudo
	}
	return s.renderPage(w, r, http.StatusOK, "manage-webauthn.html", keyPage{})
}

// webauthnAddOptions answers the options for adding a key; the sealed
// ceremony state goes into a short-lived cookie for the answer.
func (s *Server) webauthnAddOptions(w http.ResponseWriter, r *http.Request) error {
	cur := currentUser(r)
	if cur == nil {
		return wharf.Errorf(wharf.EUNAUTHORIZED, "Log in first.")
	}
	opts, state, err := s.accounts.BeginKeyRegistration(r.Context(), cur)
	if err != nil {
		return err
	}
	s.setShortCookie(w, r, webauthnCookie, state, s.prefix+"/manage/account/webauthn-provision/", accounts.KeyCeremonyLifetime)
	return writeJSONBytes(w, opts)
}

// webauthnAddValidate stores the key the browser made, under the label in
// the query, and tells the page where to go.
func (s *Server) webauthnAddValidate(w http.ResponseWriter, r *http.Request) error {
	cur := currentUser(r)
	if cur == nil {
		return wharf.Errorf(wharf.EUNAUTHORIZED, "Log in first.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxKeyResponse))
	if err != nil {
		return wharf.Errorf(wharf.ETOOLARGE, "The security key's answer is too large.")
	}
	state := cookieValue(r, webauthnCookie)
	s.clearCookie(w, r, webauthnCookie, s.prefix+"/manage/account/webauthn-provision/")
	if _, err := s.accounts.FinishKeyRegistration(r.Context(), actor(r), cur, state, r.URL.Query().Get("label"), body); err != nil {
		return err
	}
	return writeRedirectJSON(w, s.prefix+"/manage/account/two-factor/?done=key")
}

// webauthnLoginOptions answers the options for the security-key step of
// a pending login.
func (s *Server) webauthnLoginOptions(w http.ResponseWriter, r *http.Request) error {
	opts, state, err := s.accounts.BeginKeyLogin(r.Context(), cookieValue(r, pendingCookie))
	if err != nil {
		return err
	}
	s.setShortCookie(w, r, webauthnCookie, state, s.prefix+"/account/webauthn-authenticate/", accounts.KeyCeremonyLifetime)
	return writeJSONBytes(w, opts)
}

// webauthnLoginValidate completes a login with a security key and tells
// the page where to go (?next=, checked like every next).
func (s *Server) webauthnLoginValidate(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxKeyResponse))
	if err != nil {
		return wharf.Errorf(wharf.ETOOLARGE, "The security key's answer is too large.")
	}
	state := cookieValue(r, webauthnCookie)
	s.clearCookie(w, r, webauthnCookie, s.prefix+"/account/webauthn-authenticate/")
	res, err := s.accounts.FinishKeyLogin(r.Context(), actor(r), cookieValue(r, pendingCookie), state, body)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := s.startSession(w, r, res, q.Get("remember") != ""); err != nil {
		return err
	}
	next, ok := s.localPath(q.Get("next"))
	if !ok {
		next = s.prefix + "/manage/account/"
	}
	return writeRedirectJSON(w, next)
}

// writeJSONBytes writes a JSON reply that must not be cached.
func writeJSONBytes(w http.ResponseWriter, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(body)
	return err
}

// writeRedirectJSON tells webauthn.js which page to open next.
func writeRedirectJSON(w http.ResponseWriter, to string) error {
	b, err := json.Marshal(map[string]string{"redirect": to})
	if err != nil {
		return err
	}
	return writeJSONBytes(w, b)
}
