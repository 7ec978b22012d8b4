package e2e

import (
	"encoding/base32"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"

	"wharf/auth/totp"
	"wharf/internal/browser"
	"wharf/internal/smtptest"
)

// accountFlow is what the steps of TestBrowserAccounts share: one tab,
// whose cookie jar carries the session from step to step, the server, the
// mail it sent, and the second factors as the test learned them.
type accountFlow struct {
	t      *testing.T
	s      *server
	mail   mailbox
	p      *browser.Page
	origin string // http://localhost:PORT

	secret   []byte // the TOTP key, read from the setup page
	lastStep int64  // the last TOTP time step the server accepted
	lastCode string
	recovery []string // the recovery codes, as the page showed them
	keyID    webauthn.AuthenticatorID
}

// The account the flow makes. The password passes the strength rules
// with the name and address as context.
const (
	flowUser     = "alice"
	flowEmail    = "alice@example.com"
	flowPassword = "violet-anchor-drifts-9-quietly"
	flowKeyLabel = "e2e virtual key"
)

// TestBrowserAccounts goes through issue 3's login with multi-factor
// authentication in headless Chromium, as a person would: register,
// verify the address through the mailed link, set up recovery codes and
// an authenticator app (codes computed here from the key the page
// shows), log in with password and TOTP, see a replayed TOTP code
// refused, log in with a recovery code, add a security key with the
// DevTools virtual authenticator and log in with it, and see a used
// recovery code refused. The pages it passes through are checked with
// axe-core, the login and management pages in Persian as well, and the
// audit records are read from the database afterwards.
//
// The steps share one tab and so run in order in one test: the page's
// methods fail the test they were opened for, which subtests would not
// be.
func TestBrowserAccounts(t *testing.T) {
	t.Parallel()
	b := browser.Start(t)
	f := startAccountFlow(t, b)

	steps := []struct {
		name string
		run  func()
	}{
		{"register and verify the email", f.register},
		{"recovery codes and TOTP set up", f.setUpTOTP},
		{"log in with password and TOTP", f.loginWithTOTP},
		{"a replayed TOTP code is refused; a recovery code logs in", f.replayThenRecovery},
		{"add a security key and log in with it", f.securityKey},
		{"a used recovery code is refused; an unused one logs in", f.reuseRecovery},
		{"login and management pages in Persian", f.persian},
	}
	for _, st := range steps {
		start := time.Now()
		st.run()
		t.Logf("step %q took %s", st.name, time.Since(start).Round(time.Millisecond))
		if t.Failed() {
			t.Fatalf("stopping after the step %q failed", st.name)
		}
	}
	if foreign := f.p.Foreign(); len(foreign) > 0 {
		t.Errorf("the pages requested other origins: %q", foreign)
	}
	f.checkMail()
	f.s.stop()
	f.checkAudit()
}

// startAccountFlow starts a test SMTP server and wharf mailing through it,
// served as http://localhost:PORT (the one spelling WebAuthn accepts on
// plain HTTP), and opens a tab on it in English.
func startAccountFlow(t *testing.T, b *browser.Browser) *accountFlow {
	t.Helper()
	smtp := smtptest.Start(t)
	addr := freeAddr(t)
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://localhost:" + port
	cfg := filepath.Join(t.TempDir(), "wharf.toml")
	toml := fmt.Sprintf("[mail]\nsmtp_host = %q\nsmtp_port = %d\nsmtp_tls = \"none\"\nfrom = \"wharf@localhost\"\n",
		smtp.Host(), smtp.Port())
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServerOn(t, t.TempDir(), addr, "--config", cfg, "--base-url", origin)
	p := b.NewPage(t, origin)
	p.SetHeaders(map[string]string{"Accept-Language": "en-US,en;q=0.9"})
	return &accountFlow{t: t, s: s, mail: mailbox{t: t, srv: smtp}, p: p, origin: origin}
}

// open loads path and fails unless it is served with 200 at want (the
// path and query after redirects; "" means path itself).
func (f *accountFlow) open(path, want string) {
	f.t.Helper()
	if status := f.p.Navigate(f.origin + path); status != http.StatusOK {
		f.t.Fatalf("GET %s: status %d", path, status)
	}
	if want == "" {
		want = path
	}
	if got := f.location(); got != want {
		f.t.Fatalf("GET %s ended at %s, want %s", path, got, want)
	}
}

// location is the path and query of the page the tab shows.
func (f *accountFlow) location() string {
	f.t.Helper()
	var loc string
	f.p.Eval(`location.pathname + location.search`, &loc)
	return loc
}

// status is the HTTP status the tab's document was served with.
func (f *accountFlow) status() int {
	f.t.Helper()
	var status int
	f.p.Eval(`performance.getEntriesByType("navigation")[0].responseStatus`, &status)
	return status
}

// leave marks the document the tab shows, so that a wait for the next
// page cannot be satisfied by this one.
func (f *accountFlow) leave() {
	f.t.Helper()
	f.p.Eval(`document.documentElement.dataset.e2eLeft = "1"`, nil)
}

// arrived waits until the next document has loaded (deferred scripts
// included) and returns its path and query.
func (f *accountFlow) arrived() string {
	f.t.Helper()
	f.p.WaitVisible("html:not([data-e2e-left]) main")
	f.p.Eval(`new Promise(r => document.readyState === "complete" ? r(true) : addEventListener("load", () => r(true)))`, nil)
	return f.location()
}

// submit clicks the button that selector names, which sends a form, and
// returns where the browser ended up.
func (f *accountFlow) submit(selector string) string {
	f.t.Helper()
	f.leave()
	f.p.Click(selector)
	return f.arrived()
}

// submitTo is submit failing unless the browser ends at want with 200.
func (f *accountFlow) submitTo(selector, want string) {
	f.t.Helper()
	got := f.submit(selector)
	if got != want || f.status() != http.StatusOK {
		f.t.Fatalf("after %s: at %s (status %d), want %s; the page says: %s", selector, got, f.status(), want, f.mainText())
	}
}

// mainText is the text of the page's main element, for failure messages.
func (f *accountFlow) mainText() string {
	f.t.Helper()
	return strings.Join(strings.Fields(f.p.Text("main")), " ")
}

// sudo confirms the password when a management page asked for it, and
// returns where the browser went next.
func (f *accountFlow) sudo(loc string) string {
	f.t.Helper()
	if !strings.HasPrefix(loc, "/account/confirm-password/") {
		return loc
	}
	f.axe()
	f.p.Fill("#f-password", flowPassword)
	return f.submit("form[action$='/account/confirm-password/'] button[type=submit]")
}

// refused checks that the page shows a refused second factor: status
// want, the error summary linking to field and the field marked invalid.
func (f *accountFlow) refused(field string, want int) {
	f.t.Helper()
	if got := f.status(); got != want {
		f.t.Errorf("status %d, want %d", got, want)
	}
	var shown struct{ Summary, Invalid bool }
	f.p.Eval(fmt.Sprintf(`({summary: document.querySelector('.error-summary a[href="#f-%[1]s"]') !== null,
		invalid: document.querySelector('#f-%[1]s[aria-invalid="true"]') !== null})`, field), &shown)
	if !shown.Summary || !shown.Invalid {
		f.t.Errorf("the refusal is not shown on %s (summary %v, field %v): %s", field, shown.Summary, shown.Invalid, f.mainText())
	}
	f.t.Logf("refused: %s", f.p.Text(".error-summary"))
}

// register makes the account, opens the mailed verification link and
// checks that the account page then shows the address verified.
func (f *accountFlow) register() {
	f.open("/account/register/", "")
	f.axe()
	f.p.Fill("#f-username", flowUser)
	f.p.Fill("#f-email", flowEmail)
	f.p.Fill("#f-new_password", flowPassword)
	f.p.Fill("#f-password_confirm", flowPassword)
	f.submitTo("form[action$='/account/register/'] button[type=submit]", "/manage/account/")
	if !f.hasElement(".badge.warn") {
		f.t.Errorf("a new account's address is not shown unverified: %s", f.mainText())
	}
	f.axe()

	link := f.mail.find(flowEmail, regexp.MustCompile(`(https?://\S+/account/verify-email/\?token=\S+)`))
	if !strings.HasPrefix(link, f.origin+"/") {
		f.t.Fatalf("the verification link %s is not on %s", link, f.origin)
	}
	f.open(strings.TrimPrefix(link, f.origin), "")
	f.axe()
	f.submitTo("form[action$='/account/verify-email/'] button[type=submit]", "/account/verify-email/")
	f.axe()
	f.open("/manage/account/", "")
	if f.hasElement(".badge.warn") || !f.hasElement(".badge") {
		f.t.Errorf("after the link the address is not shown verified: %s", f.mainText())
	}
}

// knownAccountAxe are axe rules that an account page breaks today, by
// path, so that the test passes while the fix is on its way and fails on
// anything new. Each entry needs a TODO naming its fix.
var knownAccountAxe = map[string][]string{}

// axe runs axe-core on the page and fails on any violation but the known
// ones of its path, which are logged.
func (f *accountFlow) axe() {
	f.t.Helper()
	var path string
	f.p.Eval(`location.pathname`, &path)
	var unexpected []browser.Violation
	for _, v := range f.p.Axe() {
		if slices.Contains(knownAccountAxe[path], v.ID) {
			f.t.Logf("known violation on %s (TODO): %s", path, v.ID)
			continue
		}
		unexpected = append(unexpected, v)
	}
	if len(unexpected) > 0 {
		f.t.Errorf("axe-core found %d violations on %s:\n%s", len(unexpected), f.location(), browser.FormatViolations(unexpected))
	}
}

// hasElement reports whether the page has an element selector names.
func (f *accountFlow) hasElement(selector string) bool {
	f.t.Helper()
	var ok bool
	f.p.Eval(fmt.Sprintf(`document.querySelector(%q) !== null`, selector), &ok)
	return ok
}

// setUpTOTP generates recovery codes, enters one back (as a user must
// before a first second factor), and adds an authenticator app with a
// code computed from the key the page shows.
func (f *accountFlow) setUpTOTP() {
	f.open("/manage/account/two-factor/", "")
	f.axe()
	f.open("/manage/account/recovery-codes/", "")
	f.axe()
	const generate = "form:has(input[name=action][value=generate]) button[type=submit]"
	if loc := f.sudo(f.submit(generate)); loc != "/manage/account/recovery-codes/" {
		f.t.Fatalf("generating recovery codes ended at %s: %s", loc, f.mainText())
	}
	if len(f.recovery) == 0 {
		f.p.Eval(`Array.from(document.querySelectorAll(".recovery-codes code"), c => c.textContent.trim())`, &f.recovery)
	}
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	if len(f.recovery) != 8 {
		f.t.Fatalf("%d recovery codes shown, want 8: %s", len(f.recovery), f.mainText())
	}
	for _, c := range f.recovery {
		if !hex16.MatchString(c) {
			f.t.Errorf("recovery code %q is not 16 hex characters", c)
		}
	}
	f.axe()
	f.p.Fill("#f-recovery_code_value", f.recovery[0])
	f.submitTo("form:has(input[name=action][value=confirm]) button[type=submit]", "/manage/account/two-factor/?done=recovery")

	f.open("/manage/account/totp-provision/", "")
	if loc := f.location(); loc != "/manage/account/totp-provision/" {
		f.sudo(loc)
	}
	if !f.hasElement(".qr svg") {
		f.t.Errorf("the TOTP setup page shows no QR code")
	}
	f.axe()
	key := strings.ReplaceAll(f.p.Text(".totp-key"), " ", "")
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(key))
	if err != nil || len(secret) < 16 {
		f.t.Fatalf("the TOTP key %q shown does not decode to a secret of at least 128 bits: %v", key, err)
	}
	f.secret = secret
	step := totp.Step(time.Now())
	f.p.Fill("#f-totp_value", totp.Code(secret, step))
	f.submitTo("form[action$='/manage/account/totp-provision/'] button[type=submit]", "/manage/account/two-factor/?done=totp")
	f.lastStep = step
	f.axe()
}

// logout ends the session through the logout page's button and checks
// that a management page then asks for a login.
func (f *accountFlow) logout() {
	f.t.Helper()
	f.open("/account/logout/", "")
	f.submitTo("form[action$='/account/logout/'] button[type=submit]", "/")
	f.open("/manage/account/", "/account/login/?next=%2Fmanage%2Faccount%2F")
}

// loginPassword logs in with the password and expects the second-factor
// page.
func (f *accountFlow) loginPassword() {
	f.t.Helper()
	f.open("/account/login/", "")
	f.p.Fill("#f-username", flowUser)
	f.p.Fill("#f-password", flowPassword)
	if loc := f.submit("form[action$='/account/login/'] button[type=submit]"); !strings.HasPrefix(loc, "/account/two-factor/") {
		f.t.Fatalf("the password step ended at %s, want the second-factor page: %s", loc, f.mainText())
	}
}

// loggedIn checks that the account page opens, as only a logged-in user
// sees it.
func (f *accountFlow) loggedIn() {
	f.t.Helper()
	f.open("/manage/account/", "")
	if text := f.mainText(); !strings.Contains(text, flowEmail) {
		f.t.Errorf("the account page does not show %s: %s", flowEmail, text)
	}
}

// nextTOTP returns the code of the first time step after the last one the
// server accepted. That step is never more than one ahead of now, which
// the server allows for a clock running fast.
func (f *accountFlow) nextTOTP() (code string, step int64) {
	step = max(f.lastStep+1, totp.Step(time.Now()))
	return totp.Code(f.secret, step), step
}

// loginWithTOTP logs out and in again with the password and a TOTP code.
func (f *accountFlow) loginWithTOTP() {
	f.logout()
	f.loginPassword()
	f.axe()
	code, step := f.nextTOTP()
	f.p.Fill("#f-totp_value", code)
	f.submitTo("form[action$='/account/two-factor/'] button[type=submit]", "/manage/account/")
	f.lastStep, f.lastCode = step, code
	f.loggedIn()
}

// replayThenRecovery logs out, logs in with the password and sends the
// TOTP code that was just accepted: the server refuses every code at or
// before the last accepted time step. The same pending login then goes
// on with a recovery code.
func (f *accountFlow) replayThenRecovery() {
	f.logout()
	f.loginPassword()
	f.p.Fill("#f-totp_value", f.lastCode)
	if loc := f.submit("form[action$='/account/two-factor/'] button[type=submit]"); !strings.HasPrefix(loc, "/account/two-factor/") {
		f.t.Fatalf("a replayed TOTP code ended at %s: %s", loc, f.mainText())
	}
	f.refused("totp_value", http.StatusUnauthorized)
	f.axe()

	f.leave()
	f.p.Click("a[href*='/account/recovery-code/']")
	if loc := f.arrived(); !strings.HasPrefix(loc, "/account/recovery-code/") {
		f.t.Fatalf("the recovery-code link led to %s", loc)
	}
	f.axe()
	f.p.Fill("#f-recovery_code_value", f.recovery[1])
	f.submitTo("form[action$='/account/recovery-code/'] button[type=submit]", "/manage/account/")
	f.loggedIn()
}

// securityKey adds a security key through the provisioning page with the
// DevTools virtual authenticator, then logs out and in with it, checking
// that the key's signature counter rose with the assertion.
func (f *accountFlow) securityKey() {
	f.keyID = f.p.AddVirtualAuthenticator()
	f.open("/manage/account/webauthn-provision/", "")
	if loc := f.location(); loc != "/manage/account/webauthn-provision/" {
		f.sudo(loc)
	}
	f.p.WaitVisible("button[data-webauthn=register]")
	f.axe()
	f.p.Fill("#f-label", flowKeyLabel)
	if loc := f.webauthnClick("button[data-webauthn=register]"); loc != "/manage/account/two-factor/?done=key" {
		f.t.Fatalf("adding the key ended at %s: %s", loc, f.mainText())
	}
	if text := f.p.Text("table.keys"); !strings.Contains(text, flowKeyLabel) {
		f.t.Errorf("the key list does not show %q: %s", flowKeyLabel, text)
	}
	f.axe()
	creds := f.p.Credentials(f.keyID)
	if len(creds) != 1 || creds[0].RpID != "localhost" {
		f.t.Fatalf("the authenticator holds %d credentials (want 1 for localhost): %+v", len(creds), creds)
	}
	before := creds[0].SignCount

	f.logout()
	f.loginPassword()
	f.p.WaitVisible("button[data-webauthn=login]")
	f.axe()
	if loc := f.webauthnClick("button[data-webauthn=login]"); loc != "/manage/account/" {
		f.t.Fatalf("logging in with the key ended at %s: %s", loc, f.mainText())
	}
	f.loggedIn()
	f.axe()
	if after := f.p.Credentials(f.keyID); len(after) != 1 || after[0].SignCount <= before {
		f.t.Errorf("the key's sign count did not rise with the login: %v, then %+v", before, after)
	}
}

// webauthnClick clicks a security-key button, whose script talks to the
// authenticator and the server and then opens the next page, and returns
// where the browser went; if the script reports a failure instead, the
// test fails with its message.
func (f *accountFlow) webauthnClick(selector string) string {
	f.t.Helper()
	f.leave()
	f.p.Click(selector)
	f.p.WaitVisible("html:not([data-e2e-left]) main, .webauthn-status:not(:empty)")
	if f.hasElement("html[data-e2e-left]") {
		f.t.Fatalf("the security-key script failed: %s", f.p.Text(".webauthn-status"))
	}
	return f.arrived()
}

// reuseRecovery logs out and tries the recovery code used before, which
// is refused, then an unused one, which logs in.
func (f *accountFlow) reuseRecovery() {
	f.logout()
	f.loginPassword()
	f.open("/account/recovery-code/", "")
	f.p.Fill("#f-recovery_code_value", f.recovery[1])
	if loc := f.submit("form[action$='/account/recovery-code/'] button[type=submit]"); loc != "/account/recovery-code/" {
		f.t.Fatalf("a used recovery code ended at %s: %s", loc, f.mainText())
	}
	f.refused("recovery_code_value", http.StatusUnauthorized)
	f.axe()
	f.p.Fill("#f-recovery_code_value", f.recovery[2])
	f.submitTo("form[action$='/account/recovery-code/'] button[type=submit]", "/manage/account/")
	f.loggedIn()
}

// persian opens the management pages logged in, and the login and
// second-factor pages, with the Persian locale cookie, checks that they
// are in Persian and right to left and runs axe on each.
func (f *accountFlow) persian() {
	f.p.SetCookie("_LOCALE_", "fa")
	for _, path := range []string{"/manage/account/", "/manage/account/two-factor/", "/manage/account/recovery-codes/"} {
		f.open(path, "")
		f.inPersian()
	}
	f.logout()
	f.open("/account/login/", "")
	f.inPersian()
	f.loginPassword()
	f.inPersian()
	f.p.SetCookie("_LOCALE_", "en")
}

// inPersian checks that the page is in Persian, right to left, and passes
// axe.
func (f *accountFlow) inPersian() {
	f.t.Helper()
	var doc struct{ Lang, Dir string }
	f.p.Eval(`({lang: document.documentElement.lang, dir: document.documentElement.dir})`, &doc)
	if doc.Lang != "fa" || doc.Dir != "rtl" {
		f.t.Errorf("%s: lang %q dir %q, want fa and rtl", f.location(), doc.Lang, doc.Dir)
	}
	f.axe()
}

// checkMail checks the notices the flow should have mailed besides the
// verification link.
func (f *accountFlow) checkMail() {
	subjects := strings.Join(f.mail.subjects(flowEmail), "\n")
	for _, want := range []string{"Two-factor authentication was added", "A security key was added", "A recovery code was used"} {
		if !strings.Contains(subjects, want) {
			f.t.Errorf("no mail %q; subjects:\n%s", want, subjects)
		}
	}
}

// checkAudit reads the audit records of the stopped server: every
// success, addition and use of the flow is there, and the replay and the
// reused code are recorded as failures with their reasons.
func (f *accountFlow) checkAudit() {
	events := userEvents(f.t, f.s.data, flowUser)
	tests := []struct {
		tag     string
		details map[string]any
		atLeast int
	}{
		{"account:email:verified", nil, 1},
		{"account:recovery_codes:generated", nil, 1},
		{"account:two_factor:method_added", map[string]any{"method": "totp"}, 1},
		{"account:two_factor:method_added", map[string]any{"method": "webauthn", "label": flowKeyLabel}, 1},
		{"account:login:success", map[string]any{"two_factor_method": "totp"}, 1},
		{"account:login:success", map[string]any{"two_factor_method": "webauthn"}, 1},
		{"account:login:success", map[string]any{"two_factor_method": "recovery"}, 2},
		{"account:recovery_codes:used", nil, 3},
		{"account:login:failure", map[string]any{"reason": "reused_totp"}, 1},
		{"account:login:failure", map[string]any{"reason": "invalid_recovery_code"}, 1},
	}
	for _, tt := range tests {
		if n := countEvents(events, tt.tag, tt.details); n < tt.atLeast {
			f.t.Errorf("%d events %s %v, want at least %d", n, tt.tag, tt.details, tt.atLeast)
		}
	}
	for _, e := range events {
		if e.IP == "" || e.Agent == "" {
			f.t.Errorf("event %s has no IP or user agent: %+v", e.Tag, e)
		}
	}
	if f.t.Failed() {
		for _, e := range events {
			f.t.Logf("event %s %v", e.Tag, e.Details)
		}
	}
}
