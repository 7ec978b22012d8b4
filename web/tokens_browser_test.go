package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"wharf"
	"wharf/internal/browser"
)

// TestTokenPagesInBrowser drives headless Chromium through the token
// pages, in English and Persian: the list and its form, a token made for
// one project with a 30-day expiry and shown once, its copy button, and
// its revocation through the confirmation page. axe-core checks each
// page on the way.
func TestTokenPagesInBrowser(t *testing.T) {
	needChromium(t)
	ix, v := tokenIndex(t)
	b := browser.Start(t)
	// Chromium reaches the server as localhost, as the e2e tests do.
	origin := strings.Replace(ix.ts.URL, "://127.0.0.1:", "://localhost:", 1)
	ix.mail.take() // the mails of setting up
	for _, lang := range []string{"en", "fa"} {
		t.Run(lang, func(t *testing.T) {
			p := b.NewPage(t, origin)
			p.SetHeaders(map[string]string{"Accept-Language": lang})
			// The session of the logged-in visitor: the login flow has
			// its own browser test in e2e.
			p.SetCookie(sessionCookie, v.session())
			if status := p.Navigate(origin + "/manage/account/token/"); status != http.StatusOK {
				t.Fatalf("list: status %d", status)
			}
			p.RunAxe(t)

			name := "browser " + lang
			p.Fill("#f-name", name)
			p.Click("#f-scope-projects")
			p.Click(`input[name="projects"][value="proj-a"]`)
			p.Eval(`document.getElementById("f-expires").value = "30"`, nil)
			p.Click(`form[action="/manage/account/token/"] button[type="submit"]`)
			p.WaitVisible("#new-token")
			raw := strings.TrimSpace(p.Text("#new-token"))
			if !strings.HasPrefix(raw, "wharf-") {
				t.Fatalf("shown token %q", raw)
			}
			p.RunAxe(t)
			checkCopy(t, p, raw)

			tok := tokenNamed(t, ix, name)
			if len(tok.Projects) != 1 || tok.Projects[0] != "proj-a" || tok.Expires.IsZero() {
				t.Errorf("token record %+v", tok)
			}
			wantBrowserEvent(t, ix, "account:api_token:added", map[string]any{"token_id": tok.ID, "description": name,
				"projects": []any{"proj-a"}, "expires": tok.Expires.UTC().Format(time.RFC3339Nano)})
			if m := ix.mail.take(); len(m) != 1 || m[0].Subject != "A new API token was added to your account" || m[0].To[0] != "bob@example.org" {
				t.Errorf("mails after creating a token: %+v", m)
			}

			// Shown once: the list never has it again.
			p.Navigate(origin + "/manage/account/token/")
			var shown bool
			quoted, _ := json.Marshal(raw)
			p.Eval("document.body.innerHTML.includes("+string(quoted)+")", &shown)
			if shown {
				t.Error("the list shows the token again")
			}
			p.Click(`a[href="/manage/account/token/` + tok.ID + `/revoke/"]`)
			p.WaitVisible(`form[action="/manage/account/token/` + tok.ID + `/revoke/"] button`)
			p.RunAxe(t)
			p.Click(`form[action="/manage/account/token/` + tok.ID + `/revoke/"] button`)
			p.WaitVisible(`p.notice[role="status"]`)
			p.RunAxe(t)
			if !tokenNamed(t, ix, name).Revoked {
				t.Error("the token is not revoked")
			}
			wantBrowserEvent(t, ix, "account:api_token:removed", map[string]any{"token_id": tok.ID, "description": name,
				"projects": []any{"proj-a"}})
			if f := p.Foreign(); len(f) > 0 {
				t.Errorf("requests elsewhere: %q", f)
			}
		})
	}
}

// wantBrowserEvent checks the newest audit record: the tag and details
// given, made by bob from the browser (its address and its User-Agent,
// which names headless Chromium).
func wantBrowserEvent(t *testing.T, ix *testIndex, tag string, details map[string]any) {
	t.Helper()
	var evs []wharf.Event
	err := ix.store.View(t.Context(), func(tx wharf.Tx) (err error) {
		evs, err = tx.Events(t.Context(), wharf.EventFilter{Newest: true, Limit: 1})
		return err
	})
	if err != nil || len(evs) != 1 {
		t.Fatalf("newest event: %v %v", evs, err)
	}
	e := evs[0]
	var bob *wharf.User
	if err := ix.store.View(t.Context(), func(tx wharf.Tx) (err error) {
		bob, err = tx.UserByName(t.Context(), "bob")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(e.Details), &got); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(details)
	if e.Tag != tag || e.ActorID != bob.ID || e.UserID != bob.ID || e.ProjectID != 0 || e.IP != "127.0.0.1" ||
		!strings.Contains(e.UserAgent, "HeadlessChrome") || string(gotJSON) != string(wantJSON) {
		t.Errorf("newest event %+v\nwant %s by bob from 127.0.0.1 with HeadlessChrome and %s", e, tag, wantJSON)
	}
}

// checkCopy clicks the token's copy button and checks that it copied the
// token and announced it. The clipboard is replaced by a recorder, since
// a headless browser has no clipboard to read back.
func checkCopy(t *testing.T, p *browser.Page, raw string) {
	t.Helper()
	p.Eval(`navigator.clipboard.writeText = (text) => { window.copiedText = text; return Promise.resolve(); }; true`, nil)
	p.Click(`button[data-copy="new-token"]`)
	var copied, status string
	p.Eval(`new Promise((done) => setTimeout(() => done(window.copiedText || ""), 100))`, &copied)
	if strings.TrimSpace(copied) != raw {
		t.Errorf("the copy button copied %q", copied)
	}
	p.Eval(`document.getElementById("copy-status").textContent`, &status)
	if status == "" {
		t.Error("the copy was not announced in the status region")
	}
}

// tokenNamed returns bob's token of that name, failing the test when
// there is none.
func tokenNamed(t *testing.T, ix *testIndex, name string) wharf.Token {
	t.Helper()
	for _, tok := range bobsTokens(t, ix) {
		if tok.Description == name {
			return tok
		}
	}
	t.Fatalf("bob has no token %q", name)
	return wharf.Token{}
}
