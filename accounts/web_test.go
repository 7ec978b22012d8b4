package accounts_test

import (
	"encoding/base32"
	"errors"
	"io"
	"mime/quotedprintable"
	"regexp"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/accounts"
	"wharf/auth/totp"
	"wharf/internal/smtptest"
	"wharf/smtpmail"
)

// webEnv is an env with web login enabled and a real SMTP server
// receiving its mail.
type webEnv struct {
	*env
	smtp *smtptest.Server
}

const strongPassword = "quartz-lantern-orbit-97"

func newWebEnv(t *testing.T, require string) *webEnv {
	t.Helper()
	e := newEnv(t)
	srv := smtptest.Start(t)
	mailer, err := smtpmail.New(smtpmail.Options{Host: srv.Host(), Port: srv.Port(), From: "wharf@example.org", TLS: smtpmail.NoTLS})
	if err != nil {
		t.Fatal(err)
	}
	err = e.svc.EnableWeb(accounts.Options{Location: "http://localhost:8080", Secret: []byte(strings.Repeat("s", 32)),
		Mailer: mailer, Require2FA: require, Now: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.actor = wharf.Actor{IP: "192.0.2.1", UserAgent: "test-browser"}
	return &webEnv{env: e, smtp: srv}
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

// mail waits for the n-th mail (1-based) and returns its decoded text.
func (e *webEnv) mail(n int) string {
	e.t.Helper()
	msgs, err := e.smtp.Wait(e.t.Context(), n)
	if err != nil {
		e.t.Fatalf("waiting for mail %d: %v", n, err)
	}
	_, body, _ := strings.Cut(string(msgs[n-1].Data), "\r\n\r\n")
	text, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		return body
	}
	return string(text)
}

var linkToken = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// register makes alice through the web flow and verifies her address
// from the mailed link.
func (e *webEnv) register() *wharf.User {
	e.t.Helper()
	ctx := e.t.Context()
	u, err := e.svc.Register(ctx, e.actor, accounts.RegisterRequest{Name: "alice", Email: "alice@example.org", Password: strongPassword})
	if err != nil {
		e.t.Fatal(err)
	}
	m := linkToken.FindStringSubmatch(e.mail(1))
	if m == nil {
		e.t.Fatalf("no link in the verification mail:\n%s", e.mail(1))
	}
	if _, err := e.svc.VerifyEmail(ctx, e.actor, m[1]); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.VerifyEmail(ctx, e.actor, m[1]); !wharf.IsCode(err, wharf.EINVALID) {
		e.t.Errorf("second use of a verification link: %v, want EINVALID", err)
	}
	return u
}

// login logs alice in with her password and returns the result.
func (e *webEnv) login(pw string) (*accounts.LoginResult, error) {
	return e.svc.Login(e.t.Context(), e.actor, "alice", pw, "")
}

// session returns the Current of a session id.
func (e *webEnv) session(id string) *accounts.Current {
	e.t.Helper()
	cur, err := e.svc.Session(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return cur
}

func TestLoginAnswersAlike(t *testing.T) {
	e := newWebEnv(t, accounts.Require2FAOff)
	e.register()
	_, wrong := e.login("not her password")
	_, unknown := e.svc.Login(t.Context(), e.actor, "mallory", strongPassword, "")
	if wrong == nil || unknown == nil || wrong.Error() != unknown.Error() || wharf.ErrorCode(wrong) != wharf.ErrorCode(unknown) {
		t.Errorf("wrong password %v and unknown user %v answer differently", wrong, unknown)
	}
	res, err := e.login(strongPassword)
	if err != nil || res.SessionID == "" || res.Pending != "" {
		t.Fatalf("login = %+v, %v", res, err)
	}
	if got := e.rows("SELECT tag FROM events WHERE tag LIKE 'account:login:%' ORDER BY id"); strings.Join(got, ",") != "account:login:failure,account:login:failure,account:login:success" {
		t.Errorf("login events = %v", got)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newWebEnv(t, accounts.Require2FAOff)
	e.register()
	for i := 0; i < 10; i++ {
		if _, err := e.login("wrong"); !wharf.IsCode(err, wharf.EUNAUTHORIZED) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := e.login(strongPassword)
	var rate *accounts.RateError
	if !errors.As(err, &rate) || !wharf.IsCode(err, wharf.ETOOMANY) || rate.Wait <= 0 || rate.Wait > 5*time.Minute {
		t.Fatalf("11th attempt: %v, want a rate error", err)
	}
	e.advance(5 * time.Minute)
	if _, err := e.login(strongPassword); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestSessionsAndSudo(t *testing.T) {
	e := newWebEnv(t, accounts.Require2FAOff)
	e.register()
	a, _ := e.login(strongPassword)
	b, _ := e.login(strongPassword)
	if a.SessionID == b.SessionID {
		t.Fatal("two logins share a session id")
	}
	cur := e.session(a.SessionID)
	if !e.svc.InSudo(cur, accounts.SudoWindow) {
		t.Error("a fresh login is not in sudo mode")
	}
	e.advance(31 * time.Minute)
	cur = e.session(a.SessionID)
	if _, err := e.svc.ChangePassword(t.Context(), e.actor, cur, strongPassword, "another-"+strongPassword); !errors.Is(err, accounts.ErrSudo) {
		t.Fatalf("password change after 31 minutes: %v, want ErrSudo", err)
	}
	id, err := e.svc.ConfirmPassword(t.Context(), e.actor, cur, strongPassword)
	if err != nil || id == a.SessionID {
		t.Fatalf("ConfirmPassword = %q, %v; want a new session id", id, err)
	}
	if _, err := e.svc.Session(t.Context(), a.SessionID); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("the old id still works after sudo: %v", err)
	}
	if _, err := e.svc.ChangePassword(t.Context(), e.actor, cur, strongPassword, "another-"+strongPassword); err != nil {
		t.Fatalf("password change in sudo mode: %v", err)
	}
	if _, err := e.svc.Session(t.Context(), b.SessionID); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("another session survived a password change: %v", err)
	}
	e.advance(13 * time.Hour)
	if _, err := e.svc.Session(t.Context(), cur.ID); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("a session idle for 13 hours: %v, want ENOTFOUND", err)
	}
}

// enableTOTP goes through the setup order: recovery codes, one entered
// back, then TOTP confirmed with a code computed here.
func (e *webEnv) enableTOTP(cur *accounts.Current) (secret []byte, codes []string) {
	e.t.Helper()
	ctx := e.t.Context()
	enrol, err := e.svc.BeginTOTP(ctx, cur)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(enrol.Secret, " ", ""))
	if err != nil {
		e.t.Fatal(err)
	}
	code := totp.Code(secret, totp.Step(e.clock()))
	if err := e.svc.ConfirmTOTP(ctx, e.actor, cur, enrol.State, code); !errors.Is(err, accounts.ErrNeedRecovery) {
		e.t.Fatalf("TOTP before recovery codes: %v, want ErrNeedRecovery", err)
	}
	codes, err = e.svc.GenerateRecoveryCodes(ctx, e.actor, cur)
	if err != nil || len(codes) != 8 {
		e.t.Fatalf("GenerateRecoveryCodes = %v, %v", codes, err)
	}
	if err := e.svc.ConfirmRecoveryCode(ctx, e.actor, cur, codes[0]); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.ConfirmTOTP(ctx, e.actor, cur, enrol.State, code); err != nil {
		e.t.Fatal(err)
	}
	return secret, codes[1:]
}

func TestTOTPAndRecoveryLogin(t *testing.T) {
	e := newWebEnv(t, accounts.Require2FAAll)
	e.register()
	first, _ := e.login(strongPassword)
	cur := e.session(first.SessionID)
	if need, _ := e.svc.Needs2FASetup(t.Context(), cur.User); !need {
		t.Error("require_2fa=all: a user without a second factor does not need setup")
	}
	secret, codes := e.enableTOTP(cur)
	if err := e.svc.RemoveTOTP(t.Context(), e.actor, cur); err == nil {
		t.Error("removing the last second factor under require_2fa=all was allowed")
	}

	res, err := e.login(strongPassword)
	if err != nil || res.Pending == "" || res.SessionID != "" || strings.Join(res.Methods, ",") != "totp,recovery" {
		t.Fatalf("password step with TOTP on = %+v, %v", res, err)
	}
	e.advance(30 * time.Second)
	code := totp.Code(secret, totp.Step(e.clock()))
	if _, err := e.svc.LoginTOTP(t.Context(), e.actor, res.Pending, "000000"); !wharf.IsCode(err, wharf.EUNAUTHORIZED) {
		t.Errorf("a wrong TOTP code: %v", err)
	}
	ok, err := e.svc.LoginTOTP(t.Context(), e.actor, res.Pending, code)
	if err != nil || ok.SessionID == "" {
		t.Fatalf("LoginTOTP = %+v, %v", ok, err)
	}
	// The pending token is void after the login it led to, and the code
	// cannot be used again, even with a fresh password step.
	if _, err := e.svc.LoginTOTP(t.Context(), e.actor, res.Pending, code); !wharf.IsCode(err, wharf.EUNAUTHORIZED) {
		t.Errorf("reusing a pending token: %v", err)
	}
	again, _ := e.login(strongPassword)
	if _, err := e.svc.LoginTOTP(t.Context(), e.actor, again.Pending, code); !wharf.IsCode(err, wharf.EUNAUTHORIZED) {
		t.Errorf("a replayed TOTP code: %v, want refusal", err)
	}
	// Recovery codes work once each, and their use is mailed.
	rec, err := e.svc.LoginRecovery(t.Context(), e.actor, again.Pending, strings.ToUpper(codes[0]))
	if err != nil || rec.SessionID == "" {
		t.Fatalf("LoginRecovery = %+v, %v", rec, err)
	}
	third, _ := e.login(strongPassword)
	if _, err := e.svc.LoginRecovery(t.Context(), e.actor, third.Pending, codes[0]); !wharf.IsCode(err, wharf.EUNAUTHORIZED) {
		t.Errorf("a reused recovery code: %v", err)
	}
	tags := strings.Join(e.rows("SELECT tag FROM events ORDER BY id"), ",")
	for _, want := range []string{"account:recovery_codes:generated", "account:two_factor:method_added", "account:recovery_codes:used"} {
		if !strings.Contains(tags, want) {
			t.Errorf("events %s lack %s", tags, want)
		}
	}
	if n := len(e.smtp.Messages()); n < 3 {
		t.Errorf("%d mails sent; want verification, 2FA added and recovery code used", n)
	}
}

func TestPasswordReset(t *testing.T) {
	e := newWebEnv(t, accounts.Require2FAOff)
	e.register()
	s, _ := e.login(strongPassword)
	// An unknown name answers the same and sends nothing.
	if err := e.svc.RequestPasswordReset(t.Context(), e.actor, "nobody"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RequestPasswordReset(t.Context(), e.actor, "alice@example.org"); err != nil {
		t.Fatal(err)
	}
	m := linkToken.FindStringSubmatch(e.mail(2))
	if m == nil {
		t.Fatalf("no link in the reset mail:\n%s", e.mail(2))
	}
	if err := e.svc.ResetPassword(t.Context(), e.actor, m[1], "password"); !wharf.IsCode(err, wharf.EINVALID) {
		t.Errorf("a weak new password: %v", err)
	}
	// The weak attempt rolled back, so the link still works once.
	if err := e.svc.ResetPassword(t.Context(), e.actor, m[1], "new-"+strongPassword); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ResetPassword(t.Context(), e.actor, m[1], "newer-"+strongPassword); !wharf.IsCode(err, wharf.EINVALID) {
		t.Errorf("second use of a reset link: %v", err)
	}
	if _, err := e.svc.Session(t.Context(), s.SessionID); !wharf.IsCode(err, wharf.ENOTFOUND) {
		t.Errorf("a session survived a password reset: %v", err)
	}
	if _, err := e.login("new-" + strongPassword); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
}
