package web

import (
	"errors"
	"net/http"
	"strconv"

	"wharf"
	"wharf/accounts"
)

// manageRoutes adds the pages where a logged-in user manages their
// account, at PyPI's paths. The forms of /manage/account/ post to their
// own paths and come back to it.
func (s *Server) manageRoutes(m *http.ServeMux) {
	const account, twoFactor = "/manage/account/", "/manage/account/two-factor/"
	add := func(method, path, back string, setup bool, h handlerFunc) {
		m.Handle(method+" "+path, s.page(s.formPost(s.manage(back, setup, h))))
	}
	add("GET", account+"{$}", account, false, s.manageAccount)
	add("POST", account+"email/{$}", account, false, s.changeEmail)
	add("POST", account+"resend-verification/{$}", account, false, s.resendVerification)
	add("POST", account+"password/{$}", account, false, s.changePassword)
	add("POST", account+"logout-others/{$}", account, false, s.logoutOthers)
	add("GET", twoFactor+"{$}", twoFactor, true, s.manageTwoFactor)
	add("POST", account+"totp/remove/{$}", twoFactor, true, s.removeTOTP)
	add("POST", account+"webauthn/{id}/remove/{$}", twoFactor, true, s.removeSecurityKey)
	for _, method := range []string{"GET", "POST"} {
		add(method, account+"totp-provision/{$}", account+"totp-provision/", true, s.provisionTOTP)
		add(method, account+"recovery-codes/{$}", account+"recovery-codes/", true, s.recoveryCodes)
	}
	add("GET", account+"webauthn-provision/{$}", account+"webauthn-provision/", true, s.provisionKey)
	m.Handle("POST "+account+"webauthn-provision/options", s.handle(s.withSession(s.webauthnAddOptions)))
	m.Handle("POST "+account+"webauthn-provision/validate", s.handle(s.withSession(s.webauthnAddValidate)))
}

// manage adapts a management page: it needs a login; with require_2fa =
// "all" it sends a user without a second factor to set one up first
// (setup marks the pages that do that); and a use case asking for the
// password to be confirmed (sudo mode) sends the user to confirm it and
// back to the page back.
func (s *Server) manage(back string, setup bool, h handlerFunc) handlerFunc {
	return s.requireLogin(back, func(w http.ResponseWriter, r *http.Request) error {
		if !setup {
			need, err := s.accounts.Needs2FASetup(r.Context(), currentUser(r).User)
			if err != nil {
				return err
			}
			if need {
				return seeOther(w, r, s.prefix+"/manage/account/two-factor/")
			}
		}
		err := h(w, r)
		if errors.Is(err, accounts.ErrSudo) {
			return seeOther(w, r, withNext(s.prefix+"/account/confirm-password/", s.prefix+back))
		}
		return err
	})
}

// sudo refuses a form sent to h unless the password was confirmed in the
// last SudoWindow, as PyPI asks again before a project's collaborators,
// releases or files are changed. Used inside manage, whose ErrSudo
// handling sends the user to confirm it and back to the page.
func (s *Server) sudo(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodPost && !s.accounts.InSudo(currentUser(r), accounts.SudoWindow) {
			return accounts.ErrSudo
		}
		return h(w, r)
	}
}

// manageAccountPage is the data of manage-account.html.
type manageAccountPage struct {
	User *wharf.User
	Form *form
	// Done names the change that just succeeded, for a notice.
	Done    string
	Factors factors
}

// factors are a user's second factors as the management pages list them.
type factors struct {
	TOTP                          bool
	Keys                          []wharf.SecurityKey
	RecoveryTotal, RecoveryUnused int
}

// Any reports whether a second factor is enabled.
func (f factors) Any() bool { return f.TOTP || len(f.Keys) > 0 }

// loadFactors reads the user's second factors.
func (s *Server) loadFactors(r *http.Request, u *wharf.User) (factors, error) {
	var f factors
	methods, err := s.accounts.SecondFactors(r.Context(), u)
	if err != nil {
		return f, err
	}
	for _, m := range methods {
		f.TOTP = f.TOTP || m == accounts.MethodTOTP
	}
	if f.Keys, err = s.accounts.SecurityKeys(r.Context(), u); err != nil {
		return f, err
	}
	f.RecoveryTotal, f.RecoveryUnused, err = s.accounts.RecoveryStatus(r.Context(), u)
	return f, err
}

// renderAccount renders /manage/account/ with f's errors (or a notice).
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, f *form, done string) error {
	cur := currentUser(r)
	fs, err := s.loadFactors(r, cur.User)
	if err != nil {
		return err
	}
	return s.renderPage(w, r, f.status, "manage-account.html", manageAccountPage{User: cur.User, Form: f, Done: done, Factors: fs})
}

// manageAccount serves /manage/account/.
func (s *Server) manageAccount(w http.ResponseWriter, r *http.Request) error {
	done := r.URL.Query().Get("done")
	switch done {
	case "email", "verification", "password", "sessions", "":
	default:
		done = ""
	}
	return s.renderAccount(w, r, newForm(r), done)
}

// changeEmail starts a change of address (sudo mode); the new address is
// pending until its link is opened.
func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "email")
	if f.required(r, "email") {
		err := s.accounts.ChangeEmail(r.Context(), actor(r), currentUser(r), r.PostFormValue("email"))
		if err == nil {
			return seeOther(w, r, s.prefix+"/manage/account/?done=email")
		}
		if errors.Is(err, accounts.ErrSudo) {
			return err
		}
		if err := f.useCaseError(w, err, "email", map[string]string{wharf.EINVALID: "email_invalid"}); err != nil {
			return err
		}
	}
	return s.renderAccount(w, r, f, "")
}

// resendVerification mails a new verification link.
func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r)
	err := s.accounts.SendVerification(r.Context(), actor(r), currentUser(r).User)
	if err == nil {
		return seeOther(w, r, s.prefix+"/manage/account/?done=verification")
	}
	if err := f.useCaseError(w, err, "", nil); err != nil {
		return err
	}
	return s.renderAccount(w, r, f, "")
}

// changePassword sets a new password (sudo mode). The use case ends the
// other sessions and gives this one a new id.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r)
	if f.required(r, "password", "new_password", "password_confirm") && f.newPasswordPair(r) {
		id, err := s.accounts.ChangePassword(r.Context(), actor(r), currentUser(r), r.PostFormValue("password"), r.PostFormValue("new_password"))
		switch {
		case err == nil:
			s.setSession(w, r, id)
			return seeOther(w, r, s.prefix+"/manage/account/?done=password")
		case errors.Is(err, accounts.ErrSudo):
			return err
		case isPasswordRule(err):
			if err := f.passwordError(w, err, "new_password"); err != nil {
				return err
			}
		default:
			if err := f.useCaseError(w, err, "password", map[string]string{wharf.EUNAUTHORIZED: "password_invalid"}); err != nil {
				return err
			}
		}
	}
	return s.renderAccount(w, r, f, "")
}

// logoutOthers ends every other session of the user.
func (s *Server) logoutOthers(w http.ResponseWriter, r *http.Request) error {
	if err := s.accounts.LogoutOthers(r.Context(), actor(r), currentUser(r)); err != nil {
		return err
	}
	return seeOther(w, r, s.prefix+"/manage/account/?done=sessions")
}

// twoFactorManagePage is the data of manage-two-factor.html.
type twoFactorManagePage struct {
	Form    *form
	Factors factors
	// Required says the policy requires a second factor before the
	// other management pages open.
	Required bool
	Done     string
}

// renderTwoFactor renders /manage/account/two-factor/ with f's errors.
func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, f *form, done string) error {
	cur := currentUser(r)
	fs, err := s.loadFactors(r, cur.User)
	if err != nil {
		return err
	}
	need, err := s.accounts.Needs2FASetup(r.Context(), cur.User)
	if err != nil {
		return err
	}
	return s.renderPage(w, r, f.status, "manage-two-factor.html", twoFactorManagePage{Form: f, Factors: fs, Required: need, Done: done})
}

// manageTwoFactor serves /manage/account/two-factor/: the second factors,
// and the order of setting them up (recovery codes first).
func (s *Server) manageTwoFactor(w http.ResponseWriter, r *http.Request) error {
	done := r.URL.Query().Get("done")
	switch done {
	case "totp", "key", "recovery", "removed", "":
	default:
		done = ""
	}
	return s.renderTwoFactor(w, r, newForm(r), done)
}

// removeTOTP turns the authenticator app off (sudo mode).
func (s *Server) removeTOTP(w http.ResponseWriter, r *http.Request) error {
	return s.removeFactor(w, r, s.accounts.RemoveTOTP(r.Context(), actor(r), currentUser(r)))
}

// removeSecurityKey removes one security key (sudo mode).
func (s *Server) removeSecurityKey(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return wharf.Errorf(wharf.ENOTFOUND, "No such security key.")
	}
	return s.removeFactor(w, r, s.accounts.RemoveSecurityKey(r.Context(), actor(r), currentUser(r), id))
}

// removeFactor answers the removal of a second factor: back to the list,
// or the list with the reason it was refused.
func (s *Server) removeFactor(w http.ResponseWriter, r *http.Request, err error) error {
	if err == nil {
		return seeOther(w, r, s.prefix+"/manage/account/two-factor/?done=removed")
	}
	if errors.Is(err, accounts.ErrSudo) {
		return err
	}
	f := newForm(r)
	if err := f.useCaseError(w, err, "", map[string]string{wharf.EFORBIDDEN: "last_factor"}); err != nil {
		return err
	}
	return s.renderTwoFactor(w, r, f, "")
}
