package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"wharf"
	"wharf/accounts"
)

// rawReply is a response read off the wire: its status line as sent, and
// the parsed response with its body read.
type rawReply struct {
	statusLine string
	resp       *http.Response
	body       []byte
}

// rawDo sends req on a fresh TCP connection, writing concurrently with
// reading as a client streaming a large upload does, and returns the reply
// and the error, if any, of writing the request.
func rawDo(t *testing.T, addr string, req *http.Request) (rawReply, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	req.Close = true // the server closes after replying, so reading ends
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		writeErr = req.Write(conn)
	}()
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the status line: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(line), br)), req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	wg.Wait()
	return rawReply{statusLine: strings.TrimRight(line, "\r\n"), resp: resp, body: body}, writeErr
}

func (ix *testIndex) addr() string { return ix.ts.Listener.Addr().String() }

const (
	msgInvalidAuth = "Invalid or non-existent authentication information. See /help/#invalid-auth for more information."
	msgPassword    = "Username/Password authentication is no longer supported. Migrate to API Tokens instead. See /help/#apitoken"
	msgDigest      = "The digest supplied does not match a digest calculated from the uploaded file."
)

func TestUploadReasonPhrase(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	ctx := context.Background()
	revoked, rec, err := ix.accounts.CreateToken(ctx, wharf.Actor{}, accounts.TokenRequest{User: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.accounts.RevokeToken(ctx, wharf.Actor{}, rec.ID); err != nil {
		t.Fatal(err)
	}
	good := distSpec{Name: "up-pkg", Version: "1.0"}.build(t)
	with := func(change func(d *testDist)) testDist {
		d := good.clone()
		change(&d)
		return d
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status string // the whole status line
	}{
		{"no auth", func() *http.Request { return ix.uploadRequest(t, good, "") },
			"HTTP/1.1 403 " + msgInvalidAuth},
		{"bad token", func() *http.Request { return ix.uploadRequest(t, good, "wharf-garbage") },
			"HTTP/1.1 403 " + msgInvalidAuth},
		{"revoked token", func() *http.Request { return ix.uploadRequest(t, good, revoked) },
			"HTTP/1.1 403 Invalid API Token: token has been revoked"},
		{"password", func() *http.Request {
			r := ix.uploadRequest(t, good, "")
			r.SetBasicAuth("alice", "hunter2")
			return r
		}, "HTTP/1.1 403 " + msgPassword},
		{"unknown scheme", func() *http.Request {
			r := ix.uploadRequest(t, good, "")
			r.Header.Set("Authorization", "Token "+ix.token)
			return r
		}, "HTTP/1.1 403 " + msgInvalidAuth},
		{"digest mismatch", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Fields["sha256_digest"] = []string{strings.Repeat("0", 64)} }), ix.token)
		}, "HTTP/1.1 400 " + msgDigest},
		{"md5 mismatch", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Fields["md5_digest"] = []string{strings.Repeat("0", 32)} }), ix.token)
		}, "HTTP/1.1 400 " + msgDigest},
		{"submit", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Fields[":action"] = []string{"submit"} }), ix.token)
		}, "HTTP/1.1 410 Project pre-registration is no longer required or supported, upload your files instead."},
		{"doc_upload", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Fields[":action"] = []string{"doc_upload"} }), ix.token)
		}, "HTTP/1.1 410 Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."},
		{"unknown action", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Fields[":action"] = []string{"remove_pkg"} }), ix.token)
		}, "HTTP/1.1 400 Invalid value for :action. Error: Use 'file_upload'."},
		{"no action", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { delete(d.Fields, ":action") }), ix.token)
		}, "HTTP/1.1 400 Invalid value for :action. Error: Use 'file_upload'."},
		{"protocol version", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Fields["protocol_version"] = []string{"2"} }), ix.token)
		}, "HTTP/1.1 400 Unknown protocol version."},
		{"no file", func() *http.Request {
			return ix.uploadRequest(t, with(func(d *testDist) { d.Filename = "" }), ix.token)
		}, "HTTP/1.1 400 Upload payload does not have a file."},
		{"file too large", func() *http.Request {
			big := distSpec{Name: "up-pkg", Version: "1.0", Padding: 300 << 10}.build(t)
			return ix.uploadRequest(t, big, ix.token)
		}, "HTTP/1.1 400 File too large. Limit for this index is 256 KiB."},
		{"not multipart", func() *http.Request {
			r, _ := http.NewRequest("POST", ix.ts.URL+"/legacy/", strings.NewReader("name=up-pkg&version=1.0"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetBasicAuth("__token__", ix.token)
			return r
		}, "HTTP/1.1 400 Invalid request: the upload must be a multipart/form-data form."},
		{"broken multipart", func() *http.Request {
			r, _ := http.NewRequest("POST", ix.ts.URL+"/legacy/", strings.NewReader("--b\r\nno headers end"))
			r.Header.Set("Content-Type", "multipart/form-data; boundary=b")
			r.SetBasicAuth("__token__", ix.token)
			return r
		}, "HTTP/1.1 400 Invalid request: the upload form could not be read."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := rawDo(t, ix.addr(), tt.req())
			if err != nil {
				t.Errorf("writing the request: %v", err)
			}
			if reply.statusLine != tt.status {
				t.Fatalf("status line\n%q, want\n%q", reply.statusLine, tt.status)
			}
			code, msg, _ := strings.Cut(strings.TrimPrefix(tt.status, "HTTP/1.1 "), " ")
			if string(reply.body) != code+" "+msg+"\n" {
				t.Errorf("body %q", reply.body)
			}
			h := reply.resp.Header
			if h.Get("Content-Length") != strconv.Itoa(len(reply.body)) || h.Get("Content-Type") != "text/plain; charset=utf-8" || !reply.resp.Close {
				t.Errorf("headers %v, close %v", h, reply.resp.Close)
			}
			// The hijacked reply carries the headers every response does.
			if h.Get("Content-Security-Policy") != contentSecurityPolicy || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("security headers missing from the raw reply: %v", h)
			}
		})
	}
	if ix.pageHas(t, "/simple/", "up-pkg") {
		t.Error("a refused upload created the project")
	}
}

// clone returns a copy of d whose fields can be changed freely.
func (d testDist) clone() testDist {
	c := d
	c.Fields = map[string][]string{}
	for k, v := range d.Fields {
		c.Fields[k] = append([]string(nil), v...)
	}
	return c
}

func TestUploadAccepted(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	d := distSpec{Name: "up-pkg", Version: "1.0"}.build(t)
	other := distSpec{Name: "up-pkg", Version: "1.0", Summary: "other bytes"}.build(t)
	tests := []struct {
		name   string
		req    func() *http.Request
		status string
	}{
		{"bearer", func() *http.Request {
			r := ix.uploadRequest(t, d, "")
			r.Header.Set("Authorization", "Bearer "+ix.token)
			return r
		}, "HTTP/1.1 200 OK"},
		{"same file again", func() *http.Request { return ix.uploadRequest(t, d, ix.token) }, "HTTP/1.1 200 OK"},
		{"other bytes, same name", func() *http.Request { return ix.uploadRequest(t, other, ix.token) },
			"HTTP/1.1 400 File already exists ('up_pkg-1.0-py3-none-any.whl', with blake2_256 hash '"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := rawDo(t, ix.addr(), tt.req())
			if err != nil || !strings.HasPrefix(reply.statusLine, tt.status) {
				t.Errorf("status line %q (%v), want %q...", reply.statusLine, err, tt.status)
			}
		})
	}
	if !ix.pageHas(t, "/simple/up-pkg/", d.Filename) {
		t.Error("the upload is not on the Simple page")
	}
}

func TestLegacyWithoutSlash(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	req := ix.uploadRequest(t, distSpec{Name: "p", Version: "1"}.build(t), ix.token)
	req.URL.Path = "/legacy"
	resp, err := ix.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != "/legacy/" {
		t.Errorf("%s Location %q, want 308 /legacy/", resp.Status, resp.Header.Get("Location"))
	}
}

// TestLargeRefusedUpload checks that a client sending a large body that is
// refused before it is read still reads the reply, instead of having its
// connection reset under it.
func TestLargeRefusedUpload(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	body := bytes.Repeat([]byte("x"), 5<<20)
	newReq := func() *http.Request {
		r, err := http.NewRequest("POST", ix.ts.URL+"/legacy/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "multipart/form-data; boundary=zzz")
		r.SetBasicAuth("__token__", "wharf-not-a-token")
		return r
	}
	t.Run("raw connection", func(t *testing.T) {
		reply, err := rawDo(t, ix.addr(), newReq())
		if err != nil {
			t.Errorf("writing the body failed: %v", err)
		}
		if reply.statusLine != "HTTP/1.1 403 "+msgInvalidAuth {
			t.Errorf("status line %q", reply.statusLine)
		}
	})
	t.Run("http client", func(t *testing.T) {
		resp, err := ix.client().Do(newReq())
		if err != nil {
			t.Fatalf("no reply: %v", err)
		}
		resp.Body.Close()
		if resp.Status != "403 "+msgInvalidAuth {
			t.Errorf("status %q", resp.Status)
		}
	})
	t.Run("too large after authentication", func(t *testing.T) {
		big := distSpec{Name: "big-pkg", Version: "1.0", Padding: 4 << 20}.build(t)
		reply, err := rawDo(t, ix.addr(), ix.uploadRequest(t, big, ix.token))
		if err != nil {
			t.Errorf("writing the body failed: %v", err)
		}
		if reply.statusLine != "HTTP/1.1 400 File too large. Limit for this index is 256 KiB." {
			t.Errorf("status line %q", reply.statusLine)
		}
	})
}

// TestExpectContinue checks that a refused client that waits for "100
// Continue" gets the refusal at once, not an invitation to send its body.
func TestExpectContinue(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	d := distSpec{Name: "cont-pkg", Version: "1.0"}.build(t)
	body, ctype := multipartBody(t, d.Fields, d.Filename, d.Content)
	tests := []struct {
		name, auth, first, final string
	}{
		{"refused", "", "HTTP/1.1 403 " + msgInvalidAuth, ""},
		{"accepted", "Bearer " + ix.token, "HTTP/1.1 100 Continue", "HTTP/1.1 200 OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ix.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(30 * time.Second))
			head := "POST /legacy/ HTTP/1.1\r\nHost: wharf\r\nContent-Type: " + ctype + "\r\nContent-Length: " + strconv.Itoa(len(body)) +
				"\r\nExpect: 100-continue\r\nConnection: close\r\n"
			if tt.auth != "" {
				head += "Authorization: " + tt.auth + "\r\n"
			}
			if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			line, err := br.ReadString('\n')
			if err != nil || strings.TrimRight(line, "\r\n") != tt.first {
				t.Fatalf("first line %q (%v), want %q", line, err, tt.first)
			}
			if tt.final == "" {
				return
			}
			for line != "\r\n" { // the rest of the 100 response
				if line, err = br.ReadString('\n'); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := conn.Write(body); err != nil {
				t.Fatal(err)
			}
			if line, err = br.ReadString('\n'); err != nil || strings.TrimRight(line, "\r\n") != tt.final {
				t.Errorf("final status line %q (%v), want %q", line, err, tt.final)
			}
		})
	}
}

// TestRefusalLogged checks that the access log records the status of a
// reply written on a hijacked connection.
func TestRefusalLogged(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	var mu sync.Mutex
	var logBuf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logBuf}, nil))
	ts := httptest.NewServer(Logged(ix.srv, log))
	defer ts.Close()
	req := ix.uploadRequest(t, distSpec{Name: "p", Version: "1"}.build(t), "")
	reply, _ := rawDo(t, ts.Listener.Addr().String(), req)
	if !strings.HasPrefix(reply.statusLine, "HTTP/1.1 403 ") {
		t.Fatalf("status line %q", reply.statusLine)
	}
	// The handler logs after it has closed the taken-over connection, so
	// the line may come a little after the reply.
	type entry struct {
		Msg    string `json:"msg"`
		Status int    `json:"status"`
		Path   string `json:"path"`
	}
	find := func() (entry, string) {
		mu.Lock()
		defer mu.Unlock()
		for _, line := range strings.Split(logBuf.String(), "\n") {
			var e entry
			if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "request" {
				return e, logBuf.String()
			}
		}
		return entry{}, logBuf.String()
	}
	deadline := time.Now().Add(10 * time.Second)
	e, all := find()
	for e.Msg == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		e, all = find()
	}
	if e.Status != 403 || e.Path != "/legacy/" {
		t.Errorf("access log entry %+v in\n%s", e, all)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestWriteReasonFallback checks the reply where the connection cannot be
// taken over (HTTP/2, or a recorder): the standard status line and the
// message in the body.
func TestWriteReasonFallback(t *testing.T) {
	tests := []struct {
		name  string
		proto int
	}{
		{"HTTP/2", 2},
		{"not hijackable", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/legacy/", strings.NewReader("body"))
			r.ProtoMajor = tt.proto
			w := httptest.NewRecorder()
			writeReason(w, r, 403, "No way.", 1<<20)
			if w.Code != 403 || w.Body.String() != "403 No way.\n" || w.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("%d %q %v", w.Code, w.Body.String(), w.Header())
			}
		})
	}
}

func TestReasonPhrase(t *testing.T) {
	tests := []struct {
		name, msg, want string
	}{
		{"plain", "File already exists.", "File already exists."},
		{"CRLF injection", "bad\r\nSet-Cookie: x=1", "bad  Set-Cookie: x=1"},
		{"tab", "a\tb", "a b"},
		{"non-ASCII", "Naïve – ok", "Na?ve ? ok"},
		{"control characters", "a\x00b\x7fc\x1b", "a?b?c?"},
		{"invalid UTF-8", "a\xffb", "a?b"},
		{"surrounding space", "  \r\n padded \n", "padded"},
		{"empty", "", ""},
		{"long", strings.Repeat("x", 5000), strings.Repeat("x", 1024)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reasonPhrase(tt.msg); got != tt.want {
				t.Errorf("reasonPhrase(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

// TestEmptyReasonPhrase checks that a message with nothing printable still
// gives a status line with a reason phrase.
func TestEmptyReasonPhrase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeReason(w, r, 400, "\r\n", 0)
	}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	reply, _ := rawDo(t, srv.Listener.Addr().String(), req)
	if reply.statusLine != "HTTP/1.1 400 Bad Request" {
		t.Errorf("status line %q", reply.statusLine)
	}
}

// FuzzReasonPhrase checks that any message becomes a single line of
// printable ASCII that fits a status line.
func FuzzReasonPhrase(f *testing.F) {
	for _, s := range []string{"", "ok", "a\r\nb", "\xff\xfe", "ünïcode", "\x00\x7f", strings.Repeat("é", 600)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		got := reasonPhrase(msg)
		if len(got) > 1024 || !utf8.ValidString(got) || strings.TrimSpace(got) != got {
			t.Fatalf("reasonPhrase(%q) = %q", msg, got)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; c < 0x20 || c > 0x7e {
				t.Fatalf("reasonPhrase(%q) = %q: byte %#x", msg, got, c)
			}
		}
	})
}
