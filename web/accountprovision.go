package web

import (
	"errors"
	"html/template"
	"net/http"

	"wharf"
	"wharf/accounts"
)

// noStore keeps a page out of every cache, the browser's back-forward
// history included: it shows secrets (a TOTP key, recovery codes) once.
type noStore struct{ http.ResponseWriter }

func (n noStore) WriteHeader(code int) {
	n.Header().Set("Cache-Control", "no-store")
	n.ResponseWriter.WriteHeader(code)
}

// totpPage is the data of manage-totp.html.
type totpPage struct {
	Form *form
	// QR is the otpauth URI as an inline SVG. It is wharf's own drawing
	// (auth/totp renders it from modules, with no text from anyone), so
	// it may be inserted as HTML.
	QR     template.HTML
	Secret string // the key as text, for typing into an app
	State  string // the sealed key the confirming form posts back
}

// provisionTOTP serves /manage/account/totp-provision/: GET makes a new
// key and shows it; POST confirms it with a first code. Both need sudo
// mode, which the use case checks.
func (s *Server) provisionTOTP(w http.ResponseWriter, r *http.Request) error {
	cur := currentUser(r)
	f := newForm(r)
	if r.Method == http.MethodPost {
		state, secret := r.PostFormValue("state"), r.PostFormValue("secret")
		if f.required(r, "totp_value") {
			err := s.accounts.ConfirmTOTP(r.Context(), actor(r), cur, state, r.PostFormValue("totp_value"))
			if err == nil {
				return seeOther(w, r, s.prefix+"/manage/account/two-factor/?done=totp")
			}
			if errors.Is(err, accounts.ErrSudo) {
				return err
			}
			if err := s.totpError(w, f, err); err != nil {
				return err
			}
		}
		// The key is shown again as text only: the app already holds it,
		// and only the code needs typing again.
		return s.renderPage(noStore{w}, r, f.status, "manage-totp.html", totpPage{Form: f, Secret: secret, State: state})
	}
	e, err := s.accounts.BeginTOTP(r.Context(), cur)
	if err != nil {
		return err
	}
	return s.renderPage(noStore{w}, r, http.StatusOK, "manage-totp.html",
		totpPage{Form: f, QR: template.HTML(e.QRSVG), Secret: e.Secret, State: e.State})
}

// totpError records why a TOTP code was not accepted at setup.
func (s *Server) totpError(w http.ResponseWriter, f *form, err error) error {
	switch wharf.ErrorCode(err) {
	case wharf.EUNAUTHORIZED:
		f.invalid(http.StatusBadRequest, "totp_value", msg{Key: "code_invalid"})
	case wharf.EINVALID:
		f.invalid(http.StatusBadRequest, "", msg{Key: "setup_stale"})
	case wharf.EFORBIDDEN:
		f.invalid(http.StatusForbidden, "", msg{Key: "need_recovery"})
	default:
		return f.useCaseError(w, err, "", nil)
	}
	return nil
}

// recoveryPage is the data of manage-recovery-codes.html.
type recoveryPage struct {
	Form *form
	// Codes are a set just generated, shown this once.
	Codes         []string
	Total, Unused int
	// Confirm asks for one code back: codes exist and none was used, so
	// the user has not yet shown they kept them.
	Confirm bool
}

// recoveryCodes serves /manage/account/recovery-codes/: generate a set
// (shown once), then enter one of them back.
func (s *Server) recoveryCodes(w http.ResponseWriter, r *http.Request) error {
	cur := currentUser(r)
	f := newForm(r)
	var codes []string
	if r.Method == http.MethodPost {
		switch r.PostFormValue("action") {
		case "generate":
			var err error
			if codes, err = s.accounts.GenerateRecoveryCodes(r.Context(), actor(r), cur); err != nil {
				return err
			}
		case "confirm":
			if f.required(r, "recovery_code_value") {
				err := s.accounts.ConfirmRecoveryCode(r.Context(), actor(r), cur, r.PostFormValue("recovery_code_value"))
				if err == nil {
					return seeOther(w, r, s.prefix+"/manage/account/two-factor/?done=recovery")
				}
				if err := f.useCaseError(w, err, "recovery_code_value", map[string]string{wharf.EUNAUTHORIZED: "recovery_invalid"}); err != nil {
					return err
				}
			}
		default:
			return wharf.Errorf(wharf.EINVALID, "Unknown action.")
		}
	}
	total, unused, err := s.accounts.RecoveryStatus(r.Context(), cur.User)
	if err != nil {
		return err
	}
	p := recoveryPage{Form: f, Codes: codes, Total: total, Unused: unused, Confirm: total > 0 && total == unused}
	return s.renderPage(noStore{w}, r, f.status, "manage-recovery-codes.html", p)
}
