package rst_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wharf/render/rst"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden renders every testdata/*.rst and compares the result with the
// .html file beside it (run go test -update to rewrite them after a change
// that is right).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.rst")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range files {
		name := strings.TrimSuffix(filepath.Base(in), ".rst")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rst.ToHTML(string(src), rst.Options{})
			if err != nil {
				t.Fatalf("ToHTML: %v", err)
			}
			checkWellFormed(t, got)
			path := strings.TrimSuffix(in, ".rst") + ".html"
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs (run go test -update if the change is right)\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
