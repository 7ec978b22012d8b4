package render

import (
	"path/filepath"
	"strings"
	"testing"
)

// corpusType returns the content type a corpus file is rendered as, from
// the start of its name.
func corpusType(file string) string {
	switch base := filepath.Base(file); {
	case strings.HasPrefix(base, "markdown-"):
		return "text/markdown"
	case strings.HasPrefix(base, "rst"):
		return "text/x-rst"
	default:
		return "text/plain"
	}
}

// TestXSSCorpus renders every case of testdata/xss, checks that the output
// is inert, and compares it with the golden file next to the corpus.
func TestXSSCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/xss/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var golden strings.Builder
			for _, c := range readCorpus(t, file) {
				res, err := Render(corpusType(file), c.src, Options{})
				golden.WriteString("-- " + c.name + " --\n")
				if err != nil {
					golden.WriteString("ERROR: " + err.Error() + "\n")
					continue
				}
				golden.WriteString(res.HTML)
				if !strings.HasSuffix(res.HTML, "\n") {
					golden.WriteString("\n")
				}
				if msg := inert(res.HTML); msg != "" {
					t.Errorf("%s: output not inert: %s\n%s", c.name, msg, res.HTML)
				}
				if strings.Contains(strings.ToLower(res.HTML), "javascript:") && strings.Contains(res.HTML, "href=\"javascript") {
					t.Errorf("%s: javascript URL survived", c.name)
				}
			}
			checkGolden(t, strings.TrimSuffix(file, ".txt")+".golden", golden.String())
		})
	}
}
