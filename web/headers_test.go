package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// wantSecurity are the headers every reply must carry, with their values
// or, for the CSP, what it must contain.
var wantSecurity = map[string]string{
	"X-Content-Type-Options":     "nosniff",
	"Referrer-Policy":            "strict-origin-when-cross-origin",
	"X-Frame-Options":            "DENY",
	"Cross-Origin-Opener-Policy": "same-origin",
	"Permissions-Policy":         permissionsPolicy,
}

// checkSecurity reports the security headers h lacks. A route may send a
// stricter CSP and Referrer-Policy of its own (the home and project
// pages do), so those are checked for what matters: nothing loads by
// default and no inline script runs; X-Frame-Options forbids frames.
func checkSecurity(t *testing.T, h http.Header) {
	t.Helper()
	for k, v := range wantSecurity {
		got := h.Get(k)
		if k == "Referrer-Policy" && got == "same-origin" {
			continue
		}
		if got != v {
			t.Errorf("%s %q, want %q", k, got, v)
		}
	}
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	files := seedDemo(t, ix)
	wheel := files["demo_pkg-1.0-py3-none-any.whl"]
	h := wheel.sha256()
	fileURL := "/packages/" + h[:2] + "/" + h[2:4] + "/" + h[4:] + "/" + wheel.Filename
	_, help := ix.get(t, "/help/")
	css := regexp.MustCompile(`/static/[0-9a-f]+/wharf\.css`).FindString(string(help))
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"home", "GET", "/", 200},
		{"help", "GET", "/help/", 200},
		{"help HEAD", "HEAD", "/help/", 200},
		{"not found page", "GET", "/nope", 404},
		{"locale switch", "GET", "/locale/?locale_id=fa&next=/help/", 303},
		{"static", "GET", css, 200},
		{"static not found", "GET", "/static/x/wharf.css", 404},
		{"simple index", "GET", "/simple/", 200},
		{"simple project", "GET", "/simple/demo-pkg/", 200},
		{"simple redirect", "GET", "/simple/Demo.Pkg/", 301},
		{"simple not found", "GET", "/simple/nope/", 404},
		{"JSON API", "GET", "/pypi/demo-pkg/json", 200},
		{"JSON API not found", "GET", "/pypi/nope/json", 404},
		{"project page", "GET", "/project/demo-pkg/", 200},
		{"file", "GET", fileURL, 200},
		{"file metadata", "GET", fileURL + ".metadata", 200},
		{"file not found", "GET", "/packages/00/00/00/x.whl", 404},
		{"legacy without slash", "POST", "/legacy", 308},
		{"legacy wrong method", "GET", "/legacy/", 405},
		{"wrong method", "POST", "/simple/", 405},
		{"health", "GET", "/_health", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, ix.ts.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := ix.client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			checkSecurity(t, resp.Header)
			if v := resp.Header.Get("Strict-Transport-Security"); v != "" {
				t.Errorf("HSTS %q over a plain-HTTP base URL", v)
			}
		})
	}
}

// TestSecurityHeadersOnUploadRefusal covers the upload API's error path
// over HTTP/2, where replies go out through net/http. (Over HTTP/1.1 the
// refusal is written by hand on the hijacked connection, see reason.go.)
func TestSecurityHeadersOnUploadRefusal(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ts := httptest.NewUnstartedServer(Logged(ix.srv, log))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	t.Cleanup(ts.Close)
	d := distSpec{Name: "demo", Version: "1.0"}.build(t)
	body, ctype := multipartBody(t, d.Fields, d.Filename, d.Content)
	req, err := http.NewRequest("POST", ts.URL+"/legacy/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.SetBasicAuth("__token__", "wharf-not-a-token")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("%s %d, want an HTTP/2 403", resp.Proto, resp.StatusCode)
	}
	checkSecurity(t, resp.Header)
}

func TestHSTS(t *testing.T) {
	tests := []struct {
		base string
		want string
	}{
		{"", ""},
		{"http://pypi.example.org/", ""},
		{"https://pypi.example.org/", "max-age=31536000"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			ix := newTestIndex(t, indexConfig{BaseURL: tt.base})
			for _, path := range []string{"/simple/", "/help/"} {
				resp, _ := ix.get(t, path)
				if got := resp.Header.Get("Strict-Transport-Security"); got != tt.want {
					t.Errorf("%s: HSTS %q, want %q", path, got, tt.want)
				}
			}
		})
	}
}

// TestSecurityHeadersAreNotShared makes sure a handler that adds to a
// security header cannot change what later replies send.
func TestSecurityHeadersAreNotShared(t *testing.T) {
	sh := newSecurityHeaders(false)
	h1 := http.Header{}
	sh.set(h1)
	h1.Add("X-Frame-Options", "SAMEORIGIN")
	h2 := http.Header{}
	sh.set(h2)
	if got := h2.Values("X-Frame-Options"); len(got) != 1 || got[0] != "DENY" {
		t.Errorf("X-Frame-Options %q after another reply added to it", got)
	}
}
