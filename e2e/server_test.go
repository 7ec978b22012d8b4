package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"wharf/internal/testutil"
)

// server is a running "wharf serve" on a loopback port.
type server struct {
	t    testing.TB
	data string // the data folder
	url  string // http://127.0.0.1:PORT, no trailing slash
	// prefix is the path of the server's --base-url, if any: the routes
	// live under it.
	prefix string
	cmd    *exec.Cmd
	log    *testutil.SyncBuffer // the server's stderr: JSON log lines
	done   chan struct{}
	// exit is the server's exit error, valid once done is closed.
	exit   error
	killed bool
	// orphansOK says that the data folder saw a crash, after which
	// unreferenced blobs are expected; otherwise fsck must find none.
	orphansOK bool

	mu    sync.Mutex
	users map[string]bool // users created by token
}

// wharfEnv is the environment for wharf itself: the test's, without any
// WHARF_* setting that could point it elsewhere.
func wharfEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WHARF_") {
			env = append(env, kv)
		}
	}
	return env
}

// startServer runs "wharf serve" on data and a free port, waits until it
// says it serves, and stops it (SIGTERM, expecting exit 0) when the test
// ends. The server's log is kept for assertions and shown on failure.
func startServer(t testing.TB, data string) *server {
	t.Helper()
	return startServerOn(t, data, "127.0.0.1:0")
}

// startServerOn is startServer with a listen address and more options for
// "wharf serve".
func startServerOn(t testing.TB, data, addr string, extra ...string) *server {
	t.Helper()
	s := &server{t: t, data: data, log: &testutil.SyncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(wharfBin, append([]string{"serve", "--data", data, "--addr", addr}, extra...)...)
	s.cmd.Env = wharfEnv()
	s.cmd.Stderr = s.log
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting wharf serve: %v", err)
	}
	serving := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "wharf: serving on "); ok {
				select {
				case serving <- strings.TrimSuffix(rest, "/"):
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		s.exit = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.stop)
	select {
	case s.url = <-serving:
	case <-s.done:
		t.Fatalf("wharf serve exited before serving: %v\n%s", s.exit, s.log)
	case <-time.After(15 * time.Second):
		t.Fatalf("wharf serve did not report its address within 15s\n%s", s.log)
	}
	return s
}

// kill ends the server with SIGKILL, as a crash would, and waits for it.
func (s *server) kill(t testing.TB) {
	t.Helper()
	s.killed = true
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("killing wharf serve: %v", err)
	}
	<-s.done
}

// stop shuts the server down gracefully and checks that it exited 0 and
// logged no error while it ran.
func (s *server) stop() {
	s.t.Helper()
	if !s.killed {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
			if s.exit != nil {
				s.t.Errorf("wharf serve did not exit cleanly on SIGTERM: %v", s.exit)
			}
		case <-time.After(20 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
			s.t.Errorf("wharf serve did not stop within 20s of SIGTERM")
		}
	}
	for _, e := range s.entries() {
		if e.Level == "ERROR" {
			s.t.Errorf("the server logged an error: %s", e.raw)
		}
	}
	if !s.killed {
		s.fsck()
	}
	if s.t.Failed() {
		s.t.Logf("log of the server on %s:\n%s", s.data, tail(s.log.String(), 80))
	}
}

// fsck runs "wharf fsck" on the stopped server's data folder, which must
// be undamaged and, unless orphansOK, hold no unreferenced blob. It runs
// during cleanup, when the test's context is already cancelled.
func (s *server) fsck() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, wharfBin, "fsck", "--data", s.data).CombinedOutput()
	switch {
	case err != nil:
		s.t.Errorf("wharf fsck after the test: %v\n%s", err, out)
	case !bytes.Contains(out, []byte(" 0 problems")):
		s.t.Errorf("wharf fsck after the test reported problems:\n%s", out)
	case !s.orphansOK && !bytes.Contains(out, []byte(" 0 unreferenced blobs")):
		s.t.Errorf("wharf fsck after the test found unreferenced blobs:\n%s", out)
	}
}

func tail(s string, lines int) string {
	parts := strings.SplitAfter(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "")
}

// logEntry is one JSON line of the server's log; the fields are those of
// the access log ("msg":"request") and of upload outcomes.
type logEntry struct {
	Level     string `json:"level"`
	Msg       string `json:"msg"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	Bytes     int64  `json:"bytes"`
	UserAgent string `json:"user_agent"`
	Reason    string `json:"reason"`
	Filename  string `json:"filename"`
	raw       string
}

// entries parses the server's log so far; lines that are not JSON (there
// should be none) are returned with only raw set.
func (s *server) entries() []logEntry {
	var out []logEntry
	for line := range strings.SplitSeq(s.log.String(), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var e logEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			e = logEntry{}
		}
		e.raw = line
		out = append(out, e)
	}
	return out
}

// requests returns the access log entries whose user agent starts with
// agent ("" for all).
func (s *server) requests(agent string) []logEntry {
	var out []logEntry
	for _, e := range s.entries() {
		if e.Msg == "request" && strings.HasPrefix(e.UserAgent, agent) {
			out = append(out, e)
		}
	}
	return out
}

// settledRequests is requests once the server's log has been quiet for a
// moment: the log reaches the test through a pipe, a little after the
// client had its reply.
func (s *server) settledRequests(agent string) []logEntry {
	n, quiet := -1, 0
	for deadline := time.Now().Add(2 * time.Second); quiet < 2 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if l := len(s.log.String()); l != n {
			n, quiet = l, 0
		} else {
			quiet++
		}
	}
	return s.requests(agent)
}

// wharf runs a wharf command on the server's data folder while it serves.
func (s *server) wharf(t testing.TB, args ...string) result {
	t.Helper()
	return runWharf(t, s.data, args...)
}

// mustWharf is wharf that fails the test unless the command exits 0.
func (s *server) mustWharf(t testing.TB, args ...string) result {
	t.Helper()
	r := s.wharf(t, args...)
	if r.code != 0 {
		t.Fatalf("command failed: %s", r)
	}
	return r
}

// runWharf runs "wharf ARGS --data DATA".
func runWharf(t testing.TB, data string, args ...string) result {
	t.Helper()
	return run(t, "", wharfEnv(), wharfBin, append(args, "--data", data)...)
}

// token creates the user (if new) and returns a new API token of theirs,
// with extra arguments for "wharf token create" such as --project.
func (s *server) token(t testing.TB, user string, extra ...string) string {
	t.Helper()
	s.ensureUser(t, user)
	tok := strings.TrimSpace(s.mustWharf(t, append([]string{"token", "create", user}, extra...)...).stdout)
	if !strings.HasPrefix(tok, "wharf-") || strings.ContainsAny(tok, " \n") {
		t.Fatalf("wharf token create printed %q, want one token starting with wharf-", tok)
	}
	return tok
}

// ensureUser creates the user unless this helper did already.
func (s *server) ensureUser(t testing.TB, user string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[user] {
		return
	}
	// Uploads in these tests come from CI-style service accounts: the
	// default policy (require_2fa = "publishers") refuses a person's token
	// without a second factor, which TestUploadPolicy checks.
	s.mustWharf(t, "user", "create", user, "--service", "--email", user+"@example.org")
	if s.users == nil {
		s.users = map[string]bool{}
	}
	s.users[user] = true
}

// get fetches path from the server with the given Accept header ("" for
// none) and returns the response with its body read.
func (s *server) get(t testing.TB, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("User-Agent", "wharf-e2e")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp, body
}

// Simple API media types.
const (
	simpleJSON = "application/vnd.pypi.simple.v1+json"
	simpleHTML = "text/html"
)

// simpleFile is a file entry of a PEP 691 JSON project page.
type simpleFile struct {
	Filename     string            `json:"filename"`
	URL          string            `json:"url"`
	Hashes       map[string]string `json:"hashes"`
	Yanked       any               `json:"yanked"`
	CoreMetadata any               `json:"core-metadata"`
}

// simpleProject fetches a project's PEP 691 JSON page; it returns the HTTP
// status and, for 200, the files.
func (s *server) simpleProject(t testing.TB, project string) (int, []simpleFile) {
	t.Helper()
	resp, body := s.get(t, s.prefix+"/simple/"+project+"/", simpleJSON)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != simpleJSON {
		t.Fatalf("/simple/%s/ with Accept %s came as %q", project, simpleJSON, ct)
	}
	var page struct {
		Files []simpleFile `json:"files"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("/simple/%s/ is not JSON: %v\n%s", project, err, body)
	}
	return resp.StatusCode, page.Files
}

// pageSizes returns the byte sizes of a project's Simple page as HTML and
// as JSON, so that the access log's "bytes" tells which form a client got.
func (s *server) pageSizes(t testing.TB, project string) (html, json int64) {
	t.Helper()
	resp, h := s.get(t, "/simple/"+project+"/", simpleHTML)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/simple/%s/ as HTML: %s %q", project, resp.Status, resp.Header.Get("Content-Type"))
	}
	resp, j := s.get(t, "/simple/"+project+"/", simpleJSON)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != simpleJSON {
		t.Fatalf("/simple/%s/ as JSON: %s %q", project, resp.Status, resp.Header.Get("Content-Type"))
	}
	if len(h) == len(j) {
		t.Fatalf("/simple/%s/ has %d bytes as HTML and as JSON; the access log cannot tell them apart", project, len(h))
	}
	return int64(len(h)), int64(len(j))
}

// servedAs classifies a logged Simple page request by its size.
func servedAs(e logEntry, htmlSize, jsonSize int64) string {
	switch e.Bytes {
	case htmlSize:
		return "html"
	case jsonSize:
		return "json"
	}
	return "unknown"
}
