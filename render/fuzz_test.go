package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzRender renders arbitrary sources as each content type: Render must
// never panic (it would report an internal error), its output must pass
// the inertness check, and it must finish within its time bound.
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob("testdata/xss/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range strings.Split(string(data), "\n-- ") {
			f.Add(uint8(len(c)%4), c)
		}
	}
	golden, _ := filepath.Glob("testdata/golden/*")
	for i, file := range golden {
		if data, err := os.ReadFile(file); err == nil && !strings.HasSuffix(file, ".html") {
			f.Add(uint8(i%4), string(data))
		}
	}
	types := []string{"text/markdown", "text/markdown; variant=CommonMark", "text/x-rst", "text/plain"}
	f.Fuzz(func(t *testing.T, typ uint8, src string) {
		start := time.Now()
		res, err := Render(types[int(typ)%len(types)], src, Options{Timeout: time.Second})
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("took %v", d)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not *Error", err)
			}
			return
		}
		if msg := inert(res.HTML); msg != "" {
			t.Fatalf("output not inert: %s\n%s", msg, res.HTML)
		}
		if _, err := RewriteImages(res.HTML, func(s string) string { return s }); err != nil {
			t.Fatalf("RewriteImages: %v", err)
		}
	})
}
