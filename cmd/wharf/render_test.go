package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderCommand(t *testing.T) {
	dir := t.TempDir()
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, []byte("# Title\n\n[x](javascript:y) <script>alert(1)</script>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		args       []string
		stdin      string
		code       int
		out, inErr string
	}{
		{"markdown file", []string{"render", "--type", "text/markdown", readme}, "", 0,
			"<h1 id=\"user-content-title\">Title</h1>\n<p>x </p>\n", ""},
		{"stdin plain", []string{"render", "--type", "text/plain", "-"}, "a <b>", 0, "<pre>a &lt;b&gt;</pre>", ""},
		{"default rst from stdin", []string{"render", "-"}, "*x*\n", 0, "<p><em>x</em></p>\n", ""},
		{"broken rst", []string{"render", "-"}, ".. raw:: html\n\n   <b>x</b>\n", 1, "",
			"The description failed to render in the default format of reStructuredText: line 1:"},
		{"too large", []string{"render", "--type", "text/plain", "-"}, strings.Repeat("a", 1<<20+1), 1, "", "larger than"},
		{"missing file", []string{"render", filepath.Join(dir, "nope")}, "", 1, "", "no such file"},
		{"no file", []string{"render"}, "", 2, "", "usage:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errb)
			if code != tc.code || out.String() != tc.out || !strings.Contains(errb.String(), tc.inErr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, stderr containing %q",
					code, out.String(), errb.String(), tc.code, tc.out, tc.inErr)
			}
		})
	}
}
