package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAccountCSRF(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	tests := []struct {
		name   string
		header []string
		status int
	}{
		{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same-site fetch", []string{"Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
		{"foreign origin", []string{"Origin", "http://evil"}, http.StatusForbidden},
		{"same origin", []string{"Origin", "SELF", "Sec-Fetch-Site", "same-origin"}, http.StatusSeeOther},
		{"no browser headers", nil, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := url.Values{"username": {"bob"}, "password": {testPassword}}.Encode()
			req, _ := http.NewRequest("POST", ix.ts.URL+"/account/login/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], strings.Replace(tt.header[i+1], "SELF", ix.ts.URL, 1))
			}
			resp, err := ix.client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusForbidden {
				for _, c := range resp.Cookies() {
					if c.Name == sessionCookie {
						t.Error("a refused request logged in")
					}
				}
			}
		})
	}
	t.Run("upload API is exempt", func(t *testing.T) {
		req := ix.uploadRequest(t, distSpec{Name: "csrf-demo", Version: "1.0"}.build(t), ix.token)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "http://evil")
		resp, err := ix.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("upload: status %d", resp.StatusCode)
		}
	})
}

func TestLoginSession(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	// A session id planted before login (fixation) must not survive it.
	u, _ := url.Parse(ix.ts.URL + "/")
	v.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "planted", Path: "/"}})
	r := v.get("/account/login/")
	if r.StatusCode != 200 || !strings.Contains(r.body, `autocomplete="current-password"`) {
		t.Fatalf("login page: %d", r.StatusCode)
	}
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	first := v.session()
	if first == "" || first == "planted" {
		t.Fatalf("session cookie %q after login", first)
	}
	r = v.get("/manage/account/")
	if r.StatusCode != 200 || !strings.Contains(r.body, "bob@example.org") {
		t.Fatalf("account page: %d\n%s", r.StatusCode, r.body)
	}

	// Sudo mode gives the session a new id; the old one no longer works.
	r = v.get("/account/confirm-password/?next=/manage/account/two-factor/")
	if r.StatusCode != 200 {
		t.Fatalf("confirm page: %d", r.StatusCode)
	}
	r = v.post("/account/confirm-password/", url.Values{"password": {"wrong"}, "next": {"/manage/account/two-factor/"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, `id="f-password-error"`) {
		t.Errorf("wrong sudo password: %d", r.StatusCode)
	}
	wantRedirect(t, v.post("/account/confirm-password/", url.Values{"password": {testPassword}, "next": {"/manage/account/two-factor/"}}),
		"/manage/account/two-factor/")
	second := v.session()
	if second == "" || second == first {
		t.Fatalf("session id %q after sudo, was %q", second, first)
	}
	old := ix.visitor(t)
	old.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: first, Path: "/"}})
	wantRedirect(t, old.get("/manage/account/"), "/account/login/?next=%2Fmanage%2Faccount%2F")

	// Logging in again gives yet another id.
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	if third := v.session(); third == second || third == "" {
		t.Errorf("session id unchanged by a new login")
	}
}

func TestLoginCookies(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true, BaseURL: "https://pypi.example.org/py/"})
	ix.addUser(t, "bob")
	body := url.Values{"username": {"bob"}, "password": {testPassword}}.Encode()
	req, _ := http.NewRequest("POST", ix.ts.URL+"/py/account/login/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := ix.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var got *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			got = c
		}
	}
	if got == nil || !got.HttpOnly || !got.Secure || got.SameSite != http.SameSiteLaxMode || got.Path != "/py/" || len(got.Value) != 43 {
		t.Errorf("session cookie %+v", got)
	}
	if loc := resp.Header.Get("Location"); loc != "/py/manage/account/" {
		t.Errorf("Location %q", loc)
	}
}

func TestLoginNext(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	tests := []struct{ next, location string }{
		{"/manage/account/two-factor/", "/manage/account/two-factor/"},
		{"/help/?a=b", "/help/?a=b"},
		{"//evil.com", "/manage/account/"},
		{"https://evil.com", "/manage/account/"},
		{`/\evil.com`, "/manage/account/"},
		{"/\t/evil.com", "/manage/account/"},
		{"javascript:alert(1)", "/manage/account/"},
		{"evil.com", "/manage/account/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			v := ix.visitor(t)
			r := v.get("/account/login/?next=" + url.QueryEscape(tt.next))
			if want := `name="next" value="` + htmlAttr(tt.location) + `"`; !strings.Contains(r.body, want) {
				t.Errorf("login form lacks %s", want)
			}
			wantRedirect(t, v.login("bob", testPassword, tt.next), tt.location)
		})
	}
}

// htmlAttr escapes s as html/template writes it in an attribute.
func htmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestLoginRateLimit(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	for i := range 10 {
		if r := v.login("bob", "wrong password", ""); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, r.StatusCode)
		}
	}
	r := v.login("bob", testPassword, "")
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: status %d", r.StatusCode)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 300 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if !strings.Contains(r.body, "There have been too many attempts. Try again in 5 minutes.") || !strings.Contains(r.body, `role="alert"`) {
		t.Errorf("page lacks the message:\n%s", r.body)
	}
	if v.session() != "" {
		t.Error("logged in despite the limit")
	}
	ix.clock.Advance(5 * time.Minute)
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
}

// TestLoginAnswersAlike compares the page for a wrong password with the
// page for a name no account has: two indexes, alike but for bob's
// existence, get the same form.
func TestLoginAnswersAlike(t *testing.T) {
	with := newTestIndex(t, indexConfig{Accounts: true})
	with.addUser(t, "bob")
	without := newTestIndex(t, indexConfig{Accounts: true})
	for _, name := range []string{"bob", "bob@example.org"} {
		t.Run(name, func(t *testing.T) {
			a := with.visitor(t).login(name, "not the password", "/help/")
			b := without.visitor(t).login(name, "not the password", "/help/")
			if a.StatusCode != b.StatusCode || a.StatusCode != http.StatusUnauthorized {
				t.Errorf("statuses %d and %d", a.StatusCode, b.StatusCode)
			}
			if a.body != b.body {
				t.Errorf("pages differ:\n%s\n----\n%s", a.body, b.body)
			}
			for _, h := range []string{"Content-Type", "Content-Length", "Set-Cookie", "Retry-After"} {
				if a.Header.Get(h) != b.Header.Get(h) {
					t.Errorf("%s: %q and %q", h, a.Header.Get(h), b.Header.Get(h))
				}
			}
			if !strings.Contains(a.body, "The username or password is invalid.") {
				t.Errorf("page lacks the message:\n%s", a.body)
			}
		})
	}
}

func TestServiceAccountCannotLogIn(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	// alice, the harness's uploader, has no password, like a service account.
	if r := ix.visitor(t).login("alice", "", ""); r.StatusCode != http.StatusBadRequest {
		t.Errorf("empty password: status %d", r.StatusCode)
	}
	if r := ix.visitor(t).login("alice", testPassword, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", r.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	id := v.session()
	// A GET only asks.
	if r := v.get("/account/logout/"); r.StatusCode != 200 || !strings.Contains(r.body, `action="/account/logout/"`) {
		t.Fatalf("logout page: %d", r.StatusCode)
	}
	if r := v.get("/manage/account/"); r.StatusCode != 200 {
		t.Fatalf("GET /account/logout/ logged out: %d", r.StatusCode)
	}
	v.logout()
	if v.session() != "" {
		t.Error("session cookie kept")
	}
	replay := ix.visitor(t)
	u, _ := url.Parse(ix.ts.URL + "/")
	replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: id, Path: "/"}})
	wantRedirect(t, replay.get("/manage/account/"), "/account/login/?next=%2Fmanage%2Faccount%2F")
}

func TestLogoutOthers(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	a, b := ix.visitor(t), ix.visitor(t)
	wantRedirect(t, a.login("bob", testPassword, ""), "/manage/account/")
	wantRedirect(t, b.login("bob", testPassword, ""), "/manage/account/")
	wantRedirect(t, a.post("/manage/account/logout-others/", nil), "/manage/account/?done=sessions")
	if r := a.get("/manage/account/?done=sessions"); r.StatusCode != 200 || !strings.Contains(r.body, "Your other sessions were logged out.") {
		t.Errorf("account page after: %d", r.StatusCode)
	}
	wantRedirect(t, b.get("/manage/account/"), "/account/login/?next=%2Fmanage%2Faccount%2F")
}

func TestRegisterAndVerify(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	v := ix.visitor(t)
	form := url.Values{"username": {"carol"}, "email": {"carol@example.org"},
		"new_password": {testPassword}, "password_confirm": {testPassword}}

	bad := url.Values{"username": {"carol"}, "email": {"not an address"}, "new_password": {"short"}, "password_confirm": {"other"}}
	r := v.post("/account/register/", bad)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, `aria-describedby="f-password_confirm-error"`) ||
		!strings.Contains(r.body, `<a href="#f-password_confirm">`) || !strings.Contains(r.body, `value="carol"`) {
		t.Errorf("mismatched passwords: %d\n%s", r.StatusCode, r.body)
	}
	bad.Set("password_confirm", "short")
	bad.Set("email", "carol@example.org")
	if r := v.post("/account/register/", bad); !strings.Contains(r.body, "at least 8 characters") || !strings.Contains(r.body, `id="f-new_password-error"`) {
		t.Errorf("short password: %d", r.StatusCode)
	}
	bad.Set("email", "not an address")
	bad.Set("new_password", testPassword)
	bad.Set("password_confirm", testPassword)
	if r := v.post("/account/register/", bad); !strings.Contains(r.body, `id="f-email-error"`) {
		t.Errorf("bad address: %d\n%s", r.StatusCode, r.body)
	}

	wantRedirect(t, v.post("/account/register/", form), "/manage/account/")
	if v.session() == "" {
		t.Fatal("not logged in after registering")
	}
	r = v.get("/manage/account/")
	if !strings.Contains(r.body, "Not verified") {
		t.Errorf("account page does not say the address is unverified")
	}
	taken := ix.visitor(t)
	if r := taken.post("/account/register/", form); r.StatusCode != http.StatusConflict || !strings.Contains(r.body, `id="f-username-error"`) {
		t.Errorf("taken name: %d", r.StatusCode)
	}

	token := ix.mail.link(t, "/account/verify-email/")
	page := ix.visitor(t).get("/account/verify-email/?token=" + token)
	if page.StatusCode != 200 || hidden(t, page.body, "token") != token {
		t.Fatalf("verify page: %d", page.StatusCode)
	}
	// Opening the link (a mail scanner, say) does not use it up.
	r = ix.visitor(t).post("/account/verify-email/", url.Values{"token": {token}})
	if r.StatusCode != 200 || !strings.Contains(r.body, "Email address verified") {
		t.Fatalf("verify: %d\n%s", r.StatusCode, r.body)
	}
	r = ix.visitor(t).post("/account/verify-email/", url.Values{"token": {token}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "This link is invalid, has expired or was used already.") {
		t.Errorf("second use: %d\n%s", r.StatusCode, r.body)
	}
	if r := v.get("/manage/account/"); strings.Contains(r.body, "Not verified") {
		t.Errorf("address still unverified")
	}
}

func TestPasswordReset(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	old := ix.visitor(t)
	wantRedirect(t, old.login("bob", testPassword, ""), "/manage/account/")

	v := ix.visitor(t)
	if r := v.get("/account/request-password-reset/"); r.StatusCode != 200 {
		t.Fatalf("request page: %d", r.StatusCode)
	}
	known := v.post("/account/request-password-reset/", url.Values{"username_or_email": {"bob"}})
	unknown := v.post("/account/request-password-reset/", url.Values{"username_or_email": {"nobody"}})
	if known.StatusCode != 200 || known.body != unknown.body {
		t.Errorf("answers differ: %d\n%s\n----\n%s", known.StatusCode, known.body, unknown.body)
	}
	token := ix.mail.link(t, "/account/reset-password/")
	if r := v.get("/account/reset-password/?token=" + token); r.StatusCode != 200 || hidden(t, r.body, "token") != token {
		t.Fatalf("reset page: %d", r.StatusCode)
	}
	const newPassword = "a new and different passphrase 7"
	r := v.post("/account/reset-password/", url.Values{"token": {token}, "new_password": {"password"}, "password_confirm": {"password"}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, `id="f-new_password-error"`) {
		t.Errorf("weak password: %d\n%s", r.StatusCode, r.body)
	}
	r = v.post("/account/reset-password/", url.Values{"token": {token}, "new_password": {newPassword}, "password_confirm": {newPassword}})
	if r.StatusCode != 200 || !strings.Contains(r.body, "Password changed") {
		t.Fatalf("reset: %d\n%s", r.StatusCode, r.body)
	}
	r = v.post("/account/reset-password/", url.Values{"token": {token}, "new_password": {newPassword}, "password_confirm": {newPassword}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("link used twice: %d", r.StatusCode)
	}
	wantRedirect(t, old.get("/manage/account/"), "/account/login/?next=%2Fmanage%2Faccount%2F")
	if r := v.login("bob", testPassword, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password: %d", r.StatusCode)
	}
	wantRedirect(t, v.login("bob", newPassword, ""), "/manage/account/")
}

func TestChangePassword(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v, other := ix.visitor(t), ix.visitor(t)
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	wantRedirect(t, other.login("bob", testPassword, ""), "/manage/account/")
	before := v.session()
	const newPassword = "a new and different passphrase 7"
	form := url.Values{"password": {"wrong"}, "new_password": {newPassword}, "password_confirm": {newPassword}}
	if r := v.post("/manage/account/password/", form); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, `id="f-password-error"`) {
		t.Errorf("wrong current password: %d", r.StatusCode)
	}
	// Out of sudo mode, the change asks for the password first.
	ix.clock.Advance(31 * time.Minute)
	form.Set("password", testPassword)
	wantRedirect(t, v.post("/manage/account/password/", form), "/account/confirm-password/?next=%2Fmanage%2Faccount%2F")
	wantRedirect(t, v.post("/account/confirm-password/", url.Values{"password": {testPassword}, "next": {"/manage/account/"}}), "/manage/account/")
	wantRedirect(t, v.post("/manage/account/password/", form), "/manage/account/?done=password")
	if after := v.session(); after == before || after == "" {
		t.Error("session id unchanged by a password change")
	}
	wantRedirect(t, other.get("/manage/account/"), "/account/login/?next=%2Fmanage%2Faccount%2F")
}

func TestTOTPLogin(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	key, codes := enrolTOTP(t, v, "bob")
	if r := v.get("/manage/account/two-factor/"); !strings.Contains(r.body, "An authenticator app is set up.") {
		t.Errorf("two-factor page does not list TOTP")
	}
	v.logout()

	// The password step leads to the second factor, with next kept.
	wantRedirect(t, v.login("bob", testPassword, "/help/"), "/account/two-factor/?next=%2Fhelp%2F")
	if v.session() != "" {
		t.Fatal("logged in before the second factor")
	}
	if v.cookie("/account/two-factor/", pendingCookie) == "" {
		t.Fatal("no pending cookie")
	}
	r := v.get("/account/two-factor/?next=%2Fhelp%2F")
	if r.StatusCode != 200 || !strings.Contains(r.body, `autocomplete="one-time-code"`) || !strings.Contains(r.body, `href="/account/recovery-code/?next=%2fhelp%2f"`) {
		t.Fatalf("two-factor page: %d\n%s", r.StatusCode, r.body)
	}
	// The code the enrolment used is spent: a replay is refused.
	r = v.post("/account/two-factor/", url.Values{"totp_value": {totpCode(t, ix, key)}, "next": {"/help/"}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "The code is invalid. Try again.") {
		t.Fatalf("replayed enrolment code: %d\n%s", r.StatusCode, r.body)
	}
	waitStep(ix)
	code := totpCode(t, ix, key)
	wantRedirect(t, v.post("/account/two-factor/", url.Values{"totp_value": {code}, "next": {"/help/"}, "remember_device": {"1"}}), "/help/")
	if v.session() == "" {
		t.Fatal("no session after the second factor")
	}
	if v.cookie("/account/login/", rememberCookie) == "" {
		t.Error("device not remembered")
	}

	// The same code again, in another browser, is a replay.
	w := ix.visitor(t)
	wantRedirect(t, w.login("bob", testPassword, ""), "/account/two-factor/?next=%2Fmanage%2Faccount%2F")
	if r := w.post("/account/two-factor/", url.Values{"totp_value": {code}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("replayed code: %d", r.StatusCode)
	}

	// The remembered device skips the second factor.
	v.logout()
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")

	// A recovery code works once.
	u := ix.visitor(t)
	wantRedirect(t, u.login("bob", testPassword, ""), "/account/two-factor/?next=%2Fmanage%2Faccount%2F")
	if r := u.get("/account/recovery-code/"); r.StatusCode != 200 {
		t.Fatalf("recovery page: %d", r.StatusCode)
	}
	wantRedirect(t, u.post("/account/recovery-code/", url.Values{"recovery_code_value": {codes[0]}}), "/manage/account/")
	u2 := ix.visitor(t)
	wantRedirect(t, u2.login("bob", testPassword, ""), "/account/two-factor/?next=%2Fmanage%2Faccount%2F")
	r = u2.post("/account/recovery-code/", url.Values{"recovery_code_value": {codes[0]}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "The recovery code is invalid or was used already.") {
		t.Errorf("reused recovery code: %d\n%s", r.StatusCode, r.body)
	}
	if u2.session() != "" {
		t.Error("logged in with a used recovery code")
	}
}

func TestPendingLoginExpires(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	key, _ := enrolTOTP(t, v, "bob")
	v.logout()
	wantRedirect(t, v.login("bob", testPassword, ""), "/account/two-factor/?next=%2Fmanage%2Faccount%2F")
	ix.clock.Advance(6 * time.Minute)
	r := v.post("/account/two-factor/", url.Values{"totp_value": {totpCode(t, ix, key)}})
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "Your login has expired") {
		t.Errorf("expired pending login: %d\n%s", r.StatusCode, r.body)
	}
	if r := ix.visitor(t).get("/account/two-factor/"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no pending login: %d", r.StatusCode)
	}
}

func TestRequire2FAAll(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true, Require2FA: "all"})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	for _, path := range []string{"/manage/account/"} {
		wantRedirect(t, v.get(path), "/manage/account/two-factor/")
	}
	wantRedirect(t, v.post("/manage/account/logout-others/", nil), "/manage/account/two-factor/")
	r := v.get("/manage/account/two-factor/")
	if r.StatusCode != 200 || !strings.Contains(r.body, "This index requires two-factor authentication.") {
		t.Fatalf("two-factor page: %d\n%s", r.StatusCode, r.body)
	}
	for _, path := range []string{"/manage/account/recovery-codes/", "/manage/account/totp-provision/"} {
		if r := v.get(path); r.StatusCode != 200 {
			t.Errorf("%s: %d", path, r.StatusCode)
		}
	}
	// Adding TOTP before proving recovery codes is refused, with the reason.
	r = v.get("/manage/account/totp-provision/")
	key, state := hidden(t, r.body, "secret"), hidden(t, r.body, "state")
	r = v.post("/manage/account/totp-provision/", url.Values{"state": {state}, "secret": {key}, "totp_value": {totpCode(t, ix, key)}})
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "Generate recovery codes and enter one of them back") {
		t.Errorf("TOTP before recovery codes: %d\n%s", r.StatusCode, r.body)
	}
	v.logout()
	enrolTOTP(t, v, "bob")
	if r := v.get("/manage/account/"); r.StatusCode != 200 {
		t.Errorf("account page after setup: %d", r.StatusCode)
	}
	// The last second factor cannot go while the policy requires one.
	r = v.post("/manage/account/totp/remove/", nil)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "add another second factor before removing your last one") {
		t.Errorf("removing the last factor: %d\n%s", r.StatusCode, r.body)
	}
}

func TestRecoveryCodesRegenerateNeedsFreshSudo(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	enrolTOTP(t, v, "bob")
	ix.clock.Advance(2 * time.Minute)
	wantRedirect(t, v.post("/manage/account/recovery-codes/", url.Values{"action": {"generate"}}),
		"/account/confirm-password/?next=%2Fmanage%2Faccount%2Frecovery-codes%2F")
	r := v.get("/manage/account/recovery-codes/")
	if !strings.Contains(r.body, "You have 7 unused recovery codes.") {
		t.Errorf("status line missing:\n%s", r.body)
	}
}

func TestRemoveTOTP(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	enrolTOTP(t, v, "bob")
	wantRedirect(t, v.post("/manage/account/totp/remove/", nil), "/manage/account/two-factor/?done=removed")
	v.logout()
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
}

func TestChangeEmail(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	v := ix.visitor(t)
	wantRedirect(t, v.login("bob", testPassword, ""), "/manage/account/")
	if r := v.post("/manage/account/email/", url.Values{"email": {"nope"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, `id="f-email-error"`) {
		t.Errorf("bad address: %d", r.StatusCode)
	}
	wantRedirect(t, v.post("/manage/account/email/", url.Values{"email": {"bob@new.example"}}), "/manage/account/?done=email")
	if r := v.get("/manage/account/?done=email"); !strings.Contains(r.body, "bob@new.example") {
		t.Errorf("pending address not shown")
	}
	token := ix.mail.link(t, "/account/verify-email/")
	if r := v.post("/account/verify-email/", url.Values{"token": {token}}); r.StatusCode != 200 {
		t.Fatalf("verify: %d", r.StatusCode)
	}
	if r := v.get("/manage/account/"); !strings.Contains(r.body, "Your email address is bob@new.example.") {
		t.Errorf("address not changed")
	}
}

// TestAccountPagesInEveryLocale renders the account pages in every
// locale: no message id or placeholder shows, and nothing inline.
func TestAccountPagesInEveryLocale(t *testing.T) {
	ix := newTestIndex(t, indexConfig{Accounts: true})
	ix.addUser(t, "bob")
	logged := ix.visitor(t)
	wantRedirect(t, logged.login("bob", testPassword, ""), "/manage/account/")
	pages := []struct {
		path   string
		v      *visitor
		status int
	}{
		{"/account/login/", ix.visitor(t), 200},
		{"/account/register/", ix.visitor(t), 200},
		{"/account/request-password-reset/", ix.visitor(t), 200},
		{"/account/reset-password/?token=x", ix.visitor(t), 200},
		{"/account/verify-email/?token=x", ix.visitor(t), 200},
		{"/account/two-factor/", ix.visitor(t), 401},
		{"/account/logout/", logged, 200},
		{"/account/confirm-password/", logged, 200},
		{"/manage/account/", logged, 200},
		{"/manage/account/two-factor/", logged, 200},
		{"/manage/account/recovery-codes/", logged, 200},
		{"/manage/account/totp-provision/", logged, 200},
	}
	ids := regexpAccountLeftover
	for _, l := range ix.srv.ui.bundle.Locales() {
		for _, p := range pages {
			t.Run(l.ID()+p.path, func(t *testing.T) {
				req, _ := http.NewRequest("GET", ix.ts.URL+p.path, nil)
				req.Header.Set("Accept-Language", l.ID())
				r := p.v.do(req)
				if r.StatusCode != p.status {
					t.Fatalf("status %d", r.StatusCode)
				}
				checkLocalized(t, l, r, ids)
			})
		}
	}
}

func TestSecureCookieAndRoutesOff(t *testing.T) {
	// Without the accounts use case the pages are not served.
	ix := newTestIndex(t, indexConfig{})
	if resp, _ := ix.get(t, "/account/login/", "Accept", "text/html"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("login without accounts: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", ix.ts.URL+"/account/login/", bytes.NewReader(nil))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := ix.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
}
