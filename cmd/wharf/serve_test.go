package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
	"wharf/internal/testutil"
)

// TestServe runs "wharf serve" and checks its wiring: an upload shows on
// the Simple page at once (the app's change hook invalidates the cache),
// and a yank by another wharf command shows within the journal poll.
func TestServe(t *testing.T) {
	c := newCLI(t)
	c.must("user", "create", "alice", "--service", "--email", "alice@example.org")
	tok := strings.TrimSpace(c.must("token", "create", "alice"))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr testutil.SyncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", c.data}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no serving line: %v\n%s", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "wharf: serving on ")
	if !ok {
		t.Fatalf("serving line %q", line)
	}
	base = strings.TrimSuffix(base, "/")

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/_health"); code != 200 || body != "ok\n" {
		t.Fatalf("health: %d %q", code, body)
	}
	if code, _ := get("/simple/servepkg/"); code != 404 {
		t.Fatalf("unknown project: %d", code)
	}

	fn, content, _ := testWheel(t, "servepkg", "1.0")
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for k, v := range map[string]string{":action": "file_upload", "protocol_version": "1", "metadata_version": "2.1",
		"name": "servepkg", "version": "1.0", "filetype": "bdist_wheel", "pyversion": "py3", "sha256_digest": sha256hex(content)} {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("content", fn)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/legacy/", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.SetBasicAuth("__token__", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %s", resp.Status)
	}
	if code, body := get("/simple/servepkg/"); code != 200 || !strings.Contains(body, fn) {
		t.Fatalf("after upload: %d\n%s", code, body)
	}

	c.must("yank", "servepkg", "1.0", "--reason", "from the CLI")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, body := get("/simple/servepkg/"); strings.Contains(body, `data-yanked="from the CLI"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the served page never showed the yank made by another command")
		}
		time.Sleep(20 * time.Millisecond)
	}

	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("serve exited %d\n%s", code, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
}

func TestServeBadConfig(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad base URL", []string{"serve", "--addr", "127.0.0.1:0", "--base-url", "ftp://x"}, 1, "base_url"},
		{"address without port", []string{"serve", "--addr", "localhost"}, 1, "wharf: addr"},
		{"positional", []string{"serve", "now"}, 2, "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := c.run(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	// A configuration refused is refused before anything is created.
	if _, err := os.Stat(c.data); !os.IsNotExist(err) {
		t.Errorf("the data folder exists after bad configurations: %v", err)
	}
}
