package browser

import (
	"embed"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

//go:embed testdata
var testdata embed.FS

// serve starts a test server on loopback and returns its origin spelled
// http://localhost:PORT, the one spelling WebAuthn accepts on plain HTTP.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(h)
	s.Listener.Close()
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
	return fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
}

// fixtures serves testdata, with a Content-Security-Policy as strict as
// wharf's on every page except foreign.html (whose point is to make the browser
// try third-party requests, which the policy would stop first), and
// /echo, which shows a posted field and the request's Accept-Language and
// sets a cookie.
func fixtures() http.Handler {
	mux := http.NewServeMux()
	files := http.FileServerFS(testdata)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/foreign.html") {
			w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'")
		}
		r.URL.Path = "/testdata" + r.URL.Path
		files.ServeHTTP(w, r)
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: url.QueryEscape(r.PostFormValue("q")), Path: "/", HttpOnly: true})
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Echo</title><main><h1>Echo</h1>`+
			`<p id="q">%s</p><p id="lang">%s</p></main></html>`,
			html.EscapeString(r.PostFormValue("q")), html.EscapeString(r.Header.Get("Accept-Language")))
	})
	return mux
}

// TestBrowser runs the harness's self-tests on one Chromium: starting it
// takes a second or more, far longer than any page here.
func TestBrowser(t *testing.T) {
	b := Start(t)
	origin := serve(t, fixtures())
	tests := []struct {
		name string
		run  func(t *testing.T, b *Browser, origin string)
	}{
		{"accessible page passes axe under a strict CSP", testAccessible},
		{"unlabelled input and low contrast fail axe", testInaccessible},
		{"third-party requests are blocked and reported", testForeign},
		{"forms, cookies and request headers", testForm},
		{"security key registers and asserts", testWebAuthn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, b, origin)
		})
	}
}

func testAccessible(t *testing.T, b *Browser, origin string) {
	p := b.NewPage(t, origin)
	if status := p.Navigate(origin + "/accessible.html"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	p.RunAxe(t)
	// Running twice reuses the injected script.
	if v := p.Axe(); len(v) != 0 {
		t.Errorf("second run: %v", RuleIDs(v))
	}
	// Chromium may or may not have asked for /favicon.ico by now.
	if got := p.Requests(); len(got) == 0 || got[0] != origin+"/accessible.html" || len(p.Foreign()) != 0 {
		t.Errorf("requests %q, want the page first and nothing elsewhere", got)
	}
}

func testInaccessible(t *testing.T, b *Browser, origin string) {
	p := b.NewPage(t, origin)
	p.Navigate(origin + "/inaccessible.html")
	v := p.Axe()
	got := RuleIDs(v)
	slices.Sort(got)
	if want := []string{"color-contrast", "label"}; !slices.Equal(got, want) {
		t.Fatalf("violations %q, want %q:\n%s", got, want, FormatViolations(v))
	}
	text := FormatViolations(v)
	for _, want := range []string{"label (critical)", "color-contrast (serious)", "  - input", "  - p", "dequeuniversity.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
}

// errorRecorder keeps the errors that a harness reports to its test,
// so a test can check that the harness would have failed it.
type errorRecorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func testForeign(t *testing.T, b *Browser, origin string) {
	// A second server on localhost, which the host resolver lets through,
	// shows that the blocker stops requests rather than only noting them.
	var hits atomic.Int32
	elsewhere := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	// The address is loopback on purpose: had the blocker failed, the
	// request would still not have left the machine.
	want := []string{elsewhere + "/beacon", "http://127.0.0.1:9/y.png", "http://example.invalid/x.png",
		"https://fonts.example.invalid/remote.woff2"}
	slices.Sort(want)
	var rec *errorRecorder
	t.Run("page", func(t *testing.T) {
		rec = &errorRecorder{TB: t}
		p := b.NewPage(rec, origin)
		p.Navigate(origin + "/foreign.html")
		// The font is requested once the styled text is laid out.
		p.WaitVisible(".fancy")
		var fontsReady bool
		p.Eval(`document.fonts.ready.then(() => true)`, &fontsReady)
		var beacon string
		p.Eval(`fetch("`+elsewhere+`/beacon", {mode: "no-cors"}).then(() => "sent", () => "blocked")`, &beacon)
		if beacon != "blocked" {
			t.Errorf("fetch to another origin: %s, want blocked", beacon)
		}
		got := p.Foreign()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("foreign requests %q, want %q (all: %q)", got, want, p.Requests())
		}
	})
	if n := hits.Load(); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
	if len(rec.errs) != 1 {
		t.Fatalf("the harness reported %d errors, want 1: %q", len(rec.errs), rec.errs)
	}
	for _, u := range want {
		if !strings.Contains(rec.errs[0], u) {
			t.Errorf("the report does not name %s:\n%s", u, rec.errs[0])
		}
	}
}

func testForm(t *testing.T, b *Browser, origin string) {
	p := b.NewPage(t, origin)
	p.SetHeaders(map[string]string{"Accept-Language": "fa"})
	p.SetCookie("_LOCALE_", "fa")
	p.Navigate(origin + "/accessible.html")
	p.Fill("#q", "wharf-ä")
	p.Click("button[type=submit]")
	p.WaitVisible("#q")
	if got := p.Text("#q"); got != "wharf-ä" {
		t.Errorf("echoed %q", got)
	}
	if got := p.Text("#lang"); got != "fa" {
		t.Errorf("Accept-Language %q, want fa", got)
	}
	cookies := map[string]string{}
	for _, c := range p.Cookies() {
		cookies[c.Name] = c.Value
	}
	if cookies["seen"] != url.QueryEscape("wharf-ä") || cookies["_LOCALE_"] != "fa" {
		t.Errorf("cookies %v", cookies)
	}
}

func testWebAuthn(t *testing.T, b *Browser, origin string) {
	p := b.NewPage(t, origin)
	id := p.AddVirtualAuthenticator()
	p.Navigate(origin + "/webauthn.html")
	p.Click("#register")
	waitStatus(t, p, "registered public-key internal")
	creds := p.Credentials(id)
	if len(creds) != 1 {
		t.Fatalf("%d credentials, want 1", len(creds))
	}
	c := creds[0]
	if c.RpID != "localhost" || !c.IsResidentCredential || string(c.UserHandle) != "user-1" {
		t.Errorf("credential rp %q resident %v user %q", c.RpID, c.IsResidentCredential, c.UserHandle)
	}
	p.Eval(`document.getElementById("status").textContent = ""`, nil)
	p.Click("#login")
	waitStatus(t, p, "asserted user-verified=true")
	if after := p.Credentials(id); len(after) != 1 || after[0].SignCount <= c.SignCount {
		t.Errorf("the sign count did not grow with the assertion: %v then %v", c.SignCount, after[0].SignCount)
	}
	p.RemoveVirtualAuthenticator(id)
}

// waitStatus waits for #status to read want, failing early on an error.
func waitStatus(t *testing.T, p *Page, want string) {
	t.Helper()
	var got string
	p.Eval(`new Promise((resolve, reject) => {
	  const s = document.getElementById("status");
	  const check = () => s.textContent !== "" && resolve(s.textContent);
	  new MutationObserver(check).observe(s, {childList: true, characterData: true, subtree: true});
	  check();
	  setTimeout(() => reject(new Error("no status within 10s")), 10000);
	})`, &got)
	if got != want {
		t.Fatalf("status %q, want %q", got, want)
	}
}
