package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenType returns the content type a golden source is rendered as, from
// its extension: .md is GFM, .cm.md CommonMark, .rst reStructuredText,
// .txt plain text.
func goldenType(name string) string {
	switch {
	case strings.HasSuffix(name, ".cm.md"):
		return "text/markdown; charset=UTF-8; variant=CommonMark"
	case strings.HasSuffix(name, ".md"):
		return "text/markdown; variant=GFM"
	case strings.HasSuffix(name, ".rst"):
		return "text/x-rst"
	}
	return "text/plain"
}

// TestGolden renders each document in testdata/golden and compares the
// HTML with the .html file beside it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".html") {
			continue
		}
		n++
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Render(goldenType(file), string(src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if msg := inert(res.HTML); msg != "" {
				t.Errorf("output not inert: %s", msg)
			}
			checkGolden(t, file+".html", res.HTML)
		})
	}
	if n == 0 {
		t.Fatal("no golden documents")
	}
}
