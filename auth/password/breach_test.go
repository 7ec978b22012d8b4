package password

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sha1Hex returns the upper-case hex SHA-1 of s.
func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func TestBreached(t *testing.T) {
	breached := sha1Hex("password1")
	padded := sha1Hex("padded-only")
	type reply struct {
		status int
		body   string
	}
	tests := []struct {
		name    string
		pw      string
		reply   reply
		want    bool
		wantErr bool
	}{
		{name: "listed", pw: "password1", reply: reply{200, "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n" + breached[5:] + ":2427161\r\n"}, want: true},
		{name: "listed lower case", pw: "password1", reply: reply{200, strings.ToLower(breached[5:]) + ":3\n"}, want: true},
		{name: "absent", pw: "password1", reply: reply{200, "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n"}},
		{name: "padding entry", pw: "padded-only", reply: reply{200, padded[5:] + ":0\r\n"}},
		{name: "empty body", pw: "password1", reply: reply{200, ""}},
		{name: "server error", pw: "password1", reply: reply{503, "busy"}, wantErr: true},
		{name: "not found", pw: "password1", reply: reply{404, ""}, wantErr: true},
		{name: "html page", pw: "password1", reply: reply{200, "<html><body>hi</body></html>"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				want := "/api/range/" + sha1Hex(tt.pw)[:5]
				if r.URL.Path != want || r.Header.Get("Add-Padding") != "true" || r.Method != http.MethodGet {
					t.Errorf("request %s %s (Add-Padding %q), want GET %s with padding", r.Method, r.URL.Path, r.Header.Get("Add-Padding"), want)
				}
				w.WriteHeader(tt.reply.status)
				_, _ = w.Write([]byte(tt.reply.body))
			}))
			defer srv.Close()
			c := &BreachChecker{BaseURL: srv.URL + "/api/", Client: srv.Client()}
			got, err := c.Breached(context.Background(), tt.pw)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("Breached = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestBreachedSendsOnlyPrefix(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.URL.String() + " " + strings.Join(r.Header.Values("Cookie"), ""))
	}))
	defer srv.Close()
	c := &BreachChecker{BaseURL: srv.URL, Client: srv.Client()}
	if _, err := c.Breached(context.Background(), "hunter2"); err != nil {
		t.Fatal(err)
	}
	got := seen.Load().(string)
	if strings.Contains(got, "hunter2") || strings.Contains(got, sha1Hex("hunter2")[5:10]) {
		t.Fatalf("request %q reveals more than the prefix", got)
	}
}

func TestBreachedTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := &BreachChecker{BaseURL: srv.URL, Client: srv.Client(), Timeout: 50 * time.Millisecond}
	start := time.Now()
	if _, err := c.Breached(context.Background(), "pw"); err == nil {
		t.Fatal("Breached succeeded against a hanging server")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Breached took %v despite a 50 ms timeout", d)
	}
}

func TestBreachedTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := strings.Repeat("A", 35) + ":1\r\n"
		_, _ = w.Write([]byte(strings.Repeat(line, maxRangeBody/len(line)+1)))
	}))
	defer srv.Close()
	c := &BreachChecker{BaseURL: srv.URL, Client: srv.Client()}
	if _, err := c.Breached(context.Background(), "pw"); err == nil {
		t.Fatal("Breached accepted an oversized response")
	}
}

// FuzzParseRange checks that the range parser never panics and reports a
// count only for a suffix that is in the body.
func FuzzParseRange(f *testing.F) {
	suffix := sha1Hex("password1")[5:]
	f.Add([]byte(suffix+":12\r\n"), suffix)
	f.Add([]byte("0018A45C4D1DEF81644B54AB7F969B88D65:0\n"), suffix)
	f.Add([]byte(":\n"), suffix)
	f.Add([]byte(suffix+":-1"), suffix)
	f.Fuzz(func(t *testing.T, body []byte, suffix string) {
		n, err := parseRange(body, suffix)
		if err != nil {
			if n != 0 {
				t.Fatalf("parseRange failed with count %d", n)
			}
			return
		}
		if n < 0 || n > 0 && !strings.Contains(strings.ToUpper(string(body)), strings.ToUpper(suffix)+":") {
			t.Fatalf("parseRange(%q, %q) = %d", body, suffix, n)
		}
	})
}
