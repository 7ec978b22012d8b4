package web

import (
	"context"
	"encoding/base32"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"wharf"
	"wharf/auth/totp"
	"wharf/i18n"
)

// mailbox is a wharf.Mailer that keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	msgs []wharf.Message
}

func (m *mailbox) Send(_ context.Context, msg wharf.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// link returns the token of the last mailed link to path, failing the
// test when there is none.
func (m *mailbox) link(t *testing.T, path string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	re := regexp.MustCompile(regexp.QuoteMeta(path) + `\?token=([A-Za-z0-9_-]+)`)
	for i := len(m.msgs) - 1; i >= 0; i-- {
		if sm := re.FindStringSubmatch(m.msgs[i].Text); sm != nil {
			return sm[1]
		}
	}
	t.Fatalf("no mail links to %s", path)
	return ""
}

// testPassword is the password of the accounts tests make.
const testPassword = "correct horse battery staple 42"

// addUser makes an account that can log in.
func (ix *testIndex) addUser(t *testing.T, name string) *wharf.User {
	t.Helper()
	u, err := ix.accounts.CreateUser(t.Context(), wharf.Actor{UserName: "test"}, name, name+"@example.org", false, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// visitor is a browser: it keeps cookies and does not follow redirects.
type visitor struct {
	t  *testing.T
	ix *testIndex
	c  *http.Client
}

func (ix *testIndex) visitor(t *testing.T) *visitor {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := ix.client()
	c.Jar = jar
	return &visitor{t: t, ix: ix, c: c}
}

// reply is a response with its body read.
type reply struct {
	*http.Response
	body string
}

func (v *visitor) do(req *http.Request) reply {
	v.t.Helper()
	req.Header.Set("Accept", "text/html")
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	return reply{resp, string(b)}
}

func (v *visitor) get(path string) reply {
	v.t.Helper()
	req, err := http.NewRequest("GET", v.ix.ts.URL+path, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(req)
}

// post sends a form as a browser on this site would, with its Origin.
func (v *visitor) post(path string, form url.Values) reply {
	v.t.Helper()
	req, err := http.NewRequest("POST", v.ix.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", v.ix.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return v.do(req)
}

// cookie returns the value of the visitor's cookie name for path.
func (v *visitor) cookie(path, name string) string {
	u, _ := url.Parse(v.ix.ts.URL + path)
	for _, c := range v.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (v *visitor) session() string { return v.cookie("/", sessionCookie) }

// login posts the password step and returns the reply.
func (v *visitor) login(name, pw, next string) reply {
	v.t.Helper()
	f := url.Values{"username": {name}, "password": {pw}}
	if next != "" {
		f.Set("next", next)
	}
	return v.post("/account/login/", f)
}

// wantRedirect fails unless r is a 303 to location.
func wantRedirect(t *testing.T, r reply, location string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != location {
		t.Fatalf("got %d to %q, want 303 to %q\n%s", r.StatusCode, r.Header.Get("Location"), location, r.body)
	}
}

// hidden returns the value of the page's hidden field name.
func hidden(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input type="hidden" name="` + name + `" value="([^"]*)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no hidden field %s in\n%s", name, page)
	}
	return html.UnescapeString(m[1])
}

// totpCode computes the code of the page's grouped key at the index's
// time, as the user's app would.
func totpCode(t *testing.T, ix *testIndex, key string) string {
	t.Helper()
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ReplaceAll(key, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return totp.Code(secret, totp.Step(ix.clock.Now()))
}

var recoveryCodeRE = regexp.MustCompile(`<li><code>([0-9a-f]{16})</code></li>`)

// enrolTOTP logs v in as name, generates and proves recovery codes, adds
// TOTP and returns the grouped key and the unused recovery codes.
func enrolTOTP(t *testing.T, v *visitor, name string) (key string, codes []string) {
	t.Helper()
	wantRedirect(t, v.login(name, testPassword, ""), "/manage/account/")
	r := v.post("/manage/account/recovery-codes/", url.Values{"action": {"generate"}})
	if r.StatusCode != 200 || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("generate: %d, Cache-Control %q", r.StatusCode, r.Header.Get("Cache-Control"))
	}
	for _, m := range recoveryCodeRE.FindAllStringSubmatch(r.body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 8 {
		t.Fatalf("%d recovery codes shown", len(codes))
	}
	wantRedirect(t, v.post("/manage/account/recovery-codes/", url.Values{"action": {"confirm"}, "recovery_code_value": {codes[0]}}),
		"/manage/account/two-factor/?done=recovery")
	r = v.get("/manage/account/totp-provision/")
	if r.StatusCode != 200 || !strings.Contains(r.body, `<div class="qr" role="img"`) || !strings.Contains(r.body, "<svg") {
		t.Fatalf("provision page: %d\n%s", r.StatusCode, r.body)
	}
	key = hidden(t, r.body, "secret")
	state := hidden(t, r.body, "state")
	bad := v.post("/manage/account/totp-provision/", url.Values{"state": {state}, "secret": {key}, "totp_value": {"000000"}})
	if bad.StatusCode != http.StatusBadRequest || !strings.Contains(bad.body, `aria-invalid="true" aria-describedby="f-totp_value-error"`) {
		t.Errorf("wrong first code: %d\n%s", bad.StatusCode, bad.body)
	}
	wantRedirect(t, v.post("/manage/account/totp-provision/", url.Values{"state": {state}, "secret": {key}, "totp_value": {totpCode(t, v.ix, key)}}),
		"/manage/account/two-factor/?done=totp")
	return key, codes[1:]
}

// logout ends v's session through the form.
func (v *visitor) logout() {
	v.t.Helper()
	wantRedirect(v.t, v.post("/account/logout/", nil), "/")
}

// waitStep moves the index's clock to the next TOTP time step.
func waitStep(ix *testIndex) { ix.clock.Advance(totp.Period) }

// regexpAccountLeftover finds message ids and placeholders left in a page.
var regexpAccountLeftover = regexp.MustCompile(`\b(account|manage|layout|error)\.[a-z_]+\b|\{[a-z0-9_]+\}`)

// checkLocalized checks a page served in locale l: its <html lang dir> is
// the locale's, no message id or placeholder is left over (leftover
// matches them), and it has no inline script or style, which the CSP
// would block.
func checkLocalized(t *testing.T, l *i18n.Localizer, r reply, leftover *regexp.Regexp) {
	t.Helper()
	if !strings.Contains(r.body, `<html lang="`+l.ID()+`" dir="`+l.Dir()+`">`) {
		t.Error("wrong html lang")
	}
	if m := leftover.FindString(r.body); m != "" {
		t.Errorf("page shows %q", m)
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, "style=") {
		t.Error("inline script or style")
	}
}

// needChromium lets a developer leave out the browser tests with
// go test -short; in CI (CI=true) they always run, so that a missing
// browser fails them instead of passing quietly.
func needChromium(t *testing.T) {
	t.Helper()
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("starts Chromium; run without -short")
	}
}
