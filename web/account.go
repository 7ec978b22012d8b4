package web

import (
	"net/http"
	"net/mail"

	"wharf"
	"wharf/accounts"
)

// accountRoutes adds the account pages, at PyPI's paths. Each serves GET
// (the form) and POST (the form sent); a route's adapter loads the
// session and bounds the body.
func (s *Server) accountRoutes(m *http.ServeMux) {
	both := func(path string, h handlerFunc) {
		m.Handle("GET "+path, s.page(s.formPost(h)))
		m.Handle("POST "+path, s.page(s.formPost(h)))
	}
	both("/account/register/{$}", s.register)
	both("/account/login/{$}", s.login)
	both("/account/two-factor/{$}", s.twoFactor)
	both("/account/recovery-code/{$}", s.recoveryLogin)
	both("/account/logout/{$}", s.logout)
	both("/account/verify-email/{$}", s.verifyEmail)
	both("/account/request-password-reset/{$}", s.requestReset)
	both("/account/reset-password/{$}", s.resetPassword)
	both("/account/confirm-password/{$}", s.requireLogin("", s.confirmPassword))
	m.Handle("POST /account/webauthn-authenticate/options", s.handle(s.withSession(s.webauthnLoginOptions)))
	m.Handle("POST /account/webauthn-authenticate/validate", s.handle(s.withSession(s.webauthnLoginValidate)))
	s.manageRoutes(m)
	s.tokenRoutes(m)
	s.collaborationRoutes(m)
	s.historyRoutes(m)
	s.projectManageRoutes(m)
}

// accountPage is the data of the simple account forms; Next is where a
// login or a password confirmation returns.
type accountPage struct {
	Form *form
	Next string
	// Token is the mailed link's token, carried by the form it opens.
	Token string
}

// messagePage is the data of account-message.html: a short page that
// reports the end of a flow. Kind picks its text in the template.
type messagePage struct {
	Kind string
}

// register serves /account/register/: the account is made, its address
// gets a verification link, and the new user is logged in.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r) != nil {
		return seeOther(w, r, s.prefix+"/manage/account/")
	}
	f := newForm(r, "username", "email")
	if r.Method == http.MethodPost && f.required(r, "username", "email", "new_password", "password_confirm") && f.newPasswordPair(r) {
		name, email, pw := r.PostFormValue("username"), r.PostFormValue("email"), r.PostFormValue("new_password")
		_, err := s.accounts.Register(r.Context(), actor(r), accounts.RegisterRequest{Name: name, Email: email, Password: pw})
		switch {
		case err == nil:
			res, err := s.accounts.Login(r.Context(), actor(r), name, pw, "")
			if err != nil || res.SessionID == "" {
				return seeOther(w, r, s.prefix+"/account/login/")
			}
			s.setSession(w, r, res.SessionID)
			return seeOther(w, r, s.prefix+"/manage/account/")
		case isPasswordRule(err):
			if err := f.passwordError(w, err, "new_password"); err != nil {
				return err
			}
		case wharf.IsCode(err, wharf.EINVALID) && !plainAddress(email):
			f.invalid(http.StatusBadRequest, "email", msg{Key: "email_invalid"})
		default:
			if err := f.useCaseError(w, err, "username", map[string]string{wharf.ECONFLICT: "username_taken"}); err != nil {
				return err
			}
		}
	}
	return s.renderPage(w, r, f.status, "account-register.html", accountPage{Form: f})
}

// plainAddress reports whether email is one plain address, as the
// registration form wants it.
func plainAddress(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email
}

// login serves /account/login/: the password step. With a second factor
// the browser goes on to /account/two-factor/ carrying a short-lived
// pending token; without one (or from a remembered device) it is logged
// in with a new session id. A wrong password and an unknown name give
// the same page.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	next := s.nextPath(r, s.prefix+"/manage/account/")
	if r.Method != http.MethodPost && currentUser(r) != nil {
		return seeOther(w, r, next)
	}
	f := newForm(r, "username")
	if r.Method == http.MethodPost && f.required(r, "username", "password") {
		res, err := s.accounts.Login(r.Context(), actor(r), r.PostFormValue("username"), r.PostFormValue("password"),
			cookieValue(r, rememberCookie))
		if err != nil {
			if err := f.useCaseError(w, err, "", map[string]string{wharf.EUNAUTHORIZED: "login_failed"}); err != nil {
				return err
			}
			return s.renderPage(w, r, f.status, "account-login.html", accountPage{Form: f, Next: next})
		}
		if res.SessionID == "" {
			s.setShortCookie(w, r, pendingCookie, res.Pending, s.prefix+"/account/", accounts.PendingLifetime)
			return seeOther(w, r, withNext(s.prefix+"/account/two-factor/", next))
		}
		return s.finishLogin(w, r, res, next)
	}
	return s.renderPage(w, r, f.status, "account-login.html", accountPage{Form: f, Next: next})
}

// finishLogin logs the browser in and sends it on to next.
func (s *Server) finishLogin(w http.ResponseWriter, r *http.Request, res *accounts.LoginResult, next string) error {
	if err := s.startSession(w, r, res, r.PostFormValue("remember_device") != ""); err != nil {
		return err
	}
	return seeOther(w, r, next)
}

// startSession gives the browser the new session of a login, ending the
// one it had, forgets the pending login and, when asked, remembers the
// device so that its next login skips the second factor.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, res *accounts.LoginResult, remember bool) error {
	if old := currentUser(r); old != nil {
		if err := s.accounts.Logout(r.Context(), actor(r), old); err != nil && !wharf.IsCode(err, wharf.ENOTFOUND) {
			return err
		}
	}
	s.setSession(w, r, res.SessionID)
	s.clearCookie(w, r, pendingCookie, s.prefix+"/account/")
	if remember {
		s.setRemember(w, r, s.accounts.RememberDevice(res.User))
	}
	return nil
}

// twoFactorPage is the data of account-two-factor.html.
type twoFactorPage struct {
	Form                     *form
	Next                     string
	TOTP, WebAuthn, Recovery bool
}

// pendingLogin returns the user of the browser's pending login, or
// renders the login page saying it expired (and returns nil).
func (s *Server) pendingLogin(w http.ResponseWriter, r *http.Request, next string) (*wharf.User, error) {
	u, err := s.accounts.PendingUser(r.Context(), cookieValue(r, pendingCookie))
	if err == nil {
		return u, nil
	}
	if wharf.ErrorCode(err) == wharf.EINTERNAL {
		return nil, err
	}
	s.clearCookie(w, r, pendingCookie, s.prefix+"/account/")
	f := newForm(r)
	f.invalid(http.StatusUnauthorized, "", msg{Key: "pending_void"})
	return nil, s.renderPage(w, r, f.status, "account-login.html", accountPage{Form: f, Next: next})
}

// twoFactor serves /account/two-factor/: an authenticator-app code, a
// security key (through webauthn.js) or a link to the recovery-code form.
func (s *Server) twoFactor(w http.ResponseWriter, r *http.Request) error {
	next := s.nextPath(r, s.prefix+"/manage/account/")
	u, err := s.pendingLogin(w, r, next)
	if u == nil {
		return err
	}
	methods, err := s.accounts.SecondFactors(r.Context(), u)
	if err != nil {
		return err
	}
	f := newForm(r)
	if r.Method == http.MethodPost && f.required(r, "totp_value") {
		res, err := s.accounts.LoginTOTP(r.Context(), actor(r), cookieValue(r, pendingCookie), r.PostFormValue("totp_value"))
		if err == nil {
			return s.finishLogin(w, r, res, next)
		}
		if err := f.useCaseError(w, err, "totp_value", map[string]string{wharf.EUNAUTHORIZED: "code_invalid"}); err != nil {
			return err
		}
	}
	p := twoFactorPage{Form: f, Next: next}
	for _, m := range methods {
		switch m {
		case accounts.MethodTOTP:
			p.TOTP = true
		case accounts.MethodWebAuthn:
			p.WebAuthn = true
		case accounts.MethodRecovery:
			p.Recovery = true
		}
	}
	return s.renderPage(w, r, f.status, "account-two-factor.html", p)
}

// recoveryLogin serves /account/recovery-code/: the last resort of a user
// who lost their second factor. The code is burned.
func (s *Server) recoveryLogin(w http.ResponseWriter, r *http.Request) error {
	next := s.nextPath(r, s.prefix+"/manage/account/")
	if u, err := s.pendingLogin(w, r, next); u == nil {
		return err
	}
	f := newForm(r)
	if r.Method == http.MethodPost && f.required(r, "recovery_code_value") {
		res, err := s.accounts.LoginRecovery(r.Context(), actor(r), cookieValue(r, pendingCookie), r.PostFormValue("recovery_code_value"))
		if err == nil {
			return s.finishLogin(w, r, res, next)
		}
		if err := f.useCaseError(w, err, "recovery_code_value", map[string]string{wharf.EUNAUTHORIZED: "recovery_invalid"}); err != nil {
			return err
		}
	}
	return s.renderPage(w, r, f.status, "account-recovery-code.html", accountPage{Form: f, Next: next})
}

// logout serves /account/logout/: GET asks, POST ends the session. A GET
// never logs out, so a link or an image on another page cannot.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	cur := currentUser(r)
	if cur == nil {
		return seeOther(w, r, s.prefix+"/")
	}
	if r.Method == http.MethodPost {
		if err := s.accounts.Logout(r.Context(), actor(r), cur); err != nil && !wharf.IsCode(err, wharf.ENOTFOUND) {
			return err
		}
		s.clearCookie(w, r, sessionCookie, s.prefix+"/")
		return seeOther(w, r, s.prefix+"/")
	}
	return s.renderPage(w, r, http.StatusOK, "account-logout.html", accountPage{Form: newForm(r)})
}

// verifyEmail serves /account/verify-email/?token=: the link opens a
// page with one button, and the post uses the token. Mail scanners that
// fetch every link therefore cannot use it up.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	token := r.FormValue("token")
	f := newForm(r)
	if r.Method == http.MethodPost {
		_, err := s.accounts.VerifyEmail(r.Context(), actor(r), token)
		if err == nil {
			return s.renderPage(w, r, http.StatusOK, "account-message.html", messagePage{Kind: "email_verified"})
		}
		if err := f.useCaseError(w, err, "", map[string]string{wharf.EINVALID: "link_invalid"}); err != nil {
			return err
		}
	}
	return s.renderPage(w, r, f.status, "account-verify-email.html", accountPage{Form: f, Token: token})
}

// requestReset serves /account/request-password-reset/. The reply is the
// same whether or not the name or address belongs to an account.
func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "username_or_email")
	if r.Method == http.MethodPost && f.required(r, "username_or_email") {
		err := s.accounts.RequestPasswordReset(r.Context(), actor(r), r.PostFormValue("username_or_email"))
		if err == nil {
			return s.renderPage(w, r, http.StatusOK, "account-message.html", messagePage{Kind: "reset_sent"})
		}
		if err := f.useCaseError(w, err, "username_or_email", nil); err != nil {
			return err
		}
	}
	return s.renderPage(w, r, f.status, "account-request-reset.html", accountPage{Form: f})
}

// resetPassword serves /account/reset-password/?token=: a new password,
// typed twice. Every session of the account ends.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	token := r.FormValue("token")
	f := newForm(r)
	if r.Method == http.MethodPost && f.required(r, "new_password", "password_confirm") && f.newPasswordPair(r) {
		err := s.accounts.ResetPassword(r.Context(), actor(r), token, r.PostFormValue("new_password"))
		if err == nil {
			if cur := currentUser(r); cur != nil {
				s.clearCookie(w, r, sessionCookie, s.prefix+"/")
			}
			return s.renderPage(w, r, http.StatusOK, "account-message.html", messagePage{Kind: "password_reset"})
		}
		if err := f.passwordError(w, err, "new_password"); err != nil {
			return err
		}
	}
	return s.renderPage(w, r, f.status, "account-reset-password.html", accountPage{Form: f, Token: token})
}

// confirmPassword serves /account/confirm-password/?next=: sudo mode.
// The session gets a new id, as after every change of privilege.
func (s *Server) confirmPassword(w http.ResponseWriter, r *http.Request) error {
	next := s.nextPath(r, s.prefix+"/manage/account/")
	f := newForm(r)
	if r.Method == http.MethodPost && f.required(r, "password") {
		id, err := s.accounts.ConfirmPassword(r.Context(), actor(r), currentUser(r), r.PostFormValue("password"))
		if err == nil {
			s.setSession(w, r, id)
			return seeOther(w, r, next)
		}
		if err := f.useCaseError(w, err, "password", map[string]string{wharf.EUNAUTHORIZED: "password_invalid"}); err != nil {
			return err
		}
	}
	return s.renderPage(w, r, f.status, "account-confirm-password.html", accountPage{Form: f, Next: next})
}
