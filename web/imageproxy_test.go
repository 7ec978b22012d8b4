package web

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var testImageKey = bytes.Repeat([]byte("k"), 32)

// fakeResolver answers lookups from a map, so that tests can point a host
// name at any address without DNS.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := f[host]; ok {
		return ips, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// onlyAddr allows dialling exactly one address, standing in for "public"
// in tests whose upstreams all listen on loopback.
func onlyAddr(allowed string) func(netip.Addr) bool {
	a := netip.MustParseAddr(allowed)
	return func(ip netip.Addr) bool { return ip.Unmap() == a }
}

// newProxyServer returns a wharf server (with no store: only the proxy's
// route is used) listening on loopback.
func newProxyServer(t *testing.T, baseURL string, opts ImageProxyOptions) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(nil, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{BaseURL: baseURL, Images: opts})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// proxyGet asks the wharf server ts for target's proxied URL, as a browser
// would: with cookies and a Referer, which must not reach the upstream.
func proxyGet(t *testing.T, srv *Server, ts *httptest.Server, target string) (*http.Response, []byte, error) {
	t.Helper()
	path := srv.images.sign(target)
	if path == "" {
		t.Fatalf("sign(%q) refused", target)
	}
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", "session=secret")
	req.Header.Set("Referer", ts.URL+"/project/demo/")
	req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	resp, err := ts.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestImageSignVerify(t *testing.T) {
	p := newImageProxy(ImageProxyOptions{Key: testImageKey})
	other := newImageProxy(ImageProxyOptions{Key: bytes.Repeat([]byte("x"), 32)})
	good := p.sign("https://img.example.org/a.png?x=1#top")
	parts := strings.Split(strings.TrimPrefix(good, "/camo/"), "/")
	if len(parts) != 2 {
		t.Fatalf("sign gave %q", good)
	}
	mac, enc := parts[0], parts[1]
	flip := func(s string) string { // changes the last hex digit
		c := byte('0')
		if s[len(s)-1] == '0' {
			c = '1'
		}
		return s[:len(s)-1] + string(c)
	}
	tests := []struct {
		name     string
		p        *imageProxy
		mac, enc string
		want     string // the URL, or "" for a refusal
	}{
		{"valid", p, mac, enc, "https://img.example.org/a.png?x=1#top"},
		{"upper-case hex", p, strings.ToUpper(mac), strings.ToUpper(enc), "https://img.example.org/a.png?x=1#top"},
		{"altered signature", p, flip(mac), enc, ""},
		{"altered URL", p, mac, flip(enc), ""},
		{"other key", other, mac, enc, ""},
		{"short signature", p, mac[:62], enc, ""},
		{"long signature", p, mac + "00", enc, ""},
		{"odd URL", p, mac, enc[:len(enc)-1], ""},
		{"not hex", p, "zz" + mac[2:], enc, ""},
		{"empty URL", p, mac, "", ""},
		{"too long", p, mac, strings.Repeat("61", maxImageURL+1), ""},
		{"signed but not proxiable", p, hexMAC(p, "ftp://x/"), hexOf("ftp://x/"), ""},
		{"signed with credentials", p, hexMAC(p, "http://u:p@x/"), hexOf("http://u:p@x/"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, ok := tt.p.verify(tt.mac, tt.enc)
			if got := ""; ok {
				got = u.String()
				if got != tt.want {
					t.Errorf("verify = %q, want %q", got, tt.want)
				}
			} else if tt.want != "" {
				t.Errorf("verify refused, want %q", tt.want)
			}
		})
	}
}

func hexOf(s string) string { return hex.EncodeToString([]byte(s)) }

func hexMAC(p *imageProxy, raw string) string { return hex.EncodeToString(p.mac(raw)) }

func TestImageSignRefuses(t *testing.T) {
	p := newImageProxy(ImageProxyOptions{Key: testImageKey})
	for _, raw := range []string{
		"", "/relative.png", "//host/x.png", "javascript:alert(1)", "data:image/png;base64,AAAA",
		"ftp://host/x.png", "https://user:pass@host/x.png", "https://user@host/x.png", "http:opaque",
		"https://host/" + strings.Repeat("a", maxImageURL), "http://[::1", "file:///etc/passwd",
	} {
		if got := p.sign(raw); got != "" {
			t.Errorf("sign(%q) = %q, want a refusal", raw, got)
		}
	}
	if newImageProxy(ImageProxyOptions{}) != nil {
		t.Error("a proxy without a key is not off")
	}
}

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", true},
		{"93.184.216.34", true},
		{"2606:4700::1111", true},
		{"127.0.0.1", false},
		{"127.255.0.9", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"100.64.0.1", false},
		{"100.128.0.1", true},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"::", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"240.0.0.1", false},
		{"255.255.255.255", false},
		{"192.0.0.8", false},
		{"198.18.0.1", false},
		{"198.20.0.1", true},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"fec0::1", false},
		{"ff02::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:8.8.8.8", true},
		{"::127.0.0.1", false},
		{"64:ff9b::7f00:1", false},
		{"64:ff9b::a9fe:a9fe", false},
		{"64:ff9b::808:808", true},
		{"64:ff9b:1::808:808", false},
		{"2002:7f00:1::", false},
		{"2002:a00:1::", false},
		{"2002:808:808::", true},
		{"2001:0:4136:e378::1", false},
		{"100::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := publicAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("publicAddr(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

// TestImageDialControl checks the socket-level check on its own: it is
// what stops an address that reached the dialer some other way (a second,
// different DNS answer) from being connected to.
func TestImageDialControl(t *testing.T) {
	p := newImageProxy(ImageProxyOptions{Key: testImageKey})
	for addr, want := range map[string]bool{
		"8.8.8.8:443": true, "[2606:4700::1111]:80": true,
		"127.0.0.1:80": false, "[::1]:80": false, "10.0.0.1:80": false, "169.254.169.254:80": false,
		"[::ffff:127.0.0.1]:80": false, "not an address": false,
	} {
		if err := p.checkDial("tcp", addr, nil); (err == nil) != want {
			t.Errorf("checkDial(%s) = %v, want allowed %v", addr, err, want)
		}
	}
	open := newImageProxy(ImageProxyOptions{Key: testImageKey, AllowPrivate: true})
	if err := open.checkDial("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("with allow_private, checkDial(loopback) = %v", err)
	}
}

func TestImageProxySSRF(t *testing.T) {
	var hits int
	var mu sync.Mutex
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("secret"))
	}))
	defer upstream.Close()
	_, port, _ := net.SplitHostPort(upstream.Listener.Addr().String())
	res := fakeResolver{
		"loopback.test": {netip.MustParseAddr("127.0.0.1")},
		"mixed.test":    {netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("::1")},
		"empty.test":    {},
	}
	srv, ts := newProxyServer(t, "", ImageProxyOptions{Key: testImageKey, resolver: res, Timeout: 2 * time.Second})
	for _, target := range []string{
		"http://127.0.0.1:" + port + "/a.png",
		"http://[::1]:" + port + "/a.png",
		"http://[::ffff:127.0.0.1]:" + port + "/a.png",
		"http://10.0.0.1/a.png",
		"http://169.254.169.254/latest/meta-data/",
		"http://loopback.test:" + port + "/a.png",
		"http://mixed.test:" + port + "/a.png",
		"http://0.0.0.0:" + port + "/a.png",
	} {
		t.Run(target, func(t *testing.T) {
			resp, _, err := proxyGet(t, srv, ts, target)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want 404", resp.StatusCode)
			}
			u, _ := url.Parse(target)
			if _, _, err := srv.images.fetch(context.Background(), u); !errors.Is(err, errImageAddress) {
				t.Errorf("fetch error = %v, want errImageAddress", err)
			}
		})
	}
	if hits != 0 {
		t.Errorf("the upstream was reached %d times", hits)
	}
	var dnsErr *net.DNSError
	for _, host := range []string{"empty.test", "unknown.test"} {
		u := &url.URL{Scheme: "http", Host: host, Path: "/a.png"}
		if _, _, err := srv.images.fetch(context.Background(), u); !errors.As(err, &dnsErr) {
			t.Errorf("%s: fetch error = %v, want a DNS error", host, err)
		}
	}
}

// imageUpstream serves test images: /png (with headers that must not pass
// through), /redirect/<n> (n redirects, then /png), /type/<type>,
// /chunked/<n> (n bytes without a Content-Length), /sized/<n>, /slow and
// /stall, and records the last request's headers.
type imageUpstream struct {
	*httptest.Server
	mu   sync.Mutex
	last []http.Header
}

var testPNG = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)

func newImageUpstream(t *testing.T) *imageUpstream {
	u := &imageUpstream{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /png", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "image/png; charset=binary")
		h.Set("Set-Cookie", "tracker=1")
		h.Set("Cache-Control", "private, no-store")
		h.Set("X-Upstream", "leak")
		h.Set("Access-Control-Allow-Origin", "*")
		w.Write(testPNG)
	})
	mux.HandleFunc("GET /redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		next := "/png"
		if n > 1 {
			next = "/redirect/" + strconv.Itoa(n-1)
		}
		http.Redirect(w, r, next, http.StatusFound)
	})
	mux.HandleFunc("GET /to", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
	})
	mux.HandleFunc("GET /type/{type...}", func(w http.ResponseWriter, r *http.Request) {
		if t := r.PathValue("type"); t != "none" {
			w.Header().Set("Content-Type", t)
		} else {
			w.Header()["Content-Type"] = nil // no sniffed type either
		}
		w.Write([]byte("<svg xmlns='http://www.w3.org/2000/svg'/>"))
	})
	mux.HandleFunc("GET /gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(testPNG)
	})
	mux.HandleFunc("GET /status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.Header().Set("Content-Type", "image/png")
		w.WriteHeader(code)
		w.Write(testPNG)
	})
	mux.HandleFunc("GET /chunked/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.Header().Set("Content-Type", "image/gif")
		for n > 0 {
			k := min(n, 1000)
			w.Write(bytes.Repeat([]byte{1}, k))
			w.(http.Flusher).Flush()
			n -= k
		}
	})
	mux.HandleFunc("GET /sized/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(bytes.Repeat([]byte{2}, n))
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("GET /stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(testPNG[:10])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.last = append(u.last, r.Header.Clone())
		u.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *imageUpstream) requests() []http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]http.Header(nil), u.last...)
}

func TestImageProxyServes(t *testing.T) {
	up := newImageUpstream(t)
	srv, ts := newProxyServer(t, "", ImageProxyOptions{Key: testImageKey, AllowPrivate: true})
	resp, body, err := proxyGet(t, srv, ts, up.URL+"/png")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, testPNG) {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
	want := map[string]string{
		"Content-Type":                "image/png",
		"Content-Length":              strconv.Itoa(len(testPNG)),
		"Cache-Control":               imageCacheControl,
		"Content-Security-Policy":     imageCSP,
		"X-Content-Type-Options":      "nosniff",
		"Content-Disposition":         "inline",
		"Set-Cookie":                  "",
		"X-Upstream":                  "",
		"Access-Control-Allow-Origin": "",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	reqs := up.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d upstream requests", len(reqs))
	}
	h := reqs[0]
	for _, k := range []string{"Cookie", "Referer", "Authorization", "X-Forwarded-For", "Accept-Encoding"} {
		if v := h.Get(k); v != "" {
			t.Errorf("upstream got %s: %q", k, v)
		}
	}
	if ua := h.Get("User-Agent"); ua != imageProxyUserAgent {
		t.Errorf("upstream User-Agent %q", ua)
	}
}

func TestImageProxyHTTPS(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/webp")
		w.Write(testPNG)
	}))
	defer up.Close()
	trust := func(tr *http.Transport) {
		tr.TLSClientConfig = up.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	}
	srv, ts := newProxyServer(t, "", ImageProxyOptions{Key: testImageKey, AllowPrivate: true, transport: trust})
	resp, body, err := proxyGet(t, srv, ts, up.URL+"/x.webp")
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(body, testPNG) {
		t.Fatalf("err %v, status %v, body %q", err, resp, body)
	}
}

func TestImageProxyRefusals(t *testing.T) {
	up := newImageUpstream(t)
	_, port, _ := net.SplitHostPort(up.Listener.Addr().String())
	res := fakeResolver{"upstream.test": {netip.MustParseAddr("127.0.0.1")}, "inside.test": {netip.MustParseAddr("127.0.0.2")}}
	opts := ImageProxyOptions{Key: testImageKey, MaxSize: 5000, Timeout: 300 * time.Millisecond, resolver: res, allow: onlyAddr("127.0.0.1")}
	srv, ts := newProxyServer(t, "", opts)
	base := "http://upstream.test:" + port
	tests := []struct {
		name    string
		path    string
		wantErr error // nil: served
	}{
		{"png", "/png", nil},
		{"one redirect", "/redirect/1", nil},
		{"three redirects", "/redirect/3", nil},
		{"four redirects", "/redirect/4", errImageRedirects},
		{"redirect to a refused address", "/to?u=" + url.QueryEscape("http://inside.test:"+port+"/png"), errImageAddress},
		{"redirect to loopback by address", "/to?u=" + url.QueryEscape("http://[::1]:"+port+"/png"), errImageAddress},
		{"redirect to another scheme", "/to?u=" + url.QueryEscape("ftp://upstream.test/png"), errImageURL},
		{"redirect with credentials", "/to?u=" + url.QueryEscape("http://a:b@upstream.test:"+port+"/png"), errImageURL},
		{"svg", "/type/image/svg+xml", nil},
		{"avif", "/type/image/avif", nil},
		{"html", "/type/text/html", errImageType},
		{"svg disguised as xml", "/type/text/xml", errImageType},
		{"octet stream", "/type/application/octet-stream", errImageType},
		{"no type", "/type/none", errImageType},
		{"bad type", "/type/image", errImageType},
		{"gzip", "/gzip", errImageEncoding},
		{"not found", "/status/404", errImageStatus},
		{"server error", "/status/500", errImageStatus},
		{"partial content", "/status/206", errImageStatus},
		{"at the size limit", "/sized/5000", nil},
		{"announced too large", "/sized/5001", errImageTooLarge},
		{"chunked at the limit", "/chunked/5000", nil},
		{"slow headers", "/slow", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(base + tt.path)
			resp, _, err := srv.images.fetch(context.Background(), u)
			if resp != nil {
				resp.Body.Close()
			}
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("fetch error = %v, want %v", err, tt.wantErr)
			}
			hresp, _, err := proxyGet(t, srv, ts, base+tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 200, false: 404}[tt.wantErr == nil]; hresp.StatusCode != want {
				t.Errorf("status %d, want %d", hresp.StatusCode, want)
			}
		})
	}
	for _, h := range up.requests() {
		if v := h.Get("Referer"); v != "" {
			t.Errorf("a redirected request carried Referer %q", v)
		}
	}
}

// TestImageProxyAborts checks that a body that turns out too large, or
// stalls, breaks the reply rather than ending it as if complete.
func TestImageProxyAborts(t *testing.T) {
	up := newImageUpstream(t)
	srv, ts := newProxyServer(t, "", ImageProxyOptions{Key: testImageKey, MaxSize: 5000, Timeout: 300 * time.Millisecond, AllowPrivate: true})
	for _, path := range []string{"/chunked/5001", "/chunked/20000", "/stall"} {
		t.Run(path, func(t *testing.T) {
			start := time.Now()
			resp, body, err := proxyGet(t, srv, ts, up.URL+path)
			if err == nil {
				t.Errorf("read %d bytes without error (status %d)", len(body), resp.StatusCode)
			}
			if len(body) > 5000 {
				t.Errorf("%d bytes passed, over the limit", len(body))
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestImageProxyRoutes(t *testing.T) {
	up := newImageUpstream(t)
	srv, ts := newProxyServer(t, "", ImageProxyOptions{Key: testImageKey, AllowPrivate: true})
	path := srv.images.sign(up.URL + "/png")
	mac, enc, _ := strings.Cut(strings.TrimPrefix(path, "/camo/"), "/")
	for name, p := range map[string]string{
		"bad signature": "/camo/" + strings.Repeat("0", 64) + "/" + enc,
		"no url":        "/camo/" + mac + "/",
		"extra segment": path + "/x",
		"not hex":       "/camo/" + mac + "/" + enc + "g",
	} {
		resp, err := ts.Client().Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, resp.StatusCode)
		}
	}
	// Every fetch slot taken: the proxy refuses rather than queueing.
	for range maxImageFetches {
		srv.images.slots <- struct{}{}
	}
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("with every slot taken: status %d, want 429", resp.StatusCode)
	}
	// With the proxy off the route does not exist.
	off, offTS := newProxyServer(t, "", ImageProxyOptions{})
	if off.images != nil {
		t.Fatal("proxy on without a key")
	}
	resp, err = offTS.Client().Get(offTS.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("proxy off: status %d, want 404", resp.StatusCode)
	}
}

func TestProxyImages(t *testing.T) {
	on, _ := newProxyServer(t, "https://pypi.example.org/idx/", ImageProxyOptions{Key: testImageKey})
	off, _ := newProxyServer(t, "", ImageProxyOptions{})
	badge := "https://img.shields.io/badge/a-b-green.svg"
	camo := "/idx" + on.images.sign(badge)
	big := "https://example.org/big.png"
	tests := []struct {
		name, srv, in, want string
	}{
		{"img", "on", `<p><img src="` + badge + `" alt="ci"></p>`, `<p><img src="` + camo + `" alt="ci"></p>`},
		{"srcset", "on", `<img srcset="` + badge + ` 1x, ` + big + ` 2x">`,
			`<img srcset="` + camo + ` 1x, /idx` + on.images.sign(big) + ` 2x">`},
		{"no images", "on", `<p>text &amp; <a href="https://x.org/">link</a></p>`, `<p>text &amp; <a href="https://x.org/">link</a></p>`},
		{"unproxiable", "on", `<img src="https://u:p@x.org/a.png">`, `<img src="">`},
		{"off", "off", `<p><img src="` + badge + `" alt="ci"></p>`, `<p><img src="` + badge + `" alt="ci"></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := on
			if tt.srv == "off" {
				s = off
			}
			if got := s.proxyImages(tt.in); got != tt.want {
				t.Errorf("proxyImages:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// FuzzImagePath checks that decoding a proxied path never panics, that
// only what sign produced verifies, and that everything sign produces
// verifies to the URL it was given.
func FuzzImagePath(f *testing.F) {
	p := newImageProxy(ImageProxyOptions{Key: testImageKey})
	for _, raw := range []string{"https://img.example.org/a.png", "http://[::1]:80/x?y#z", "https://h/%zz", ""} {
		path := p.sign(raw)
		mac, enc, _ := strings.Cut(strings.TrimPrefix(path, "/camo/"), "/")
		f.Add(mac, enc, raw)
	}
	f.Add("zz", "0", "javascript:x")
	f.Fuzz(func(t *testing.T, mac, enc, raw string) {
		if u, ok := p.verify(mac, enc); ok {
			if !proxiable(u) {
				t.Fatalf("verified an unproxiable URL %q", u)
			}
			if want := "/camo/" + strings.ToLower(mac) + "/" + strings.ToLower(enc); p.sign(string(mustHex(t, enc))) != want {
				t.Fatalf("verified %s/%s, which sign would not produce", mac, enc)
			}
		}
		path := p.sign(raw)
		if path == "" {
			return
		}
		m, e, ok := strings.Cut(strings.TrimPrefix(path, "/camo/"), "/")
		if !ok {
			t.Fatalf("sign(%q) = %q", raw, path)
		}
		if _, ok := p.verify(m, e); !ok {
			t.Fatalf("sign(%q) = %q does not verify", raw, path)
		}
		if _, got, err := decodeImagePath(m, e); err != nil || got != raw {
			t.Fatalf("decode(sign(%q)) = %q, %v", raw, got, err)
		}
	})
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
