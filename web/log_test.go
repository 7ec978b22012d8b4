package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"wharf/tlog"
)

func TestLogEndpoints(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	d := distSpec{Name: "demo", Version: "1.0"}.build(t)
	ix.upload(t, d)

	resp, body := ix.get(t, "/log/checkpoint")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("checkpoint: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	v, _ := note.NewVerifier(ix.tlog.VerifierKey())
	n, err := note.Open(body, note.VerifierList(v))
	if err != nil {
		t.Fatalf("checkpoint does not verify with the note package: %v\n%s", err, body)
	}
	if c, err := tlog.ParseCheckpoint(n.Text); err != nil || c.Size != 1 {
		t.Errorf("checkpoint = %+v, %v; want size 1", c, err)
	}

	resp, body = ix.get(t, "/log/lookup/"+d.Filename)
	var l logLookupReply
	if resp.StatusCode != 200 || json.Unmarshal(body, &l) != nil || l.Index != 0 || !strings.Contains(l.Record, "sha256 "+d.sha256()) {
		t.Errorf("lookup: %d %s", resp.StatusCode, body)
	}

	tests := []struct {
		path   string
		status int
		cache  string
	}{
		{"/log/tile/8/0/000.p/1", 200, "public, max-age=60"},
		{"/log/tile/8/data/000.p/1", 200, "public, max-age=60"},
		{"/log/tile/8/0/000", 404, ""},
		{"/log/tile/8/0/000.p/2", 404, ""},
		{"/log/tile/nonsense", 404, ""},
		{"/log/lookup/other-1.0.tar.gz", 404, ""},
	}
	for _, tt := range tests {
		resp, _ := ix.get(t, tt.path)
		if resp.StatusCode != tt.status || (tt.cache != "" && resp.Header.Get("Cache-Control") != tt.cache) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, resp.StatusCode, resp.Header.Get("Cache-Control"), tt.status, tt.cache)
		}
	}
}

func TestLogCosignRefusals(t *testing.T) {
	ix := newTestIndex(t, indexConfig{})
	ix.upload(t, distSpec{Name: "demo", Version: "1.0"}.build(t))
	ix.get(t, "/log/checkpoint")
	stranger, _, _ := tlog.GenerateKey("stranger")
	s, _ := note.NewSigner(stranger)
	msg, _ := note.Sign(&note.Note{Text: "e\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"}, s)
	tests := []struct {
		name   string
		body   string
		status int
	}{
		{"unknown witness", string(msg), http.StatusForbidden},
		{"not a note", "hello", http.StatusForbidden},
		{"too large", strings.Repeat("x", maxCosignatureBody+1), http.StatusBadRequest},
	}
	for _, tt := range tests {
		resp, err := ix.client().Post(ix.ts.URL+"/log/cosign", "text/plain", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
	}
}
